/**
 * `sentinel plugins list | test` as use cases: the configured plugins, and one call to a plugin
 * through the real sandbox with a sample event of its kind (or a given one), so a person can see
 * whether it works before an issuance depends on it.
 *
 * @module
 */
import { PLUGIN_METHODS } from "../../plugins/api/v1.ts";
import { SentinelError } from "../core/errors.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import { displaySafe } from "../core/text/display.ts";
import type { Deps } from "../ports/deps.ts";

/** The configured plugins, in the order of the config file. */
export async function listPlugins(deps: Pick<Deps, "config">): Promise<PluginEntry[]> {
  return [...(await deps.config.load()).sentinel.plugins];
}

/** The outcome of one test call. */
export type PluginTestOutcome =
  | { ok: true; result: unknown; ms: number }
  | { ok: false; error: string; ms: number };

/**
 * Sends the plugin `name` a sample payload of its kind, or the JSON of `eventFile` (`-`: standard
 * input), and returns how it answered. An unknown plugin is invalid configuration (exit 3).
 */
export async function testPlugin(
  deps: Deps,
  name: string,
  eventFile?: string,
): Promise<PluginTestOutcome> {
  const entry = (await listPlugins(deps)).find((e) => e.name === name);
  if (entry === undefined) {
    throw new SentinelError(
      "invalid_config",
      `no plugin named ${displaySafe(name)} is configured; see \`sentinel plugins list\``,
    );
  }
  const payload = eventFile === undefined
    ? samplePayload(entry, deps.clock.now(), deps.ids.newId())
    : await eventFrom(deps, eventFile);
  return await (await deps.plugins()).call(entry, PLUGIN_METHODS[entry.kind], payload);
}

async function eventFrom(deps: Pick<Deps, "files">, file: string): Promise<unknown> {
  const text = await deps.files.readText(file, "event file");
  try {
    return JSON.parse(text);
  } catch {
    throw new SentinelError("usage", `--event ${file} is not JSON`);
  }
}

/** A sample payload for a plugin of each kind. */
export function samplePayload(entry: PluginEntry, now: number, id: string): unknown {
  const time = new Date(now).toISOString();
  switch (entry.kind) {
    case "notifier":
      return {
        version: 1,
        type: "test",
        id,
        time,
        data: { message: "Sentinel plugin test", plugin: entry.name },
      };
    case "log_sink":
      // Unmistakably not a decision: no effect, no outcome, its own type.
      return [{
        type: "plugin_test",
        time,
        plugin: entry.name,
        message: "Sentinel plugin test: not a decision, nothing was issued",
        test_id: id,
      }];
    case "approval_router":
      return {
        id,
        requester: "sentinel-test",
        profile: "prod",
        duration_seconds: 3600,
        justification: "plugin test",
      };
  }
}

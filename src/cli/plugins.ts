/**
 * `sentinel plugins list | test`: what plugins are configured, with what grants, and whether one
 * works — by sending it a sample (or given) event through the real sandbox.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { PLUGIN_METHODS } from "../../plugins/api/v1.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import { human } from "./render.ts";
import { type CommandContext, writeJson } from "./context.ts";

function source(entry: PluginEntry): string {
  return entry.origin.type === "bundled" ? `bundled:${entry.origin.plugin}` : entry.origin.path;
}

function permissions(entry: PluginEntry): string {
  const parts = [
    ...entry.net.map((host) => `net:${host}`),
    ...entry.write.map((path) => `write:${path}`),
    ...(entry.aws
      ? [
        `aws:${entry.aws.service}@${
          entry.aws.region ?? `(the region of profile ${entry.aws.profile})`
        }${entry.aws.profile === undefined ? "" : ` as profile ${entry.aws.profile}`}`,
      ]
      : []),
  ];
  return parts.length > 0 ? parts.join(" ") : "none";
}

/** A sample payload for a plugin of each kind. */
function samplePayload(entry: PluginEntry, now: number, id: string): unknown {
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

/** Builds `plugins` with `list` and `test`. */
export function pluginsCommand(ctx: CommandContext) {
  const load = async () => (await ctx.deps.config.load()).sentinel.plugins;
  const plugins = new Command("plugins").description("List and test configured plugins")
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 3 invalid plugin configuration, 7 a tested plugin failed.

Examples:
  $ sentinel plugins list
  $ sentinel plugins test security-webhook`,
    );
  plugins.addCommand(
    new Command("list")
      .description("Show configured plugins: kind, version, grants, source and pinned hash")
      .addHelpText(
        "after",
        `
Plugins are configured under plugins: in the Sentinel config file ($SENTINEL_CONFIG or
~/.config/sentinel/config.yaml). See docs/plugins.md.

Exit codes: 0 ok, 3 invalid plugin configuration.

Examples:
  $ sentinel plugins list
  $ sentinel plugins list --output json`,
      )
      .action(ctx.action(async () => {
        const entries = await load();
        if (ctx.output() === "json") {
          writeJson(ctx.io.stdout, {
            plugins: entries.map((e) => ({
              name: e.name,
              kind: e.kind,
              version: e.version,
              source: source(e),
              sha256: e.origin.type === "module" ? e.origin.sha256 : null,
              required: e.required,
              timeout_seconds: e.timeoutMs / 1000,
              permissions: { net: e.net, write: e.write, aws: e.aws ?? null },
            })),
          });
          return;
        }
        if (entries.length === 0) {
          ctx.say("no plugins configured (add plugins: to the Sentinel config file)\n");
          return;
        }
        for (const e of entries) {
          ctx.say(
            human`${e.name}  ${e.kind} ${e.version}${e.required ? " (required)" : ""}\n` +
              human`  source:      ${source(e)}\n` +
              human`  sha256:      ${
                e.origin.type === "module" ? e.origin.sha256 : "(bundled)"
              }\n` +
              human`  permissions: ${permissions(e)}\n` +
              human`  timeout:     ${e.timeoutMs / 1000}s\n`,
          );
        }
      })),
  );
  plugins.addCommand(
    new Command("test")
      .description("Send a plugin a sample event (or one from a file) and show the result")
      .argument("<name>", "the plugin's name in the config")
      .option("--event <file>", "JSON payload to send instead of the sample (- for stdin)")
      .addHelpText(
        "after",
        `
A log sink gets one record of type "plugin_test" (no effect, no outcome), so a test never reads
as an issuance in the log it writes to.

Exit codes: 0 the plugin answered, 7 it failed (error, timeout, crash), 3 bad config.

Examples:
  $ sentinel plugins test security-webhook
  $ sentinel plugins test audit-file --event record.json`,
      )
      .action(ctx.action(async (name, options) => {
        const entry = (await load()).find((e) => e.name === name);
        if (entry === undefined) {
          throw new SentinelError(
            "invalid_config",
            human`no plugin named ${name} is configured; see \`sentinel plugins list\``,
          );
        }
        let payload = samplePayload(entry, ctx.deps.clock.now(), ctx.deps.ids.newId());
        if (options.event !== undefined) {
          const text = await ctx.deps.files.readText(options.event, "event file");
          try {
            payload = JSON.parse(text);
          } catch {
            throw new SentinelError("usage", `--event ${options.event} is not JSON`);
          }
        }
        const outcome = await (await ctx.deps.plugins()).call(
          entry,
          PLUGIN_METHODS[entry.kind],
          payload,
        );
        if (ctx.output() === "json") {
          writeJson(ctx.io.stdout, {
            plugin: name,
            ok: outcome.ok,
            ...(outcome.ok ? { result: outcome.result } : { error: outcome.error }),
            ms: Math.round(outcome.ms),
          });
        } else if (outcome.ok) {
          ctx.say(
            human`${name}: ok in ${Math.round(outcome.ms)} ms: ${JSON.stringify(outcome.result)}\n`,
          );
        }
        if (!outcome.ok) {
          if (ctx.output() === "text") {
            ctx.sayErr(human`sentinel: plugin ${name} failed: ${outcome.error}\n`);
          }
          return ExitCode.PluginFailure;
        }
      })),
  );
  return plugins;
}

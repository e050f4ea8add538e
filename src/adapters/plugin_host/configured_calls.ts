/**
 * Turns a configured plugin into something the supervisor can run: its code (bundled, or an
 * external file whose SHA-256 must match the pin), its grants, and the context its calls carry
 * (`*_env` settings resolved, AWS credentials when granted, see aws_access.ts). What the host needs
 * from the rest of Sentinel — the environment, the configuration, the base-credential sources —
 * comes in as ports from the composition root ({@link PluginHostNeeds}); the host imports no other
 * adapter. No npm imports; aws_access.ts is loaded only for a plugin with `aws:`.
 *
 * @module
 */
import type { PluginContext } from "../../../plugins/api/v1.ts";
import { bundledPlugin } from "../../core/bundled_plugins.ts";
import { SentinelError } from "../../core/errors.ts";
import { envReference, type PluginEntry } from "../../core/plugin_entry.ts";
import { sha256Hex } from "../../core/text/hash.ts";
import type { Deps } from "../../ports/deps.ts";
import type { PluginCaller, PluginCallOutcome } from "../../ports/plugins.ts";
import { bundledSource } from "./registry.ts";
import { callPlugin, type PluginSpec } from "./supervisor.ts";

/**
 * The ports the host uses: the environment (`*_env` settings, AWS keys and endpoints, the default
 * region) and, for a plugin whose `aws.profile` names a profile, the configuration and the
 * base-credential sources Sentinel gets its own credentials from.
 */
export type PluginHostNeeds = Pick<Deps, "env" | "config" | "baseCredentials">;

/** What a call to the plugin carries. */
export interface ResolvedPlugin {
  spec: PluginSpec;
  context: PluginContext;
}

/** An error that names the plugin. */
export function pluginError(entry: PluginEntry, message: string): SentinelError {
  return new SentinelError("plugin_failure", `plugin ${entry.name}: ${message}`);
}

/** The plugin's code, checked against its pin when it is external. */
export async function pluginSource(
  entry: PluginEntry,
): Promise<{ source: string; typescript: boolean }> {
  if (entry.origin.type === "bundled") {
    const bundled = bundledPlugin(entry.origin.plugin);
    if (!bundled) throw pluginError(entry, `no bundled plugin "${entry.origin.plugin}"`);
    return { source: await bundledSource(bundled.file), typescript: true };
  }
  const { path, sha256 } = entry.origin;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw pluginError(entry, `cannot read ${path}: ${(error as Error).message}`);
  }
  const actual = await sha256Hex(bytes);
  if (actual !== sha256) {
    throw pluginError(
      entry,
      `${path} has sha256 ${actual}, but the config pins ${sha256}; refusing to load it (update the pin only after reviewing the new file)`,
    );
  }
  return { source: new TextDecoder().decode(bytes), typescript: path.endsWith(".ts") };
}

/** Settings with every `<name>_env: VAR` replaced by `<name>: <value of VAR>`. */
export function resolveSettings(
  entry: PluginEntry,
  env: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry.settings)) {
    const name = envReference(key, value);
    if (name !== undefined) {
      const resolved = env[name];
      if (resolved === undefined) {
        throw pluginError(entry, `settings.${key} names ${name}, which is not set`);
      }
      settings[key.slice(0, -4)] = resolved;
    } else settings[key] = value;
  }
  return settings;
}

/** The AWS access a plugin with `aws:` gets; the module is loaded only for such a plugin. */
async function awsAccessOf(entry: PluginEntry, needs: PluginHostNeeds) {
  // Computed: the warm path's log sinks never load the AWS access (nor what it imports).
  const module = "./aws_access.ts";
  const { awsAccess } = await import(module) as typeof import("./aws_access.ts");
  return await awsAccess(entry, needs);
}

/** Everything needed to call the plugin. */
export async function resolvePlugin(
  entry: PluginEntry,
  needs: PluginHostNeeds,
): Promise<ResolvedPlugin> {
  const { source, typescript } = await pluginSource(entry);
  const settings = resolveSettings(entry, needs.env.vars);
  const aws = entry.aws ? await awsAccessOf(entry, needs) : undefined;
  return {
    spec: {
      name: entry.name,
      kind: entry.kind,
      version: entry.version,
      source,
      typescript,
      net: aws ? [...entry.net, aws.host] : entry.net,
      write: entry.write,
      timeoutMs: entry.timeoutMs,
      required: entry.required,
    },
    context: { settings, ...(aws ? { aws: aws.access } : {}) },
  };
}

/**
 * Calls configured plugins: each call resolves the plugin and makes one call; any failure (bad
 * config, unreadable or tampered code, missing secret, or the call itself) comes back as
 * `{ ok: false }`, never as an exception.
 */
export function configuredCaller(needs: PluginHostNeeds): PluginCaller {
  return {
    async call(entry, method, payload): Promise<PluginCallOutcome> {
      const started = performance.now();
      try {
        const { spec, context } = await resolvePlugin(entry, needs);
        const [outcome] = await callPlugin(spec, [{ method, payload, context }]);
        return outcome;
      } catch (error) {
        return { ok: false, error: (error as Error).message, ms: performance.now() - started };
      }
    },
  };
}

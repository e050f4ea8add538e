/**
 * The Sentinel config file's schema: its text parsed and validated with line-numbered errors. Its
 * keys are the settings of ../settings.ts plus `plugins:` (./plugin_config.ts). Pure: the adapter
 * (src/adapters/sentinel_config.ts) reads the file and imports this only when the file has
 * content, since it brings `yaml` and `zod`.
 *
 * ```yaml
 * policy: ssm:/sentinel/policy
 * source: aws-vault
 * timeout: 20s
 * plugins:
 *   - { name: audit-copy, plugin: file_sink, allow_write: [/var/log/sentinel] }
 * ```
 * @module
 */
import { z } from "zod";
import { SentinelError } from "../errors.ts";
import type { PluginEntry } from "../plugin_entry.ts";
import { SETTINGS } from "../settings.ts";
import { formatIssue, parseYaml, pathShape } from "../text/yaml_source.ts";
import { pluginConfigSchema, pluginEntry } from "./plugin_config.ts";

/** The Sentinel config file, validated. */
export interface SentinelConfig {
  path: string;
  /** Setting values as text, by config-file key. */
  values: Record<string, string>;
  plugins: PluginEntry[];
}

const SETTING_KEYS = Object.values(SETTINGS).map((setting) => setting.key);
const PLUGIN_KEYS =
  "name, plugin, module, sha256, kind, version, required, timeout, allow_net, allow_write, aws, events, settings";

const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: "must be a text or a number",
});

const configFileSchema = z.strictObject(
  {
    ...Object.fromEntries(SETTING_KEYS.map((key) => [key, scalar.optional()])),
    plugins: z.array(pluginConfigSchema).optional(),
  },
  { error: "the Sentinel config file must be a mapping of settings" },
);

/** Parses and validates the config file's text (`path` names it in messages). */
export function parseSentinelConfig(text: string, path: string): SentinelConfig {
  const result = parseYaml(text, configFileSchema, {
    what: "config file",
    allowedKeys: (p) =>
      pathShape(p) === ""
        ? [...SETTING_KEYS, "plugins"].join(", ")
        : pathShape(p) === "plugins.*"
        ? PLUGIN_KEYS
        : undefined,
  });
  if (!result.ok) {
    throw new SentinelError("invalid_config", `invalid Sentinel config ${path}`, {
      details: result.issues.map((issue) => formatIssue(issue, path)),
    });
  }
  const parsed = result.value as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const key of SETTING_KEYS) {
    if (parsed[key] !== undefined) values[key] = String(parsed[key]);
  }
  const plugins = ((parsed.plugins ?? []) as z.output<typeof pluginConfigSchema>[]).map(
    pluginEntry,
  );
  const names = new Set<string>();
  for (const plugin of plugins) {
    if (names.has(plugin.name)) {
      throw new SentinelError(
        "invalid_config",
        `${path}: two plugins are named ${plugin.name}`,
      );
    }
    names.add(plugin.name);
  }
  return { path, values, plugins };
}

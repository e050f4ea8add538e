/**
 * A configured plugin, normalised from the Sentinel config file: plain JSON, so the warm path can
 * keep it in the credential cache. Secrets are not in it: `*_env` settings are resolved from the
 * environment only when the plugin is called. No npm imports.
 *
 * @module
 */
import type { PluginKind } from "../../plugins/api/v1.ts";
import type { CredentialSource } from "./settings.ts";

/** Where a plugin's code comes from. */
export type PluginOrigin =
  | { type: "bundled"; plugin: string }
  | { type: "module"; path: string; sha256: string };

/** One configured plugin. */
export interface PluginEntry {
  name: string;
  origin: PluginOrigin;
  kind: PluginKind;
  version: string;
  required: boolean;
  timeoutMs: number;
  net: string[];
  write: string[];
  /**
   * AWS access for the plugin: credentials of `profile` through `source` (as Sentinel gets base
   * credentials; default auto), or the environment's keys; `region` defaults to the profile's.
   */
  aws?: { region?: string; service: string; profile?: string; source?: CredentialSource };
  /** For a notifier: the events it takes (absent: every event). Break-glass goes to all. */
  events?: string[];
  settings: Record<string, unknown>;
}

/**
 * The variable a setting reads its value from: `<name>_env: VAR` names `VAR`. The host resolves
 * these when calling the plugin (see src/adapters/plugin_host/configured_calls.ts), and they hold secrets such as signing keys.
 */
export function envReference(key: string, value: unknown): string | undefined {
  return key.endsWith("_env") && typeof value === "string" ? value : undefined;
}

/**
 * Every environment variable the plugins' `*_env` settings name, so that `sentinel exec` can
 * keep them (the plugins' secrets) from its child.
 */
export function pluginSecretEnvNames(plugins: readonly PluginEntry[]): string[] {
  const names = new Set<string>();
  for (const plugin of plugins) {
    for (const [key, value] of Object.entries(plugin.settings)) {
      const name = envReference(key, value);
      if (name !== undefined) names.add(name);
    }
  }
  return [...names];
}

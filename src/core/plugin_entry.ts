/**
 * A configured plugin, normalised from the Sentinel config file: plain JSON, so the warm path can
 * keep it in the credential cache. Secrets are not in it: `*_env` settings are resolved from the
 * environment only when the plugin is called. No npm imports.
 *
 * @module
 */

/** Where a plugin's code comes from. */
export type PluginOrigin =
  | { type: "bundled"; plugin: string }
  | { type: "module"; path: string; sha256: string };

/** One configured plugin. */
export interface PluginEntry {
  name: string;
  origin: PluginOrigin;
  kind: "notifier" | "approval_router" | "log_sink";
  version: string;
  required: boolean;
  timeoutMs: number;
  net: string[];
  write: string[];
  aws?: { region: string; service: string; profile?: string };
  settings: Record<string, unknown>;
}

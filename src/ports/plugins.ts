/**
 * Plugins as use cases see them: one call to a configured plugin, whose failure (bad config,
 * tampered code, a crash, a hang, garbage) comes back as a value, never as an exception. The
 * failure semantics (required or best effort, "no route") live in the app.
 *
 * @module
 */
import type { PluginMethod } from "../../plugins/api/v1.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";

/** What one call produced. */
export type PluginCallOutcome =
  | { ok: true; result: unknown; ms: number }
  | { ok: false; error: string; ms: number };

export type { PluginMethod };

/** Calls configured plugins in their sandbox. */
export interface PluginCaller {
  call(entry: PluginEntry, method: PluginMethod, payload: unknown): Promise<PluginCallOutcome>;
}

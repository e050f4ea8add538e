/**
 * Plugins without a sandbox (the PluginCaller port): every call is recorded; a notifier delivers,
 * a router names the approvers it was given, a log sink writes — unless told to fail, when the
 * call fails as a crashed, hung or refusing plugin does (an error value, never an exception).
 * With entries for the Sentinel config, so tests configure plugins without a plugin module.
 *
 * @module
 */
import type { PluginEntry } from "../../src/core/plugin_entry.ts";
import type { PluginCaller, PluginCallOutcome, PluginMethod } from "../../src/ports/plugins.ts";

/** One recorded call. */
export interface PluginCall {
  name: string;
  method: PluginMethod;
  payload: unknown;
}

export class FakePlugins implements PluginCaller {
  readonly calls: PluginCall[] = [];
  readonly #failing = new Map<string, string>();
  readonly #routes = new Map<string, string[]>();

  /** Calls of `name` fail with `error` until {@link heal}. */
  fail(name: string, error = "the plugin reported: HTTP 503"): void {
    this.#failing.set(name, error);
  }

  heal(name: string): void {
    this.#failing.delete(name);
  }

  /** The router `name` answers with `approvers`. */
  route(name: string, approvers: string[]): void {
    this.#routes.set(name, approvers);
  }

  /** The events notified (delivered or not), as `[plugin, type, data]`. */
  notifications(): { plugin: string; type: string; data: Record<string, unknown> }[] {
    return this.calls.filter((c) => c.method === "notify").map((c) => {
      const event = c.payload as { type: string; data: Record<string, unknown> };
      return { plugin: c.name, type: event.type, data: event.data };
    });
  }

  /** The event types `plugin` was sent, in order. */
  typesSentTo(plugin: string): string[] {
    return this.notifications().filter((n) => n.plugin === plugin).map((n) => n.type);
  }

  call(entry: PluginEntry, method: PluginMethod, payload: unknown): Promise<PluginCallOutcome> {
    this.calls.push({ name: entry.name, method, payload: structuredClone(payload) });
    const error = this.#failing.get(entry.name);
    if (error !== undefined) return Promise.resolve({ ok: false, error, ms: 1 });
    const result = method === "notify"
      ? { delivered: true }
      : method === "route"
      ? { approvers: this.#routes.get(entry.name) ?? [] }
      : { written: true };
    return Promise.resolve({ ok: true, result, ms: 1 });
  }
}

/** A configured plugin entry, as the Sentinel config file would give it. */
export function pluginEntry(
  name: string,
  kind: PluginEntry["kind"],
  options: { required?: boolean; events?: string[]; timeoutMs?: number } = {},
): PluginEntry {
  return {
    name,
    origin: { type: "bundled", plugin: "webhook" },
    kind,
    version: "1.0.0",
    required: options.required ?? false,
    timeoutMs: options.timeoutMs ?? 5_000,
    net: [],
    write: [],
    settings: {},
    ...(options.events === undefined ? {} : { events: options.events }),
  };
}

/**
 * Helpers for the hostile plugin suite: a one-handler plugin from a snippet, a call through the
 * real supervisor in a chosen runner mode, and a per-mode tally of hostile attempts and of those
 * seen contained, so the suite can report (and assert) attempts == contained for each mode.
 *
 * @module
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import {
  type CallOutcome,
  callPlugin,
  type PluginSpec,
  type RunnerMode,
} from "../../src/adapters/plugin_host/supervisor.ts";

/** The modes every hostile test runs in: `deno run`, and the compiled binary's emulation. */
export const MODES: RunnerMode[] = ["deno", "emulated-binary"];

/** A notifier whose `notify` body is `body`. */
export function spec(body: string, grants: Partial<PluginSpec> = {}): PluginSpec {
  return {
    name: "hostile",
    kind: "notifier",
    version: "0.0.1",
    source: `export default { async notify(event, ctx) { ${body} } };`,
    typescript: true,
    net: [],
    write: [],
    timeoutMs: 2_000,
    required: false,
    ...grants,
  };
}

/** A sample event as `notify` receives it, with `data`. */
export function event(data: Record<string, unknown> = {}) {
  return { version: 1, type: "test", id: "t", time: "2026-01-01T00:00:00Z", data };
}

/** The hostile attempts made and the ones seen contained, per mode. */
export const tally: Record<string, { attempts: number; contained: number }> = {};

function count(mode: RunnerMode, key: "attempts" | "contained", n = 1) {
  tally[mode] ??= { attempts: 0, contained: 0 };
  tally[mode][key] += n;
}

/** Counts `n` hostile attempts made without {@link attack} (several calls in one run, say). */
export function attempted(mode: RunnerMode, n = 1): void {
  count(mode, "attempts", n);
}

/** Calls the plugin in `mode` (not counted: for calls that are meant to work). */
export async function call(
  mode: RunnerMode,
  body: string,
  grants: Partial<PluginSpec> = {},
): Promise<CallOutcome> {
  const [outcome] = await callPlugin(spec(body, grants), [{
    method: "notify",
    payload: event(),
    context: { settings: {} },
  }], { mode });
  return outcome;
}

/** A hostile call: counted as an attempt, to be matched by {@link contained}. */
export function attack(
  mode: RunnerMode,
  body: string,
  grants: Partial<PluginSpec> = {},
): Promise<CallOutcome> {
  count(mode, "attempts");
  return call(mode, body, grants);
}

/** Counts one attempt as contained; call it only after asserting that it was. */
export function contained(mode: RunnerMode): void {
  count(mode, "contained");
}

/** The call failed with an error containing `fragment`; counts it contained. */
export function assertBlocked(
  mode: RunnerMode,
  outcome: CallOutcome,
  fragment: string | RegExp,
): void {
  assertEquals(outcome.ok, false, JSON.stringify(outcome));
  const error = (outcome as { error: string }).error;
  if (typeof fragment === "string") assertIncludes(error, fragment);
  else if (!fragment.test(error)) throw new Error(`${JSON.stringify(error)} !~ ${fragment}`);
  contained(mode);
}

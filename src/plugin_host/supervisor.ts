/**
 * Calls plugins: each plugin runs in its own runner process (see runner.ts) holding one
 * permission-narrowed Worker. The supervisor hands the process only the plugin's code, settings
 * and grants (never Sentinel's environment), bounds the whole run by a deadline, and turns a
 * crash, a hang or garbage into a failed call — Sentinel itself keeps running. No npm imports.
 *
 * @module
 */
import type { CallOutcome, RunnerJob } from "./runner.ts";
import { moduleDataUrl } from "./bootstrap.ts";
import { defaultRunnerMode, runnerCommand, type RunnerMode } from "./runner_launch.ts";

export type { CallOutcome } from "./runner.ts";
export type { RunnerMode } from "./runner_launch.ts";

/** A plugin ready to run: code and grants resolved from the config. */
export interface PluginSpec {
  name: string;
  kind: "notifier" | "approval_router" | "log_sink";
  version: string;
  /** Source code of the module. */
  source: string;
  typescript: boolean;
  /** `host` or `host:port` entries the plugin may reach. */
  net: string[];
  /** Files or directories the plugin may write. */
  write: string[];
  timeoutMs: number;
  /** A failure of a required plugin stops issuance; others are best effort. */
  required: boolean;
}

/** One call to make. */
export interface PluginCall {
  method: "notify" | "route" | "write";
  payload: unknown;
  context: unknown;
}

/** How to run the plugin; tests choose the runner mode, Sentinel leaves it to the default. */
export interface CallOptions {
  mode?: RunnerMode;
}

/** V8 heap for a runner process: small enough that a flood ends it in well under a second. */
const RUNNER_HEAP_MB = 128;
/** Time a runner process may take to start, on top of the calls' own timeouts. */
const STARTUP_MARGIN_MS = 15_000;

/** The environment a runner gets: only what Deno needs to find its cache, and the heap limit. */
function runnerEnv(): Record<string, string> {
  const env: Record<string, string> = { DENO_V8_FLAGS: `--max-old-space-size=${RUNNER_HEAP_MB}` };
  for (const key of ["HOME", "DENO_DIR", "XDG_CACHE_HOME", "PATH"]) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** Makes the calls in order; always resolves, with one outcome per call. */
export async function callPlugin(
  spec: PluginSpec,
  calls: PluginCall[],
  options: CallOptions = {},
): Promise<CallOutcome[]> {
  if (calls.length === 0) return [];
  const job: RunnerJob = {
    plugin: {
      name: spec.name,
      url: moduleDataUrl(spec.source, spec.typescript),
      net: spec.net,
      write: spec.write,
    },
    timeoutMs: spec.timeoutMs,
    calls,
  };
  const started = performance.now();
  const failAll = (error: string): CallOutcome[] =>
    calls.map(() => ({ ok: false, error, ms: performance.now() - started }));
  const [command, ...args] = runnerCommand(spec, options.mode ?? defaultRunnerMode());
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args,
      clearEnv: true,
      env: runnerEnv(),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    return failAll(`cannot start the plugin process: ${(error as Error).message}`);
  }
  const deadline = spec.timeoutMs * calls.length + STARTUP_MARGIN_MS;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, deadline);
  try {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(job))).catch(() => {});
    await writer.close().catch(() => {});
    const { code, stdout, stderr } = await child.output();
    if (timedOut) return failAll(`the plugin did not finish within ${deadline} ms and was stopped`);
    const text = new TextDecoder().decode(stdout);
    if (code !== 0 || text === "") {
      const why = new TextDecoder().decode(stderr);
      const memory = /out of memory|heap limit/i.test(why) ? " (out of memory)" : "";
      return failAll(`the plugin process ended abnormally${memory}, exit ${code}`);
    }
    const outcomes = JSON.parse(text) as CallOutcome[];
    return outcomes.length === calls.length
      ? outcomes
      : failAll("the plugin process answered garbage");
  } catch (error) {
    return failAll(`the plugin process failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

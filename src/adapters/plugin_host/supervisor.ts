/**
 * Calls plugins: each plugin runs in its own runner process (see runner.ts) holding one
 * permission-narrowed Worker. The supervisor hands the process only the plugin's code, settings
 * and grants (never Sentinel's environment), starts it in a throwaway directory under a memory
 * bound (runner_launch.ts), bounds the whole run by a deadline, keeps only a bounded part of what
 * the process prints, and turns a crash, a hang, an oversized reply or garbage into a failed call
 * — Sentinel itself keeps running. No npm imports.
 *
 * @module
 */
import type { PluginKind } from "../../../plugins/api/v1.ts";
import type { CallOutcome, RunnerJob } from "./runner.ts";
import { moduleDataUrl } from "./bootstrap.ts";
import { readTail } from "./bounded_output.ts";
import {
  clip,
  MAX_REPLY_BYTES,
  MAX_STDERR_KEPT_BYTES,
  RUNNER_EXIT_OUT_OF_MEMORY,
  RUNNER_RSS_LIMIT_MB,
} from "./limits.ts";
import { defaultRunnerMode, prepareLaunch, type RunnerMode } from "./runner_launch.ts";

export type { CallOutcome } from "./runner.ts";
export type { RunnerMode } from "./runner_launch.ts";

/** A plugin ready to run: code and grants resolved from the config. */
export interface PluginSpec {
  name: string;
  kind: PluginKind;
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
export type PluginCall = RunnerJob["calls"][number];

/** How to run the plugin; tests choose the runner mode, Sentinel leaves it to the default. */
export interface CallOptions {
  mode?: RunnerMode;
}

/** Time a runner process may take to start, on top of the calls' own timeouts. */
const STARTUP_MARGIN_MS = 15_000;

function randomTag(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `\n<sentinel-reply ${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}>`;
}

/** The outcomes in the runner's stdout, or why there are none usable. */
function parseReply(stdout: Uint8Array, tag: string, calls: number): CallOutcome[] | string {
  const text = new TextDecoder().decode(stdout);
  const at = text.lastIndexOf(tag);
  if (at === -1) {
    return `the plugin process gave no reply within the last ${MAX_REPLY_BYTES} bytes of its output (a reply is at most that large)`;
  }
  let outcomes: unknown;
  try {
    outcomes = JSON.parse(text.slice(at + tag.length));
  } catch {
    return "the plugin process answered garbage";
  }
  if (!Array.isArray(outcomes) || outcomes.length !== calls) {
    return "the plugin process answered garbage";
  }
  const valid = outcomes.every((o) =>
    typeof o === "object" && o !== null && typeof o.ms === "number" &&
    (o.ok === true || (o.ok === false && typeof o.error === "string"))
  );
  if (!valid) return "the plugin process answered garbage";
  return (outcomes as CallOutcome[]).map((o) => o.ok ? o : { ...o, error: clip(o.error) });
}

/** Why a runner that exited with `status` gave no reply, in words. */
function abnormalEnd(status: Deno.CommandStatus, stderr: Uint8Array): string {
  const why = new TextDecoder().decode(stderr);
  const memory = status.code === RUNNER_EXIT_OUT_OF_MEMORY ||
      /out of memory|heap limit|memory allocation of \d+ bytes failed/i.test(why)
    ? ` (out of memory; the limit is ${RUNNER_RSS_LIMIT_MB} MiB)`
    : "";
  const how = status.signal ? `signal ${status.signal}` : `exit ${status.code}`;
  return `the plugin process ended abnormally${memory}, ${how}`;
}

/** Makes the calls in order; always resolves, with one outcome per call. */
export async function callPlugin(
  spec: PluginSpec,
  calls: PluginCall[],
  options: CallOptions = {},
): Promise<CallOutcome[]> {
  if (calls.length === 0) return [];
  const job = runnerJob(spec, calls);
  const started = performance.now();
  const failAll = (error: string): CallOutcome[] =>
    calls.map(() => ({ ok: false, error, ms: performance.now() - started }));
  const mode = options.mode ?? defaultRunnerMode();
  let launch;
  try {
    launch = await prepareLaunch(spec, mode);
  } catch (error) {
    return failAll(`cannot prepare the plugin process: ${(error as Error).message}`);
  }
  try {
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(launch.command, {
        args: launch.args,
        cwd: launch.cwd,
        clearEnv: true,
        env: launch.env,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      return failAll(`cannot start the plugin process: ${(error as Error).message}`);
    }
    const outcomes = await runJob(child, job, spec.timeoutMs * calls.length + STARTUP_MARGIN_MS);
    return typeof outcomes === "string" ? failAll(outcomes) : outcomes;
  } finally {
    await launch.cleanup();
  }
}

/** What the runner process is handed: the plugin's code and grants, the calls, the reply tag. */
function runnerJob(spec: PluginSpec, calls: PluginCall[]): RunnerJob {
  return {
    plugin: {
      name: spec.name,
      url: moduleDataUrl(spec.source, spec.typescript),
      net: spec.net,
      write: spec.write,
    },
    timeoutMs: spec.timeoutMs,
    calls,
    replyTag: randomTag(),
    rssLimitBytes: RUNNER_RSS_LIMIT_MB * 1024 * 1024,
  };
}

/**
 * Hands `job` to the started runner and reads its reply, killing it at `deadlineMs`: the
 * outcomes, or why there are none.
 */
async function runJob(
  child: Deno.ChildProcess,
  job: RunnerJob,
  deadlineMs: number,
): Promise<CallOutcome[] | string> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, deadlineMs);
  try {
    const stdout = readTail(child.stdout, MAX_REPLY_BYTES + job.replyTag.length);
    const stderr = readTail(child.stderr, MAX_STDERR_KEPT_BYTES);
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(job))).catch(() => {});
    await writer.close().catch(() => {});
    const [status, out, err] = await Promise.all([child.status, stdout, stderr]);
    if (timedOut) return `the plugin did not finish within ${deadlineMs} ms and was stopped`;
    if (!status.success) return abnormalEnd(status, err.tail);
    return parseReply(out.tail, job.replyTag, job.calls.length);
  } catch (error) {
    return `the plugin process failed: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

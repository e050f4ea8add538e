/**
 * The plugin runner: a short-lived process that hosts one plugin in a permission-narrowed Worker
 * and makes the calls it is given. Before it loads the plugin it revokes, for the whole process,
 * every permission a plugin must not have (runner_guard.ts) and starts a memory watchdog; the
 * supervisor adds `--no-remote`, `--no-npm`, the plugin's grants and a small V8 heap (under
 * `deno run`) and RLIMIT_DATA where it can (runner_launch.ts), so a plugin that floods memory ends
 * this process, never Sentinel.
 *
 * Input (stdin, JSON): {@link RunnerJob}.
 * Output (stdout): the job's `replyTag`, then one outcome per call as JSON: `{ ok, result | error,
 * ms }`. Whatever the plugin itself prints comes before the tag, which it cannot know. Results are
 * capped at MAX_RESULT_BYTES each and MAX_REPLY_BYTES in all (limits.ts).
 * No npm imports.
 *
 * @module
 */
import {
  type CallMessage,
  PLUGIN_API_VERSION,
  type PluginMethod,
  type ReplyMessage,
} from "../../../plugins/api/v1.ts";
import { bootstrapSource, moduleDataUrl } from "./bootstrap.ts";
import { clip, MAX_REPLY_BYTES, MAX_RESULT_BYTES } from "./limits.ts";
import { narrowProcess, watchMemory } from "./runner_guard.ts";

/** A job for the runner. */
export interface RunnerJob {
  plugin: { name: string; url: string; net: string[]; write: string[] };
  timeoutMs: number;
  calls: { method: PluginMethod; payload: unknown; context: CallMessage["context"] }[];
  /** Printed right before the reply; random per run, so a plugin cannot forge a reply. */
  replyTag: string;
  /** Resident set size at which the runner ends itself. */
  rssLimitBytes: number;
}

/** What happened to one call. */
export type CallOutcome =
  | { ok: true; result: unknown; ms: number }
  | { ok: false; error: string; ms: number };

function permissions(job: RunnerJob): Deno.PermissionOptionsObject {
  return {
    net: job.plugin.net.length > 0 ? job.plugin.net : false,
    write: job.plugin.write.length > 0 ? job.plugin.write : false,
    read: false,
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}

class PluginWorker {
  readonly #worker: Worker;
  readonly ready: Promise<void>;
  #pending: ((message: unknown) => void) | undefined;
  #failure: ((error: string) => void) | undefined;
  #dead: string | undefined;

  constructor(job: RunnerJob) {
    this.#worker = new Worker(moduleDataUrl(bootstrapSource(job.plugin.url), false), {
      type: "module",
      name: job.plugin.name,
      deno: { permissions: permissions(job) },
    } as WorkerOptions);
    this.ready = new Promise((resolve, reject) => {
      this.#pending = (message) => {
        if ((message as { ready?: boolean })?.ready === true) resolve();
        else reject(new Error("the plugin spoke before it was ready"));
      };
      this.#failure = (error) => reject(new Error(error));
    });
    this.#worker.onmessage = (event) => this.#pending?.(event.data);
    this.#worker.onmessageerror = () => this.#fail("the plugin sent a message that cannot be read");
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(`the plugin failed: ${clip(String(event.message))}`);
    };
  }

  #fail(error: string) {
    this.#dead = error;
    this.#failure?.(error);
  }

  /** Sends one call and waits for its reply, up to `timeoutMs`. */
  call(id: number, call: RunnerJob["calls"][number], timeoutMs: number): Promise<unknown> {
    if (this.#dead) return Promise.reject(new Error(this.#dead));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        this.#pending = undefined;
        this.#failure = undefined;
        fn();
      };
      this.#pending = (message) => {
        const reply = message as Partial<Record<keyof ReplyMessage | "result" | "error", unknown>>;
        if (
          typeof reply !== "object" || reply === null || reply.protocol !== PLUGIN_API_VERSION ||
          reply.id !== id ||
          typeof reply.ok !== "boolean" || (reply.ok === false && typeof reply.error !== "string")
        ) {
          settle(() => reject(new Error("the plugin answered with a malformed message")));
        } else if (!reply.ok) {
          const error = `the plugin reported: ${clip(reply.error as string)}`;
          settle(() => reject(new Error(error)));
        } else {
          const why = unfitResult(reply.result);
          settle(() => why === undefined ? resolve(reply.result) : reject(new Error(why)));
        }
      };
      this.#failure = (error) => settle(() => reject(new Error(error)));
      const request: CallMessage = { protocol: PLUGIN_API_VERSION, id, ...call };
      this.#worker.postMessage(request);
    });
  }

  terminate() {
    this.#worker.terminate();
  }
}

/** Runs every call of a job, restarting the Worker after one that timed out or died. */
export async function runJob(job: RunnerJob): Promise<CallOutcome[]> {
  const outcomes: CallOutcome[] = [];
  let worker: PluginWorker | undefined;
  for (const [index, call] of job.calls.entries()) {
    const started = performance.now();
    try {
      if (worker === undefined) {
        worker = new PluginWorker(job);
        await withTimeout(worker.ready, job.timeoutMs, "the plugin did not start");
      }
      const result = await worker.call(index, call, job.timeoutMs);
      outcomes.push({ ok: true, result, ms: performance.now() - started });
    } catch (error) {
      worker?.terminate();
      worker = undefined;
      outcomes.push({
        ok: false,
        error: (error as Error).message,
        ms: performance.now() - started,
      });
    }
  }
  worker?.terminate();
  return outcomes;
}

/** Why a result cannot be passed on (not JSON, or too large), or undefined when it can. */
function unfitResult(result: unknown): string | undefined {
  let json: string;
  try {
    json = JSON.stringify(result ?? null);
  } catch {
    return "the plugin answered with a result that is not JSON";
  }
  const bytes = json.length > MAX_RESULT_BYTES
    ? json.length
    : new TextEncoder().encode(json).length;
  return bytes > MAX_RESULT_BYTES
    ? `the plugin's result is ${bytes} bytes of JSON, more than the ${MAX_RESULT_BYTES} allowed`
    : undefined;
}

/** The outcomes as JSON, failing the calls whose results would take the reply past its cap. */
export function encodeReply(outcomes: CallOutcome[]): string {
  const budget = MAX_REPLY_BYTES - 4096;
  const size = (json: string) => new TextEncoder().encode(json).length;
  let used = 0;
  const parts = outcomes.map((outcome) => {
    let json = JSON.stringify(outcome);
    if (used + size(json) > budget) {
      json = JSON.stringify({
        ok: false,
        error: `the plugin's results exceed ${MAX_REPLY_BYTES} bytes in all`,
        ms: outcome.ms,
      });
    }
    used += size(json);
    return json;
  });
  return `[${parts.join(",")}]`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Reads a job from stdin, narrows the process, runs the job, prints the tagged outcomes. */
export async function runnerMain(): Promise<number> {
  const job = JSON.parse(await new Response(Deno.stdin.readable).text()) as RunnerJob;
  narrowProcess();
  const stopWatching = watchMemory(job.rssLimitBytes);
  const outcomes = await runJob(job);
  stopWatching();
  const bytes = new TextEncoder().encode(job.replyTag + encodeReply(outcomes));
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
  return 0;
}

if (import.meta.main) {
  Deno.exit(await runnerMain());
}

/**
 * The plugin runner: a short-lived process that hosts one plugin in a permission-narrowed Worker
 * and makes the calls it is given. Sentinel starts it per plugin with `--no-remote` (no remote
 * imports), network and write access limited to the plugin's grants, and a small V8 heap, so a
 * plugin that floods memory ends this process, never Sentinel. Before it loads the plugin it
 * revokes, for the whole process, every permission a plugin must not have (runner_guard.ts): a
 * compiled binary starts its runner with all of its own.
 *
 * Input (stdin, JSON): `{ plugin: { name, url, net, write }, timeoutMs, calls: CallMessage[] }`.
 * Output (stdout, JSON): one outcome per call: `{ ok, result | error, ms }`.
 * No npm imports.
 *
 * @module
 */
import { bootstrapSource, moduleDataUrl } from "./bootstrap.ts";
import { narrowProcess } from "./runner_guard.ts";

/** A job for the runner. */
export interface RunnerJob {
  plugin: { name: string; url: string; net: string[]; write: string[] };
  timeoutMs: number;
  calls: { method: string; payload: unknown; context: unknown }[];
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
      this.#fail(`the plugin failed: ${event.message}`);
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
        const reply = message as {
          protocol?: unknown;
          id?: unknown;
          ok?: unknown;
          result?: unknown;
          error?: unknown;
        };
        if (
          typeof reply !== "object" || reply === null || reply.protocol !== 1 || reply.id !== id ||
          typeof reply.ok !== "boolean" || (reply.ok === false && typeof reply.error !== "string")
        ) {
          settle(() => reject(new Error("the plugin answered with a malformed message")));
        } else if (reply.ok) settle(() => resolve(reply.result));
        else settle(() => reject(new Error(`the plugin reported: ${reply.error}`)));
      };
      this.#failure = (error) => settle(() => reject(new Error(error)));
      this.#worker.postMessage({ protocol: 1, id, ...call });
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

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Reads a job from stdin, narrows the process, runs the job, prints the outcomes. */
export async function runnerMain(): Promise<number> {
  const job = JSON.parse(await new Response(Deno.stdin.readable).text()) as RunnerJob;
  narrowProcess();
  const outcomes = await runJob(job);
  const bytes = new TextEncoder().encode(JSON.stringify(outcomes));
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
  return 0;
}

if (import.meta.main) {
  Deno.exit(await runnerMain());
}

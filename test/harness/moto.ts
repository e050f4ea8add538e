/**
 * Starts a real moto server (the AWS emulator) on a free loopback port for one test, and stops it
 * ({@link startMoto}); or lends one test a server its test file keeps, emptied first, as good as a
 * new one ({@link borrowMoto}).
 *
 * @example
 * ```ts
 * await using moto = await startMoto();
 * // AWS_ENDPOINT_URL=moto.endpoint
 * ```
 * @module
 */
import { freePort, ROOT, toolPath } from "./tools.ts";

/** A running moto server. */
export interface MotoServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** Requests moto recorded since start (needs recording enabled, see {@link startMoto}). */
  recordedRequests(): Promise<RecordedRequest[]>;
  /** The parameters of every STS AssumeRole call moto recorded, in order. */
  assumeRoleCalls(): Promise<URLSearchParams[]>;
  /** Environment for an AWS client pointed at this server with dummy static credentials. */
  clientEnv(): Record<string, string>;
  stop(): Promise<void>;
}

/** One request as moto's recorder saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  body: string;
  headers: Record<string, string>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts moto_server; resolves once it answers. With `unauthenticatedActions`, moto checks IAM
 * (SigV4 signatures against its own users' keys, identity policies, role trust principals — not
 * `Condition` blocks) after that many AWS actions: the set-up's first calls, which create an
 * administrator (see harness/broker.ts).
 */
export function startMoto(
  options: { unauthenticatedActions?: number } = {},
): Promise<MotoServer> {
  return startMotoRetried(options, false);
}

async function startMotoRetried(
  options: { unauthenticatedActions?: number },
  kept: boolean,
): Promise<MotoServer> {
  // The free port is picked before moto binds it: another process may take it first (moto then
  // exits at once), so a start that dies before answering is tried again on another port.
  for (let attempt = 1;; attempt++) {
    try {
      return await startMotoOnce(options, kept);
    } catch (error) {
      if (!(error instanceof MotoExited) || attempt === 3) throw error;
    }
  }
}

/**
 * The servers this test file keeps (see {@link borrowMoto}): those lent out and those idle; `on`
 * once `deno test` runs the file's tests (hooks run only there: a bench's `deno run` keeps none).
 */
const pool = { on: false, idle: [] as MotoServer[], all: new Set<MotoServer>() };

Deno.test.beforeAll?.(() => {
  pool.on = true;
});

// After the file's last test its servers end (and with the test process, should it die first:
// moto_server.py ends when its standard input closes).
Deno.test.afterAll?.(async () => {
  const servers = [...pool.all];
  pool.all.clear();
  pool.idle.length = 0;
  await Promise.all(servers.map((server) => server.stop()));
});

/**
 * A moto server for one test, as empty as a new one (same options as {@link startMoto}): one the
 * test file keeps, reset — every service's state (moto's `/moto-api/reset`), IAM checks off again
 * or after `unauthenticatedActions`, an empty recording — or a new one when none is idle. Starting
 * moto costs about a second of CPU; a team or scenario per test started dozens per file. Its
 * `stop` (and disposing it) gives it back; the file's servers end after its last test. Tests in
 * one file run one after another, and each holds the servers it borrowed until it ends, so no two
 * tests share a server at once. Outside `deno test` (a bench) it is {@link startMoto}.
 */
export async function borrowMoto(
  options: { unauthenticatedActions?: number } = {},
): Promise<MotoServer> {
  // Outside `deno test` nothing would stop a kept server, and it would keep the process alive.
  if (!pool.on) return await startMoto(options);
  for (;;) {
    const server = pool.idle.pop() ?? await startMotoRetried({}, true);
    pool.all.add(server);
    if (!await resetMoto(server, options)) {
      pool.all.delete(server);
      await server.stop();
      continue;
    }
    let lent = true;
    const giveBack = () => {
      if (lent && pool.all.has(server)) pool.idle.push(server);
      lent = false;
      return Promise.resolve();
    };
    return { ...server, stop: giveBack, [Symbol.asyncDispose]: giveBack };
  }
}

/** Empties a kept server as a new one would be; false when it no longer answers. */
async function resetMoto(
  server: MotoServer,
  options: { unauthenticatedActions?: number },
): Promise<boolean> {
  const post = (path: string, body?: string) =>
    fetch(`${server.endpoint}/moto-api/${path}`, { method: "POST", body }).then(async (r) => {
      await r.body?.cancel();
      return r.ok;
    }, () => false);
  // The recording emptied last, so that it holds no call of this reset (moto records /moto-api/
  // calls but those to its recorder); none counts as one of the unauthenticated actions.
  return await post("reset") &&
    await post("reset-auth", String(options.unauthenticatedActions ?? "inf")) &&
    await post("recorder/reset-recording") && await post("recorder/start-recording");
}

/** moto_server ended before it answered (its port taken, say). */
class MotoExited extends Error {}

async function startMotoOnce(
  options: { unauthenticatedActions?: number },
  kept: boolean,
): Promise<MotoServer> {
  const port = freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const recordings = await Deno.makeTempFile({ prefix: "moto-recording-" });
  // moto_server itself, with DynamoDB requests serialised (see moto_server.py for why).
  const child = new Deno.Command(toolPath("python3"), {
    args: [`${ROOT}test/harness/moto_server.py`, "-H", "127.0.0.1", "-p", String(port)],
    env: {
      MOTO_ENABLE_RECORDING: "True",
      MOTO_RECORDER_FILEPATH: recordings,
      ...(options.unauthenticatedActions === undefined
        ? {}
        : { INITIAL_NO_AUTH_ACTION_COUNT: String(options.unauthenticatedActions) }),
      ...(kept ? { SENTINEL_MOTO_EXIT_WITH_STDIN: "1" } : {}),
    },
    stdin: kept ? "piped" : "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = collect(child.stderr);
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      await response.body?.cancel();
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (exited) {
      if (kept) await child.stdin.close().catch(() => {});
      await Deno.remove(recordings).catch(() => {});
      throw new MotoExited(`moto_server ended before it answered on ${endpoint}:\n${await stderr}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
      if (kept) await child.stdin.close().catch(() => {});
      throw new Error(`moto_server did not start on ${endpoint}:\n${await stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await fetch(`${endpoint}/moto-api/recorder/start-recording`, { method: "POST" }).then((r) =>
    r.body?.cancel()
  );
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      child.kill("SIGTERM");
    } catch { /* already ended (a kept server whose test process is ending) */ }
    await child.status;
    if (kept) await child.stdin.close().catch(() => {});
    await stderr;
    await Deno.remove(recordings).catch(() => {});
  };
  const recordedRequests = async (): Promise<RecordedRequest[]> => {
    const text = await Deno.readTextFile(recordings).catch(() => "");
    return text.split("\n").filter((line) => line.trim() !== "").map((line) => {
      const entry = JSON.parse(line);
      return {
        method: entry.method,
        url: entry.url ?? entry.path ?? "",
        body: entry.body_encoded && typeof entry.body === "string"
          ? new TextDecoder().decode(Uint8Array.from(atob(entry.body), (c) => c.charCodeAt(0)))
          : typeof entry.body === "string"
          ? entry.body
          : JSON.stringify(entry.body ?? ""),
        headers: entry.headers ?? {},
      };
    });
  };
  return {
    endpoint,
    recordedRequests,
    async assumeRoleCalls() {
      return (await recordedRequests())
        .filter((r) => r.body.includes("Action=AssumeRole"))
        .map((r) => new URLSearchParams(r.body));
    },
    clientEnv() {
      return {
        AWS_ENDPOINT_URL: endpoint,
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_REGION: "us-east-1",
        AWS_DEFAULT_REGION: "us-east-1",
      };
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text = (text + chunk).slice(-20_000);
  }
  return text;
}

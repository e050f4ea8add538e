/**
 * Starts a real moto server (the AWS emulator) on a free loopback port for one test, and stops it.
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
export async function startMoto(
  options: { unauthenticatedActions?: number } = {},
): Promise<MotoServer> {
  // The free port is picked before moto binds it: another process may take it first (moto then
  // exits at once), so a start that dies before answering is tried again on another port.
  for (let attempt = 1;; attempt++) {
    try {
      return await startMotoOnce(options);
    } catch (error) {
      if (!(error instanceof MotoExited) || attempt === 3) throw error;
    }
  }
}

/** moto_server ended before it answered (its port taken, say). */
class MotoExited extends Error {}

async function startMotoOnce(
  options: { unauthenticatedActions?: number },
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
    },
    stdin: "null",
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
      await Deno.remove(recordings).catch(() => {});
      throw new MotoExited(`moto_server ended before it answered on ${endpoint}:\n${await stderr}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
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
    child.kill("SIGTERM");
    await child.status;
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

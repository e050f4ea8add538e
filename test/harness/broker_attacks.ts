/**
 * Tools for attacking a broker (test/security/broker_*_test.ts): caller proofs crafted in the test
 * with a person's real keys (aws4fetch's signer, as the client uses it, but with every part the
 * attacker may choose — the host, the date, the STS body, the call the digest covers), calls sent
 * with `fetch` or byte for byte over a raw socket, and what an attack must leave unchanged: moto's
 * AssumeRole calls made by the broker (those with a SourceIdentity), the broker's decision log,
 * and no secret in its access log or stderr.
 *
 * @module
 */
import { AwsV4Signer } from "aws4fetch";
import {
  amzDateOf,
  PROOF_BODY,
  PROOF_HEADERS,
  REQUEST_HEADER,
  requestDigest,
  SERVER_HEADER,
} from "../../src/core/broker/caller_proof.ts";
import { assertEquals, assertTrue } from "../assert.ts";
import type { AccessKey } from "./aws_home.ts";
import type { BrokerWorld, RunningBroker } from "./broker.ts";

/** The call a proof is made for, and every choice an attacker has in making it. */
export interface ProofSpec {
  key: AccessKey & { sessionToken?: string };
  /** The `x-sentinel-server` signed (the broker id the proof is for). */
  server: string;
  /** The API call whose digest `x-sentinel-request` carries. */
  method?: string;
  path: string;
  body: string;
  /** The `Host` signed: the broker's proof host (its STS, from /v1/health) unless chosen. */
  host: string;
  region?: string;
  /** When the proof says it was signed (default now). */
  at?: number;
  /** The STS request body signed (default the fixed GetCallerIdentity body). */
  stsBody?: string;
  /** The call's nonce (default a fresh one, as the client picks). */
  nonce?: string;
}

/** The proof headers for `spec`, as a client sends them beside its call. */
export async function proofHeaders(spec: ProofSpec): Promise<Record<string, string>> {
  const nonce = spec.nonce ?? crypto.randomUUID().replaceAll("-", "");
  const signed = await new AwsV4Signer({
    method: "POST",
    url: `https://${spec.host}/`,
    headers: {
      [REQUEST_HEADER]: await requestDigest({
        method: spec.method ?? "POST",
        path: spec.path,
        nonce,
        body: spec.body,
      }),
      [SERVER_HEADER]: spec.server,
    },
    body: spec.stsBody ?? PROOF_BODY,
    accessKeyId: spec.key.accessKeyId,
    secretAccessKey: spec.key.secretAccessKey,
    sessionToken: spec.key.sessionToken,
    service: "sts",
    region: spec.region ?? "us-east-1",
    datetime: amzDateOf(spec.at ?? Date.now()),
  }).sign();
  const token = signed.headers.get("x-amz-security-token");
  return {
    [PROOF_HEADERS.authorization]: signed.headers.get("authorization")!,
    [PROOF_HEADERS.date]: signed.headers.get("x-amz-date")!,
    [PROOF_HEADERS.nonce]: nonce,
    ...(token === null ? {} : { [PROOF_HEADERS.token]: token }),
  };
}

/** A broker's answer: status, the refusal's catalogue code (or the body), and the raw text. */
export interface Answer {
  status: number;
  code?: string;
  message?: string;
  body: Record<string, unknown>;
  text: string;
  ms: number;
}

/**
 * Sends one call with `fetch` (a fresh connection, no redirect followed); a broker that does not
 * answer within `timeoutMs` (default 30 s) fails the call rather than hanging the test.
 */
export async function send(
  url: string,
  call: {
    method?: string;
    path: string;
    body?: string;
    headers?: Record<string, string>;
    timeoutMs?: number;
  },
): Promise<Answer> {
  const started = performance.now();
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const response = await fetch(`${url}${call.path}`, {
      method: call.method ?? "POST",
      headers: { "content-type": "application/json", ...call.headers },
      ...(call.body === undefined ? {} : { body: call.body }),
      redirect: "manual",
      client,
      signal: AbortSignal.timeout(call.timeoutMs ?? 30_000),
    });
    return answerOf(response.status, await response.text(), performance.now() - started);
  } finally {
    client.close();
  }
}

function answerOf(status: number, text: string, ms: number): Answer {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text);
  } catch { /* not JSON: text only */ }
  return {
    status,
    code: typeof body.code === "string" ? body.code : undefined,
    message: typeof body.message === "string" ? body.message : undefined,
    body,
    text,
    ms,
  };
}

/** A proven call: `spec`'s proof beside the call it names (unless `sent` changes what is sent). */
export async function provenSend(
  url: string,
  spec: ProofSpec,
  sent: { method?: string; path?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return await send(url, {
    method: sent.method ?? spec.method ?? "POST",
    path: sent.path ?? spec.path,
    body: sent.body ?? spec.body,
    headers: { ...(await proofHeaders(spec)), ...sent.headers },
  });
}

/** The port of a broker's URL. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/**
 * Sends `request` (bytes or text, exactly as given) on a raw TCP connection and reads the answer
 * until the peer closes or `ms` pass; the answer's status line, parsed, and the whole text.
 */
export async function rawRequest(
  port: number,
  request: string | Uint8Array,
  ms = 15_000,
): Promise<{ status?: number; text: string; closed: boolean }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const bytes = typeof request === "string" ? new TextEncoder().encode(request) : request;
  let text = "";
  let closed = false;
  const timer = setTimeout(() => conn.close(), ms);
  try {
    await writeAll(conn, bytes);
    const buffer = new Uint8Array(64 * 1024);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) {
        closed = true;
        break;
      }
      text += new TextDecoder().decode(buffer.subarray(0, n));
      if (completeResponse(text)) break;
    }
  } catch {
    /* closed by the timer or reset by the peer */
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* already */ }
  }
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
  return { status: status === undefined ? undefined : Number(status), text, closed };
}

/** Writes every byte. */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}

/** Whether `text` holds a whole response with a Content-Length body. */
function completeResponse(text: string): boolean {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
  return length !== undefined && new TextEncoder().encode(text.slice(end + 4)).length >=
      Number(length);
}

/** The JSON body of a raw answer. */
export function rawBody(text: string): Record<string, unknown> {
  const end = text.indexOf("\r\n\r\n");
  try {
    return JSON.parse(text.slice(end + 4));
  } catch {
    return {};
  }
}

/** What the world has issued and decided so far. */
export interface Tally {
  /** AssumeRole calls with a SourceIdentity: the broker's issuances. */
  issued: number;
  /** Lines of the broker's decision log. */
  decisions: number;
}

/** Counts issuances (moto's recorder) and decisions (the broker's log). */
export async function tally(world: BrokerWorld): Promise<Tally> {
  const calls = await world.moto.assumeRoleCalls();
  return {
    issued: calls.filter((call) => call.has("SourceIdentity")).length,
    decisions: (await world.brokerHome.readLog()).length,
  };
}

/** Asserts that nothing was issued or decided since `before`. */
export async function assertNothingIssued(
  world: BrokerWorld,
  before: Tally,
  what: string,
): Promise<void> {
  assertEquals(await tally(world), before, `${what}: nothing may be issued or decided`);
}

/** Asserts that none of `secrets` is in a broker's access log or stderr. */
export function assertNoSecrets(brokers: RunningBroker[], secrets: string[]): void {
  for (const broker of brokers) {
    const seen = JSON.stringify(broker.accessLog()) + broker.stderr();
    for (const secret of secrets.filter((s) => s.length >= 8)) {
      assertTrue(
        !seen.includes(secret),
        `a secret reached the broker's logs: ${secret.slice(0, 4)}…`,
      );
    }
  }
}

/** The broker's proof host (its pinned STS) from its health (on a connection of its own). */
export async function proofHost(url: string): Promise<string> {
  const health = await send(url, { method: "GET", path: "/v1/health" });
  return String(health.body.proof_host);
}

/**
 * Hostile HTTP against a broker (DESIGN §15: "limits per caller (body size, time to first byte)
 * keep one client from starving the rest"), on real peers: a real `sentinel serve`, moto with IAM
 * checks on, and requests written byte for byte on raw sockets where `fetch` would not send them.
 * Each must be refused — in the catalogue's shape when it reaches the broker — with nothing
 * issued, nothing decided, nothing secret or internal (a stack) in the broker's logs, and the
 * broker still answering an honest caller.
 */
import { MAX_BODY_BYTES } from "../../src/core/broker/api.ts";
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { BROKER_USER, type BrokerWorld, brokerWorld } from "../harness/broker.ts";
import {
  assertNoSecrets,
  assertNothingIssued,
  portOf,
  proofHeaders,
  proofHost,
  type ProofSpec,
  provenSend,
  rawBody,
  rawRequest,
  send,
  tally,
  writeAll,
} from "../harness/broker_attacks.ts";
import { runSentinel } from "../harness/sentinel.ts";

const CREDENTIALS = "/v1/credentials";
const PROD = JSON.stringify({ profile: "prod", duration_seconds: 900 });
const encode = (text: string) => new TextEncoder().encode(text);

/** An honest whoami by alice, timed. */
async function honestWhoami(world: BrokerWorld) {
  const url = world.broker.url;
  return await provenSend(url, {
    key: world.keys.alice,
    server: url,
    host: await proofHost(url),
    path: "/v1/whoami",
    body: "",
  });
}

/** The broker's logs hold no stack, no internal error and none of the world's secrets. */
function assertCleanLogs(world: BrokerWorld, extra: string[] = []): void {
  const stderr = world.broker.stderr();
  for (const sign of ["internal error", "TypeError", "    at "]) {
    assertTrue(!stderr.includes(sign), `the broker's stderr shows "${sign}":\n${stderr}`);
  }
  assertNoSecrets([world.broker], [
    world.keys.alice.secretAccessKey,
    world.keys.broker.secretAccessKey,
    ...extra,
  ]);
}

Deno.test("a body too large is refused 413 before it is read: 10 MB declared, or chunks past the bound (16 KiB) with no end, are answered at once", async () => {
  await using world = await brokerWorld();
  const port = portOf(world.broker.url);
  const before = await tally(world);
  // 10 MB declared, 3 bytes sent: an answer now proves the broker did not wait for the rest.
  const declared = await rawRequest(
    port,
    `POST ${CREDENTIALS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n{"p`,
    5_000,
  );
  assertEquals([declared.status, rawBody(declared.text).code], [413, "call_too_large"]);
  // Chunked, no length, 1 KiB past the bound in chunks and never a last chunk: refused as soon as
  // it passes the bound.
  let chunked =
    `POST ${CREDENTIALS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
  for (let i = 0; i <= MAX_BODY_BYTES / 1024; i++) chunked += `400\r\n${"x".repeat(1024)}\r\n`;
  const started = performance.now();
  const unending = await rawRequest(port, chunked, 5_000);
  assertEquals([unending.status, rawBody(unending.text).code], [413, "call_too_large"]);
  assertTrue(performance.now() - started < 3_000, "answered without waiting for the body's end");
  // The same through fetch: a real 10 MB body.
  const big = await send(world.broker.url, { path: CREDENTIALS, body: "x".repeat(10 << 20) })
    .catch((error) => ({ status: 0, code: String(error) }));
  assertTrue(
    big.status === 413 || big.status === 0,
    `a 10 MB body: ${big.status} (413, or the connection closed while sending)`,
  );
  assertEquals((await honestWhoami(world)).status, 200);
  await assertNothingIssued(world, before, "oversized bodies");
  assertCleanLogs(world);
});

Deno.test("a slow body is cut off at the body timeout (408) while other callers are answered meanwhile", async () => {
  await using world = await brokerWorld();
  const port = portOf(world.broker.url);
  const before = await tally(world);
  const slow = await Deno.connect({ hostname: "127.0.0.1", port });
  await writeAll(
    slow,
    encode(`POST ${CREDENTIALS} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{`),
  );
  const started = performance.now();
  const trickle = setInterval(() => void slow.write(encode(" ")).catch(() => {}), 500);
  const answered = (async () => {
    const buffer = new Uint8Array(4096);
    const n = await slow.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, n ?? 0));
  })();
  // Meanwhile: other callers, each answered at once.
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const other = await honestWhoami(world);
    assertEquals(other.status, 200, other.text);
    assertTrue(other.ms < 2_000, `an honest call took ${other.ms} ms beside the slow one`);
  }
  const text = await answered;
  clearInterval(trickle);
  slow.close();
  const waited = performance.now() - started;
  assertIncludes(text, "HTTP/1.1 408");
  assertEquals(rawBody(text).code, "usage");
  assertIncludes(String(rawBody(text).message), "did not arrive within 10000 ms");
  assertTrue(waited >= 9_000 && waited < 14_000, `cut off after ${waited} ms`);
  await assertNothingIssued(world, before, "a slow body");
  assertCleanLogs(world);
});

Deno.test("half-open connections do not stop other callers: with 100 sockets stuck in half a request line, alice gets credentials through the real client, and SIGTERM still stops the broker", async () => {
  await using world = await brokerWorld();
  const port = portOf(world.broker.url);
  const stuck: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 100; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await writeAll(conn, encode(`POST ${CREDENTIALS.slice(0, 6)}`));
      stuck.push(conn);
    }
    const who = await honestWhoami(world);
    assertEquals(who.status, 200, who.text);
    assertTrue(who.ms < 3_000, `whoami took ${who.ms} ms`);
    const alice = await world.client("alice");
    const started = performance.now();
    const issued = await runSentinel(["credentials", "prod"], { env: alice.env });
    assertEquals(issued.code, 0, issued.stderr);
    const took = performance.now() - started;
    assertTrue(took < 15_000, `credentials took ${took} ms`);
    const secret = JSON.parse(issued.stdout).SecretAccessKey;
    // Draining waits for calls in flight, not for connections that never made one.
    const stopping = performance.now();
    assertEquals(await world.broker.stop(), 0);
    assertTrue(performance.now() - stopping < 5_000, "SIGTERM waited on the stuck sockets");
    assertCleanLogs(world, [secret]);
  } finally {
    for (const conn of stuck) {
      try {
        conn.close();
      } catch { /* closed by the broker */ }
    }
  }
});

Deno.test("a client holding sockets cannot stop the broker: with its open-file limit lowered to 400, 500 sockets stuck in half a request line leave it listening, an honest call is answered at once, and the broker lets go of them within the header deadline", async () => {
  await using world = await brokerWorld();
  const port = portOf(world.broker.url);
  const pid = world.broker.process.pid;
  const descriptors = () => [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
  const limited = await new Deno.Command("prlimit", {
    args: ["--pid", String(pid), "--nofile=400:400"],
  }).output();
  assertEquals(limited.code, 0, new TextDecoder().decode(limited.stderr));
  const baseline = descriptors();
  const stuck: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 500; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await writeAll(conn, encode(`POST ${CREDENTIALS.slice(0, 6)}`)).catch(() => {});
      stuck.push(conn);
    }
    const during = await honestWhoami(world);
    assertEquals(during.status, 200, during.text);
    assertTrue(during.ms < 3_000, `whoami took ${during.ms} ms beside 500 stuck sockets`);
    // The broker closes them: at once (the oldest idle, to make room) or at the header deadline.
    const closedBy = Date.now() + 13_000;
    const closed = await Promise.all(stuck.map(async (conn) => {
      const timer = setTimeout(() => conn.close(), closedBy - Date.now());
      try {
        return await conn.read(new Uint8Array(1024)) === null && Date.now() < closedBy;
      } catch {
        return Date.now() < closedBy; // reset by the broker (not closed by the timer)
      } finally {
        clearTimeout(timer);
      }
    }));
    // Some may never have reached the broker (a full accept queue drops a handshake's last ACK,
    // the client's kernel retries for minutes); what matters is that the broker holds none.
    assertTrue(closed.filter(Boolean).length >= 400, `${closed.filter(Boolean).length} closed`);
    assertTrue(
      descriptors() <= baseline + 40,
      `the broker holds ${descriptors()} descriptors (${baseline} before; 500 stuck: 1,500)`,
    );
    const after = await honestWhoami(world);
    assertEquals(after.status, 200, after.text);
    assertTrue(!world.broker.stderr().includes("Too many open files"), world.broker.stderr());
    assertEquals(await world.broker.stop(), 0, world.broker.stderr());
  } finally {
    for (const conn of stuck) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
  }
});

Deno.test("malformed HTTP is refused by the HTTP layer: 1,000 headers, a 1 MB header, two Content-Lengths, Content-Length with chunked; the broker keeps answering", async () => {
  await using world = await brokerWorld();
  const port = portOf(world.broker.url);
  const before = await tally(world);
  let many = `POST /v1/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n`;
  for (let i = 0; i < 1_000; i++) many += `x-h${i}: ${i}\r\n`;
  const requests: [string, string][] = [
    ["1,000 headers", many + "\r\n"],
    [
      "a 1 MB header",
      `POST /v1/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nx-big: ${
        "a".repeat(1 << 20)
      }\r\n\r\n`,
    ],
    [
      "two Content-Lengths",
      `POST ${CREDENTIALS} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde`,
    ],
    [
      "Content-Length with chunked",
      `POST ${CREDENTIALS} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
    ],
    [
      "a negative Content-Length",
      `POST ${CREDENTIALS} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`,
    ],
  ];
  for (const [what, request] of requests) {
    const answer = await rawRequest(port, request, 5_000);
    assertTrue(
      answer.status !== undefined && answer.status >= 400 && answer.status < 500 ||
        answer.closed && answer.status === undefined,
      `${what}: ${answer.text.slice(0, 200)}`,
    );
  }
  assertEquals((await honestWhoami(world)).status, 200);
  await assertNothingIssued(world, before, "malformed HTTP");
  assertCleanLogs(world);
});

Deno.test("hostile calls are refused in the catalogue's shape: odd methods and paths, a Host that would move the path, bad proof headers, non-UTF-8 or repeated-key bodies, profiles the broker does not serve (without its paths or profile names)", async () => {
  await using world = await brokerWorld();
  const url = world.broker.url;
  const port = portOf(url);
  const spec: ProofSpec = {
    key: world.keys.alice,
    server: url,
    host: await proofHost(url),
    path: CREDENTIALS,
    body: PROD,
  };
  const before = await tally(world);
  const raw = async (what: string, request: string | Uint8Array, status: number, code: string) => {
    const answer = await rawRequest(port, request, 5_000);
    assertEquals(
      [answer.status, rawBody(answer.text).code],
      [status, code],
      `${what}: ${answer.text}`,
    );
    return rawBody(answer.text);
  };
  // Methods and paths.
  await raw("GET on credentials", `GET ${CREDENTIALS} HTTP/1.1\r\nHost: x\r\n\r\n`, 400, "usage");
  const head = await rawRequest(port, `HEAD ${CREDENTIALS} HTTP/1.1\r\nHost: x\r\n\r\n`, 2_000);
  assertEquals(head.status, 400, "HEAD on credentials (no body in a HEAD answer)");
  const dotted = await raw(
    "credentials/../health",
    `POST ${CREDENTIALS}/../health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`,
    400,
    "usage",
  );
  assertIncludes(String(dotted.message), "not in canonical form");
  await raw(
    "whoami/%2e%2e/credentials",
    `POST /v1/whoami/%2e%2e/credentials HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`,
    400,
    "usage",
  );
  await raw("an unknown path", `GET /v1/secrets HTTP/1.1\r\nHost: x\r\n\r\n`, 404, "not_found");
  // A Host that would make the URL parser find another path, or no URL at all.
  for (const host of ["x/v1/credentials#", "a\\v1\\credentials", "[", "a@b", "a b"]) {
    const answer = await raw(
      `Host: ${host}`,
      `GET /v1/health HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
      400,
      "usage",
    );
    assertIncludes(String(answer.message), "Host header");
  }
  // Proof headers: a token that is not base64, a date that is not one.
  const proof = await proofHeaders(spec);
  const badToken = await send(url, {
    path: CREDENTIALS,
    body: PROD,
    headers: { ...proof, "x-sentinel-proof-token": "not base64 at all!" },
  });
  assertEquals([badToken.status, badToken.code], [401, "caller_unproven"]);
  const badDate = await send(url, {
    path: CREDENTIALS,
    body: PROD,
    headers: { ...(await proofHeaders(spec)), "x-sentinel-proof-date": "yesterday" },
  });
  assertEquals([badDate.status, badDate.code], [401, "caller_unproven"]);
  // Bodies, each with a valid proof of exactly that body.
  const nonUtf8 = new Uint8Array([
    ...encode(`POST ${CREDENTIALS} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n`),
    0xff,
    0xfe,
    0x80,
    0x7b,
  ]);
  await raw("a body that is not UTF-8", nonUtf8, 400, "usage");
  for (
    const [what, body] of [
      ["a repeated key", '{"profile":"dev","profile":"prod"}'],
      ["an extra key", '{"profile":"prod","role_arn":"arn:aws:iam::123456789012:role/Admin"}'],
      ["__proto__", '{"profile":"prod","__proto__":{"admin":true}}'],
      ["a profile of 129 characters", JSON.stringify({ profile: "p".repeat(129) })],
      ["a profile with a space", JSON.stringify({ profile: "prod x" })],
    ]
  ) {
    const answer = await provenSend(url, { ...spec, body });
    assertEquals([answer.status, answer.code], [400, "usage"], `${what}: ${answer.text}`);
  }
  const huge = await provenSend(url, {
    ...spec,
    body: JSON.stringify({ profile: "p".repeat(MAX_BODY_BYTES + 1) }),
  });
  assertEquals([huge.status, huge.code], [413, "call_too_large"]);
  // Profiles the broker does not serve: answered without its files or its other profiles.
  for (const profile of ["../../etc/passwd", "broker", "default", "prod/../prod", "nope"]) {
    const answer = await provenSend(url, { ...spec, body: JSON.stringify({ profile }) });
    assertEquals(
      [answer.status, answer.code],
      [404, "unknown_profile"],
      `${profile}: ${answer.text}`,
    );
    for (
      const leak of [world.brokerHome.dir, ".aws", "known profiles", "[profile", "did you mean"]
    ) {
      assertTrue(
        !answer.text.includes(leak),
        `${profile}: the answer shows "${leak}": ${answer.text}`,
      );
    }
  }
  // …while the operator is told why.
  assertIncludes(world.broker.stderr(), `user/alice asked for profile broker`);
  assertIncludes(world.broker.stderr(), "names no role");

  await assertNothingIssued(world, before, "hostile calls");
  assertEquals((await provenSend(url, spec)).status, 200, "the honest call still works");
  assertCleanLogs(world, [proof["x-sentinel-proof-authorization"].slice(-64)]);
  assertTrue(
    !world.broker.stderr().includes(BROKER_USER + ":"),
    "no key of the broker's in its logs",
  );
});

/**
 * Floods against a broker (DESIGN §15: "limits per caller keep one client from starving the
 * rest"), on real peers. One client sends 1,000 calls as fast as 50 connections carry them —
 * proofs naming alice's key id with garbage signatures, or no proof at all — while other callers
 * from the same address (every test client is 127.0.0.1, as every client behind one NAT or load
 * balancer is one address) ask for their own answers. The flood must be refused (429, cheaply,
 * most of it before STS is asked), and the others must get their answers within 3 s.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { brokerWorld } from "../harness/broker.ts";
import { runSentinel } from "../harness/sentinel.ts";
import { ROOT } from "../harness/tools.ts";
import {
  type Answer,
  assertNoSecrets,
  proofHeaders,
  proofHost,
  type ProofSpec,
  provenSend,
  send,
  tally,
} from "../harness/broker_attacks.ts";

/** alice and carol may have prod; bob is in no rule. */
const POLICY = `version: "1"
rules:
  - name: prod-team
    effect: allow
    conditions: { profiles: [prod], users: [alice, carol] }
    max_duration: 1h
`;

const CREDENTIALS = "/v1/credentials";
const PROD = JSON.stringify({ profile: "prod", duration_seconds: 900 });

/** Sends `total` calls made by `make` over `connections` parallel loops; the statuses seen. */
async function flood(
  total: number,
  connections: number,
  make: (i: number) => Promise<Answer>,
): Promise<{ statuses: Record<number, number>; sent: () => number }> {
  let next = 0;
  const statuses: Record<number, number> = {};
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next < total) {
      const answer = await make(next++);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    }
  }));
  return { statuses, sent: () => next };
}

/** A garbage signature on alice's key id: valid in shape, so only STS can tell. */
function garbage(headers: Record<string, string>, i: number): Record<string, string> {
  const authorization = headers["x-sentinel-proof-authorization"];
  return {
    ...headers,
    "x-sentinel-proof-authorization": authorization.slice(0, -64) +
      (i.toString(16).padStart(8, "0") + "f".repeat(56)),
  };
}

Deno.test("a flood does not starve other callers from the same address: 1,000 garbage proofs on alice's key id and 1,000 unproven calls are refused 429, while carol gets her credentials and bob his denial within 3 s", async () => {
  await using world = await brokerWorld({ policy: POLICY });
  const url = world.broker.url;
  const host = await proofHost(url);
  const spec = (key: ProofSpec["key"]): ProofSpec => ({
    key,
    server: url,
    host,
    path: CREDENTIALS,
    body: PROD,
  });
  // carol has used the broker before the floods; bob has not.
  const first = await provenSend(url, spec(world.keys.carol));
  assertEquals(first.status, 200, first.text);
  const before = await tally(world);
  const aliceProof = await proofHeaders(spec(world.keys.alice));

  const carolDuring = async (what: string) => {
    // Let the flood run first, then ask.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answer = await provenSend(url, spec(world.keys.carol));
    assertEquals(answer.status, 200, `carol during ${what}: ${answer.text}`);
    assertTrue(answer.ms < 3_000, `carol waited ${answer.ms} ms during ${what}`);
    return answer;
  };

  // Flood 1: alice's key id, garbage signatures (each would cost the broker an STS call).
  const [signed, carolAnswer, bobAnswer] = await Promise.all([
    flood(
      1_000,
      50,
      (i) => send(url, { path: CREDENTIALS, body: PROD, headers: garbage(aliceProof, i) }),
    ),
    carolDuring("the garbage-proof flood"),
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return await provenSend(url, spec(world.keys.bob));
    })(),
  ]);
  assertEquals([bobAnswer.status, bobAnswer.code], [403, "denied"], bobAnswer.text);
  assertTrue(bobAnswer.ms < 3_000, `bob waited ${bobAnswer.ms} ms`);
  const refused429 = signed.statuses[429] ?? 0;
  const refused401 = signed.statuses[401] ?? 0;
  assertEquals(refused429 + refused401, 1_000, JSON.stringify(signed.statuses));
  assertTrue(refused429 >= 900, `only ${refused429} of the flood were rate-limited`);

  // Flood 2: no proof at all.
  const [unproven, carolAgain] = await Promise.all([
    flood(1_000, 50, () => send(url, { path: CREDENTIALS, body: PROD })),
    carolDuring("the unproven flood"),
  ]);
  assertEquals((unproven.statuses[429] ?? 0) + (unproven.statuses[401] ?? 0), 1_000);
  assertTrue((unproven.statuses[429] ?? 0) >= 900, JSON.stringify(unproven.statuses));

  // Flood 3: made-up key ids, each a newcomer: only the address's newcomers' bucket stops them.
  const [madeUp, carolThird] = await Promise.all([
    flood(1_000, 50, (i) => {
      const key = `AKIA${i.toString().padStart(16, "0")}`;
      const headers = garbage(aliceProof, i);
      headers["x-sentinel-proof-authorization"] = headers["x-sentinel-proof-authorization"]
        .replace(world.keys.alice.accessKeyId, key);
      return send(url, { path: CREDENTIALS, body: PROD, headers });
    }),
    carolDuring("the made-up-key flood"),
  ]);
  assertEquals((madeUp.statuses[429] ?? 0) + (madeUp.statuses[401] ?? 0), 1_000);
  assertTrue((madeUp.statuses[429] ?? 0) >= 900, JSON.stringify(madeUp.statuses));

  // Only carol's three calls issued anything; bob's denial is logged.
  const after = await tally(world);
  assertEquals(after.issued, before.issued + 3);
  assertEquals(after.decisions, before.decisions + 4);
  assertNoSecrets([world.broker], [
    world.keys.alice.secretAccessKey,
    world.keys.carol.secretAccessKey,
    String(carolAnswer.body.SecretAccessKey),
    String(carolAgain.body.SecretAccessKey),
    String(carolThird.body.SecretAccessKey),
  ]);
  console.log(
    `garbage-proof flood: ${JSON.stringify(signed.statuses)}; carol ${
      Math.round(carolAnswer.ms)
    } ms, bob ${Math.round(bobAnswer.ms)} ms; unproven flood: ${
      JSON.stringify(unproven.statuses)
    }; carol ${Math.round(carolAgain.ms)} ms; made-up-key flood: ${
      JSON.stringify(madeUp.statuses)
    }; carol ${Math.round(carolThird.ms)} ms`,
  );
});

/** Sends a call from another loopback address (127.0.0.2), which fetch cannot choose. */
async function fromOtherAddress(
  url: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const script = `
import http.client, json, sys
spec = json.load(sys.stdin)
conn = http.client.HTTPConnection("127.0.0.1", spec["port"], source_address=("127.0.0.2", 0), timeout=20)
conn.request("POST", spec["path"], body=spec["body"], headers=spec["headers"])
answer = conn.getresponse()
print(json.dumps({"status": answer.status, "body": json.loads(answer.read())}))
`;
  const child = new Deno.Command(`${ROOT}.tools/venv/bin/python`, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify({
    port: Number(new URL(url).port),
    path,
    body,
    headers: { "content-type": "application/json", ...headers },
  })));
  await writer.close();
  const { stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(stdout);
  if (text.trim() === "") throw new Error(new TextDecoder().decode(stderr));
  return JSON.parse(text);
}

Deno.test("naming a caller's key id does not lock them out: a flood of garbage proofs on alice's key id from one address leaves alice's own calls from another address working", async () => {
  await using world = await brokerWorld({ policy: POLICY });
  const url = world.broker.url;
  const spec: ProofSpec = {
    key: world.keys.alice,
    server: url,
    host: await proofHost(url),
    path: CREDENTIALS,
    body: PROD,
  };
  const before = await tally(world);
  const aliceProof = await proofHeaders(spec);
  const flooded = await flood(
    300,
    20,
    (i) => send(url, { path: CREDENTIALS, body: PROD, headers: garbage(aliceProof, i) }),
  );
  assertTrue((flooded.statuses[429] ?? 0) >= 250, JSON.stringify(flooded.statuses));
  // From 127.0.0.1 alice's key id is now spent; alice herself calls from 127.0.0.2.
  const alice = await fromOtherAddress(url, CREDENTIALS, PROD, await proofHeaders(spec));
  assertEquals(alice.status, 200, JSON.stringify(alice.body));
  assertEquals((await tally(world)).issued, before.issued + 1);
  const log = world.broker.accessLog();
  assertTrue(log.some((line) => line.remote === "127.0.0.2" && line.status === 200));
  assertNoSecrets([world.broker], [world.keys.alice.secretAccessKey]);
});

Deno.test("many decisions at once do not stall the broker: twelve callers at once, twice (eight issued and four denied each time), are all answered within 10 s, and the decision log's chain stays whole", async () => {
  await using world = await brokerWorld({ policy: POLICY });
  const url = world.broker.url;
  const host = await proofHost(url);
  const before = await tally(world);
  const people = Array.from({ length: 12 }, (_, i) => (["alice", "carol", "bob"] as const)[i % 3]);
  for (let round = 0; round < 2; round++) {
    const answers = await Promise.all(people.map(async (person) =>
      send(url, {
        path: CREDENTIALS,
        body: PROD,
        headers: await proofHeaders({
          key: world.keys[person],
          server: url,
          host,
          path: CREDENTIALS,
          body: PROD,
        }),
        timeoutMs: 10_000,
      }).catch((error) => ({ status: 0, text: String(error), ms: 10_000 }))
    ));
    assertEquals(
      answers.map((answer) => answer.status),
      people.map((person) => person === "bob" ? 403 : 200),
      `round ${round}: ${answers.map((answer) => answer.text.slice(0, 100)).join("\n")}`,
    );
  }
  const health = await send(url, { method: "GET", path: "/v1/health", timeoutMs: 5_000 });
  assertEquals(health.status, 200);
  assertEquals(await tally(world), {
    issued: before.issued + 16,
    decisions: before.decisions + 24,
  });
  const verified = await runSentinel(["audit", "verify", world.brokerHome.logFile], {
    env: world.brokerHome.env,
  });
  assertEquals(verified.code, 0, verified.stdout + verified.stderr);
});

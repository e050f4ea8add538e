/**
 * Replays against broker mode (DESIGN §15: "a signature is accepted once (replay records with a
 * TTL in the store, so every broker of a fleet refuses a replay)"), on real peers: a proof crafted
 * with alice's real keys, sent again — to the same broker, at once in parallel, and to a second
 * broker process sharing the first one's DynamoDB table (in moto, with the broker's IAM user
 * allowed only the table's own actions). Both brokers are started with the same `--broker-id`, so
 * it is the replay record, not the id check, that refuses. And the other side of the rule: two
 * honest calls alike in the same second (`x-amz-date` has whole seconds) are not a replay.
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { brokerWorld } from "../harness/broker.ts";
import {
  type Answer,
  assertNoSecrets,
  proofHeaders,
  proofHost,
  type ProofSpec,
  send,
  tally,
} from "../harness/broker_attacks.ts";
import { FetchBrokerClient } from "../../src/adapters/broker/client.ts";

const CREDENTIALS = "/v1/credentials";
const PROD = JSON.stringify({ profile: "prod", duration_seconds: 900 });

function assertReplayed(answer: Answer, what: string): void {
  assertEquals([answer.status, answer.code], [401, "proof_replayed"], `${what}: ${answer.text}`);
  assertIncludes(answer.message!, "every call needs a fresh one");
}

Deno.test("a proof is accepted once: sent again to the same broker, ten times at once, or to a second broker on the same SQLite store, only one call is answered and only one session issued", async () => {
  await using world = await brokerWorld();
  const url = world.broker.url;
  const spec: ProofSpec = {
    key: world.keys.alice,
    server: url,
    host: await proofHost(url),
    path: CREDENTIALS,
    body: PROD,
  };
  const before = await tally(world);
  const headers = await proofHeaders(spec);
  const first = await send(url, { path: CREDENTIALS, body: PROD, headers });
  assertEquals(first.status, 200, first.text);
  assertReplayed(
    await send(url, { path: CREDENTIALS, body: PROD, headers }),
    "the same proof again",
  );
  const afterOne = await tally(world);
  assertEquals(afterOne, { issued: before.issued + 1, decisions: before.decisions + 1 });

  // Ten copies of a fresh proof at once: the store lets exactly one through.
  const fresh = await proofHeaders({ ...spec, at: Date.now() + 1_000 });
  const answers = await Promise.all(
    Array.from({ length: 10 }, () => send(url, { path: CREDENTIALS, body: PROD, headers: fresh })),
  );
  const statuses = answers.map((answer) => answer.status).sort();
  assertEquals(statuses, [200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
  for (const answer of answers.filter((a) => a.status === 401)) assertReplayed(answer, "a copy");
  assertEquals(await tally(world), {
    issued: afterOne.issued + 1,
    decisions: afterOne.decisions + 1,
  });
  // A second broker process on the same SQLite file (and id) remembers it too.
  const second = await world.startBroker(["--broker-id", url]);
  assertReplayed(
    await send(second.url, { path: CREDENTIALS, body: PROD, headers }),
    "the first proof at a second broker on the same SQLite store",
  );
  assertNoSecrets([world.broker, second], [
    world.keys.alice.secretAccessKey,
    headers["x-sentinel-proof-authorization"].slice(-64),
    String(first.body.SecretAccessKey),
  ]);
});

Deno.test("every broker sharing a DynamoDB table refuses a replay: a proof used at one broker is refused at another with the same broker id, and raced at both only one answers", async () => {
  const id = "http://sentinel.test:8443";
  await using world = await brokerWorld({ store: "dynamodb", brokerArgs: ["--broker-id", id] });
  const second = await world.startBroker(["--broker-id", id]);
  const spec: ProofSpec = {
    key: world.keys.alice,
    server: id,
    host: await proofHost(world.broker.url),
    path: CREDENTIALS,
    body: PROD,
  };
  const before = await tally(world);
  const headers = await proofHeaders(spec);
  const first = await send(world.broker.url, { path: CREDENTIALS, body: PROD, headers });
  assertEquals(first.status, 200, first.text);
  const replay = await send(second.url, { path: CREDENTIALS, body: PROD, headers });
  assertReplayed(replay, "the proof at the second broker");
  assertEquals((await tally(world)).issued, before.issued + 1);

  const fresh = await proofHeaders({ ...spec, at: Date.now() + 1_000 });
  const raced = await Promise.all(
    [world.broker.url, second.url, world.broker.url, second.url].map((url) =>
      send(url, { path: CREDENTIALS, body: PROD, headers: fresh })
    ),
  );
  assertEquals(raced.map((answer) => answer.status).sort(), [200, 401, 401, 401]);
  for (const answer of raced.filter((a) => a.status === 401)) assertReplayed(answer, "raced");
  assertEquals((await tally(world)).issued, before.issued + 2);
  // The table holds the replay records (moto's recorder saw both brokers write them).
  const puts = (await world.moto.recordedRequests()).filter((request) =>
    request.headers["X-Amz-Target"] === "DynamoDB_20120810.PutItem" &&
    request.body.includes("replay#")
  );
  assertEquals(puts.length >= 3, true, `replay records written: ${puts.length}`);
  assertNoSecrets([world.broker, second], [world.keys.alice.secretAccessKey]);
});

Deno.test("two honest calls alike in the same second are not a replay: the client's proofs differ, so both are answered", async () => {
  await using world = await brokerWorld();
  const url = world.broker.url;
  const before = await tally(world);
  const client = new FetchBrokerClient();
  const call = {
    server: url,
    method: "POST" as const,
    path: CREDENTIALS,
    body: PROD,
    proof: {
      credentials: { ...world.keys.alice, sessionToken: undefined },
      endpoint: { host: await proofHost(url), region: "us-east-1" },
    },
    signal: AbortSignal.timeout(30_000),
  };
  const answers = await Promise.all([client.send(call), client.send(call), client.send(call)]);
  assertEquals(answers.map((answer) => answer.status), [200, 200, 200], answers[1]?.text);
  assertEquals(await tally(world), {
    issued: before.issued + 3,
    decisions: before.decisions + 3,
  });
});

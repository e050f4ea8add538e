/**
 * Attacks on the caller proof of broker mode (DESIGN §15), on real peers: a real `sentinel serve`
 * and moto with IAM checks on (so STS really checks signatures against alice's key). Every proof
 * here is crafted in the test with alice's real keys; each attack changes one thing a hostile
 * client controls, and must be refused as `caller_unproven` (HTTP 401) with nothing issued
 * (moto's AssumeRole calls with a SourceIdentity), nothing decided (the broker's decision log)
 * and no secret in the broker's access log or stderr. Each test ends with an unchanged proof
 * that works, so a refusal is the attack's doing, not the crafting's.
 */
import { assertEquals, assertIncludes, assertMatch } from "../assert.ts";
import { brokerWorld } from "../harness/broker.ts";
import {
  type Answer,
  assertNoSecrets,
  assertNothingIssued,
  proofHeaders,
  proofHost,
  type ProofSpec,
  provenSend,
  send,
  tally,
} from "../harness/broker_attacks.ts";

const CREDENTIALS = "/v1/credentials";
const WHOAMI = "/v1/whoami";
const PROD = JSON.stringify({ profile: "prod", duration_seconds: 900 });

function assertUnproven(answer: Answer, what: string, why?: RegExp): void {
  assertEquals([answer.status, answer.code], [401, "caller_unproven"], `${what}: ${answer.text}`);
  if (why) assertMatch(answer.message ?? "", why, what);
}

/** GetCallerIdentity calls moto has seen (each is one proof the broker sent to STS). */
async function stsChecks(world: Awaited<ReturnType<typeof brokerWorld>>): Promise<number> {
  return (await world.moto.recordedRequests())
    .filter((request) => request.body.includes("Action=GetCallerIdentity")).length;
}

Deno.test("a proof binds its call: a changed x-sentinel-server, x-sentinel-request, date, key, signature or body is refused as caller_unproven and nothing is issued", async () => {
  await using world = await brokerWorld();
  const url = world.broker.url;
  const honest: ProofSpec = {
    key: world.keys.alice,
    server: url,
    path: CREDENTIALS,
    body: PROD,
    host: await proofHost(url),
  };
  const before = await tally(world);
  const signatures: string[] = [];
  /** Sends `spec`'s proof with `sent`'s changes (headers: a function of the proof's own). */
  const attempt = async (
    what: string,
    spec: ProofSpec,
    sent: {
      body?: string;
      headers?:
        | Record<string, string>
        | ((proof: Record<string, string>) => Record<string, string>);
    },
  ) => {
    const headers = await proofHeaders(spec);
    signatures.push(headers["x-sentinel-proof-authorization"]);
    const changed = typeof sent.headers === "function" ? sent.headers(headers) : sent.headers;
    const answer = await send(url, {
      path: spec.path,
      body: sent.body ?? spec.body,
      headers: { ...headers, ...changed },
    });
    assertUnproven(answer, what);
    return answer;
  };

  // Signed for another broker id: the broker rebuilds the request with its own.
  const other = await attempt("x-sentinel-server of another broker", {
    ...honest,
    server: "http://127.0.0.1:1",
  }, {});
  assertIncludes(other.message!, "SignatureDoesNotMatch");
  // …and naming that id in a header of the call changes nothing: the broker never reads it.
  await attempt("x-sentinel-server sent beside the call", {
    ...honest,
    server: "http://127.0.0.1:1",
  }, { headers: { "x-sentinel-server": "http://127.0.0.1:1" } });
  // The digest of another body, sent with this one (a longer session than was proven).
  await attempt("x-sentinel-request of another body", honest, {
    body: JSON.stringify({ profile: "prod", duration_seconds: 3600 }),
  });
  await attempt("the digest sent as a header", honest, {
    body: JSON.stringify({ profile: "prod", duration_seconds: 3600 }),
    headers: { "x-sentinel-request": "0".repeat(64) },
  });
  // The same proof with another profile, or the same fields reordered (the digest is over bytes).
  await attempt("another profile in the body", honest, {
    body: JSON.stringify({ profile: "prod2", duration_seconds: 900 }),
  });
  await attempt("the body's fields reordered", honest, {
    body: JSON.stringify({ duration_seconds: 900, profile: "prod" }),
  });
  // The pieces of the signature, each changed (in the proof itself, made the same second).
  const AUTHORIZATION = "x-sentinel-proof-authorization";
  await attempt("one hex digit of the signature", honest, {
    headers: (proof) => ({
      [AUTHORIZATION]: proof[AUTHORIZATION].slice(0, -1) +
        (proof[AUTHORIZATION].endsWith("0") ? "1" : "0"),
    }),
  });
  await attempt("x-sentinel-proof-date a second off", honest, {
    headers: (proof) => {
      const date = proof["x-sentinel-proof-date"];
      const second = (Number(date.slice(-3, -1)) + 1) % 60;
      return { "x-sentinel-proof-date": `${date.slice(0, -3)}${String(second).padStart(2, "0")}Z` };
    },
  });
  await attempt("another nonce", honest, {
    headers: { "x-sentinel-proof-nonce": "another-nonce-of-the-right-shape" },
  });
  const pieces = await proofHeaders(honest);
  const noNonce = await send(url, {
    path: CREDENTIALS,
    body: PROD,
    headers: Object.fromEntries(
      Object.entries(pieces).filter(([name]) => name !== "x-sentinel-proof-nonce"),
    ),
  });
  assertUnproven(noNonce, "no nonce", /x-sentinel-proof-nonce is missing/);
  await attempt("bob's key id on alice's signature", honest, {
    headers: (proof) => ({
      [AUTHORIZATION]: proof[AUTHORIZATION].replace(
        world.keys.alice.accessKeyId,
        world.keys.bob.accessKeyId,
      ),
    }),
  });
  const token = await attempt("a session token added to a key's proof", honest, {
    headers: { "x-sentinel-proof-token": "A".repeat(200) },
  });
  assertIncludes(token.message!, "must sign exactly");

  await assertNothingIssued(world, before, "tampered proofs");
  // The honest proof, unchanged, works (so each refusal above was the change's doing).
  const ok = await provenSend(url, honest);
  assertEquals(ok.status, 200, ok.text);
  assertEquals((await tally(world)).issued, before.issued + 1);
  assertNoSecrets([world.broker], [
    world.keys.alice.secretAccessKey,
    world.keys.broker.secretAccessKey,
    String(ok.body.SecretAccessKey),
    String(ok.body.SessionToken),
    ...signatures.map((s) => s.slice(-64)),
  ]);
});

Deno.test("a proof is for one API call and one broker: a whoami proof on a credentials call, a credentials proof on whoami, and a proof for another broker id are refused", async () => {
  await using world = await brokerWorld();
  const url = world.broker.url;
  const base = { key: world.keys.alice, server: url, host: await proofHost(url) };
  const before = await tally(world);
  const whoamiProof: ProofSpec = { ...base, path: WHOAMI, body: "" };
  const credentialsProof: ProofSpec = { ...base, path: CREDENTIALS, body: PROD };

  assertUnproven(
    await provenSend(url, whoamiProof, { path: CREDENTIALS, body: PROD }),
    "a whoami proof sent with a credentials call",
  );
  assertUnproven(
    await provenSend(url, credentialsProof, { path: WHOAMI, body: "" }),
    "a credentials proof sent with a whoami call (without its body)",
  );
  // With its body, whoami refuses the body before it looks at the proof.
  const withBody = await provenSend(url, credentialsProof, { path: WHOAMI });
  assertEquals([withBody.status, withBody.code], [400, "usage"], withBody.text);
  // The method is part of the digest too: a proof for GET is not one for POST.
  assertUnproven(
    await provenSend(url, { ...credentialsProof, method: "GET" }, { method: "POST" }),
    "a proof for another method",
  );
  const elsewhere = await provenSend(url, {
    ...credentialsProof,
    server: "https://sentinel.example",
  });
  assertUnproven(elsewhere, "a proof for another broker id", /another broker than/);
  assertIncludes(elsewhere.message!, url);
  // A broker started with another id refuses a proof made for this one.
  const second = await world.startBroker(["--broker-id", "http://broker-two.example:8443"]);
  assertUnproven(
    await provenSend(second.url, credentialsProof),
    "a proof for the first broker sent to a second one",
  );
  await assertNothingIssued(world, before, "proofs for other calls");

  const whoami = await provenSend(url, whoamiProof);
  assertEquals([whoami.status, whoami.body.arn], [200, "arn:aws:iam::123456789012:user/alice"]);
  assertNoSecrets([world.broker, second], [world.keys.alice.secretAccessKey]);
});

Deno.test("a proof's date is the broker's to check: signed 6 minutes ago or 6 minutes ahead is refused before STS is asked, with a message about the clock; 4 minutes off is accepted", async () => {
  await using world = await brokerWorld();
  const url = world.broker.url;
  const base = { key: world.keys.alice, server: url, host: await proofHost(url) };
  const before = await tally(world);
  const checks = await stsChecks(world);
  for (const [what, offset, word] of [["old", -6, "ago"], ["ahead", 6, "ahead"]] as const) {
    const answer = await provenSend(url, {
      ...base,
      path: CREDENTIALS,
      body: PROD,
      at: Date.now() + offset * 60_000,
    });
    assertUnproven(answer, `a proof 6 minutes ${what}`, /check the clock/);
    assertIncludes(answer.message!, word);
    assertIncludes(answer.message!, "within 5 minutes");
  }
  assertEquals(await stsChecks(world), checks, "moto does not check dates: the broker must");
  await assertNothingIssued(world, before, "stale proofs");
  for (const offset of [-4, 4]) {
    const answer = await provenSend(url, {
      ...base,
      path: WHOAMI,
      body: "",
      at: Date.now() + offset * 60_000,
    });
    assertEquals(answer.status, 200, `a proof ${offset} minutes off: ${answer.text}`);
  }
});

Deno.test("a proof signs GetCallerIdentity only: a signed AssumeRole or any other STS body fails, because the broker sends its own fixed body", async () => {
  await using world = await brokerWorld();
  const url = world.broker.url;
  const base: ProofSpec = {
    key: world.keys.alice,
    server: url,
    host: await proofHost(url),
    path: CREDENTIALS,
    body: PROD,
  };
  const before = await tally(world);
  const bodies = [
    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FSentinelProd&RoleSessionName=alice",
    "Action=GetCallerIdentity&Version=2011-06-15&Extra=1",
    "Version=2011-06-15&Action=GetCallerIdentity",
    "",
  ];
  for (const stsBody of bodies) {
    const answer = await provenSend(url, { ...base, stsBody });
    assertUnproven(answer, `a proof signing ${JSON.stringify(stsBody)}`, /SignatureDoesNotMatch/);
  }
  const assumed = (await world.moto.assumeRoleCalls()).filter((call) =>
    call.get("RoleSessionName") === "alice" && !call.has("SourceIdentity")
  );
  assertEquals(assumed.length, 0, "the broker never sent the signed AssumeRole");
  await assertNothingIssued(world, before, "proofs of other STS requests");
  assertEquals((await provenSend(url, base)).status, 200);
});

Deno.test("a session the broker issued proves its role session, not the person: signed with it (session token and all), whoami names the assumed role and a credentials call is denied", async () => {
  await using world = await brokerWorld();
  const url = world.broker.url;
  const host = await proofHost(url);
  const issued = await provenSend(url, {
    key: world.keys.alice,
    server: url,
    host,
    path: CREDENTIALS,
    body: PROD,
  });
  assertEquals(issued.status, 200, issued.text);
  const session = {
    accessKeyId: String(issued.body.AccessKeyId),
    secretAccessKey: String(issued.body.SecretAccessKey),
    sessionToken: String(issued.body.SessionToken),
  };
  const before = await tally(world);
  const who = await provenSend(url, { key: session, server: url, host, path: WHOAMI, body: "" });
  assertEquals(who.status, 200, who.text);
  assertMatch(String(who.body.arn), /:assumed-role\/SentinelProd\/alice$/);
  const again = await provenSend(url, {
    key: session,
    server: url,
    host,
    path: CREDENTIALS,
    body: PROD,
  });
  assertEquals([again.status, again.code], [403, "denied"], again.text);
  assertIncludes(again.message!, "SentinelProd/alice");
  assertEquals((await tally(world)).issued, before.issued, "no session from a session");
  assertNoSecrets([world.broker], [session.secretAccessKey, session.sessionToken.slice(0, 40)]);
});

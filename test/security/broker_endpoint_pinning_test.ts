/**
 * The broker checks proofs at its own pinned STS and nowhere else (DESIGN §15: "never forwards,
 * parses or follows anything the client chose"; the lesson of CVE-2020-16250, where Vault asked
 * the STS a client named). The test runs a decoy "STS" of its own that would vouch for anyone as
 * alice, and points every part of a call a client controls at it: the Host header, an
 * absolute-form request target, x-forwarded-host and Forwarded, and a proof signed for the
 * decoy's host or another region. The decoy must see nothing, moto (the pinned endpoint) must see
 * every proof the broker sent — with the fixed body and its own Host — and nothing is issued.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { brokerWorld } from "../harness/broker.ts";
import {
  assertNoSecrets,
  assertNothingIssued,
  portOf,
  proofHeaders,
  proofHost,
  type ProofSpec,
  rawBody,
  rawRequest,
  send,
  tally,
} from "../harness/broker_attacks.ts";
import { PROOF_BODY } from "../../src/core/broker/caller_proof.ts";

const CREDENTIALS = "/v1/credentials";
const PROD = JSON.stringify({ profile: "prod", duration_seconds: 900 });

/** A decoy STS that vouches for anyone as alice, and counts who asked. */
function decoySts() {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    requests++;
    await request.body?.cancel();
    return new Response(
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDADECOYDECOYDECOY</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
      { headers: { "content-type": "text/xml" } },
    );
  });
  const host = `127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  return {
    host,
    requests: () => requests,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("the broker asks only its pinned STS: a Host, an absolute-form target, x-forwarded-host, Forwarded, or a proof signed for another host or region never reaches the client's endpoint", async () => {
  await using world = await brokerWorld();
  await using decoy = decoySts();
  const url = world.broker.url;
  const stsHost = await proofHost(url);
  const before = await tally(world);
  const motoChecks = async () =>
    (await world.moto.recordedRequests()).filter((r) => r.body.includes("GetCallerIdentity"));
  const checksBefore = (await motoChecks()).length;
  const spec: ProofSpec = {
    key: world.keys.alice,
    server: url,
    host: stsHost,
    path: CREDENTIALS,
    body: PROD,
  };
  /** alice's proof with a garbage signature: only an STS that vouches for anyone would take it. */
  const garbage = async (over: Partial<ProofSpec> = {}) => {
    const headers = await proofHeaders({ ...spec, ...over });
    const authorization = headers["x-sentinel-proof-authorization"];
    return {
      ...headers,
      "x-sentinel-proof-authorization": authorization.slice(0, -64) + "e".repeat(64),
    };
  };
  const refusals: string[] = [];
  const expectUnproven = (what: string, status: number | undefined, code: unknown) => {
    assertEquals([status, code], [401, "caller_unproven"], what);
    refusals.push(what);
  };

  // Headers naming the decoy, beside a garbage proof.
  for (
    const [what, extra] of [
      ["Host", { host: decoy.host }],
      ["x-forwarded-host", { "x-forwarded-host": decoy.host, "x-forwarded-proto": "http" }],
      ["Forwarded", { forwarded: `host=${decoy.host};proto=http` }],
      ["an endpoint header", { "x-sentinel-sts-endpoint": `http://${decoy.host}/` }],
    ] as const
  ) {
    const lines = Object.entries({ ...(await garbage()), ...extra })
      .filter(([name]) => name !== "host")
      .map(([name, value]) => `${name}: ${value}\r\n`).join("");
    const host = "host" in extra ? extra.host : "127.0.0.1";
    const answer = await rawRequest(
      portOf(url),
      `POST ${CREDENTIALS} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${PROD.length}\r\n${lines}\r\n${PROD}`,
    );
    expectUnproven(what, answer.status, rawBody(answer.text).code);
  }
  // An absolute-form request target naming the decoy.
  const lines = Object.entries(await garbage()).map(([n, v]) => `${n}: ${v}\r\n`).join("");
  const absolute = await rawRequest(
    portOf(url),
    `POST http://${decoy.host}${CREDENTIALS} HTTP/1.1\r\nHost: ${decoy.host}\r\nContent-Length: ${PROD.length}\r\n${lines}\r\n${PROD}`,
  );
  expectUnproven("absolute-form target", absolute.status, rawBody(absolute.text).code);
  // A valid signature by alice, but for the decoy's host: STS at the pinned host refuses it.
  const forDecoy = await send(url, {
    path: CREDENTIALS,
    body: PROD,
    headers: await proofHeaders({ ...spec, host: decoy.host }),
  });
  expectUnproven("a proof signed for the decoy's host", forDecoy.status, forDecoy.code);
  assertIncludes(forDecoy.message!, "SignatureDoesNotMatch");
  // A proof for another region: there is no endpoint to pick, it is refused before any STS call.
  const otherRegion = await send(url, {
    path: CREDENTIALS,
    body: PROD,
    headers: await proofHeaders({ ...spec, region: "eu-west-1" }),
  });
  expectUnproven("a proof for another region", otherRegion.status, otherRegion.code);
  assertIncludes(otherRegion.message!, "this broker checks proofs in us-east-1");

  assertEquals(decoy.requests(), 0, "the decoy STS was asked");
  const checks = (await motoChecks()).slice(checksBefore);
  assertEquals(checks.length, refusals.length - 1, "every proof but the other region's at moto");
  for (const check of checks) {
    assertEquals(check.body, PROOF_BODY);
    const host = Object.entries(check.headers).find(([name]) => name.toLowerCase() === "host")?.[1];
    assertEquals(host, stsHost, "the broker's own Host");
    assertTrue(
      !Object.keys(check.headers).some((name) => /forwarded|x-sentinel-sts/i.test(name)),
      "no client header forwarded",
    );
  }
  await assertNothingIssued(world, before, "redirected proofs");
  assertNoSecrets([world.broker], [world.keys.alice.secretAccessKey]);
});

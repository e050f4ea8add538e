/**
 * The broker's answers over in-memory fakes (test/support/fake_team.ts), with a stand-in for STS's
 * proof check that knows which signatures it made: the route, the strict body, the proof, the
 * replay record, the limits and the bound on calls in flight, and the decision — all in
 * milliseconds. The slow twins run a real `sentinel serve` against moto: test/broker_e2e_test.ts
 * and test/security/broker_*_test.ts.
 */
import { assertEquals, assertIncludes, assertTrue } from "../../../test/assert.ts";
import { FakeTeam, STORE, TEAM_ROLE } from "../../../test/support/fake_team.ts";
import { amzDateOf, PROOF_HEADERS } from "../../core/broker/caller_proof.ts";
import { identityFromArn } from "../../core/identity.ts";
import { parseStoreLocation } from "../../core/store/location.ts";
import type { HttpAnswer, ListenedCall, ProofSts } from "../../ports/broker.ts";
import { callerSettings } from "../caller.ts";
import { BrokerRoutes } from "./routes.ts";
import { type BrokerLimits, type BrokerSetup, DEFAULT_LIMITS } from "./setup.ts";

const POLICY = `version: "1"
rules:
  - name: bob-prod
    effect: allow
    conditions: { profiles: [prod], users: [bob] }
    max_duration: 4h
`;

/** The broker's id. */
export const BROKER = "https://sentinel.example.com";

/** STS as a proof checker: a signature it knows proves its caller; any other is refused. */
class StandInSts implements ProofSts {
  readonly callers = new Map<string, string>();
  sent = 0;
  /** Resolves the answers it is holding (a slow STS). */
  hold?: Promise<void>;

  endpoint() {
    return { host: "sts.us-east-1.amazonaws.com", region: "us-east-1", display: "https://sts" };
  }

  async send(headers: Record<string, string>): Promise<HttpAnswer> {
    this.sent++;
    await this.hold;
    const signature = /Signature=([0-9a-f]{64})$/.exec(headers.authorization)?.[1] ?? "";
    const arn = this.callers.get(signature);
    if (arn === undefined || headers["x-sentinel-server"] !== BROKER) {
      return {
        status: 403,
        text: "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>",
      };
    }
    const account = arn.split(":")[4];
    return {
      status: 200,
      text:
        `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AIDA${account}</UserId><Account>${account}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
    };
  }
}

/** A broker over a fake team, running as alice's IAM user (or `brokerArn`), under `policy`. */
export async function world(
  limits: Partial<BrokerLimits> = {},
  brokerArn = "arn:aws:iam::123456789012:user/alice",
  policy = POLICY,
) {
  const team = new FakeTeam({ policy });
  const deps = team.deps();
  const sts = new StandInSts();
  const setup: BrokerSetup = {
    brokerId: BROKER,
    version: "0.0.0-test",
    identity: identityFromArn(brokerArn)!,
    settings: await callerSettings(deps, { profile: "alice" }),
    readerAccounts: new Set([identityFromArn(brokerArn)!.account]),
    store: parseStoreLocation(STORE, "/home/alice"),
    stores: () => Promise.resolve(team.store()),
    sts,
    limits: { ...DEFAULT_LIMITS, ...limits },
    callSeconds: 5,
    report: () => {},
  };
  let n = 0;
  /** A call with a fresh proof STS will take as `user`'s (or refuse, for "nobody"). */
  /** `user` is a name of account 123456789012, or an ARN. */
  const call = (path: string, body: unknown, user = "bob", over: Partial<ListenedCall> = {}) => {
    const signature = (++n).toString(16).padStart(64, "0");
    const arn = user.startsWith("arn:") ? user : `arn:aws:iam::123456789012:user/${user}`;
    if (user !== "nobody") sts.callers.set(signature, arn);
    const name = arn.split("/").at(-1)!;
    const date = amzDateOf(team.clock.now());
    const headers = new Headers({
      [PROOF_HEADERS.authorization]: `AWS4-HMAC-SHA256 Credential=AKIA${
        name.toUpperCase().padEnd(12, "X")
      }/${
        date.slice(0, 8)
      }/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date;x-sentinel-request;x-sentinel-server, Signature=${signature}`,
      [PROOF_HEADERS.date]: date,
      [PROOF_HEADERS.nonce]: `nonce-${n}`.padEnd(22, "0"),
    });
    return {
      method: "POST",
      path,
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
      remote: "192.0.2.1",
      ...over,
    } satisfies ListenedCall;
  };
  return { team, sts, routes: new BrokerRoutes(deps, setup), call };
}

Deno.test("a proven caller the policy allows gets credentials stamped with their name; the record names the broker and the caller's unique id", async () => {
  const { team, routes, call } = await world();
  const reply = await routes.answer(call("/v1/credentials", { profile: "prod" }));
  assertEquals(reply.status, 200, JSON.stringify(reply.body));
  const body = reply.body as { sentinel: { source_identity: string; user: string } };
  assertEquals(body.sentinel.user, "bob");
  const [assumed] = team.aws.assumeRoleCalls();
  assertEquals(assumed.get("RoleArn"), TEAM_ROLE);
  assertEquals(assumed.get("SourceIdentity"), body.sentinel.source_identity);
  const record = team.logRecords().at(-1)!;
  assertEquals([record.outcome, record.user, record.broker_id, record.caller_user_id], [
    "issued",
    "bob",
    BROKER,
    "AIDA123456789012",
  ]);
});

Deno.test("a proof is accepted once; an unproven one, a denied caller and a bad body get nothing", async () => {
  const { team, sts, routes, call } = await world();
  const first = call("/v1/credentials", { profile: "prod" });
  assertEquals((await routes.answer(first)).status, 200);
  const replay = await routes.answer(first);
  assertEquals([replay.status, (replay.body as { code: string }).code], [401, "proof_replayed"]);

  const forged = await routes.answer(call("/v1/credentials", { profile: "prod" }, "nobody"));
  assertEquals([forged.status, (forged.body as { code: string }).code], [401, "caller_unproven"]);
  assertIncludes((forged.body as { message: string }).message, "SignatureDoesNotMatch");

  const denied = await routes.answer(call("/v1/credentials", { profile: "prod" }, "carol"));
  assertEquals([denied.status, (denied.body as { code: string }).code], [403, "denied"]);
  assertIncludes((denied.body as { message: string }).message, "denied: prod for carol");

  const sentBefore = sts.sent;
  const bad = await routes.answer(call("/v1/credentials", '{"profile":"prod","role_arn":"x"}'));
  assertEquals([bad.status, (bad.body as { code: string }).code], [400, "usage"]);
  assertEquals(sts.sent, sentBefore, "a bad body costs no STS call");
  assertEquals(team.aws.assumeRoleCalls().length, 1);
});

Deno.test("routes: unknown paths are 404, GET on a POST route is 400, health needs no proof", async () => {
  const { routes, call } = await world();
  assertEquals((await routes.answer(call("/v1/admin", {}))).status, 404);
  assertEquals(
    (await routes.answer(call("/v1/credentials", {}, "bob", { method: "GET" }))).status,
    400,
  );
  const health = await routes.answer({
    method: "GET",
    path: "/v1/health",
    headers: new Headers(),
    body: "",
    remote: "192.0.2.9",
  });
  assertEquals(health.status, 200);
  assertEquals((health.body as { broker_id: string }).broker_id, BROKER);
});

Deno.test("a caller over its rate gets 429 with Retry-After; another caller is not held up", async () => {
  const { routes, call } = await world({ perCaller: { perSecond: 1, burst: 2, maxKeys: 100 } });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await routes.answer(call("/v1/whoami", {}))).status);
  assertEquals(statuses, [200, 200, 429, 429]);
  const limited = await routes.answer(call("/v1/whoami", {}));
  assertEquals(limited.headers?.["retry-after"], "1");
  assertEquals((await routes.answer(call("/v1/whoami", {}, "carol"))).status, 200);
});

Deno.test("past the bound on calls in flight the broker answers 503 at once instead of queueing", async () => {
  const { sts, routes, call } = await world({ maxInFlight: 1 });
  let release = () => {};
  sts.hold = new Promise((resolve) => release = resolve);
  const slow = routes.answer(call("/v1/whoami", {}));
  const busy = await routes.answer(call("/v1/whoami", {}, "carol"));
  assertEquals([busy.status, (busy.body as { code: string }).code], [503, "broker_busy"]);
  release();
  assertEquals((await slow).status, 200);
  assertTrue((await routes.answer(call("/v1/whoami", {}, "carol"))).status === 200);
});

Deno.test("a profile the broker does not serve is 404; a broken configuration is told to the operator, not to the caller", async () => {
  const { team, routes, call } = await world();
  const unknown = await routes.answer(call("/v1/credentials", { profile: "staging" }));
  assertEquals([unknown.status, (unknown.body as { code: string }).code], [404, "unknown_profile"]);
  assertIncludes((unknown.body as { message: string }).message, 'serves no profile "staging"');
  team.setPolicy("version: 1\nrules: [{");
  const broken = await routes.answer(call("/v1/credentials", { profile: "prod" }));
  const body = broken.body as { code: string; message: string; details: string[] };
  assertEquals([broken.status, body.code], [500, "invalid_config"]);
  assertIncludes(body.message, "its operators see why in the broker's log");
  assertTrue(!JSON.stringify(body).includes("/home/alice"), "no path of the broker's files");
});

Deno.test("a broker that is itself a role session asks STS for at most an hour (role chaining); an IAM-user broker for what was asked", async () => {
  const role = await world({}, "arn:aws:sts::123456789012:assumed-role/SentinelBroker/task-1");
  const capped = await role.routes.answer(call2(role, { profile: "prod", duration_seconds: 7200 }));
  assertEquals(capped.status, 200, JSON.stringify(capped.body));
  assertEquals(role.team.aws.assumeRoleCalls()[0].get("DurationSeconds"), "3600");
  const user = await world();
  const asked = await user.routes.answer(call2(user, { profile: "prod", duration_seconds: 7200 }));
  assertEquals(asked.status, 200);
  assertEquals(user.team.aws.assumeRoleCalls()[0].get("DurationSeconds"), "7200");
});

function call2(w: Awaited<ReturnType<typeof world>>, body: unknown) {
  return w.call("/v1/credentials", body);
}

Deno.test("limits before the proof: a flood naming bob's key id at one address leaves bob alone at his; newcomers share their address's bucket, callers proven there skip it", async () => {
  const { sts, routes, call } = await world({
    perCaller: { perSecond: 0.001, burst: 2, maxKeys: 100 },
    perAddress: { perSecond: 0.001, burst: 3, maxKeys: 100 },
  });
  const at = (remote: string) => ({ remote });
  const status = async (answered: Promise<{ status: number; body: unknown }>) => {
    const reply = await answered;
    return `${reply.status} ${(reply.body as { code?: string }).code ?? ""}`.trim();
  };
  assertEquals(
    await status(routes.answer(call("/v1/whoami", {}, "carol", at("192.0.2.1")))),
    "200",
  );
  // Garbage signatures naming bob's key id, from carol's address.
  const forged = () => {
    const garbage = call("/v1/whoami", {}, "nobody", at("192.0.2.1"));
    const authorization = garbage.headers.get(PROOF_HEADERS.authorization)!;
    garbage.headers.set(
      PROOF_HEADERS.authorization,
      authorization.replace("AKIANOBODYXXXXXX", "AKIABOBXXXXXXXXX"),
    );
    return garbage;
  };
  const flood = [];
  for (let i = 0; i < 5; i++) flood.push(await status(routes.answer(forged())));
  assertEquals(flood, [
    "401 caller_unproven",
    "401 caller_unproven",
    "429 broker_rate_limited",
    "429 broker_rate_limited",
    "429 broker_rate_limited",
  ]);
  const sent = sts.sent;
  // bob at his own address is a newcomer there, with buckets of his own.
  assertEquals(await status(routes.answer(call("/v1/whoami", {}, "bob", at("192.0.2.2")))), "200");
  // carol, proven at 192.0.2.1, skips its spent newcomers' bucket; a newcomer there waits.
  assertEquals(
    await status(routes.answer(call("/v1/whoami", {}, "carol", at("192.0.2.1")))),
    "200",
  );
  const dave = await routes.answer(call("/v1/whoami", {}, "dave", at("192.0.2.1")));
  assertEquals(dave.status, 429);
  assertIncludes((dave.body as { message: string }).message, "address 192.0.2.1");
  const unproven = await routes.answer({ ...call("/v1/whoami", {}), headers: new Headers() });
  assertEquals(unproven.status, 429, "a call without a proof is a newcomer");
  assertEquals(sts.sent, sent + 2, "no STS call for a call refused by a limit");
});

/**
 * The broker's record routes (`/v1/requests/*`, `/v1/breakglass/*`) attacked by hostile clients on
 * real peers: a real `sentinel serve` (SQLite, and a fleet of two on one DynamoDB table), moto with
 * IAM checks on, caller proofs crafted with the people's real keys (harness/broker_attacks.ts), a
 * role session named after an approver, and callers of another AWS account (moto lets a role of
 * account 999999999999 be assumed, whose sessions STS then names in that account). Each step is
 * named for the guarantee it checks, and checks the store itself afterwards (the SQLite file read
 * directly, the DynamoDB table scanned with the AWS CLI as the administrator).
 */
import { DatabaseSync } from "node:sqlite";
import { MAX_BODY_BYTES } from "../../src/core/broker/api.ts";
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { aws } from "../harness/aws_home.ts";
import type { AccessKey } from "../harness/aws_home.ts";
import { ACCOUNT, type BrokerWorld, brokerWorld, type RunningBroker } from "../harness/broker.ts";
import { type Answer, proofHeaders, proofHost, send } from "../harness/broker_attacks.ts";
import { runSentinel } from "../harness/sentinel.ts";
import { HOOK_SECRET, webhookPlugin } from "../harness/webhook.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
    max_duration: 1h
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [alice, bob]
    max_duration: 2h
breakglass:
  - name: on-call
    profiles: [prod]
    users: [alice, bob, carol]
    reason_codes: [incident]
    max_duration: 1h
`;

const FOREIGN = "999999999999";
const NO_SUCH_ID = "0123456789abcdef";
/** The non-required notifier's URL path: it must never reach a caller. */
const CHAT_PATH = "/hook-secret-8d1f";

type Key = AccessKey & { sessionToken?: string };
type Who = "alice" | "bob" | "carol" | "opsAlice" | "foreignAlice" | "mallory";
type Json = Record<string, unknown>;

/** A broker as a hostile client aims at it: where it listens, its id, where proofs are signed for. */
interface Target {
  url: string;
  id: string;
  host: string;
}

/** A call with its proof, ready to send (and to send again). */
interface Signed {
  path: string;
  body: string;
  headers: Record<string, string>;
}

const text = (body: unknown) => typeof body === "string" ? body : JSON.stringify(body);

async function signed(target: Target, key: Key, path: string, body: unknown): Promise<Signed> {
  const sent = text(body);
  const headers = await proofHeaders({
    key,
    server: target.id,
    host: target.host,
    path,
    body: sent,
  });
  return { path, body: sent, headers };
}

async function targetOf(broker: RunningBroker): Promise<Target> {
  return { url: broker.url, id: broker.url, host: await proofHost(broker.url) };
}

function assertRefused(answer: Answer, status: number, code: string, what: string): void {
  assertEquals([answer.status, answer.code], [status, code], `${what}: ${answer.text}`);
}

function assertOk(answer: Answer, what: string): Json {
  assertEquals(answer.status, 200, `${what}: ${answer.text}`);
  return answer.body;
}

/** The id of the record an answer carries (`request` of a create, `record` of the others). */
function idOf(answer: Answer): string {
  const record = (answer.body.request ?? answer.body.record) as { id?: string } | undefined;
  assertTrue(typeof record?.id === "string", `no record in ${answer.text}`);
  return record.id;
}

/**
 * Temporary keys of `session` in role Ops of `account`, assumed by carol (moto lets a role of
 * another account be assumed, and STS then names the session in that account).
 */
async function roleSession(world: BrokerWorld, account: string, session: string): Promise<Key> {
  const carol = {
    ...world.moto.clientEnv(),
    AWS_CONFIG_FILE: "/dev/null",
    AWS_ACCESS_KEY_ID: world.keys.carol.accessKeyId,
    AWS_SECRET_ACCESS_KEY: world.keys.carol.secretAccessKey,
  };
  const assumed = await aws([
    "sts",
    "assume-role",
    "--role-arn",
    `arn:aws:iam::${account}:role/Ops`,
    "--role-session-name",
    session,
    "--output",
    "json",
  ], carol);
  assertEquals(assumed.code, 0, assumed.stderr);
  const { AccessKeyId, SecretAccessKey, SessionToken } = JSON.parse(assumed.stdout).Credentials;
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken };
}

/** Role Ops in the broker's account, trusting carol: she may name her session as she likes. */
async function opsRole(world: BrokerWorld): Promise<void> {
  const trust = {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/carol` },
      Action: "sts:AssumeRole",
    }],
  };
  const made = await aws([
    "iam",
    "create-role",
    "--role-name",
    "Ops",
    "--assume-role-policy-document",
    JSON.stringify(trust),
  ], world.adminEnv);
  assertEquals(made.code, 0, made.stderr);
}

/** A webhook receiver for the required notifier whose answer the test sets. */
function pagerReceiver() {
  const state = { status: 200, hits: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    await request.body?.cancel();
    state.hits++;
    return new Response("upstream 10.9.8.7 said no", { status: state.status });
  });
  return { state, server, port: server.addr.port };
}

/** The broker's SQLite store, read directly (read-only) by the test. */
function sqliteReader(world: BrokerWorld) {
  const path = `${world.brokerHome.dir}/sentinel.db`;
  const rows = (table: "requests" | "events"): Json[] => {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return db.prepare(`SELECT body FROM ${table}`).all().map((row) =>
        JSON.parse(String(row.body))
      );
    } finally {
      db.close();
    }
  };
  return {
    path,
    rows,
    one(table: "requests" | "events", id: string): Json | undefined {
      return rows(table).find((row) => row.id === id);
    },
  };
}

/** Everything the SQLite world's steps share. */
interface RecordWorld extends AsyncDisposable {
  world: BrokerWorld;
  target: Target;
  pager: ReturnType<typeof pagerReceiver>;
  store: ReturnType<typeof sqliteReader>;
  /** Every answer the broker gave a call of {@link RecordWorld.as}. */
  seen: Answer[];
  keys: Record<Who, Key>;
  /** One proven call as `who`. */
  as(who: Who, path: string, body: unknown): Promise<Answer>;
  /** Records made before the steps: carol's request, alice's request, alice's and carol's events. */
  fixtures: {
    carolsRequest: string;
    alicesRequest: string;
    alicesEvent: string;
    carolsEvent: string;
  };
}

async function worldWithPlugins(pagerPort: number): Promise<BrokerWorld> {
  return await brokerWorld({
    policy: POLICY,
    brokerArgs: ["--caller-rate", "100"],
    brokerEnv: { HOOK_SECRET },
    brokerConfig: `plugins:\n${
      webhookPlugin({ name: "pager", port: pagerPort, required: true, maxAttempts: 1 })
    }${webhookPlugin({ name: "chat", port: 1, path: CHAT_PATH, maxAttempts: 1 })}`,
  });
}

async function recordWorld(): Promise<RecordWorld> {
  const pager = pagerReceiver();
  const world = await worldWithPlugins(pager.port);
  await opsRole(world);
  const [opsAlice, foreignAlice, mallory] = await Promise.all([
    roleSession(world, ACCOUNT, "alice"),
    roleSession(world, FOREIGN, "alice"),
    roleSession(world, FOREIGN, "mallory"),
  ]);
  const keys = { ...world.keys, opsAlice, foreignAlice, mallory };
  const target = await targetOf(world.broker);
  const seen: Answer[] = [];
  const as = async (who: Who, path: string, body: unknown) => {
    const answer = await send(target.url, await signed(target, keys[who], path, body));
    seen.push(answer);
    return answer;
  };
  const fixtures = await makeFixtures(as);
  return {
    world,
    target,
    pager,
    store: sqliteReader(world),
    seen,
    keys,
    as,
    fixtures,
    async [Symbol.asyncDispose]() {
      await world[Symbol.asyncDispose]();
      await pager.server.shutdown();
    },
  };
}

async function makeFixtures(as: RecordWorld["as"]): Promise<RecordWorld["fixtures"]> {
  const create = (who: Who, reason: string) =>
    as(who, "/v1/requests/create", { profile: "prod", reason });
  const invoke = (who: Who) =>
    as(who, "/v1/breakglass/invoke", {
      profile: "prod",
      reason_code: "incident",
      justification: `${who}'s incident`,
    });
  const made = [
    await create("carol", "carol's fixture"),
    await create("alice", "alice's fixture"),
    await invoke("alice"),
    await invoke("carol"),
  ];
  for (const answer of made) assertOk(answer, "a fixture");
  const [carolsRequest, alicesRequest, alicesEvent, carolsEvent] = made.map(idOf);
  return { carolsRequest, alicesRequest, alicesEvent, carolsEvent };
}

/** The request is still pending with no approval, as the store holds it. */
function assertUntouchedRequest(w: RecordWorld, id: string, what: string): void {
  const stored = w.store.one("requests", id);
  assertEquals(
    [stored?.status, stored?.approvals, stored?.decidedBy],
    ["pending", [], undefined],
    `${what}: ${JSON.stringify(stored)}`,
  );
}

/** The event is still open and unreviewed, as the store holds it. */
function assertUntouchedEvent(w: RecordWorld, id: string, what: string): void {
  const stored = w.store.one("events", id);
  assertEquals(
    [stored?.closedAt, stored?.reviewedAt, stored?.version],
    [undefined, undefined, 2],
    `${what}: ${JSON.stringify(stored)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// The steps of the SQLite world.

async function namingSomeoneElse(w: RecordWorld): Promise<void> {
  const { carolsRequest: request, alicesEvent: event } = w.fixtures;
  const requestsBefore = w.store.rows("requests").length;
  const eventsBefore = w.store.rows("events").length;
  const approve = { id: request, action: "approve" };
  for (
    const extra of [
      { as: "bob" },
      { approver: "bob" },
      { user: "bob" },
      { actor: "bob" },
      { requester: "bob" },
      { approver_arn: `arn:aws:iam::${ACCOUNT}:user/bob` },
    ]
  ) {
    const answer = await w.as("carol", "/v1/requests/decide", { ...approve, ...extra });
    assertRefused(answer, 400, "usage", `carol approving with ${JSON.stringify(extra)}`);
    assertIncludes(answer.message!, "unknown field(s) in the call");
  }
  const proto = `{"id":"${request}","action":"approve","__proto__":{"as":"bob"}}`;
  assertRefused(await w.as("carol", "/v1/requests/decide", proto), 400, "usage", "__proto__");
  const asked = { profile: "prod", reason: "as bob", requester: "bob" };
  assertRefused(await w.as("alice", "/v1/requests/create", asked), 400, "usage", "requester");
  const invoked = { profile: "prod", reason_code: "incident", justification: "x", invoker: "bob" };
  assertRefused(await w.as("bob", "/v1/breakglass/invoke", invoked), 400, "usage", "invoker");
  const review = { id: event, action: "review", text: "fine", reviewer: "bob" };
  assertRefused(await w.as("carol", "/v1/breakglass/act", review), 400, "usage", "reviewer");
  // Without the extra field, carol is judged as herself: not an approver.
  assertRefused(await w.as("carol", "/v1/requests/decide", approve), 403, "not_an_approver", "c");
  assertUntouchedRequest(w, request, "after the calls naming bob");
  assertUntouchedEvent(w, event, "after a review naming bob");
  assertEquals(w.store.rows("requests").length, requestsBefore, "no request was made");
  assertEquals(w.store.rows("events").length, eventsBefore, "no event was made");
}

async function repeatedKeys(w: RecordWorld): Promise<void> {
  const id = w.fixtures.alicesRequest;
  const bodies = [
    `{"id":"${id}","action":"deny","comment":"no","action":"approve"}`,
    `{"id":"${id}","action":"approve","\\u0061ction":"deny","comment":"no"}`,
    `{"id":"${NO_SUCH_ID}","id":"${id}","action":"approve"}`,
  ];
  for (const body of bodies) {
    // bob is an approver: the repeated key alone is why he is refused.
    const answer = await w.as("bob", "/v1/requests/decide", body);
    assertRefused(answer, 400, "usage", body);
    assertIncludes(answer.message!, "appears twice");
  }
  assertUntouchedRequest(w, id, "after the calls with a repeated key");
}

async function roleSessionNamedAlice(w: RecordWorld): Promise<void> {
  const { carolsRequest, alicesRequest, alicesEvent } = w.fixtures;
  const who = assertOk(await w.as("opsAlice", "/v1/whoami", ""), "whoami");
  assertEquals(who.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Ops/alice`);
  const approve = await w.as("opsAlice", "/v1/requests/decide", {
    id: carolsRequest,
    action: "approve",
  });
  assertRefused(approve, 403, "not_an_approver", "Ops/alice approving");
  assertIncludes(approve.message!, "Ops/alice is not an approver");
  const cancel = { id: alicesRequest, action: "cancel" };
  assertRefused(await w.as("opsAlice", "/v1/requests/decide", cancel), 403, "not_requester", "c");
  const close = { id: alicesEvent, action: "close", text: "done" };
  const closed = await w.as("opsAlice", "/v1/breakglass/act", close);
  assertRefused(closed, 403, "not_allowed_to_close", "Ops/alice closing alice's event");
  assertUntouchedRequest(w, carolsRequest, "carol's request");
  assertUntouchedRequest(w, alicesRequest, "alice's request");
  assertUntouchedEvent(w, alicesEvent, "alice's event");
}

async function notAnApprover(w: RecordWorld): Promise<void> {
  const id = w.fixtures.alicesRequest;
  for (const action of ["approve", "deny"]) {
    const body = { id, action, comment: "carol says so" };
    assertRefused(await w.as("carol", "/v1/requests/decide", body), 403, "not_an_approver", action);
  }
  const own = await w.as("alice", "/v1/requests/decide", { id, action: "approve" });
  assertRefused(own, 403, "not_an_approver", "alice approving her own request");
  assertIncludes(own.message!, "alice asked for this access and cannot approve it");
  const cancel = await w.as("bob", "/v1/requests/decide", { id, action: "cancel" });
  assertRefused(cancel, 403, "not_requester", "bob cancelling alice's request");
  assertUntouchedRequest(w, id, "alice's request");
}

async function breakglassOwnership(w: RecordWorld): Promise<void> {
  const { alicesEvent, carolsEvent } = w.fixtures;
  const act = (who: Who, id: string, action: string) =>
    w.as(who, "/v1/breakglass/act", { id, action, text: `${who} ${action}s it` });
  assertRefused(await act("carol", alicesEvent, "close"), 403, "not_allowed_to_close", "close");
  const ownReview = await act("carol", carolsEvent, "review");
  assertRefused(ownReview, 403, "not_a_reviewer", "carol reviewing her own event");
  const approversOwn = await act("alice", alicesEvent, "review");
  assertRefused(approversOwn, 403, "not_a_reviewer", "alice (an approver) reviewing her own");
  assertIncludes(approversOwn.message!, "alice invoked break-glass event");
  assertUntouchedEvent(w, alicesEvent, "alice's event");
  assertUntouchedEvent(w, carolsEvent, "carol's event");
  // The control: an approver who did not invoke it reviews it.
  assertOk(await act("bob", carolsEvent, "review"), "bob reviewing carol's event");
  const reviewed = w.store.one("events", carolsEvent);
  assertEquals([reviewed?.reviewedBy, reviewed?.reviewedByArn], [
    "bob",
    `arn:aws:iam::${ACCOUNT}:user/bob`,
  ]);
}

async function nonexistentIds(w: RecordWorld): Promise<void> {
  const requests = w.store.rows("requests").length;
  const events = w.store.rows("events").length;
  const calls: [string, Json][] = [
    ["/v1/requests/decide", { id: NO_SUCH_ID, action: "approve" }],
    ["/v1/requests/decide", { id: NO_SUCH_ID, action: "cancel" }],
    ["/v1/requests/show", { id: NO_SUCH_ID }],
    ["/v1/breakglass/act", { id: NO_SUCH_ID, action: "review", text: "x" }],
    ["/v1/breakglass/act", { id: NO_SUCH_ID, action: "close", text: "x" }],
  ];
  for (const [path, body] of calls) {
    const answer = await w.as("bob", path, body);
    assertRefused(answer, 404, "not_found", `${path} ${JSON.stringify(body)}`);
    assertIncludes(answer.message!, NO_SUCH_ID);
  }
  assertEquals(w.store.rows("requests").length, requests, "no request was made");
  assertEquals(w.store.rows("events").length, events, "no event was made");
}

async function replays(w: RecordWorld): Promise<void> {
  const { url } = w.target;
  const create = await signed(w.target, w.keys.alice, "/v1/requests/create", {
    profile: "prod",
    reason: "replay me",
  });
  const id = idOf(await send(url, create));
  const again = await send(url, create);
  assertRefused(again, 401, "proof_replayed", "the create again");
  const changed = await send(url, {
    ...create,
    body: text({ profile: "prod", reason: "changed" }),
  });
  assertRefused(changed, 401, "caller_unproven", "the create's proof with another body");
  const reasons = w.store.rows("requests").map((row) => row.reason);
  assertEquals(reasons.filter((reason) => reason === "replay me").length, 1, "one request");
  assertTrue(!reasons.includes("changed"), "the changed body made nothing");

  const approve = await signed(w.target, w.keys.bob, "/v1/requests/decide", {
    id,
    action: "approve",
  });
  assertOk(await send(url, approve), "bob's approval");
  // Refused as a replay before it is judged (not a conflict about an approved request).
  assertRefused(await send(url, approve), 401, "proof_replayed", "bob's approval again");
  const stored = w.store.one("requests", id);
  assertEquals([stored?.status, (stored?.approvals as unknown[]).length], ["approved", 1]);
}

async function proofsForOtherCalls(w: RecordWorld): Promise<void> {
  const { url } = w.target;
  const create = (reason: string) =>
    w.as("carol", "/v1/requests/create", { profile: "prod", reason, anyway: true });
  const first = idOf(await create("first"));
  const second = idOf(await create("second"));
  const forFirst = await signed(w.target, w.keys.bob, "/v1/requests/decide", {
    id: first,
    action: "approve",
  });
  const onSecond = await send(url, {
    ...forFirst,
    body: text({ id: second, action: "approve" }),
  });
  assertRefused(onSecond, 401, "caller_unproven", "a proof for one request sent for another");
  const whoami = await signed(w.target, w.keys.bob, "/v1/whoami", "");
  const swept = await send(url, { ...whoami, path: "/v1/requests/sweep" });
  assertRefused(swept, 401, "caller_unproven", "a whoami proof sent to sweep");
  const show = await signed(w.target, w.keys.bob, "/v1/breakglass/show", { id: second });
  const onRequests = await send(url, { ...show, path: "/v1/requests/show" });
  assertRefused(onRequests, 401, "caller_unproven", "a proof for one show route on another");
  assertUntouchedRequest(w, first, "the request the proof was for");
  assertUntouchedRequest(w, second, "the request the body named");
}

/** A create body padded with spaces to exactly `bytes` bytes. */
function paddedCreate(bytes: number, reason: string): string {
  const body = JSON.stringify({ profile: "prod", reason, anyway: true });
  return `${body.slice(0, -1)}${" ".repeat(bytes - body.length)}}`;
}

async function bodyLimit(w: RecordWorld): Promise<void> {
  const before = w.store.rows("requests").length;
  const atLimit = paddedCreate(MAX_BODY_BYTES, "at the limit");
  assertEquals(new TextEncoder().encode(atLimit).length, MAX_BODY_BYTES);
  const read = await w.as("carol", "/v1/requests/create", atLimit);
  assertEquals(assertOk(read, "a body of exactly the limit").kind, "created");
  const over = paddedCreate(MAX_BODY_BYTES + 1, "one byte over");
  assertRefused(await w.as("carol", "/v1/requests/create", over), 413, "call_too_large", "+1");
  const wide = `{"profile":"prod","reason":"${"€".repeat(5_462)}"}`;
  assertTrue(wide.length < MAX_BODY_BYTES, "fewer characters than the limit");
  assertTrue(new TextEncoder().encode(wide).length > MAX_BODY_BYTES, "more bytes than it");
  assertRefused(await w.as("carol", "/v1/requests/create", wide), 413, "call_too_large", "bytes");
  const reasons = w.store.rows("requests").slice(before).map((row) => row.reason);
  assertEquals(w.store.rows("requests").length, before + 1, `made: ${reasons.join(", ")}`);
}

async function deepNesting(w: RecordWorld): Promise<void> {
  const depth = 5_000;
  const arrays = `{"profile":"prod","reason":"x","anyway":${"[".repeat(depth)}${
    "]".repeat(depth)
  }}`;
  const objects = `${'{"a":'.repeat(2_500)}1${"}".repeat(2_500)}`;
  for (const body of [arrays, objects]) {
    assertTrue(body.length <= MAX_BODY_BYTES, `${body.length} bytes`);
    const answer = await w.as("carol", "/v1/requests/create", body);
    assertRefused(answer, 400, "usage", `nested ${body.slice(0, 40)}`);
  }
  assertOk(await w.as("carol", "/v1/whoami", ""), "the broker still answers");
  const stderr = w.world.broker.stderr();
  for (const sign of ["internal error", "RangeError", "    at "]) {
    assertTrue(!stderr.includes(sign), `the broker's stderr shows "${sign}":\n${stderr}`);
  }
}

async function anotherAccountsAlice(w: RecordWorld): Promise<void> {
  const { carolsRequest, alicesRequest, alicesEvent } = w.fixtures;
  const who = assertOk(await w.as("foreignAlice", "/v1/whoami", ""), "whoami");
  assertEquals([who.account, who.arn], [
    FOREIGN,
    `arn:aws:sts::${FOREIGN}:assumed-role/Ops/alice`,
  ]);
  const refusals: [string, Json, number, string][] = [
    // On a record it may not see, every refusal is the same not-found (see the next step).
    ["/v1/requests/decide", { id: carolsRequest, action: "approve" }, 404, "not_found"],
    ["/v1/requests/decide", { id: alicesRequest, action: "cancel" }, 404, "not_found"],
    ["/v1/breakglass/act", { id: alicesEvent, action: "close", text: "x" }, 404, "not_found"],
    ["/v1/breakglass/act", { id: alicesEvent, action: "review", text: "x" }, 404, "not_found"],
    ["/v1/requests/show", { id: alicesRequest }, 404, "not_found"],
    ["/v1/breakglass/show", { id: alicesEvent }, 404, "not_found"],
    ["/v1/requests/list", {}, 403, "denied"],
    ["/v1/breakglass/list", {}, 403, "denied"],
    ["/v1/requests/sweep", {}, 403, "denied"],
  ];
  for (const [path, body, status, code] of refusals) {
    const answer = await w.as("foreignAlice", path, body);
    assertRefused(answer, status, code, `${FOREIGN}'s alice: ${path} ${JSON.stringify(body)}`);
  }
  assertUntouchedRequest(w, carolsRequest, "carol's request");
  assertUntouchedRequest(w, alicesRequest, "alice's request");
  assertUntouchedEvent(w, alicesEvent, "alice's event");
}

async function anotherAccountLearnsNothing(w: RecordWorld): Promise<void> {
  const { alicesRequest, alicesEvent } = w.fixtures;
  const denied = idOf(
    await w.as("carol", "/v1/requests/create", {
      profile: "prod",
      reason: "to be denied",
      anyway: true,
    }),
  );
  const body = { id: denied, action: "deny", comment: "no" };
  assertOk(await w.as("bob", "/v1/requests/decide", body), "bob's denial");
  // The guarantee show keeps: a caller of another account sees nothing of a record it did not make.
  const shown = await w.as("mallory", "/v1/requests/show", { id: alicesRequest });
  assertRefused(shown, 404, "not_found", "mallory showing alice's request");
  const probes: [string, Json][] = [
    ["/v1/requests/decide", { id: alicesRequest, action: "approve" }],
    ["/v1/requests/decide", { id: denied, action: "approve" }],
    ["/v1/breakglass/act", { id: alicesEvent, action: "close", text: "x" }],
    ["/v1/breakglass/act", { id: alicesEvent, action: "review", text: "x" }],
  ];
  const learned: string[] = [];
  for (const [path, call] of probes) {
    const answer = await w.as("mallory", path, call);
    assertTrue(answer.status >= 400, `mallory's ${path} must be refused: ${answer.text}`);
    if (/\b(alice|bob|carol)\b|prod-approvers|on-call|already \w+ by/.test(answer.text)) {
      learned.push(`${path} ${JSON.stringify(call)} -> ${answer.status} ${answer.message}`);
    }
  }
  assertEquals(learned, [], "what a caller of another account learned of records it may not show");
}

async function anotherAccountFilesRequests(w: RecordWorld): Promise<void> {
  const before = w.store.rows("requests").length;
  const hits = w.pager.state.hits;
  const answer = await w.as("mallory", "/v1/requests/create", {
    profile: "prod",
    reason: "let me in",
  });
  const made = w.store.rows("requests").slice(before).map((row) => row.requesterArn);
  assertEquals(
    [answer.status, made, w.pager.state.hits - hits],
    [403, [], 0],
    `a caller of account ${FOREIGN} asked for prod under a rule that names no users (the docs: ` +
      `users: ["*"] never admits another account's identities): ${answer.text}`,
  );
}

const LEAKED_REASONS = [
  "HTTP",
  "503",
  "10.9.8.7",
  "Fetch failed",
  "blocked",
  "not delivered",
  "gave up",
  CHAT_PATH,
];

function assertNoReason(answer: Answer, pagerPort: number, what: string): void {
  // Request ids are random hex: one may hold "503" by chance, which says nothing of the reason.
  const text = answer.text.replace(/\b[0-9a-f]{16}\b/g, "<id>");
  for (const leak of [...LEAKED_REASONS, `:${pagerPort}`]) {
    assertTrue(!text.includes(leak), `${what} tells the caller "${leak}": ${answer.text}`);
  }
}

async function notifierReasons(w: RecordWorld): Promise<void> {
  const port = w.pager.port;
  const created = await w.as("carol", "/v1/requests/create", {
    profile: "prod",
    reason: "while chat is down",
    anyway: true,
  });
  const report = assertOk(created, "a create while chat fails").report;
  assertEquals(report, { delivered: ["pager"], failed: [{ name: "chat", required: false }] });
  assertNoReason(created, port, "a create's report");
  w.pager.state.status = 503;
  try {
    const refused = await w.as("carol", "/v1/requests/create", {
      profile: "prod",
      reason: "while the pager is down",
      anyway: true,
    });
    assertRefused(refused, 502, "announce_failed", "a create the pager could not announce");
    assertNoReason(refused, port, "the announce_failed refusal");
    const withdrawn = w.store.one("requests", /request ([0-9a-f]{16})/.exec(refused.text)![1]);
    assertEquals([withdrawn?.status, withdrawn?.decidedBy], ["cancelled", "sentinel"]);
    const invoked = await w.as("bob", "/v1/breakglass/invoke", {
      profile: "prod",
      reason_code: "incident",
      justification: "while the pager is down",
    });
    assertRefused(invoked, 502, "plugin_failure", "a break-glass the pager could not announce");
    assertNoReason(invoked, port, "the plugin_failure refusal");
    const approved = await w.as("bob", "/v1/requests/decide", {
      id: idOf(created),
      action: "approve",
    });
    assertEquals(assertOk(approved, "an approval while both fail").report, {
      delivered: [],
      failed: [{ name: "pager", required: true }, { name: "chat", required: false }],
    });
    assertNoReason(approved, port, "an approval's report");
  } finally {
    w.pager.state.status = 200;
  }
  // The operator does learn why, on the broker's stderr.
  assertIncludes(w.world.broker.stderr(), "not delivered: HTTP 503");
}

async function refusalsNameNoPath(w: RecordWorld): Promise<void> {
  for (const profile of ["nope", "broker"]) {
    const answer = await w.as("carol", "/v1/requests/create", { profile, reason: "x" });
    assertRefused(answer, 404, "unknown_profile", `profile ${profile}`);
  }
  const home = w.world.brokerHome.dir;
  const refusals = w.seen.filter((answer) => answer.status !== 200);
  assertTrue(refusals.length > 30, `${refusals.length} refusals seen`);
  for (const answer of refusals) {
    assertTrue(!answer.text.includes(home), `a refusal names the broker's files: ${answer.text}`);
  }
  assertIncludes(w.world.broker.stderr(), `profile "nope" is not in ${home}/.aws/config`);
}

function answersNameNoPath(w: RecordWorld): void {
  const home = w.world.brokerHome.dir;
  const found = new Set<string>();
  for (const answer of w.seen.filter((answer) => answer.status === 200)) {
    for (const match of answer.text.matchAll(/"(\w+)":"([^"]*)"/g)) {
      if (match[2].includes(home)) found.add(`${match[1]}: ${match[2]}`);
    }
  }
  assertEquals([...found].sort(), [], "the broker's files named in answers to its callers");
}

async function busyStoreNamesNoPath(w: RecordWorld): Promise<void> {
  const lock = new DatabaseSync(w.store.path);
  lock.exec("BEGIN EXCLUSIVE");
  let answer: Answer;
  try {
    answer = await w.as("mallory", "/v1/requests/show", { id: w.fixtures.alicesRequest });
  } finally {
    lock.exec("ROLLBACK");
    lock.close();
  }
  assertRefused(answer, 409, "store_busy", "a call while the store is locked");
  assertTrue(
    !answer.text.includes(w.world.brokerHome.dir),
    `a caller of another account is told the store's path: ${answer.text}`,
  );
}

/** The steps of the SQLite world, in order (the busy one last: it blocks the broker 20 s). */
const SQLITE_STEPS: [string, (w: RecordWorld) => Promise<void> | void][] = [
  [
    "a caller cannot act as someone else by naming them in the body (as, approver, user, actor, requester, invoker, reviewer, __proto__): 400, nothing changes",
    namingSomeoneElse,
  ],
  ["a repeated JSON key is refused however it is spelled, even from an approver", repeatedKeys],
  [
    "a role session named alice is Ops/alice: it cannot approve, cancel alice's request or close her event",
    roleSessionNamedAlice,
  ],
  [
    "a user the approval rule does not name cannot approve or deny; the requester cannot approve; an approver cannot cancel another's request",
    notAnApprover,
  ],
  [
    "break-glass: only the invoker or an approver closes an event; nobody reviews their own, an approver neither",
    breakglassOwnership,
  ],
  ["a decide, act or show of an id that does not exist is 404 and makes nothing", nonexistentIds],
  [
    "a proof is accepted once on the record routes: a replayed create makes no second request, a replayed approval is refused before it is judged",
    replays,
  ],
  [
    "a proof made for one call is refused for any other: another request's id, another route",
    proofsForOtherCalls,
  ],
  [
    "the body limit is exact and in bytes: 16384 are read, 16385 refused 413, fewer characters of more bytes too",
    bodyLimit,
  ],
  ["deeply nested JSON is refused 400 and the broker keeps answering", deepNesting],
  [
    "a caller of another account named alice is not alice: it cannot approve, cancel, close, review, show, list or sweep",
    anotherAccountsAlice,
  ],
  [
    "notifier failures reach callers as notifier names only, never why (the operator's stderr has why)",
    notifierReasons,
  ],
  ["refusals of a SQLite broker name no file of its host", refusalsNameNoPath],
  [
    "a caller of another account learns through decide and act nothing show refuses it (who asked, who decided, who may approve)",
    anotherAccountLearnsNothing,
  ],
  [
    "a caller of another account files no approval request (and pages nobody) under a rule that names no users",
    anotherAccountFilesRequests,
  ],
  [
    "a SQLite broker's answers name no file of its host (store file, policy file)",
    answersNameNoPath,
  ],
  [
    "a refusal while the SQLite store is locked names no file of the broker's host (takes the 20 s busy timeout)",
    busyStoreNamesNoPath,
  ],
];

Deno.test("the record routes of a SQLite broker hold against its users, a role session named after an approver, and callers of another account", async (t) => {
  await using w = await recordWorld();
  for (const [name, step] of SQLITE_STEPS) await t.step(name, async () => await step(w));
});

// ---------------------------------------------------------------------------------------------
// A fleet of two brokers on one DynamoDB table.

/** The records of `kind` in the fleet's table, scanned with the AWS CLI as the administrator. */
async function tableRecords(world: BrokerWorld, kind: "request" | "event"): Promise<Json[]> {
  const scan = await aws(
    ["dynamodb", "scan", "--table-name", "sentinel-broker-state", "--output", "json"],
    world.adminEnv,
  );
  assertEquals(scan.code, 0, scan.stderr);
  const items: Record<string, { S?: string }>[] = JSON.parse(scan.stdout).Items;
  return items.filter((item) => item.pk?.S?.startsWith(`${kind}#`) && item.sk?.S === kind)
    .map((item) => JSON.parse(item.doc!.S!));
}

interface Fleet {
  world: BrokerWorld;
  a: Target;
  b: Target;
}

async function crossBrokerProof(f: Fleet): Promise<void> {
  const reason = "made for broker A";
  const call = await signed(f.a, f.world.keys.carol, "/v1/requests/create", {
    profile: "prod",
    reason,
  });
  assertRefused(await send(f.b.url, call), 401, "caller_unproven", "A's proof at broker B");
  const count = async () =>
    (await tableRecords(f.world, "request")).filter((r) => r.reason === reason).length;
  assertEquals(await count(), 0, "broker B made nothing");
  assertOk(await send(f.a.url, call), "the proof at A, the broker it was made for");
  assertRefused(await send(f.a.url, call), 401, "proof_replayed", "the proof again at A");
  assertRefused(await send(f.b.url, call), 401, "caller_unproven", "the used proof at B");
  assertEquals(await count(), 1, "exactly one request");
}

/** alice approves at A while bob denies at B; the answers, and the request as the table holds it. */
async function raceOnce(f: Fleet, id: string) {
  const { keys } = f.world;
  const [approve, deny] = await Promise.all([
    signed(f.a, keys.alice, "/v1/requests/decide", { id, action: "approve" }),
    signed(f.b, keys.bob, "/v1/requests/decide", { id, action: "deny", comment: "no" }),
  ]);
  const answers = await Promise.all([send(f.a.url, approve), send(f.b.url, deny)]);
  const stored = (await tableRecords(f.world, "request")).find((r) => r.id === id);
  return { answers, stored };
}

async function approveDenyRace(f: Fleet): Promise<void> {
  const carol = await signed(f.a, f.world.keys.carol, "/v1/requests/create", {
    profile: "prod",
    reason: "raced",
  });
  const first = idOf(await send(f.a.url, carol));
  const ids = [first];
  for (let i = 0; i < 4; i++) {
    const more = await signed(f.a, f.world.keys.carol, "/v1/requests/create", {
      profile: "prod",
      reason: `raced ${i}`,
      anyway: true,
    });
    ids.push(idOf(await send(f.a.url, more)));
  }
  const races = await Promise.all(ids.map((id) => raceOnce(f, id)));
  for (const { answers, stored } of races) {
    const statuses = answers.map((answer) => answer.status);
    assertEquals([...statuses].sort(), [200, 409], answers.map((a) => a.text).join("\n"));
    const loser = answers[statuses.indexOf(409)];
    assertEquals([loser.code, loser.body.exit_code], ["conflict", 12], loser.text);
    const [status, by] = statuses[0] === 200 ? ["approved", "alice"] : ["denied", "bob"];
    assertEquals([stored?.status, stored?.decidedBy], [status, by], JSON.stringify(stored));
  }
}

async function approveDenyRaceThroughTheCli(f: Fleet): Promise<void> {
  const create = await signed(f.a, f.world.keys.carol, "/v1/requests/create", {
    profile: "prod",
    reason: "raced through the CLI",
    anyway: true,
  });
  const id = idOf(await send(f.a.url, create));
  const [alice, bob] = await Promise.all([
    f.world.client("alice", f.a.url),
    f.world.client("bob", f.b.url),
  ]);
  const runs = await Promise.all([
    runSentinel(["approve", id, "--server", f.a.url, "--aws-profile", "base"], { env: alice.env }),
    runSentinel(["deny", id, "--comment", "no", "--server", f.b.url, "--aws-profile", "base"], {
      env: bob.env,
    }),
  ]);
  const codes = runs.map((run) => run.code);
  assertEquals([...codes].sort(), [0, 12], runs.map((run) => run.stderr).join("\n"));
  assertIncludes(runs[codes.indexOf(12)].stderr, `request ${id} is already`);
  const stored = (await tableRecords(f.world, "request")).find((r) => r.id === id);
  assertEquals(stored?.status, codes[0] === 0 ? "approved" : "denied");
}

Deno.test("a fleet of two brokers on one DynamoDB table: a proof for broker A is refused by broker B, and an approval at A raced against a denial at B leaves exactly one verdict", async (t) => {
  await using world = await brokerWorld({
    store: "dynamodb",
    policy: POLICY,
    people: "nothing",
    brokerArgs: ["--caller-rate", "100"],
  });
  const second = await world.startBroker(["--caller-rate", "100"]);
  const f: Fleet = { world, a: await targetOf(world.broker), b: await targetOf(second) };
  await t.step(
    "a proof made for broker A is refused by broker B of the same fleet, and stays good at A once",
    () => crossBrokerProof(f),
  );
  await t.step(
    "approve at A and deny at B, raced on five requests: one verdict stands each time, the other is a conflict (exit 12)",
    () => approveDenyRace(f),
  );
  await t.step(
    "the same race with the real CLI: exit 0 for one, exit 12 for the other, one verdict in the table",
    () => approveDenyRaceThroughTheCli(f),
  );
});

// ---------------------------------------------------------------------------------------------
// The gate behind the record routes, on the credentials route.

Deno.test("a caller of another AWS account gets no credentials for a role of the broker's account from a rule that names no users", async () => {
  await using world = await brokerWorld({
    policy:
      `version: "1"\nrules:\n  - name: prod-for-the-team\n    effect: allow\n    conditions: { profiles: [prod] }\n    max_duration: 1h\n`,
  });
  await opsRole(world);
  const mallory = await roleSession(world, FOREIGN, "mallory");
  const target = await targetOf(world.broker);
  const answer = await send(
    target.url,
    await signed(target, mallory, "/v1/credentials", { profile: "prod" }),
  );
  const issued = (await world.moto.assumeRoleCalls()).filter((call) => call.has("SourceIdentity"));
  assertEquals(
    [answer.status, answer.code, issued.length],
    [403, "denied", 0],
    `arn:aws:sts::${FOREIGN}:assumed-role/Ops/mallory asked the broker for prod: ${
      answer.text.replace(/"(SecretAccessKey|SessionToken)":"[^"]*"/g, '"$1":"…"')
    }`,
  );
});

/**
 * The approval workflow over in-memory fakes (test/support/fake_team.ts): request → approve →
 * issuance honours it, inside its window only; nobody approves their own request; N-of-M; a
 * stored approval that fails the policy in force grants nothing; a required notifier that fails
 * withdraws the request; waiting, expiry and cancel. Each refusal with its exit code and error
 * code. The slow end-to-end twins of these are in test/security/ and test/approvals_e2e_test.ts.
 */
import { assertEquals, assertIncludes, assertRejects, assertTrue } from "../../test/assert.ts";
import { FakeTeam, STORE, TEAM_ROLE } from "../../test/support/fake_team.ts";
import { pluginEntry } from "../../test/support/fake_plugins.ts";
import type { ApprovalRequest } from "../core/approval/request.ts";
import { requestJson } from "../core/approval/record.ts";
import { ANNOUNCE_GRACE_SECONDS } from "../core/approval/rules.ts";
import { SentinelError } from "../core/errors.ts";
import {
  actOnRequest,
  listRequests,
  requestAccess,
  showRequest,
  sweepRequests,
  waitForDecision,
} from "./approvals.ts";
import { issueCredentials } from "./issuance/issue.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

const POLICY = `version: "1"
rules:
  - name: prod-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob, carol]
    max_duration: 2h
`;

const bob = FakeTeam.as("bob");
const carol = FakeTeam.as("carol");
const alice = FakeTeam.as("alice");

/** alice asks for prod; returns the stored request. */
async function ask(team: FakeTeam, durationSeconds = 3600): Promise<ApprovalRequest> {
  const outcome = await requestAccess(team.deps(), {
    profile: "prod",
    reason: "deploy hotfix",
    durationSeconds,
  });
  if (outcome.kind !== "created") throw new Error(`no request: ${outcome.kind}`);
  return outcome.request;
}

/** The error a call rejects with. */
async function refusal(run: () => Promise<unknown>): Promise<SentinelError> {
  return await assertRejects(run, SentinelError) as SentinelError;
}

function issue(team: FakeTeam) {
  return issueCredentials({ profile: "prod", mode: "cli", noCache: true }, team.deps());
}

Deno.test("a request approved by an approver lets the requester's issuance through, stamped with the request and inside its window", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const request = await ask(team);
  assertEquals([request.status, request.requester, request.roleArn], [
    "pending",
    "alice",
    TEAM_ROLE,
  ]);
  const refused = await refusal(() => issue(team));
  assertEquals([refused.exitCode, refused.code], [5, "approval_required"], "not before approval");

  team.clock.advance(5 * MIN);
  const approved = await actOnRequest(team.deps(), request.id, { kind: "approve" }, bob);
  assertEquals([approved.request.status, approved.actor], ["approved", "bob"]);
  assertEquals(
    approved.request.windowEndsAt,
    team.clock.now() + HOUR,
    "the window opens at approval",
  );

  const issued = await issue(team);
  const [call] = team.aws.assumeRoleCalls();
  assertEquals(call.get("RoleArn"), TEAM_ROLE);
  assertTrue(
    call.get("SourceIdentity")!.startsWith("sentinel=alice="),
    call.get("SourceIdentity")!,
  );
  assertEquals(issued.credentials.expiration, team.clock.now() + HOUR, "never past the window");
  const decision = team.logRecords().findLast((r) =>
    r.type === "decision" || r.outcome === "issued"
  );
  assertEquals(decision?.outcome, "issued");
  assertEquals(decision?.approval_request_id, request.id);

  team.clock.advance(HOUR);
  const after = await refusal(() => issue(team));
  assertEquals(after.exitCode, 5, "once the window is over, approval is required again");
  assertEquals(team.aws.assumeRoleCalls().length, 1);
});

Deno.test("the requester cannot approve their own request, even when the rule names them (exit 4, not_an_approver)", async () => {
  const team = new FakeTeam({ policy: POLICY.replace("[bob, carol]", "[alice, bob]") });
  const request = await ask(team);
  const own = await refusal(() =>
    actOnRequest(team.deps(), request.id, { kind: "approve" }, alice)
  );
  assertEquals([own.exitCode, own.code], [4, "not_an_approver"]);
  assertIncludes(own.message, "alice asked for this access and cannot approve it");
  assertEquals((await team.store().approvals.get(request.id))?.status, "pending");
});

Deno.test("someone the approvals rule does not name cannot approve or deny (exit 4, not_an_approver)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const request = await ask(team);
  for (const kind of ["approve", "deny"] as const) {
    const error = await refusal(() =>
      actOnRequest(
        team.deps(),
        request.id,
        kind === "deny" ? { kind, comment: "no" } : { kind },
        FakeTeam.as("dave"),
      )
    );
    assertEquals([error.exitCode, error.code], [4, "not_an_approver"], kind);
    assertIncludes(error.message, 'dave is not an approver under approval rule "prod-approvers"');
  }
});

Deno.test("N-of-M: with required_approvals 2 one approval leaves it pending, the same approver again is refused, a second approver approves", async () => {
  const team = new FakeTeam({ policy: POLICY + "    required_approvals: 2\n" });
  const request = await ask(team);
  assertEquals(request.requiredApprovals, 2);
  const first = await actOnRequest(team.deps(), request.id, { kind: "approve" }, bob);
  assertEquals([first.request.status, first.request.approvals.length], ["pending", 1]);
  await refusal(() => issue(team)).then((e) =>
    assertEquals(e.exitCode, 5, "one of two grants nothing")
  );

  const again = await refusal(() =>
    actOnRequest(team.deps(), request.id, { kind: "approve" }, bob)
  );
  assertEquals([again.exitCode, again.code], [12, "already_approved_by_you"]);

  const second = await actOnRequest(team.deps(), request.id, { kind: "approve" }, carol);
  assertEquals(second.request.status, "approved");
  assertEquals(second.request.approvals.map((a) => a.approver), ["bob", "carol"]);
  assertEquals((await issue(team)).credentials.accessKeyId.startsWith("ASIA"), true);
});

Deno.test("a denied request ends: issuance stays refused, and acting on it again is a conflict naming who ended it (exit 12)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const request = await ask(team);
  const denied = await actOnRequest(
    team.deps(),
    request.id,
    { kind: "deny", comment: "use staging" },
    bob,
  );
  assertEquals([denied.request.status, denied.request.comment], ["denied", "use staging"]);
  assertEquals((await refusal(() => issue(team))).exitCode, 5);
  const late = await refusal(() =>
    actOnRequest(team.deps(), request.id, { kind: "approve" }, carol)
  );
  assertEquals([late.exitCode, late.code], [12, "conflict"]);
  assertIncludes(late.message, `request ${request.id} is already denied by bob at`);
});

Deno.test("only the requester cancels (exit 4, not_requester); a cancelled request can no longer be approved", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const request = await ask(team);
  const byBob = await refusal(() => actOnRequest(team.deps(), request.id, { kind: "cancel" }, bob));
  assertEquals([byBob.exitCode, byBob.code], [4, "not_requester"]);
  const cancelled = await actOnRequest(team.deps(), request.id, { kind: "cancel" }, alice);
  assertEquals(cancelled.request.status, "cancelled");
  const late = await refusal(() => actOnRequest(team.deps(), request.id, { kind: "approve" }, bob));
  assertEquals(late.code, "conflict");
});

Deno.test("a request id the store does not hold is a usage error (exit 2, not_found) naming the store", async () => {
  const team = new FakeTeam({ policy: POLICY });
  await ask(team);
  const error = await refusal(() =>
    actOnRequest(team.deps(), "00000000000000ff", { kind: "approve" }, bob)
  );
  assertEquals([error.exitCode, error.code], [2, "not_found"]);
  assertIncludes(error.message, STORE);
});

Deno.test("asking is refused when the policy denies the profile (exit 4) and not needed when it allows; an existing approval is reused", async () => {
  const denying = new FakeTeam({
    policy: POLICY.replace("effect: require_approval", "effect: deny"),
  });
  const denied = await refusal(() =>
    requestAccess(denying.deps(), { profile: "prod", reason: "please" })
  );
  assertEquals(denied.exitCode, 4);
  assertIncludes(denied.message, "an approval cannot override a deny");

  const allowing = new FakeTeam({
    policy: POLICY.replace("effect: require_approval", "effect: allow"),
  });
  const free = await requestAccess(allowing.deps(), { profile: "prod", reason: "please" });
  assertEquals(free, { kind: "not_needed", rule: "prod-approval" });

  const team = new FakeTeam({ policy: POLICY });
  const request = await ask(team);
  await actOnRequest(team.deps(), request.id, { kind: "approve" }, bob);
  const again = await requestAccess(team.deps(), { profile: "prod", reason: "more" });
  assertEquals([again.kind, again.kind === "already_approved" && again.request.id], [
    "already_approved",
    request.id,
  ]);
});

Deno.test("a profile no approvals: rule covers cannot be asked for (exit 4, no_approval_rule)", async () => {
  const team = new FakeTeam({ policy: POLICY.split("approvals:")[0] });
  const error = await refusal(() => requestAccess(team.deps(), { profile: "prod", reason: "x" }));
  assertEquals([error.exitCode, error.code], [4, "no_approval_rule"]);
  assertEquals(team.stores.state(STORE), undefined, "no store was created for nothing");
});

Deno.test("a reason that is empty is a usage error, and a window too short to use is refused before anything is stored", async () => {
  const team = new FakeTeam({ policy: POLICY.replace("max_duration: 2h", "max_duration: 15m") });
  const empty = await refusal(() => requestAccess(team.deps(), { profile: "prod", reason: " " }));
  assertEquals(empty.exitCode, 2);
  const short = await refusal(() => requestAccess(team.deps(), { profile: "prod", reason: "x" }));
  assertEquals(short.exitCode, 3, "the policy's max_duration is too short for approvals");
  assertIncludes(short.message, "could never be used");
  assertEquals(team.stores.state(STORE), undefined);
});

Deno.test("the request is announced to approvers with how to approve; a failed required notifier withdraws it (exit 7, announce_failed)", async () => {
  const pager = pluginEntry("pager", "notifier", { required: true });
  const team = new FakeTeam({ policy: POLICY, plugins: [pager] });
  const request = await ask(team);
  const [announced] = team.plugins.notifications();
  assertEquals([announced.type, announced.data.id], ["approval_requested", request.id]);
  assertEquals(announced.data.approvers, ["bob", "carol"]);
  assertIncludes(String(announced.data.how_to_approve), `sentinel approve ${request.id}`);

  team.plugins.fail("pager");
  const error = await refusal(() =>
    requestAccess(team.deps(), { profile: "prod", reason: "again" })
  );
  assertEquals([error.exitCode, error.code], [7, "announce_failed"]);
  const { items } = await team.store().approvals.list({ limit: 10 });
  const withdrawn = items.find((r) => r.id !== request.id)!;
  assertEquals([withdrawn.status, withdrawn.decidedBy], ["cancelled", "sentinel"]);
});

Deno.test("an approval router adds approvers to the announcement; one that fails adds none and approves nothing", async () => {
  const team = new FakeTeam({
    policy: POLICY,
    plugins: [pluginEntry("chat", "notifier"), pluginEntry("oncall", "approval_router")],
  });
  team.plugins.route("oncall", ["dave", "alice"]);
  await ask(team);
  assertEquals(team.plugins.notifications()[0].data.approvers, ["bob", "carol", "dave"]);
  team.plugins.fail("oncall");
  const outcome = await requestAccess(team.deps(), { profile: "prod", reason: "x", anyway: true });
  assertEquals(outcome.kind === "created" && outcome.request.status, "pending");
  assertEquals(team.plugins.notifications()[1].data.approvers, ["bob", "carol"]);
});

/** An approval of alice's request by bob, written straight into the store. */
function forged(team: FakeTeam, id: string, over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  const now = team.clock.now();
  return {
    id,
    requester: "alice",
    profile: "prod",
    roleArn: TEAM_ROLE,
    durationSeconds: 3600,
    reason: "forged",
    status: "approved",
    rule: "prod-approvers",
    requiredApprovals: 1,
    approvals: [{ approver: "bob", at: now }],
    createdAt: now - MIN,
    updatedAt: now,
    expiresAt: now + 24 * HOUR,
    decidedBy: "bob",
    decidedAt: now,
    windowEndsAt: now + 3600_000,
    version: 2,
    ...over,
  };
}

Deno.test("a stored approval that fails the policy in force grants nothing, and the refusal (exit 5) says why", async () => {
  const year = 365 * 24 * HOUR;
  const cases: [string, string, (now: number) => Partial<ApprovalRequest>, string][] = [
    [
      "rule gone",
      POLICY.split("approvals:")[0] + "approvals: []\n",
      () => ({}),
      "no approvals: rule covers prod any more",
    ],
    [
      "window longer than max_duration",
      POLICY,
      (now) => ({ durationSeconds: 12 * 3600, windowEndsAt: now + 12 * HOUR }),
      "its window of 12h is longer than the 2h the policy now allows",
    ],
    [
      "stamped in the future",
      POLICY,
      (now) => ({ createdAt: now + year, decidedAt: now + year, windowEndsAt: now + year + HOUR }),
      "it was approved in the future",
    ],
    [
      "approved by someone the policy no longer names",
      POLICY.replace("[bob, carol]", "[carol]"),
      () => ({}),
      "bob is not an approver",
    ],
    [
      "too few approvals for the rule now",
      POLICY + "    required_approvals: 2\n",
      () => ({}),
      "it has 1 approval(s) and the rule now needs 2",
    ],
  ];
  for (const [what, policy, over, why] of cases) {
    const team = new FakeTeam({ policy });
    const record = forged(team, "b0000000000000b1", over(team.clock.now()));
    await team.store().approvals.create(record);
    const error = await refusal(() => issue(team));
    assertEquals([error.exitCode, error.code], [5, "approval_required"], what);
    assertIncludes(error.message, `Approved request ${record.id} grants nothing: ${why}`);
    assertEquals(team.aws.assumeRoleCalls().length, 0, what);
    assertEquals(team.logRecords().at(-1)?.outcome, "denied", `${what}: the refusal is logged`);
  }
});

Deno.test("a role guard (a deny rule naming the role, anywhere in the policy) stops an approved request (exit 5, with the guard named)", async () => {
  const guarded = POLICY.replace(
    "approvals:",
    `  - name: no-prod-role
    effect: deny
    conditions: { roles: ["${TEAM_ROLE}"] }
    reason: this role is never opened
approvals:`,
  );
  const team = new FakeTeam({ policy: guarded });
  await team.store().approvals.create(forged(team, "c0000000000000c2"));
  const error = await refusal(() => issue(team));
  assertEquals(error.exitCode, 5);
  assertIncludes(error.message, 'Rule "no-prod-role" denies this role outright');
  assertEquals(team.aws.assumeRoleCalls().length, 0);
});

Deno.test("a damaged approval in the store grants nothing and crashes nothing: issuance refuses (exit 5), lists name it", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const record = forged(team, "d0000000000000d1");
  team.store();
  team.stores.state(STORE)!.writeRaw("request", record, "{not json");
  const error = await refusal(() => issue(team));
  assertEquals(error.exitCode, 5);
  const io: string[] = [];
  const listed = await listRequests(team.deps((text) => io.push(text)), { limit: 10 }, bob);
  assertEquals(listed.items, []);
  assertEquals(listed.damaged?.map((d) => d.id), [record.id]);
  assertIncludes(io.join(""), `request ${record.id} in the in-memory store ${STORE} is damaged`);
});

Deno.test("a pending request past its expiry reads as expired, is stored and announced so, and cannot be approved", async () => {
  const chat = pluginEntry("chat", "notifier");
  const team = new FakeTeam({ policy: POLICY, plugins: [chat] });
  const request = await ask(team);
  team.clock.set(request.expiresAt);
  const shown = await showRequest(team.deps(), request.id, bob);
  assertEquals(shown.request.status, "expired");
  assertEquals((await team.store().approvals.get(request.id))?.status, "expired");
  assertEquals(team.plugins.typesSentTo("chat"), ["approval_requested", "approval_expired"]);
  const late = await refusal(() => actOnRequest(team.deps(), request.id, { kind: "approve" }, bob));
  assertEquals(late.code, "conflict");
});

Deno.test("sweep expires every pending request that is due, and only those", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const first = await ask(team);
  team.clock.set(first.expiresAt - MIN);
  const second = await requestAccess(team.deps(), {
    profile: "prod",
    reason: "later",
    anyway: true,
  });
  team.clock.set(first.expiresAt);
  const swept = await sweepRequests(team.deps(), bob);
  assertEquals(swept.expired, 1);
  assertEquals((await team.store().approvals.get(first.id))?.status, "expired");
  assertEquals(
    second.kind === "created" && (await team.store().approvals.get(second.request.id))?.status,
    "pending",
  );
});

Deno.test("waiting for a decision polls with backoff until someone decides, and gives up at the timeout still pending", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const outcome = await requestAccess(team.deps(), { profile: "prod", reason: "wait" });
  if (outcome.kind !== "created") throw new Error(outcome.kind);
  const seen: string[] = [];
  const sleeps: number[] = [];
  let polls = 0;
  const decided = await waitForDecision(
    team.deps(),
    outcome.read,
    10 * MIN,
    (request) => seen.push(request.status),
    async (ms) => {
      sleeps.push(ms);
      await team.clock.sleep(ms);
      if (++polls === 3) {
        await actOnRequest(team.deps(), outcome.request.id, { kind: "approve" }, bob);
      }
    },
  );
  assertEquals(decided.status, "approved");
  assertEquals(seen, ["pending", "pending", "pending", "approved"]);
  assertEquals(sleeps, [1000, 1500, 2250], "the pause grows by half each time");

  const quiet = new FakeTeam({ policy: POLICY });
  const pending = await requestAccess(quiet.deps(), { profile: "prod", reason: "wait" });
  if (pending.kind !== "created") throw new Error(pending.kind);
  const started = quiet.clock.now();
  const waited = await waitForDecision(
    quiet.deps(),
    pending.read,
    30_000,
    () => {},
    (ms) => quiet.clock.sleep(ms),
  );
  assertEquals(waited.status, "pending");
  assertEquals(quiet.clock.now() - started, 30_000, "it stops at the timeout, not after");
});

Deno.test("two approvers racing on one request both count: of concurrent writes one wins, the loser reads again", async () => {
  const team = new FakeTeam({ policy: POLICY + "    required_approvals: 2\n" });
  const request = await ask(team);
  const [a, b] = await Promise.all([
    actOnRequest(team.deps(), request.id, { kind: "approve" }, bob),
    actOnRequest(team.deps(), request.id, { kind: "approve" }, carol),
  ]);
  const stored = await team.store().approvals.get(request.id);
  assertEquals(stored?.status, "approved");
  assertEquals(stored?.approvals.map((x) => x.approver).sort(), ["bob", "carol"]);
  assertEquals([a.request.status, b.request.status].sort(), ["approved", "pending"]);
});

Deno.test("a request stored but never announced (its maker was killed first) cannot be approved, and is withdrawn unannounced after its grace", async () => {
  const team = new FakeTeam({ policy: POLICY, plugins: [pluginEntry("chat", "notifier")] });
  const announced = await ask(team);
  assertEquals(announced.unannounced, undefined, "an announced request is approvable");
  assertEquals((await team.store().approvals.get(announced.id))?.version, 2);

  // What a process killed between storing and announcing leaves behind.
  const cutOff = { ...announced, id: "00000000000000ff", unannounced: true as const, version: 1 };
  await team.store().approvals.create(cutOff);
  const early = await refusal(() => actOnRequest(team.deps(), cutOff.id, { kind: "approve" }, bob));
  assertEquals([early.exitCode, early.code], [12, "request_unannounced"]);
  assertIncludes(early.message, "has not been announced to its approvers yet");
  const shown = (await showRequest(team.deps(), cutOff.id, bob)).request;
  assertEquals(requestJson(shown).unannounced, true, "requests show says so");

  team.clock.advance(ANNOUNCE_GRACE_SECONDS * 1000 - 1);
  assertEquals((await showRequest(team.deps(), cutOff.id, bob)).request.status, "pending");
  team.clock.advance(1);
  const { request } = await showRequest(team.deps(), cutOff.id, bob);
  assertEquals([request.status, request.decidedBy], ["cancelled", "sentinel"]);
  assertIncludes(request.comment ?? "", "its announcement never went out");
  assertEquals(request.unannounced, undefined, "a withdrawn request carries no flag");
  const late = await refusal(() => actOnRequest(team.deps(), cutOff.id, { kind: "approve" }, bob));
  assertEquals(late.code, "conflict");
  assertEquals(team.plugins.typesSentTo("chat"), ["approval_requested"], "the other only");
});

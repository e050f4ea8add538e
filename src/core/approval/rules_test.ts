import { assertEquals, assertIncludes } from "../../../test/assert.ts";
import type { ApprovalRule } from "../policy/schema.ts";
import { approvalHolds } from "./rules.ts";
import { approveRequest, openRequest } from "./transitions.ts";

const HOUR = 3_600_000;
const rule: ApprovalRule = { name: "prod", profiles: ["prod"], approvers: ["bob", "carol"] };
const request = openRequest({
  id: "00112233aabbccdd",
  requester: "alice",
  profile: "prod",
  roleArn: "arn:aws:iam::123456789012:role/Prod",
  durationSeconds: 3600,
  reason: "deploy",
  rule,
  now: 0,
});
const approved = (() => {
  const t = approveRequest(request, rule, { name: "bob" }, undefined, HOUR);
  if (!t.ok) throw t.error;
  return t.next;
})();

const why = (r: ReturnType<typeof approvalHolds>) => r.ok ? "holds" : r.why;

Deno.test("an approval holds within its window under the policy it was approved under", () => {
  assertEquals(approvalHolds(approved, rule, HOUR + 1), {
    ok: true,
    windowEndsAt: 2 * HOUR,
    maxSessionSeconds: 3600,
  });
  assertIncludes(why(approvalHolds(approved, rule, 2 * HOUR)), "window is over");
});

Deno.test("issuance re-checks approvals against the current policy: removed rule, removed approver, more approvals needed", () => {
  assertIncludes(
    why(approvalHolds(approved, undefined, HOUR + 1)),
    "no approvals: rule covers prod",
  );
  const withoutBob = { ...rule, approvers: ["carol"] };
  assertIncludes(why(approvalHolds(approved, withoutBob, HOUR + 1)), "bob is not an approver");
  const twoNeeded = { ...rule, required_approvals: 2 };
  assertIncludes(why(approvalHolds(approved, twoNeeded, HOUR + 1)), "the rule now needs 2");
});

Deno.test("forged or skewed records grant nothing: self-approval, a duplicate approver, future stamps, a stretched window", () => {
  const self = { ...approved, approvals: [{ approver: "alice", at: HOUR }] };
  assertIncludes(why(approvalHolds(self, rule, HOUR + 1)), "alice asked for this access");
  const twice = {
    ...approved,
    approvals: [{ approver: "bob", at: HOUR }, { approver: "bob", at: HOUR }],
  };
  assertIncludes(
    why(approvalHolds(twice, { ...rule, required_approvals: 2 }, HOUR + 1)),
    "counted twice",
  );
  const future = { ...approved, decidedAt: 5 * HOUR, windowEndsAt: 6 * HOUR };
  assertIncludes(why(approvalHolds(future, rule, 2 * HOUR)), "approved in the future");
  const stretched = { ...approved, windowEndsAt: 10 * HOUR };
  assertIncludes(
    why(approvalHolds(stretched, rule, HOUR + 1)),
    "longer than the duration approved",
  );
  assertIncludes(why(approvalHolds(request, rule, 1)), "it is pending");
});

Deno.test("an auto-approval holds only while the rule's auto_approve still admits it", () => {
  const auto: ApprovalRule = { ...rule, auto_approve: { users: ["alice"] } };
  const autoApproved = openRequest({
    id: "00112233aabbccdd",
    requester: "alice",
    profile: "prod",
    roleArn: "arn:aws:iam::123456789012:role/Prod",
    durationSeconds: 3600,
    reason: "x",
    rule: auto,
    now: 0,
  });
  assertEquals(approvalHolds(autoApproved, auto, 1).ok, true);
  assertIncludes(why(approvalHolds(autoApproved, rule, 1)), "auto_approve does not admit it");
});

Deno.test("a stored approval longer than the caps in force grants nothing: 12 h under a 2 h cap", () => {
  const capped: ApprovalRule = { ...rule, max_duration: 7200 };
  const twelve = { ...approved, durationSeconds: 43_200, windowEndsAt: HOUR + 43_200_000 };
  assertIncludes(why(approvalHolds(twelve, capped, HOUR + 1)), "longer than the 2h the policy");
  // The deciding access rule's cap counts too.
  assertIncludes(why(approvalHolds(approved, rule, HOUR + 1, 1800)), "longer than the 30m");
});

Deno.test("after max_duration drops from 2 h to 30 m, an older 2 h approval grants nothing", () => {
  const twoHours = { ...approved, durationSeconds: 7200, windowEndsAt: HOUR + 7_200_000 };
  const before: ApprovalRule = { ...rule, max_duration: 7200 };
  const after: ApprovalRule = { ...rule, max_duration: 1800 };
  const held = approvalHolds(twoHours, before, HOUR + 1);
  assertEquals(held.ok && held.maxSessionSeconds, 7200);
  assertIncludes(why(approvalHolds(twoHours, after, HOUR + 1)), "longer than the 30m");
});

Deno.test("a session under an approval is capped by the caps in force", () => {
  const held = approvalHolds(approved, { ...rule, max_duration: 3600 }, HOUR + 1, 7200);
  assertEquals(held.ok && held.maxSessionSeconds, 3600);
});

Deno.test("an approval stamped in the future grants nothing beyond a small clock skew", () => {
  const ahead = (ms: number) => ({
    ...approved,
    createdAt: 0,
    decidedAt: HOUR + ms,
    windowEndsAt: 2 * HOUR + ms,
  });
  assertEquals(approvalHolds(ahead(60_000), rule, HOUR).ok, true);
  assertIncludes(why(approvalHolds(ahead(365 * 24 * HOUR), rule, HOUR)), "in the future");
  const beforeMade = { ...approved, createdAt: 2 * HOUR };
  assertIncludes(why(approvalHolds(beforeMade, rule, HOUR + 1)), "before it was made");
});

Deno.test("the requester never approves: not by the same name, not by the same ARN", () => {
  const alice = "arn:aws:iam::123456789012:user/alice";
  const open = { ...request, requesterArn: alice };
  const byArn = approveRequest(open, rule, { name: "bob", arn: alice }, undefined, 1);
  assertEquals(byArn.ok ? "approved" : byArn.error.code, "not_an_approver");
  const stored = {
    ...approved,
    requesterArn: alice,
    approvals: [{ approver: "bob", approverArn: alice, at: HOUR }],
  };
  assertIncludes(why(approvalHolds(stored, rule, HOUR + 1)), "asked for this access");
});

Deno.test("approvers: * never admits an ARN-named identity (another account, a federated user)", () => {
  const anyone: ApprovalRule = { ...rule, approvers: ["*"] };
  const federated = "arn:aws:sts::123456789012:federated-user/ALICE";
  const t = approveRequest(request, anyone, { name: federated, arn: federated }, undefined, 1);
  assertIncludes(t.ok ? "" : t.error.message, "is not an approver");
  assertIncludes(t.ok ? "" : t.error.message, "identity.accounts");
  const partner: ApprovalRule = { ...rule, approvers: ["arn:aws:iam::999999999999:user/bob"] };
  const bob = "arn:aws:iam::999999999999:user/bob";
  assertEquals(approveRequest(request, partner, { name: bob, arn: bob }, undefined, 1).ok, true);
});

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
  const t = approveRequest(request, rule, "bob", undefined, HOUR);
  if (!t.ok) throw t.error;
  return t.next;
})();

const why = (r: ReturnType<typeof approvalHolds>) => r.ok ? "holds" : r.why;

Deno.test("an approval holds within its window under the policy it was approved under", () => {
  assertEquals(approvalHolds(approved, rule, HOUR + 1), { ok: true, windowEndsAt: 2 * HOUR });
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

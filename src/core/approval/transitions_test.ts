import { assertEquals, assertIncludes } from "../../../test/assert.ts";
import type { ApprovalRule } from "../policy/schema.ts";
import type { ApprovalRequest } from "./request.ts";
import {
  approveRequest,
  cancelRequest,
  denyRequest,
  expireIfDue,
  openRequest,
  statusAt,
  type Transition,
} from "./transitions.ts";

const HOUR = 3_600_000;
const rule: ApprovalRule = {
  name: "prod-approvers",
  profiles: ["prod*"],
  approvers: ["bob", "carol", "*@sec"],
};
const twoPerson: ApprovalRule = { ...rule, name: "two", required_approvals: 2 };

function open(r: ApprovalRule = rule, now = 0, requester = "alice"): ApprovalRequest {
  return openRequest({
    id: "00112233aabbccdd",
    requester,
    profile: "prod",
    roleArn: "arn:aws:iam::123456789012:role/Prod",
    durationSeconds: 3600,
    reason: "deploy",
    rule: r,
    now,
  });
}

function next(t: Transition): ApprovalRequest {
  if (!t.ok) throw t.error;
  return t.next;
}

function error(t: Transition): { code: string; exitCode: number; message: string } {
  if (t.ok) throw new Error("expected a refusal");
  return t.error;
}

Deno.test("a new request is pending, version 1, and expires after the rule's request_ttl (24h default)", () => {
  const r = open();
  assertEquals([r.status, r.version, r.requiredApprovals, r.expiresAt], [
    "pending",
    1,
    1,
    24 * HOUR,
  ]);
  const ttl = open({ ...rule, request_ttl: 600 });
  assertEquals(ttl.expiresAt, 600_000);
});

Deno.test("approval opens the window at approval time, for the requested duration", () => {
  const approved = next(approveRequest(open(), rule, { name: "bob" }, "ok", 5 * HOUR));
  assertEquals(
    [
      approved.status,
      approved.decidedBy,
      approved.decidedAt,
      approved.windowEndsAt,
      approved.version,
    ],
    ["approved", "bob", 5 * HOUR, 6 * HOUR, 2],
  );
  assertEquals(approved.approvals, [{ approver: "bob", at: 5 * HOUR, comment: "ok" }]);
});

Deno.test("expiry boundaries: one millisecond before expiresAt is pending, at it expired", () => {
  const r = open();
  assertEquals(statusAt(r, r.expiresAt - 1), "pending");
  assertEquals(statusAt(r, r.expiresAt), "expired");
  assertEquals(expireIfDue(r, r.expiresAt - 1), undefined);
  const expired = expireIfDue(r, r.expiresAt + 5)!;
  assertEquals([expired.status, expired.decidedBy, expired.decidedAt, expired.version], [
    "expired",
    "sentinel",
    r.expiresAt,
    2,
  ]);
  const late = error(approveRequest(r, rule, { name: "bob" }, undefined, r.expiresAt));
  assertEquals(late.code, "conflict");
  assertIncludes(late.message, "is already expired at 1970-01-02T00:00:00.000Z");
});

Deno.test("the requester never approves; a non-approver never approves or denies; no rule, nobody", () => {
  const r = open();
  assertEquals(
    error(approveRequest(r, rule, { name: "alice" }, undefined, 1)).code,
    "not_an_approver",
  );
  assertIncludes(
    error(approveRequest(r, rule, { name: "alice" }, undefined, 1)).message,
    "asked for this access",
  );
  const carl = error(approveRequest(r, rule, { name: "carl" }, undefined, 1));
  assertEquals([carl.code, carl.exitCode], ["not_an_approver", 4]);
  assertIncludes(carl.message, 'not an approver under approval rule "prod-approvers"');
  assertEquals(error(denyRequest(r, rule, { name: "carl" }, "no", 1)).code, "not_an_approver");
  assertEquals(
    next(approveRequest(r, rule, { name: "dave@sec" }, undefined, 1)).status,
    "approved",
  );
  const none = error(approveRequest(r, undefined, { name: "bob" }, undefined, 1));
  assertEquals(none.code, "no_approval_rule");
  assertIncludes(none.message, "nobody can approve or deny");
});

Deno.test("two-person rule: pending after one, approved after a second distinct approver; the same twice counts once", () => {
  const r = open(twoPerson);
  assertEquals(r.requiredApprovals, 2);
  const once = next(approveRequest(r, twoPerson, { name: "bob" }, undefined, 10));
  assertEquals([once.status, once.approvals.length, once.version], ["pending", 1, 2]);
  const again = error(approveRequest(once, twoPerson, { name: "bob" }, undefined, 20));
  assertEquals(again.code, "already_approved_by_you");
  assertIncludes(again.message, "needs 1 more approval");
  const twice = next(approveRequest(once, twoPerson, { name: "carol" }, undefined, 30));
  assertEquals([twice.status, twice.decidedBy, twice.windowEndsAt, twice.version], [
    "approved",
    "carol",
    30 + HOUR,
    3,
  ]);
  const denied = next(denyRequest(once, twoPerson, { name: "carol" }, "not now", 40));
  assertEquals([denied.status, denied.comment], ["denied", "not now"]);
});

Deno.test("terminal states are final and say who ended them and when", () => {
  const approved = next(approveRequest(open(), rule, { name: "bob" }, undefined, HOUR));
  const conflict = error(denyRequest(approved, rule, { name: "carol" }, "no", 2 * HOUR));
  assertEquals([conflict.code, conflict.exitCode], ["conflict", 12]);
  assertIncludes(conflict.message, "is already approved by bob at 1970-01-01T01:00:00.000Z");
  const cancelled = next(cancelRequest(open(), { name: "alice" }, 5));
  assertEquals([cancelled.status, cancelled.decidedBy], ["cancelled", "alice"]);
  assertIncludes(
    error(approveRequest(cancelled, rule, { name: "bob" }, undefined, 6)).message,
    "already cancelled by alice",
  );
  assertEquals(error(cancelRequest(open(), { name: "bob" }, 5)).code, "not_requester");
});

Deno.test("auto_approve: users, time window and max duration all must hold; actor is policy", () => {
  const auto: ApprovalRule = {
    ...rule,
    auto_approve: {
      users: ["oncall-*"],
      max_duration: 3600,
      time: { days: ["saturday", "sunday"], timezone: "UTC" },
    },
  };
  const saturday = Date.UTC(2026, 2, 7, 12);
  const monday = Date.UTC(2026, 2, 9, 12);
  const yes = open(auto, saturday, "oncall-bot");
  assertEquals([yes.status, yes.decidedBy, yes.windowEndsAt, yes.version], [
    "approved",
    "policy",
    saturday + HOUR,
    1,
  ]);
  assertEquals(open(auto, monday, "oncall-bot").status, "pending");
  assertEquals(open(auto, saturday, "alice").status, "pending");
  const long = openRequest({
    id: "00112233aabbccdd",
    requester: "oncall-bot",
    profile: "prod",
    roleArn: "arn:aws:iam::123456789012:role/Prod",
    durationSeconds: 7200,
    reason: "long",
    rule: auto,
    now: saturday,
  });
  assertEquals(long.status, "pending");
});

Deno.test("terminal records carry a retention deadline; pending ones do not", () => {
  assertEquals(open().retainUntil, undefined);
  const denied = next(denyRequest(open(), rule, { name: "bob" }, "no", 1000));
  assertEquals(denied.retainUntil, 1000 + 90 * 24 * HOUR);
  const approved = next(approveRequest(open(), rule, { name: "bob" }, undefined, 1000));
  assertEquals(approved.retainUntil, 1000 + HOUR + 90 * 24 * HOUR);
});

import { assertEquals, assertIncludes, assertThrows } from "../../../test/assert.ts";
import { SentinelError } from "../errors.ts";
import type { ApprovalRule, BreakglassRule } from "../policy/schema.ts";
import type { BreakglassEvent } from "./event.ts";
import {
  breakglassRuleFor,
  eventHolds,
  invocationPlan,
  isActive,
  mayClose,
  mayReview,
  quotaRefusal,
} from "./rules.ts";
import { closeEvent, openEvent, reviewEvent } from "./transitions.ts";

const MIN = 60_000;
const sre: BreakglassRule = {
  name: "sre",
  profiles: ["prod*"],
  users: ["*@sre"],
  reason_codes: ["incident", "security"],
  max_duration: 3600,
  cooldown: 1800,
  quota: { per_user: { max: 3, window: 86_400 }, per_profile: { max: 10, window: 7 * 86_400 } },
  escalation_threshold: 2,
  require_review: true,
  reviewers: ["auditor"],
};
const approvals: ApprovalRule[] = [{ name: "prod", profiles: ["prod"], approvers: ["bob"] }];

function event(overrides: Partial<BreakglassEvent> = {}): BreakglassEvent {
  return {
    ...openEvent({
      id: "00112233aabbccdd",
      invoker: "alice@sre",
      profile: "prod",
      roleArn: "arn:aws:iam::123456789012:role/Prod",
      reasonCode: "incident",
      justification: "pager 42",
      rule: "sre",
      now: 0,
      endsAt: 60 * MIN,
    }),
    ...overrides,
  };
}

Deno.test("the rule must cover user, profile and reason code; the refusal says which codes are allowed", () => {
  assertEquals(breakglassRuleFor([sre], "alice@sre", "prod-eu", "incident").name, "sre");
  const wrongCode = assertThrows(
    () => breakglassRuleFor([sre], "alice@sre", "prod", "maintenance"),
    SentinelError,
  ) as SentinelError;
  assertIncludes(wrongCode.message, "allowed: incident, security");
  assertEquals(wrongCode.exitCode, 4);
  const nobody = assertThrows(
    () => breakglassRuleFor([sre], "mallory", "prod", "incident"),
    SentinelError,
  ) as SentinelError;
  assertIncludes(nobody.message, "no breakglass: rule allows mallory");
  assertThrows(() => breakglassRuleFor(undefined, "alice@sre", "prod", "incident"), SentinelError);
});

Deno.test("the plan caps the duration at max_duration and lists cooldown and quotas as slots", () => {
  const plan = invocationPlan(sre, {
    user: "alice@sre",
    profile: "prod",
    now: 1000,
    requestedSeconds: 7200,
  });
  assertEquals(plan.endsAt, 1000 + 60 * MIN);
  assertEquals(plan.slots.map((s) => [s.key, s.max, s.windowMs]), [
    ["sre:cooldown:alice@sre:prod", 1, 30 * MIN],
    ["sre:user:alice@sre", 3, 86_400_000],
    ["sre:profile:prod", 10, 7 * 86_400_000],
  ]);
  assertEquals(plan.requireReviewOf, "alice@sre");
  assertEquals(plan.escalation, {
    threshold: 2,
    userWindowMs: 86_400_000,
    profileWindowMs: 7 * 86_400_000,
  });
  const shortest = invocationPlan(sre, {
    user: "alice@sre",
    profile: "prod",
    now: 0,
    requestedSeconds: 20 * 60,
  });
  assertEquals(shortest.endsAt, 20 * MIN);
  // Shorter could never be used: sessions need 15 minutes left.
  const tooShort = assertThrows(
    () =>
      invocationPlan(sre, { user: "alice@sre", profile: "prod", now: 0, requestedSeconds: 900 }),
    SentinelError,
  ) as SentinelError;
  assertEquals([tooShort.exitCode, tooShort.code], [2, "window_too_short"]);
  const cappedShort = assertThrows(
    () =>
      invocationPlan({ ...sre, max_duration: 900 }, { user: "alice@sre", profile: "prod", now: 0 }),
    SentinelError,
  ) as SentinelError;
  assertEquals(cappedShort.exitCode, 3);
  assertIncludes(cappedShort.message, 'rule "sre" caps it at 15m: raise its max_duration');
  const bare = invocationPlan({ name: "b", profiles: ["*"], users: ["*"] }, {
    user: "a",
    profile: "p",
    now: 0,
  });
  assertEquals([bare.endsAt, bare.slots, bare.requireReviewOf, bare.escalation], [
    60 * MIN,
    [],
    undefined,
    undefined,
  ]);
});

Deno.test("cooldown boundaries: the refusal names the limit and when it frees up", () => {
  const [cooldown] = invocationPlan(sre, { user: "alice@sre", profile: "prod", now: 0 }).slots;
  const invokedAt = 10 * MIN;
  const freesAt = invokedAt + cooldown.windowMs;
  const oneSecondBefore = quotaRefusal(cooldown, freesAt, freesAt - 1000);
  assertIncludes(
    oneSecondBefore.message,
    "alice@sre broke glass into prod less than 30m ago, and that cooldown must pass between invocations",
  );
  assertIncludes(
    oneSecondBefore.message,
    "the next one can start at 1970-01-01T00:40:00.000Z (in 1s)",
  );
  assertEquals(oneSecondBefore.code, "breakglass_rate_limited");
});

Deno.test("an event is active until it ends or is closed; sessions never outlive endsAt", () => {
  const e = event();
  assertEquals([isActive(e, 0), isActive(e, 60 * MIN - 1), isActive(e, 60 * MIN)], [
    true,
    true,
    false,
  ]);
  const closed = closeEvent(e, { name: "alice@sre" }, "fixed", 20 * MIN, approvals);
  if (!closed.ok) throw closed.error;
  assertEquals([closed.next.endsAt, closed.next.closedBy, isActive(closed.next, 20 * MIN)], [
    20 * MIN,
    "alice@sre",
    false,
  ]);
  const twice = closeEvent(closed.next, { name: "bob" }, "again", 21 * MIN, approvals);
  assertEquals(
    twice.ok ? "" : twice.error.message,
    "break-glass event 00112233aabbccdd already closed by alice@sre at 1970-01-01T00:20:00.000Z",
  );
  const expired = closeEvent(e, { name: "alice@sre" }, "late", 61 * MIN, approvals);
  assertIncludes(expired.ok ? "" : expired.error.message, "already ended at");
});

Deno.test("close: the invoker or an approver of the profile; review: never the invoker", () => {
  const e = event();
  assertEquals([
    mayClose(e, { name: "alice@sre" }, approvals),
    mayClose(e, { name: "bob" }, approvals),
    mayClose(e, { name: "carol" }, approvals),
  ], [true, true, false]);
  assertEquals(mayReview(e, { name: "alice@sre" }, sre, approvals).ok, false);
  assertEquals(
    [
      mayReview(e, { name: "auditor" }, sre, approvals).ok,
      mayReview(e, { name: "bob" }, sre, approvals).ok,
    ],
    [true, true],
  );
  const carol = mayReview(e, { name: "carol" }, sre, approvals);
  assertIncludes(
    carol.ok ? "" : carol.why,
    'neither a reviewer of break-glass rule "sre" nor an approver of prod',
  );
  const self = reviewEvent(e, { name: "alice@sre" }, "fine", 5, sre, approvals);
  assertEquals(self.ok ? "" : self.error.code, "not_a_reviewer");
  const reviewed = reviewEvent(
    e,
    { name: "auditor" },
    "root cause found",
    70 * MIN,
    sre,
    approvals,
  );
  if (!reviewed.ok) throw reviewed.error;
  assertEquals([reviewed.next.reviewedBy, reviewed.next.reviewNotes, reviewed.next.version], [
    "auditor",
    "root cause found",
    2,
  ]);
  const again = reviewEvent(reviewed.next, { name: "bob" }, "again", 80 * MIN, sre, approvals);
  assertEquals(again.ok ? "" : again.error.code, "conflict");
});

const use = {
  user: "alice@sre",
  profile: "prod",
  roleArn: "arn:aws:iam::123456789012:role/Prod",
  now: 10 * MIN,
};
const announced = (overrides: Partial<BreakglassEvent> = {}) =>
  event({ announcedAt: 1, ...overrides });
const held = (
  e: BreakglassEvent,
  doc: { breakglass?: BreakglassRule[] } = { breakglass: [sre] },
) => {
  const verdict = eventHolds(e, doc, use);
  return verdict.ok ? "holds" : verdict.why;
};

Deno.test("a stored event lends access only while it is valid under the policy in force", () => {
  assertEquals(held(announced()), "holds");
  assertEquals(eventHolds(announced(), { breakglass: [sre] }, use), {
    ok: true,
    endsAt: 60 * MIN,
    maxSessionSeconds: 3600,
  });
});

Deno.test("a forged event grants nothing: unknown user, unknown rule, reason not allowed, future start, too long", () => {
  assertIncludes(held(announced({ invoker: "mallory" })), "invoked by mallory");
  assertIncludes(held(announced({ rule: "nope" })), 'no breakglass: rule "nope"');
  assertIncludes(held(announced({ reasonCode: "other" })), 'reason code "other"');
  const year = 365 * 24 * 60 * MIN;
  assertIncludes(
    held(announced({ createdAt: year, endsAt: year + 60 * MIN })),
    "invoked in the future",
  );
  assertIncludes(
    held(announced({ endsAt: 30 * 24 * 60 * MIN })),
    "longer than the 1h breakglass: rule",
  );
  // Within the skew a slightly-ahead clock is fine.
  assertEquals(held(announced({ createdAt: use.now + MIN, endsAt: use.now + 30 * MIN })), "holds");
});

Deno.test("after the policy changes, an open event stops granting: user removed, rule removed, all rules gone", () => {
  assertIncludes(
    held(announced(), { breakglass: [{ ...sre, users: ["bob@sre"] }] }),
    "does not name",
  );
  assertIncludes(
    held(announced(), { breakglass: [{ ...sre, name: "other" }] }),
    'no breakglass: rule "sre"',
  );
  assertIncludes(held(announced(), {}), 'no breakglass: rule "sre"');
});

Deno.test("an event grants nothing until it was announced, nor once closed or over", () => {
  const silent = eventHolds(event(), { breakglass: [sre] }, use);
  assertEquals(silent.ok ? "holds" : [silent.why, silent.unannounced], [
    "it has not been announced to the notifiers yet",
    true,
  ]);
  assertIncludes(held(announced({ closedAt: MIN, closedBy: "alice@sre" })), "closed by");
  assertIncludes(held(announced({ endsAt: 5 * MIN })), "it is over");
});

import { assertEquals, assertIncludes } from "../../../test/assert.ts";
import type { Decision } from "../policy/evaluate.ts";
import { issuanceVerdict } from "./verdict.ts";

const subject = { profile: "prod", user: "alice", decisionId: "00112233aabbccdd" };
const decision = (effect: Decision["effect"], maxDurationSeconds?: number): Decision => ({
  effect,
  rule: "r",
  ruleIndex: 0,
  reason: "because",
  ...(maxDurationSeconds === undefined ? {} : { maxDurationSeconds }),
});

Deno.test("allow issues under the policy with the rule's cap", () => {
  assertEquals(issuanceVerdict({ decision: decision("allow", 1800), ...subject }), {
    issue: true,
    grant: {},
    ruleMaxSeconds: 1800,
  });
});

Deno.test("require_approval issues only under an approved request, within its window", () => {
  const refused = issuanceVerdict({ decision: decision("require_approval"), ...subject });
  assertEquals(refused.issue ? 0 : refused.error.exitCode, 5);
  assertIncludes(
    refused.issue ? "" : refused.error.message,
    'sentinel request prod --reason "<why>"',
  );
  const approved = issuanceVerdict({
    decision: decision("require_approval", 7200),
    ...subject,
    approval: { id: "a1", windowEndsAt: 5000, maxSessionSeconds: 3600 },
  });
  assertEquals(approved, {
    issue: true,
    grant: { approvalRequestId: "a1" },
    ruleMaxSeconds: 3600,
    windowEndsAt: 5000,
  });
  // An approval never overrides a deny.
  const deny = issuanceVerdict({
    decision: decision("deny"),
    ...subject,
    approval: { id: "a1", windowEndsAt: 5000, maxSessionSeconds: 3600 },
  });
  assertEquals(deny.issue ? 0 : deny.error.exitCode, 4);
});

Deno.test("an active break-glass event overrides deny and require_approval, bounded by its end", () => {
  for (const effect of ["deny", "require_approval"] as const) {
    assertEquals(
      issuanceVerdict({
        decision: decision(effect),
        ...subject,
        breakglass: { id: "b1", endsAt: 9000, maxSessionSeconds: 3600 },
      }),
      {
        issue: true,
        grant: { breakglassEventId: "b1" },
        ruleMaxSeconds: 3600,
        windowEndsAt: 9000,
      },
    );
  }
});

Deno.test("a role guard blocks every cover, and the refusal names it", () => {
  const guard = {
    effect: "deny",
    rule: "guard",
    ruleIndex: 3,
    reason: "root is off limits",
  } as const;
  for (const effect of ["deny", "require_approval"] as const) {
    const refused = issuanceVerdict({
      decision: decision(effect),
      guard,
      ...subject,
      approval: { id: "a1", windowEndsAt: 5000, maxSessionSeconds: 3600 },
      breakglass: { id: "b1", endsAt: 9000, maxSessionSeconds: 3600 },
    });
    assertEquals(refused.issue, false);
    assertIncludes(refused.issue ? "" : refused.error.message, 'Rule "guard" denies this role');
  }
});

Deno.test("an approval's session is capped by the deciding rule and the approval's own cap", () => {
  const verdict = issuanceVerdict({
    decision: decision("require_approval", 1800),
    ...subject,
    approval: { id: "a1", windowEndsAt: 5000, maxSessionSeconds: 3600 },
  });
  assertEquals(verdict.issue && verdict.ruleMaxSeconds, 1800);
});

Deno.test("a refusal says why held records lend nothing, and offers break-glass where a rule allows it", () => {
  const refused = issuanceVerdict({
    decision: decision("deny"),
    ...subject,
    unusable: ["Break-glass event b1 grants nothing: it is over"],
    breakglassAllowed: true,
  });
  const message = refused.issue ? "" : refused.error.message;
  assertIncludes(message, "Break-glass event b1 grants nothing: it is over.");
  assertIncludes(message, "sentinel breakglass prod --reason-code <code>");
  const approval = issuanceVerdict({
    decision: decision("require_approval"),
    ...subject,
    breakglassAllowed: true,
  });
  assertIncludes(approval.issue ? "" : approval.error.message, "sentinel request prod");
  assertIncludes(approval.issue ? "" : approval.error.message, "sentinel breakglass prod");
});

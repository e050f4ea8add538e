import { assertEquals, assertIncludes } from "../../../test/assert.ts";
import type { Decision } from "../policy/evaluate.ts";
import { issuanceVerdict } from "./verdict.ts";

const subject = { profile: "prod", user: "alice", requestId: "00112233aabbccdd" };
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
    approval: { id: "a1", windowEndsAt: 5000, maxDurationSeconds: 3600 },
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
    approval: { id: "a1", windowEndsAt: 5000 },
  });
  assertEquals(deny.issue ? 0 : deny.error.exitCode, 4);
});

Deno.test("an active break-glass event overrides deny and require_approval, bounded by its end", () => {
  for (const effect of ["deny", "require_approval"] as const) {
    assertEquals(
      issuanceVerdict({
        decision: decision(effect),
        ...subject,
        breakglass: { id: "b1", endsAt: 9000 },
      }),
      { issue: true, grant: { breakglassEventId: "b1" }, windowEndsAt: 9000 },
    );
  }
});

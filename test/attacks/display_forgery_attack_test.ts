/**
 * Attack: text another person wrote — a request's reason, a break-glass justification, an
 * approver's comment, review notes — is shown to approvers and reviewers by `requests show` and
 * `breakglass show`. display_text.ts promises that "newlines that forge extra output lines" are
 * escaped, but `safeText` (src/cli/render.ts) splits on "\n" *before* escaping, so a newline in a
 * reason survives and forges lines such as "approved by bob" or "invoker: bob".
 *
 * Pure rendering, no AWS: cheap. Fails on the code it was written against.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import type { ApprovalRequest } from "../../src/core/approval/request.ts";
import type { BreakglassEvent } from "../../src/core/breakglass/event.ts";
import { errorText, eventText, requestText } from "../../src/cli/render.ts";

const NOW = Date.parse("2026-03-02T09:00:00Z");
const FORGED = "deploy\n  approved by bob at 2026-03-02T08:59:00Z: lgtm";

const request: ApprovalRequest = {
  id: "0011223344556677",
  requester: "alice",
  profile: "prod",
  roleArn: "arn:aws:iam::123456789012:role/SentinelProd",
  durationSeconds: 3600,
  reason: FORGED,
  status: "pending",
  rule: "prod-approvers",
  requiredApprovals: 1,
  approvals: [],
  createdAt: NOW - 60_000,
  updatedAt: NOW - 60_000,
  expiresAt: NOW + 86_400_000,
  version: 1,
};

const event: BreakglassEvent = {
  id: "8899aabbccddeeff",
  invoker: "alice",
  profile: "prod",
  roleArn: "arn:aws:iam::123456789012:role/SentinelProd",
  reasonCode: "incident",
  justification: "INC-1\n  invoker:       bob",
  rule: "sre",
  createdAt: NOW - 60_000,
  endsAt: NOW + 3_540_000,
  version: 1,
};

function lines(text: string): string[] {
  return text.trimEnd().split("\n");
}

Deno.test("attack: a newline in a request's reason forges an 'approved by bob' line in `requests show`", () => {
  const honest = lines(requestText({ ...request, reason: "deploy" }, NOW));
  const shown = lines(requestText(request, NOW));
  assertEquals(shown.length, honest.length, `forged lines:\n${shown.join("\n")}`);
  assertTrue(!shown.some((line) => line.startsWith("  approved by")), shown.join("\n"));
});

Deno.test("attack: a newline in a break-glass justification forges an 'invoker: bob' line in `breakglass show`", () => {
  const honest = lines(eventText({ ...event, justification: "INC-1" }, NOW));
  const shown = lines(eventText(event, NOW));
  assertEquals(shown.length, honest.length, `forged lines:\n${shown.join("\n")}`);
});

Deno.test("attack: a newline in an id echoed in an error message forges a second error line", () => {
  const shown = lines(errorText({
    exitCode: 2,
    code: "not_found",
    message: `there is no request x\nsentinel: request x approved by bob in this store`,
    details: [],
  }, "text"));
  assertEquals(shown.length, 1, shown.join("\n"));
});

/**
 * Text someone else wrote never takes over what a person reads: a request's reason, a break-glass
 * justification, an id echoed in an error message, a profile name from a shared ~/.aws/config.
 *
 * - A line break in a reason or a justification forges no line in `requests show` or
 *   `breakglass show` (no "approved by bob", no "invoker: bob"); one in an echoed id forges no
 *   second error line. (Pure rendering, no AWS.)
 * - No raw control character of a profile name (clear screen, retitle, OSC 52 clipboard write)
 *   reaches doctor's output.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { plainHome } from "../harness/plain_home.ts";
import { runSentinel } from "../harness/sentinel.ts";
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

Deno.test("a line break in a request's reason forges no line in requests show", () => {
  const honest = lines(requestText({ ...request, reason: "deploy" }, NOW));
  const shown = lines(requestText(request, NOW));
  assertEquals(shown.length, honest.length, `forged lines:\n${shown.join("\n")}`);
  assertTrue(!shown.some((line) => line.startsWith("  approved by")), shown.join("\n"));
});

Deno.test("a line break in a break-glass justification forges no line in breakglass show", () => {
  const honest = lines(eventText({ ...event, justification: "INC-1" }, NOW));
  const shown = lines(eventText(event, NOW));
  assertEquals(shown.length, honest.length, `forged lines:\n${shown.join("\n")}`);
});

Deno.test("a line break in an id echoed in an error message forges no second error line", () => {
  const shown = lines(errorText({
    exitCode: 2,
    code: "not_found",
    message: `there is no request x\nsentinel: request x approved by bob in this store`,
    details: [],
  }, "text"));
  assertEquals(shown.length, 1, shown.join("\n"));
});

Deno.test("no raw control character of a profile name reaches doctor's output", async () => {
  await using home = await plainHome({
    prefix: "sentinel-doctor-",
    // Nothing answers here: the AWS checks fail fast, the report is still printed.
    env: () => ({ AWS_ENDPOINT_URL: "http://127.0.0.1:1", SENTINEL_TIMEOUT: "3s" }),
  });
  const dir = home.dir;
  const name = "x\x1b[2J\x1b]0;owned\x07\x1b]52;c;ZWNobyBwd25lZA==\x07";
  await Deno.writeTextFile(
    `${dir}/.aws/config`,
    `[profile base]
region = us-east-1

[profile ${name}]
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
sentinel_source_profile = base
sentinel_policy = ${dir}/policy.yaml
`,
  );
  const run = await runSentinel(["doctor"], { env: home.env });
  assertEquals(run.code, 11, run.stderr);
  const raw = run.stdout.split("\n").filter((line) =>
    line.includes("\x1b") || line.includes("\x07")
  )
    .map((line) => JSON.stringify(line));
  assertEquals(raw, [], "raw control characters in doctor's output");
});

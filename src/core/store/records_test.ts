import { assertEquals, assertTrue } from "../../../test/assert.ts";
import type { ApprovalRequest } from "../approval/request.ts";
import type { BreakglassEvent } from "../breakglass/event.ts";
import type { RevocationRecord } from "../revocation/record.ts";
import {
  parseApprovalRequest,
  parseBreakglassEvent,
  parseRevocationRecord,
  parseStoredJson,
  parseStoredRevocation,
} from "./records.ts";

const REQUEST: ApprovalRequest = {
  id: "0123456789abcdef",
  requester: "alice",
  profile: "prod",
  roleArn: "arn:aws:iam::123456789012:role/Prod",
  durationSeconds: 3600,
  reason: "deploy",
  status: "approved",
  rule: "prod-approvers",
  policySource: "/etc/sentinel/policy.yaml",
  requiredApprovals: 1,
  approvals: [{ approver: "bob", at: 2, comment: "ok" }],
  createdAt: 1,
  updatedAt: 2,
  expiresAt: 3,
  decidedBy: "bob",
  decidedAt: 2,
  windowEndsAt: 4,
  version: 2,
};

const EVENT: BreakglassEvent = {
  id: "fedcba9876543210",
  invoker: "alice",
  profile: "prod",
  roleArn: "arn:aws:iam::123456789012:role/Prod",
  reasonCode: "incident",
  justification: "INC-1",
  rule: "sre",
  createdAt: 1,
  endsAt: 2,
  version: 1,
};

Deno.test("a stored record of the right shape is read back as it is, unknown keys included", () => {
  const newer = { ...REQUEST, requesterArn: "arn:aws:iam::123456789012:user/alice", x: [1] };
  const read = parseApprovalRequest(newer);
  assertTrue(read.ok);
  assertEquals(read.record, newer as ApprovalRequest);
  const event = parseStoredJson(JSON.stringify({ ...EVENT, announcedAt: 5 }), parseBreakglassEvent);
  assertTrue(event.ok);
  assertEquals((event.record as unknown as { announcedAt: number }).announcedAt, 5);
});

Deno.test("a damaged stored record says what is wrong with it", () => {
  const request = (over: Record<string, unknown>) => JSON.stringify({ ...REQUEST, ...over });
  const cases: [string, string, string][] = [
    ["not JSON", "{not json", "its body is not JSON"],
    ["empty", "  ", "its body is empty"],
    ["a list", "[1]", "it is a list, not a record"],
    ["null", "null", "it is null, not a record"],
    ["a bare id", '{"id":"0123456789abcdef"}', "the field requester is missing"],
    [
      "a wrong status",
      request({ status: "granted" }),
      'the field status is the text "granted", not one of pending, approved, denied, cancelled, expired',
    ],
    [
      "a number as text",
      request({ durationSeconds: "3600" }),
      'the field durationSeconds is the text "3600", not a whole number of seconds',
    ],
    [
      "an optional field of the wrong type",
      request({ windowEndsAt: "later" }),
      'the field windowEndsAt is the text "later", not a time (epoch milliseconds)',
    ],
    [
      "null for an optional field",
      request({ comment: null }),
      "the field comment is null, not text",
    ],
    [
      "an approval without its approver",
      request({ approvals: [{ at: 2 }] }),
      "the field approvals is a list, not a list of approvals (approval 1: the field approver is missing)",
    ],
    [
      "another record's body",
      request({ id: "aaaaaaaaaaaaaaaa" }),
      "its body is the record of another id (aaaaaaaaaaaaaaaa)",
    ],
  ];
  for (const [name, body, why] of cases) {
    const read = parseStoredJson(body, parseApprovalRequest, REQUEST.id);
    assertEquals(read, { ok: false, why }, name);
  }
  assertEquals(
    parseBreakglassEvent({ ...EVENT, endsAt: "tomorrow" }),
    { ok: false, why: 'the field endsAt is the text "tomorrow", not a time (epoch milliseconds)' },
  );
  assertEquals(
    parseBreakglassEvent({ ...EVENT, reviewedBy: 7 }),
    { ok: false, why: "the field reviewedBy is the number 7, not text" },
  );
});

const REVOCATION: RevocationRecord = {
  id: "0123456789abcdef",
  roleArn: "arn:aws:iam::123456789012:role/ops/Prod",
  patterns: ["sentinel=alice=*"],
  before: 1_000,
  by: "bob",
  scope: { kind: "event", user: "alice", eventId: "fedcba9876543210" },
  reason: "",
  createdAt: 1_000,
  expiresAt: 2_000,
};

Deno.test("a stored revocation is read back as it is, under its id and role", () => {
  const body = JSON.stringify(REVOCATION);
  assertEquals(parseStoredRevocation(body, REVOCATION.id, REVOCATION.roleArn), {
    ok: true,
    record: REVOCATION,
  });
  const limits = {
    ...REVOCATION,
    patterns: Array(50).fill("p".repeat(128)),
    reason: "r".repeat(500),
  };
  assertTrue(parseRevocationRecord(limits).ok, "50 patterns of 128, a reason of 500");
});

Deno.test("a revocation its store would refuse, or filed under another role, is damaged", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ expiresAt: 1_000 }, "its expiresAt (1000) is not after its before (1000)"],
    [
      { before: 1.5 },
      "the field before is the number 1.5, not a time (whole epoch milliseconds, from 1970 on)",
    ],
    [
      { patterns: Array(51).fill("p") },
      "the field patterns is a list, not 1 to 50 patterns of 1 to 128 characters (it has 51)",
    ],
    [
      { roleArn: "arn:aws:iam::123456789012:user/bob" },
      'the field roleArn is the text "arn:aws:iam::123456789012:user/bob", not an IAM role ARN',
    ],
    [
      { scope: { kind: "event", user: "alice" } },
      "the field scope is a record, not a revocation scope (the field eventId is missing)",
    ],
    [
      { reason: "r".repeat(501) },
      `the field reason is the text "${"r".repeat(40)}…", not text of at most 500 characters`,
    ],
  ];
  for (const [over, why] of cases) {
    assertEquals(parseRevocationRecord({ ...REVOCATION, ...over }), { ok: false, why });
  }
  assertEquals(
    parseStoredRevocation(
      JSON.stringify(REVOCATION),
      REVOCATION.id,
      "arn:aws:iam::123456789012:role/Other",
    ),
    { ok: false, why: `its body is the record of another role (${REVOCATION.roleArn})` },
  );
  assertEquals(
    parseStoredRevocation(JSON.stringify(REVOCATION), "aaaaaaaaaaaaaaaa", REVOCATION.roleArn),
    { ok: false, why: `its body is the record of another id (${REVOCATION.id})` },
  );
});

/**
 * Reading a stored record back: whether what a store holds is an approval request, a break-glass
 * event or a revocation Sentinel can use, or why not. A store is a file or a table that other
 * programs, older versions and people can write to, so a body may be cut short, not JSON, a bare
 * `{"id":"x"}` or hold a field of the wrong type; such a record is *damaged*. Both store adapters
 * read every record through these checks, so a damaged one is named and skipped in a list,
 * refused with a clear error when it is asked for, and never grants anything.
 *
 * The checks cover the fields the record types have today and their types, nothing more: keys
 * they do not know are kept as they are (a newer Sentinel may have written them; a field added
 * to a record type is unchecked until it is added to its shape here), and rules
 * between fields (an approved request's window, who may review) stay with the state machines.
 * A revocation is the exception: no state machine has it, so its checks are the whole of the
 * Stores port's rules (RevocationStore.record), and the stores check a revocation given to them
 * with the same function that reads one back — one they would refuse is damaged when found.
 * Pure.
 *
 * @example
 * ```ts
 * import { parseApprovalRequest, parseStoredJson } from "./records.ts";
 *
 * const read = parseStoredJson('{"id":"x"}', parseApprovalRequest);
 * console.assert(!read.ok && read.why === "the field requester is missing");
 * ```
 * @module
 */
import type { ApprovalRequest } from "../approval/request.ts";
import { REQUEST_STATUSES } from "../approval/request.ts";
import type { BreakglassEvent } from "../breakglass/event.ts";
import {
  REVOCATION_ID,
  REVOCATION_MAX_PATTERNS,
  REVOCATION_PATTERN_MAX_LENGTH,
  REVOCATION_REASON_MAX_LENGTH,
  type RevocationRecord,
  type RevocationScope,
} from "../revocation/record.ts";
import { isRoleArn } from "../trust_policy.ts";

/** A record read back, or why it is not one. */
export type StoredRecord<T> = { ok: true; record: T } | { ok: false; why: string };

/** What one field must hold. */
type FieldCheck = (value: unknown) => string | undefined;

const text: FieldCheck = (value) => typeof value === "string" ? undefined : "text";
const nonEmptyText: FieldCheck = (value) =>
  typeof value === "string" && value !== "" ? undefined : "non-empty text";
const instant: FieldCheck = (value) =>
  Number.isFinite(value) ? undefined : "a time (epoch milliseconds)";
const count: FieldCheck = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : "a whole number";
const seconds: FieldCheck = (value) =>
  Number.isSafeInteger(value) && (value as number) > 0 ? undefined : "a whole number of seconds";
const oneOf = (choices: readonly string[]): FieldCheck => (value) =>
  typeof value === "string" && choices.includes(value) ? undefined : `one of ${choices.join(", ")}`;
const approvals: FieldCheck = (value) => {
  if (!Array.isArray(value)) return "a list of approvals";
  for (const [i, approval] of value.entries()) {
    const why = checkFields(approval, {
      approver: [nonEmptyText, true],
      approverArn: [nonEmptyText, false],
      at: [instant, true],
      comment: [text, false],
    });
    if (why !== undefined) return `a list of approvals (approval ${i + 1}: ${why})`;
  }
  return undefined;
};

/** Field name → its check and whether it is required. */
type Shape = Record<string, [FieldCheck, boolean]>;

const revocationId: FieldCheck = (value) =>
  typeof value === "string" && REVOCATION_ID.test(value) ? undefined : "16 hex digits (0-9, a-f)";
const roleArn: FieldCheck = (value) =>
  typeof value === "string" && isRoleArn(value) ? undefined : "an IAM role ARN";
const wholeInstant: FieldCheck = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 0
    ? undefined
    : "a time (whole epoch milliseconds, from 1970 on)";
const revocationReason: FieldCheck = (value) =>
  typeof value === "string" && value.length <= REVOCATION_REASON_MAX_LENGTH
    ? undefined
    : `text of at most ${REVOCATION_REASON_MAX_LENGTH} characters`;
const sourceIdentityPatterns: FieldCheck = (value) => {
  const expected = `1 to ${REVOCATION_MAX_PATTERNS} patterns of 1 to ` +
    `${REVOCATION_PATTERN_MAX_LENGTH} characters`;
  if (!Array.isArray(value)) return expected;
  if (value.length === 0 || value.length > REVOCATION_MAX_PATTERNS) {
    return `${expected} (it has ${value.length})`;
  }
  const bad = value.findIndex((pattern) =>
    typeof pattern !== "string" || pattern === "" ||
    pattern.length > REVOCATION_PATTERN_MAX_LENGTH
  );
  return bad < 0 ? undefined : `${expected} (pattern ${bad + 1} is ${describe(value[bad])})`;
};

/** What each kind of revocation scope holds besides its kind and user. */
const SCOPE_SHAPES: Record<RevocationScope["kind"], Shape> = {
  user: {},
  request: { requestId: [nonEmptyText, true] },
  event: { eventId: [nonEmptyText, true] },
  policy: {},
};
const revocationScope: FieldCheck = (value) => {
  const kinds = Object.keys(SCOPE_SHAPES);
  const why = checkFields(value, { kind: [oneOf(kinds), true], user: [nonEmptyText, true] }) ??
    checkFields(value, SCOPE_SHAPES[(value as RevocationScope).kind]);
  return why === undefined ? undefined : `a revocation scope (${why})`;
};

const REQUEST_SHAPE: Shape = {
  id: [nonEmptyText, true],
  requester: [nonEmptyText, true],
  requesterArn: [nonEmptyText, false],
  profile: [nonEmptyText, true],
  roleArn: [nonEmptyText, true],
  durationSeconds: [seconds, true],
  reason: [text, true],
  status: [oneOf(REQUEST_STATUSES), true],
  rule: [text, true],
  policySource: [text, false],
  requiredApprovals: [count, true],
  approvals: [approvals, true],
  createdAt: [instant, true],
  updatedAt: [instant, true],
  expiresAt: [instant, true],
  decidedBy: [text, false],
  decidedByArn: [nonEmptyText, false],
  decidedAt: [instant, false],
  comment: [text, false],
  windowEndsAt: [instant, false],
  retainUntil: [instant, false],
  unannounced: [(value) => value === true ? undefined : "true", false],
  version: [count, true],
} satisfies Partial<Record<keyof ApprovalRequest, [FieldCheck, boolean]>>;

const EVENT_SHAPE: Shape = {
  id: [nonEmptyText, true],
  invoker: [nonEmptyText, true],
  invokerArn: [nonEmptyText, false],
  profile: [nonEmptyText, true],
  roleArn: [nonEmptyText, true],
  // Checked as text only: the list of reason codes lives with the policy schema (and zod), which
  // the store's path does not load.
  reasonCode: [nonEmptyText, true],
  justification: [text, true],
  rule: [text, true],
  policySource: [text, false],
  createdAt: [instant, true],
  announcedAt: [instant, false],
  announceClaimedAt: [instant, false],
  endsAt: [instant, true],
  closedAt: [instant, false],
  closedBy: [text, false],
  closedByArn: [nonEmptyText, false],
  closeReason: [text, false],
  reviewedAt: [instant, false],
  reviewedBy: [text, false],
  reviewedByArn: [nonEmptyText, false],
  reviewNotes: [text, false],
  version: [count, true],
} satisfies Partial<Record<keyof BreakglassEvent, [FieldCheck, boolean]>>;

const REVOCATION_SHAPE: Shape = {
  id: [revocationId, true],
  roleArn: [roleArn, true],
  patterns: [sourceIdentityPatterns, true],
  before: [wholeInstant, true],
  by: [nonEmptyText, true],
  scope: [revocationScope, true],
  reason: [revocationReason, true],
  createdAt: [wholeInstant, true],
  expiresAt: [wholeInstant, true],
} satisfies Record<keyof RevocationRecord, [FieldCheck, boolean]>;

/** Why `value` does not have `shape`, or undefined when it does (unknown keys are allowed). */
function checkFields(value: unknown, shape: Shape): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `it is ${
      Array.isArray(value) ? "a list" : value === null ? "null" : typeof value
    }, not a record`;
  }
  const fields = value as Record<string, unknown>;
  for (const [name, [check, required]] of Object.entries(shape)) {
    if (!Object.hasOwn(fields, name)) {
      if (required) return `the field ${name} is missing`;
      continue;
    }
    const expected = check(fields[name]);
    if (expected !== undefined) {
      return `the field ${name} is ${describe(fields[name])}, not ${expected}`;
    }
  }
  return undefined;
}

/** A short description of a wrong value (never the whole value: it may be long). */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") {
    return value.length > 40 ? `the text "${value.slice(0, 40)}…"` : `the text "${value}"`;
  }
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "object") return "a record";
  return `${typeof value} ${String(value)}`;
}

/** An approval request as stored, checked (see the module documentation). */
export function parseApprovalRequest(value: unknown): StoredRecord<ApprovalRequest> {
  const why = checkFields(value, REQUEST_SHAPE);
  return why === undefined ? { ok: true, record: value as ApprovalRequest } : { ok: false, why };
}

/** A break-glass event as stored, checked (see the module documentation). */
export function parseBreakglassEvent(value: unknown): StoredRecord<BreakglassEvent> {
  const why = checkFields(value, EVENT_SHAPE);
  return why === undefined ? { ok: true, record: value as BreakglassEvent } : { ok: false, why };
}

/**
 * A revocation, checked against every rule of the Stores port (RevocationStore.record): its
 * fields, and `expiresAt` after `before`. The stores check a revocation given to them with it
 * too (see the module documentation).
 */
export function parseRevocationRecord(value: unknown): StoredRecord<RevocationRecord> {
  const why = checkFields(value, REVOCATION_SHAPE) ?? expiryProblem(value as RevocationRecord);
  return why === undefined ? { ok: true, record: value as RevocationRecord } : { ok: false, why };
}

function expiryProblem(record: RevocationRecord): string | undefined {
  return record.expiresAt > record.before
    ? undefined
    : `its expiresAt (${record.expiresAt}) is not after its before (${record.before})`;
}

/**
 * A revocation stored as JSON text under `id` in the records of the role `roleArn`: as
 * {@link parseStoredJson}, and refused when its body is the record of another role.
 */
export function parseStoredRevocation(
  body: string,
  id: string,
  roleArn: string,
): StoredRecord<RevocationRecord> {
  const read = parseStoredJson(body, parseRevocationRecord, id);
  if (read.ok && read.record.roleArn !== roleArn) {
    return { ok: false, why: `its body is the record of another role (${read.record.roleArn})` };
  }
  return read;
}

/**
 * A record stored as JSON text under `id` (the key it is stored under): parsed, checked with
 * `parse`, and refused when its body names another id (a body copied from another record).
 */
export function parseStoredJson<T extends { id: string }>(
  body: string,
  parse: (value: unknown) => StoredRecord<T>,
  id?: string,
): StoredRecord<T> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, why: body.trim() === "" ? "its body is empty" : "its body is not JSON" };
  }
  const parsed = parse(value);
  if (parsed.ok && id !== undefined && parsed.record.id !== id) {
    return { ok: false, why: `its body is the record of another id (${parsed.record.id})` };
  }
  return parsed;
}

/**
 * The approval request state machine: pending → approved | denied | cancelled | expired, all
 * terminal. Each function takes the request as read and returns the next version (the store then
 * writes it only if nobody changed the request meanwhile) or the error to show. Pure: time, ids
 * and the governing rule are arguments.
 *
 * @example
 * ```ts
 * import { approveRequest, openRequest } from "./transitions.ts";
 *
 * const rule = { name: "prod", profiles: ["prod"], approvers: ["bob"] };
 * const request = openRequest({
 *   id: "00112233aabbccdd", requester: "alice", profile: "prod",
 *   roleArn: "arn:aws:iam::123456789012:role/Prod", durationSeconds: 3600, reason: "deploy",
 *   rule, now: 0,
 * });
 * const approved = approveRequest(request, rule, { name: "bob" }, undefined, 60_000);
 * console.assert(approved.ok && approved.next.status === "approved");
 * console.assert(approved.ok && approved.next.windowEndsAt === 60_000 + 3_600_000);
 * ```
 * @module
 */
import { type ErrorCode, SentinelError } from "../errors.ts";
import { type Principal, samePrincipal } from "../identity.ts";
import type { ApprovalRule } from "../policy/schema.ts";
import type { ApprovalRequest } from "./request.ts";
import {
  ANNOUNCE_GRACE_SECONDS,
  AUTO_APPROVER,
  autoApproves,
  mayApprove,
  REQUEST_RETENTION_SECONDS,
  requestTtlSeconds,
  requiredApprovals,
} from "./rules.ts";

/** The next version of a request, or why there is none. */
export type Transition =
  | { ok: true; next: ApprovalRequest }
  | { ok: false; error: SentinelError };

/** What a new request is made of. */
export interface NewRequest {
  id: string;
  requester: string;
  /** The requester's verified ARN. */
  requesterArn?: string;
  profile: string;
  roleArn: string;
  durationSeconds: number;
  reason: string;
  rule: ApprovalRule;
  policySource?: string;
  now: number;
}

/** The actor of an auto-approval. */
export const POLICY_ACTOR = AUTO_APPROVER;
/** The actor of an expiry. */
export const SENTINEL_ACTOR = "sentinel";

/** A new request: pending, or approved at once by the rule's `auto_approve`. */
export function openRequest(input: NewRequest): ApprovalRequest {
  const pending: ApprovalRequest = {
    id: input.id,
    requester: input.requester,
    ...(input.requesterArn === undefined ? {} : { requesterArn: input.requesterArn }),
    profile: input.profile,
    roleArn: input.roleArn,
    durationSeconds: input.durationSeconds,
    reason: input.reason,
    status: "pending",
    rule: input.rule.name,
    ...(input.policySource === undefined ? {} : { policySource: input.policySource }),
    requiredApprovals: requiredApprovals(input.rule),
    approvals: [],
    createdAt: input.now,
    updatedAt: input.now,
    expiresAt: input.now + requestTtlSeconds(input.rule) * 1000,
    version: 1,
  };
  if (!autoApproves(input.rule, input.requester, input.durationSeconds, input.now)) return pending;
  return approved(pending, { name: POLICY_ACTOR }, "auto-approved by the policy", input.now);
}

/** The status a request has at `now` (a pending request past its expiry has expired). */
export function statusAt(request: ApprovalRequest, now: number): ApprovalRequest["status"] {
  return request.status === "pending" && now >= request.expiresAt ? "expired" : request.status;
}

/** Expires a pending request whose time is up; `undefined` when there is nothing to do. */
export function expireIfDue(request: ApprovalRequest, now: number): ApprovalRequest | undefined {
  if (statusAt(request, now) !== "expired" || request.status === "expired") return undefined;
  return terminal(request, "expired", { name: SENTINEL_ACTOR }, undefined, request.expiresAt, now);
}

/** One approval by `approver`; the request is approved once it has enough distinct ones. */
export function approveRequest(
  request: ApprovalRequest,
  rule: ApprovalRule | undefined,
  approver: Principal,
  comment: string | undefined,
  now: number,
): Transition {
  const closed = notPending(request, now);
  if (closed) return closed;
  const allowed = authorize(request, rule, approver);
  if (allowed) return allowed;
  if (request.unannounced) {
    return fail(
      `request ${request.id} has not been announced to its approvers yet, so it cannot be approved: its announcement is under way, or the command or broker that made it stopped first (then it is withdrawn within ${
        ANNOUNCE_GRACE_SECONDS / 60
      } minutes and ${request.requester} asks again)`,
      "request_unannounced",
    );
  }
  if (
    request.approvals.some((a) => samePrincipal(approver, { name: a.approver, arn: a.approverArn }))
  ) {
    return fail(
      `${approver.name} has already approved request ${request.id}; it needs ${
        request.requiredApprovals - request.approvals.length
      } more approval(s) from other approvers`,
      "already_approved_by_you",
    );
  }
  const approval = {
    approver: approver.name,
    ...(approver.arn === undefined ? {} : { approverArn: approver.arn }),
    at: now,
    ...(comment ? { comment } : {}),
  };
  const approvals = [...request.approvals, approval];
  const next = { ...request, approvals, updatedAt: now, version: request.version + 1 };
  if (approvals.length < request.requiredApprovals) return { ok: true, next };
  return { ok: true, next: approved(next, approver, comment, now) };
}

/** A denial by an approver: the request ends. */
export function denyRequest(
  request: ApprovalRequest,
  rule: ApprovalRule | undefined,
  actor: Principal,
  comment: string,
  now: number,
): Transition {
  const closed = notPending(request, now);
  if (closed) return closed;
  const allowed = authorize(request, rule, actor);
  if (allowed) return allowed;
  return { ok: true, next: terminal(request, "denied", actor, comment, now, now) };
}

/** A cancellation by the requester: the request ends. */
export function cancelRequest(request: ApprovalRequest, actor: Principal, now: number): Transition {
  const closed = notPending(request, now);
  if (closed) return closed;
  if (!samePrincipal(actor, { name: request.requester, arn: request.requesterArn })) {
    return fail(
      `only ${request.requester}, who asked, can cancel request ${request.id}; approvers deny instead`,
      "not_requester",
    );
  }
  return { ok: true, next: terminal(request, "cancelled", actor, undefined, now, now) };
}

/** The error for a request that is no longer pending: who ended it and when. */
function notPending(request: ApprovalRequest, now: number): Transition | undefined {
  const status = statusAt(request, now);
  if (status === "pending") return undefined;
  const when = new Date(status === "expired" ? request.expiresAt : request.decidedAt ?? now)
    .toISOString();
  const who = status === "expired" ? "" : ` by ${request.decidedBy}`;
  return fail(`request ${request.id} is already ${status}${who} at ${when}`, "conflict");
}

function authorize(
  request: ApprovalRequest,
  rule: ApprovalRule | undefined,
  actor: Principal,
): Transition | undefined {
  if (rule === undefined) {
    return fail(
      `no approvals: rule in the policy covers profile ${request.profile}, so nobody can approve or deny this request; add one (see the policy reference)`,
      "no_approval_rule",
    );
  }
  const verdict = mayApprove(rule, actor, { name: request.requester, arn: request.requesterArn });
  return verdict.ok ? undefined : fail(verdict.why, "not_an_approver");
}

/** `request` approved at `now`, keeping its version (the caller has counted this change). */
function approved(
  request: ApprovalRequest,
  actor: Principal,
  comment: string | undefined,
  now: number,
): ApprovalRequest {
  const windowEndsAt = now + request.durationSeconds * 1000;
  return {
    ...terminal(request, "approved", actor, comment, now, now),
    version: request.version,
    windowEndsAt,
    retainUntil: windowEndsAt + REQUEST_RETENTION_SECONDS * 1000,
  };
}

function terminal(
  request: ApprovalRequest,
  status: "approved" | "denied" | "cancelled" | "expired",
  actor: Principal,
  comment: string | undefined,
  decidedAt: number,
  now: number,
): ApprovalRequest {
  return {
    ...request,
    status,
    decidedBy: actor.name,
    ...(actor.arn === undefined ? {} : { decidedByArn: actor.arn }),
    decidedAt,
    ...(comment ? { comment } : {}),
    updatedAt: now,
    retainUntil: decidedAt + REQUEST_RETENTION_SECONDS * 1000,
    version: request.version + 1,
  };
}

function fail(message: string, code: ErrorCode): Transition {
  return { ok: false, error: new SentinelError(code, message) };
}

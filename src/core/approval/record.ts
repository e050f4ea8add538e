/**
 * The decision-log record of one approval transition: who moved which request from which status
 * to which, when, and why. Pure.
 *
 * @module
 */
import type { ApprovalRequest } from "./request.ts";

/** A transition as logged (snake_case, RFC 3339 UTC). */
export function transitionRecord(
  before: ApprovalRequest | undefined,
  after: ApprovalRequest,
  actor: string,
  time: number,
): Record<string, unknown> {
  return {
    type: "approval",
    time: new Date(time).toISOString(),
    actor,
    approval_request_id: after.id,
    requester: after.requester,
    profile: after.profile,
    role_arn: after.roleArn,
    from: before?.status ?? null,
    to: after.status,
    approvals: after.approvals.map((a) => a.approver),
    required_approvals: after.requiredApprovals,
    duration_seconds: after.durationSeconds,
    reason: after.reason,
    comment: after.comment ?? null,
    window_ends_at: after.windowEndsAt === undefined
      ? null
      : new Date(after.windowEndsAt).toISOString(),
    rule: after.rule,
  };
}

/** A request as events and JSON output show it. */
export function requestJson(request: ApprovalRequest, status = request.status) {
  const iso = (ms: number | undefined) => ms === undefined ? null : new Date(ms).toISOString();
  return {
    id: request.id,
    requester: request.requester,
    profile: request.profile,
    role_arn: request.roleArn,
    duration_seconds: request.durationSeconds,
    reason: request.reason,
    status,
    rule: request.rule,
    required_approvals: request.requiredApprovals,
    approvals: request.approvals.map((a) => ({
      approver: a.approver,
      at: iso(a.at),
      comment: a.comment ?? null,
    })),
    created_at: iso(request.createdAt),
    expires_at: iso(request.expiresAt),
    decided_by: request.decidedBy ?? null,
    decided_at: iso(request.decidedAt),
    comment: request.comment ?? null,
    window_ends_at: iso(request.windowEndsAt),
  };
}

/**
 * The decision-log record of one approval transition: who moved which request from which status
 * to which, when, and why. Pure.
 *
 * @module
 */
import type { Principal } from "../identity.ts";
import type { ApprovalRequest } from "./request.ts";

/** A transition as logged (snake_case, RFC 3339 UTC). */
export function transitionRecord(
  before: ApprovalRequest | undefined,
  after: ApprovalRequest,
  actor: Principal,
  time: number,
): Record<string, unknown> {
  return {
    type: "approval",
    time: new Date(time).toISOString(),
    actor: actor.name,
    actor_arn: actor.arn ?? null,
    approval_request_id: after.id,
    requester: after.requester,
    requester_arn: after.requesterArn ?? null,
    profile: after.profile,
    role_arn: after.roleArn,
    from: before?.status ?? null,
    to: after.status,
    approvals: after.approvals.map((a) => a.approver),
    approver_arns: after.approvals.map((a) => a.approverArn ?? null),
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
    requester_arn: request.requesterArn ?? null,
    profile: request.profile,
    role_arn: request.roleArn,
    duration_seconds: request.durationSeconds,
    reason: request.reason,
    status,
    rule: request.rule,
    required_approvals: request.requiredApprovals,
    approvals: request.approvals.map((a) => ({
      approver: a.approver,
      approver_arn: a.approverArn ?? null,
      at: iso(a.at),
      comment: a.comment ?? null,
    })),
    created_at: iso(request.createdAt),
    expires_at: iso(request.expiresAt),
    decided_by: request.decidedBy ?? null,
    decided_by_arn: request.decidedByArn ?? null,
    decided_at: iso(request.decidedAt),
    comment: request.comment ?? null,
    window_ends_at: iso(request.windowEndsAt),
    ...(request.unannounced ? { unannounced: true } : {}),
  };
}

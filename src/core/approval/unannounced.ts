/**
 * Withdrawing a request nobody was told of: a request is stored before it is announced, and when
 * a required notifier then fails to announce it, Sentinel cancels it — pending or already
 * approved (auto-approved, or approved by someone who heard of it through another notifier) — so
 * that a request its approvers were never told of can never be approved or used. Pure; kept apart
 * from the state machine in transitions.ts, whose transitions are the people's.
 *
 * @example
 * ```ts
 * import { openRequest } from "./transitions.ts";
 * import { withdrawUnannounced } from "./unannounced.ts";
 *
 * const rule = { name: "prod", profiles: ["prod"], approvers: ["bob"] };
 * const request = openRequest({
 *   id: "00112233aabbccdd", requester: "alice", profile: "prod",
 *   roleArn: "arn:aws:iam::123456789012:role/Prod", durationSeconds: 3600, reason: "deploy",
 *   rule, now: 0,
 * });
 * const withdrawn = withdrawUnannounced(request, "the required notifier pager failed", 1_000);
 * console.assert(withdrawn.status === "cancelled" && withdrawn.decidedBy === "sentinel");
 * console.assert(withdrawn.version === 2 && withdrawn.windowEndsAt === undefined);
 * ```
 * @module
 */
import type { ApprovalRequest } from "./request.ts";
import { ANNOUNCE_GRACE_SECONDS, REQUEST_RETENTION_SECONDS } from "./rules.ts";
import { SENTINEL_ACTOR } from "./transitions.ts";

/** `request` cancelled by `sentinel` at `now` because `why`; no access window is left on it. */
export function withdrawUnannounced(
  request: ApprovalRequest,
  why: string,
  now: number,
): ApprovalRequest {
  const { windowEndsAt: _window, unannounced: _flag, ...rest } = request;
  return {
    ...rest,
    status: "cancelled",
    decidedBy: SENTINEL_ACTOR,
    decidedAt: now,
    comment: `withdrawn: ${why}`,
    updatedAt: now,
    retainUntil: now + REQUEST_RETENTION_SECONDS * 1000,
    version: request.version + 1,
  };
}

/**
 * A new request as it is stored before anyone is told of it: a pending one is flagged
 * `unannounced` (it cannot be approved) until {@link markAnnounced}; an auto-approved one asks
 * no approver.
 */
export function beforeAnnouncement(request: ApprovalRequest): ApprovalRequest {
  return request.status === "pending" ? { ...request, unannounced: true } : request;
}

/** The request once its announcement went out: approvable. */
export function markAnnounced(request: ApprovalRequest, now: number): ApprovalRequest {
  const { unannounced: _flag, ...rest } = request;
  return { ...rest, updatedAt: now, version: request.version + 1 };
}

/**
 * Whether a pending request was never announced and its grace has passed: whoever made it
 * stopped before telling its approvers (a killed command or broker), so it is withdrawn.
 */
export function announcementAbandoned(request: ApprovalRequest, now: number): boolean {
  return request.status === "pending" && request.unannounced === true &&
    now >= request.createdAt + ANNOUNCE_GRACE_SECONDS * 1000;
}

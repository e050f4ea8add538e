/**
 * A break-glass event's life: opened active, ended early by a close (or by its time running out),
 * and reviewed afterwards by someone other than its invoker. Each function returns the next
 * version for a conditional write, or the error to show. Pure.
 *
 * @example
 * ```ts
 * import { closeEvent, openEvent } from "./transitions.ts";
 *
 * const event = openEvent({
 *   id: "00112233aabbccdd", invoker: "alice", profile: "prod", roleArn: "arn:aws:iam::1:role/P",
 *   reasonCode: "incident", justification: "pager 123", rule: "sre", now: 0, endsAt: 3_600_000,
 * });
 * const closed = closeEvent(event, { name: "alice" }, "fixed", 60_000, []);
 * console.assert(closed.ok && closed.next.endsAt === 60_000);
 * ```
 * @module
 */
import { type ErrorCode, SentinelError } from "../errors.ts";
import type { Principal } from "../identity.ts";
import type { ApprovalRule, BreakglassRule } from "../policy/schema.ts";
import type { BreakglassEvent } from "./event.ts";
import { isActive, mayClose, mayReview } from "./rules.ts";

/** The next version of an event, or why there is none. */
export type EventTransition =
  | { ok: true; next: BreakglassEvent }
  | { ok: false; error: SentinelError };

/** What a new event is made of: the event's own fields, and the instant it opens. */
export type NewEvent =
  & Pick<
    BreakglassEvent,
    | "id"
    | "invoker"
    | "invokerArn"
    | "profile"
    | "roleArn"
    | "reasonCode"
    | "justification"
    | "rule"
    | "policySource"
    | "endsAt"
  >
  & { now: number };

/** A new, active event. */
export function openEvent(input: NewEvent): BreakglassEvent {
  return {
    id: input.id,
    invoker: input.invoker,
    ...(input.invokerArn === undefined ? {} : { invokerArn: input.invokerArn }),
    profile: input.profile,
    roleArn: input.roleArn,
    reasonCode: input.reasonCode,
    justification: input.justification,
    rule: input.rule,
    ...(input.policySource === undefined ? {} : { policySource: input.policySource }),
    createdAt: input.now,
    endsAt: input.endsAt,
    version: 1,
  };
}

/** Ends the access now: by the invoker or an approver of the profile. */
export function closeEvent(
  event: BreakglassEvent,
  actor: Principal,
  reason: string,
  now: number,
  approvals: readonly ApprovalRule[] | undefined,
): EventTransition {
  if (!isActive(event, now)) {
    const how = event.closedAt === undefined
      ? `ended at ${iso(event.endsAt)}`
      : `closed by ${event.closedBy} at ${iso(event.closedAt)}`;
    return fail(`break-glass event ${event.id} already ${how}`, "conflict");
  }
  if (!mayClose(event, actor, approvals)) {
    return fail(
      `only ${event.invoker}, who invoked it, or an approver of ${event.profile} can close break-glass event ${event.id}`,
      "not_allowed_to_close",
    );
  }
  return {
    ok: true,
    next: {
      ...event,
      closedAt: now,
      closedBy: actor.name,
      ...(actor.arn === undefined ? {} : { closedByArn: actor.arn }),
      closeReason: reason,
      endsAt: Math.min(event.endsAt, now),
      version: event.version + 1,
    },
  };
}

/**
 * The event once every notifier that had to hear of it did: from then on it may lend access. An
 * event already announced keeps its first announcement.
 */
export function announceEvent(event: BreakglassEvent, now: number): BreakglassEvent {
  if (event.announcedAt !== undefined) return event;
  return { ...event, announcedAt: now, version: event.version + 1 };
}

/**
 * Takes on announcing an event left unannounced, once the lease of whoever holds it (the invoking
 * call, from `createdAt`; or a later claimer) has run out after `leaseMs`: the next version, or
 * when the current holder's lease ends.
 */
export function claimAnnouncement(
  event: BreakglassEvent,
  now: number,
  leaseMs: number,
): { ok: true; next: BreakglassEvent } | { ok: false; leaseEndsAt: number } {
  const leaseEndsAt = (event.announceClaimedAt ?? event.createdAt) + leaseMs;
  if (now < leaseEndsAt) return { ok: false, leaseEndsAt };
  return { ok: true, next: { ...event, announceClaimedAt: now, version: event.version + 1 } };
}

/** The actor of an invocation Sentinel aborted (its announcement failed). */
export const SENTINEL_ACTOR = "sentinel";

/**
 * Aborts an invocation that must not stand (a required notifier could not announce it): closed at
 * once and marked reviewed by Sentinel, so it neither grants access nor holds up the next
 * invocation through `require_review`.
 */
export function abortEvent(event: BreakglassEvent, why: string, now: number): BreakglassEvent {
  return {
    ...event,
    closedAt: now,
    closedBy: SENTINEL_ACTOR,
    closeReason: `aborted: ${why}`,
    endsAt: Math.min(event.endsAt, now),
    reviewedAt: now,
    reviewedBy: SENTINEL_ACTOR,
    reviewNotes: "aborted before it granted anything",
    version: event.version + 1,
  };
}

/** Whether an event was aborted by Sentinel (then its review is Sentinel's own). */
export function wasAborted(event: BreakglassEvent): boolean {
  return event.closedBy === SENTINEL_ACTOR && event.reviewedBy === SENTINEL_ACTOR;
}

/**
 * Whether the event's recorded review counts under the current policy: Sentinel's own for an
 * aborted invocation, or by someone the policy allows to review it (never the invoker).
 */
export function reviewHolds(
  event: BreakglassEvent,
  rule: BreakglassRule | undefined,
  approvals: readonly ApprovalRule[] | undefined,
): { ok: true } | { ok: false; why: string } {
  if (event.reviewedBy === undefined) return { ok: false, why: "it has not been reviewed" };
  if (wasAborted(event)) return { ok: true };
  return mayReview(event, { name: event.reviewedBy, arn: event.reviewedByArn }, rule, approvals);
}

/**
 * Records the post-incident review: never by the invoker; once — unless the recorded review no
 * longer counts (by someone the policy does not allow), which an allowed reviewer then replaces.
 */
export function reviewEvent(
  event: BreakglassEvent,
  actor: Principal,
  notes: string,
  now: number,
  rule: BreakglassRule | undefined,
  approvals: readonly ApprovalRule[] | undefined,
): EventTransition {
  if (event.reviewedAt !== undefined && reviewHolds(event, rule, approvals).ok) {
    return fail(
      `break-glass event ${event.id} was already reviewed by ${event.reviewedBy} at ${
        iso(event.reviewedAt)
      }`,
      "conflict",
    );
  }
  const allowed = mayReview(event, actor, rule, approvals);
  if (!allowed.ok) return fail(allowed.why, "not_a_reviewer");
  return {
    ok: true,
    next: {
      ...event,
      reviewedAt: now,
      reviewedBy: actor.name,
      ...(actor.arn === undefined ? {} : { reviewedByArn: actor.arn }),
      reviewNotes: notes,
      version: event.version + 1,
    },
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function fail(message: string, code: ErrorCode): EventTransition {
  return { ok: false, error: new SentinelError(code, message) };
}

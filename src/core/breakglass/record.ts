/**
 * Break-glass in the decision log and in notifications: every step is an elevated record (who did
 * what to which event, when), and events are shown as snake_case JSON. Pure.
 *
 * @module
 */
import type { Principal } from "../identity.ts";
import type { BreakglassEvent } from "./event.ts";

const iso = (ms: number | undefined) => ms === undefined ? null : new Date(ms).toISOString();

/** An event as notifications and `--output json` show it. */
export function eventJson(event: BreakglassEvent) {
  return {
    id: event.id,
    invoker: event.invoker,
    invoker_arn: event.invokerArn ?? null,
    profile: event.profile,
    role_arn: event.roleArn,
    reason_code: event.reasonCode,
    justification: event.justification,
    rule: event.rule,
    created_at: iso(event.createdAt),
    announced_at: iso(event.announcedAt),
    ends_at: iso(event.endsAt),
    closed_at: iso(event.closedAt),
    closed_by: event.closedBy ?? null,
    closed_by_arn: event.closedByArn ?? null,
    close_reason: event.closeReason ?? null,
    reviewed_at: iso(event.reviewedAt),
    reviewed_by: event.reviewedBy ?? null,
    reviewed_by_arn: event.reviewedByArn ?? null,
    review_notes: event.reviewNotes ?? null,
  };
}

/** The elevated log record of one step. */
export function eventRecord(
  event: BreakglassEvent,
  action: "invoked" | "announced" | "closed" | "reviewed" | "escalated",
  actor: Principal,
  time: number,
): Record<string, unknown> {
  return {
    type: "breakglass",
    elevated: true,
    action,
    time: iso(time),
    actor: actor.name,
    actor_arn: actor.arn ?? null,
    breakglass_event_id: event.id,
    ...eventJson(event),
  };
}

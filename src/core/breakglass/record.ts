/**
 * Break-glass in the decision log and in notifications: every step is an elevated record (who did
 * what to which event, when), and events are shown as snake_case JSON. Pure.
 *
 * @module
 */
import type { BreakglassEvent } from "./event.ts";

const iso = (ms: number | undefined) => ms === undefined ? null : new Date(ms).toISOString();

/** An event as notifications and `--output json` show it. */
export function eventJson(event: BreakglassEvent) {
  return {
    id: event.id,
    invoker: event.invoker,
    profile: event.profile,
    role_arn: event.roleArn,
    reason_code: event.reasonCode,
    justification: event.justification,
    rule: event.rule,
    created_at: iso(event.createdAt),
    ends_at: iso(event.endsAt),
    closed_at: iso(event.closedAt),
    closed_by: event.closedBy ?? null,
    close_reason: event.closeReason ?? null,
    reviewed_at: iso(event.reviewedAt),
    reviewed_by: event.reviewedBy ?? null,
    review_notes: event.reviewNotes ?? null,
  };
}

/** The elevated log record of one step. */
export function eventRecord(
  event: BreakglassEvent,
  action: "invoked" | "closed" | "reviewed" | "escalated",
  actor: string,
  time: number,
): Record<string, unknown> {
  return {
    type: "breakglass",
    elevated: true,
    action,
    time: iso(time),
    actor,
    breakglass_event_id: event.id,
    ...eventJson(event),
  };
}

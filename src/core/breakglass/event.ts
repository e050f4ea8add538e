/**
 * A break-glass event (DESIGN §9): emergency access to a profile, invoked with a reason code and a
 * justification, time-bounded, closed early or expired, and reviewed afterwards by someone else.
 * Plain data with a version for conditional writes.
 *
 * @module
 */
import type { BreakglassReasonCode } from "../policy/schema.ts";

/** A break-glass event. Times are epoch milliseconds (UTC). */
export interface BreakglassEvent {
  /** 16 hex digits or more. */
  id: string;
  /** The name the policy knows the verified identity that invoked it by. */
  invoker: string;
  /** The invoker's verified ARN (absent on records from before it was kept). */
  invokerArn?: string;
  profile: string;
  roleArn: string;
  reasonCode: BreakglassReasonCode;
  justification: string;
  /** The `breakglass:` rule that allowed it. */
  rule: string;
  /** The policy it was invoked under, for the record. */
  policySource?: string;
  createdAt: number;
  /**
   * When every notifier that had to hear of it did: until then the event grants nothing (an
   * invocation killed before its announcement went out stays silent and powerless).
   */
  announcedAt?: number;
  /**
   * When a call last took on announcing it (the invoking call holds that from `createdAt`): another
   * call announces an event left unannounced only once that lease has run out, so one announcement
   * goes out, not one per caller.
   */
  announceClaimedAt?: number;
  /** Access ends here (earlier when closed). */
  endsAt: number;
  closedAt?: number;
  closedBy?: string;
  closedByArn?: string;
  closeReason?: string;
  reviewedAt?: number;
  reviewedBy?: string;
  reviewedByArn?: string;
  reviewNotes?: string;
  version: number;
}

/**
 * One rate limit an invocation must fit in: at most `max` invocations under `key` within
 * `windowMs` (a cooldown is `max: 1` over the cooldown period).
 */
export interface QuotaSlot {
  /** For example `sre:user:alice`, `sre:profile:prod`, `sre:cooldown:alice:prod` (rule-scoped). */
  key: string;
  max: number;
  windowMs: number;
  /** For messages: "the per-user quota (3 per 24h)". */
  label: string;
}

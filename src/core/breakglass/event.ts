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
  /** The verified STS identity that invoked it. */
  invoker: string;
  profile: string;
  roleArn: string;
  reasonCode: BreakglassReasonCode;
  justification: string;
  /** The `breakglass:` rule that allowed it. */
  rule: string;
  /** The policy it was invoked under; closers and reviewers are judged by it. */
  policySource?: string;
  createdAt: number;
  /** Access ends here (earlier when closed). */
  endsAt: number;
  closedAt?: number;
  closedBy?: string;
  closeReason?: string;
  reviewedAt?: number;
  reviewedBy?: string;
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

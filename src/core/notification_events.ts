/**
 * The events notifiers may take (DESIGN §8): approval workflow steps, issuance denials, every
 * break-glass step, and revocations of sessions already issued. A notifier's configuration names the ones it takes; break-glass invocations go
 * to every notifier.
 *
 * @module
 */

/** Every notification event. */
export const NOTIFICATION_EVENTS = [
  "approval_requested",
  "approval_approved",
  "approval_denied",
  "approval_cancelled",
  "approval_expired",
  "credential_denied",
  "breakglass_invoked",
  "breakglass_escalated",
  "breakglass_closed",
  "breakglass_reviewed",
  "credential_revoked",
] as const;

/** One of {@link NOTIFICATION_EVENTS}. */
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/**
 * Notifications and approval routing (DESIGN §8, §10), as use cases depend on them.
 *
 * @module
 */

import type { ApprovalRequest } from "../core/approval/request.ts";
import type { NotificationEvent } from "../core/notification_events.ts";

export type { NotificationEvent };

/** What became of one announcement. */
export interface NotifyReport {
  delivered: string[];
  failed: { name: string; required: boolean; error: string }[];
  /** A required notifier failed: the caller must not go on as if it had been told. */
  requiredFailed: boolean;
}

/** Announces events to the configured notifiers, awaited and bounded by their timeouts. */
export interface Notifier {
  /**
   * Sends `data` as an event of `type` to every notifier that takes it (with `everyone`, to every
   * notifier — break-glass invocations go to all).
   */
  notify(
    type: NotificationEvent,
    data: Record<string, unknown>,
    options?: { everyone?: boolean },
  ): Promise<NotifyReport>;
}

/** An approval request as a router sees it. */
export type RoutableRequest = Pick<
  ApprovalRequest,
  "id" | "requester" | "profile" | "roleArn" | "durationSeconds" | "reason"
>;

/** Names who should be asked to approve; authorization stays in the policy. */
export interface ApprovalRouter {
  /** Extra approvers to notify; any failure is "no route" (an empty list and the error). */
  route(request: RoutableRequest): Promise<{ approvers: string[]; errors: string[] }>;
}

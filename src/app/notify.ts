/**
 * Notifications and approval routing over the plugin port: which notifiers take an event, the
 * event envelope (plugin API v1), and the routers' extra approvers. Delivery is awaited, each
 * plugin bounded by its timeout; failures come back in the report, never as exceptions.
 *
 * @module
 */
import type { SentinelEvent } from "../../plugins/api/v1.ts";
import type { NotificationEvent } from "../core/notification_events.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { Deps } from "../ports/deps.ts";
import type { ApprovalRouter, Notifier, NotifyReport, RoutableRequest } from "../ports/notifier.ts";
import { notifyAll, routeApproval } from "./plugin_calls.ts";

const NOBODY: NotifyReport = { delivered: [], failed: [], requiredFailed: false };

/** Whether a notifier takes events of `type`. */
export function takes(entry: PluginEntry, type: string, everyone = false): boolean {
  return entry.kind === "notifier" && (everyone || entry.events === undefined ||
    entry.events.includes(type));
}

/** The notifier of the configured plugins. */
export function notifierOf(deps: Deps, plugins: readonly PluginEntry[]): Notifier {
  return {
    async notify(type: NotificationEvent, data, options = {}) {
      const notifiers = plugins.filter((entry) => takes(entry, type, options.everyone));
      if (notifiers.length === 0) return NOBODY;
      const event: SentinelEvent = {
        version: 1,
        type,
        id: deps.ids.newId(),
        time: new Date(deps.clock.now()).toISOString(),
        data,
      };
      return await notifyAll(await deps.plugins(), event, notifiers);
    },
  };
}

/** The approval router of the configured plugins: the union of every router's answer. */
export function routerOf(deps: Deps, plugins: readonly PluginEntry[]): ApprovalRouter {
  return {
    async route(request: RoutableRequest) {
      const routers = plugins.filter((entry) => entry.kind === "approval_router");
      if (routers.length === 0) return { approvers: [], errors: [] };
      const caller = await deps.plugins();
      const answers = await Promise.all(routers.map((router) =>
        routeApproval(caller, {
          id: request.id,
          requester: request.requester,
          profile: request.profile,
          role_arn: request.roleArn,
          duration_seconds: request.durationSeconds,
          justification: request.reason,
        }, router)
      ));
      return {
        approvers: [...new Set(answers.flatMap((answer) => answer.approvers))],
        errors: answers.flatMap((answer, i) =>
          answer.error === undefined ? [] : [`router ${routers[i].name}: ${answer.error}`]
        ),
      };
    },
  };
}

/** Reports notifier failures as warnings; returns whether a required one failed. */
export function reportDelivery(deps: Deps, what: string, report: NotifyReport): boolean {
  for (const failure of report.failed) {
    deps.warn(
      `notifier ${failure.name}${
        failure.required ? " (required)" : ""
      } could not deliver ${what}: ${failure.error}`,
    );
  }
  return report.requiredFailed;
}

/**
 * The failure semantics of plugin calls, in one place (DESIGN §10):
 * - notifiers are best effort unless `required`: {@link notifyAll} reports every failure and
 *   says whether a required one failed, so the caller can fail closed;
 * - an approval router that fails, times out or answers nonsense means "no route" — never
 *   "approved": {@link routeApproval} then returns no approvers.
 * Log sinks follow the same rule in record_decision.ts. No npm imports.
 *
 * @module
 */
import type { ApprovalRequestInfo, SentinelEvent } from "../../plugins/api/v1.ts";
import type { PluginEntry } from "../plugin_host/plugin_entry.ts";
import { callConfigured } from "../plugin_host/resolve.ts";

/** The outcome of announcing one event to every notifier. */
export interface NotifyReport {
  delivered: string[];
  failed: { name: string; required: boolean; error: string }[];
  /** A required notifier failed: the caller must not go on as if it had been told. */
  requiredFailed: boolean;
}

/** Sends an event to every configured notifier at once, each bounded by its timeout. */
export async function notifyAll(
  event: SentinelEvent,
  plugins: readonly PluginEntry[],
  env: Record<string, string>,
): Promise<NotifyReport> {
  const notifiers = plugins.filter((plugin) => plugin.kind === "notifier");
  const outcomes = await Promise.all(notifiers.map(async (entry) => {
    const outcome = await callConfigured(entry, "notify", event, env);
    if (!outcome.ok) return outcome.error;
    const result = outcome.result as { delivered?: unknown; detail?: unknown } | null;
    return result?.delivered === true
      ? undefined
      : `not delivered: ${String(result?.detail ?? "")}`;
  }));
  const failed = notifiers.flatMap((entry, i) =>
    outcomes[i] === undefined
      ? []
      : [{ name: entry.name, required: entry.required, error: outcomes[i]! }]
  );
  return {
    delivered: notifiers.filter((_, i) => outcomes[i] === undefined).map((e) => e.name),
    failed,
    requiredFailed: failed.some((f) => f.required),
  };
}

/** The approvers a router names for a request; any failure or malformed answer is "no route". */
export async function routeApproval(
  request: ApprovalRequestInfo,
  router: PluginEntry,
  env: Record<string, string>,
): Promise<{ approvers: string[]; error?: string }> {
  const outcome = await callConfigured(router, "route", request, env);
  if (!outcome.ok) return { approvers: [], error: outcome.error };
  const approvers = (outcome.result as { approvers?: unknown } | null)?.approvers;
  if (!Array.isArray(approvers) || !approvers.every((a) => typeof a === "string" && a !== "")) {
    return { approvers: [], error: "the router answered without a list of approvers" };
  }
  return { approvers: approvers.filter((a) => a !== request.requester) };
}

/**
 * The failure semantics of plugin calls, in one place (DESIGN §10):
 * - log sinks and notifiers are best effort unless `required`: every failure is reported, and the
 *   caller learns whether a required one failed so it can fail closed;
 * - an approval router that fails, times out or answers nonsense means "no route" — never
 *   "approved": {@link routeApproval} then returns no approvers.
 * No npm imports: the warm path delivers to log sinks through here.
 *
 * @module
 */
import type { ApprovalRequestInfo, SentinelEvent } from "../../plugins/api/v1.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { PluginCaller } from "../ports/plugins.ts";

/** A plugin that failed, and whether it was required. */
export interface PluginFailure {
  name: string;
  required: boolean;
  error: string;
}

/** Sends one decision record to every log sink at once; returns the failures. */
export async function deliverToSinks(
  caller: PluginCaller,
  record: Record<string, unknown>,
  sinks: readonly PluginEntry[],
): Promise<PluginFailure[]> {
  const outcomes = await Promise.all(sinks.map((entry) => caller.call(entry, "write", [record])));
  return sinks.flatMap((entry, i) => {
    const outcome = outcomes[i];
    return outcome.ok ? [] : [{ name: entry.name, required: entry.required, error: outcome.error }];
  });
}

/** The outcome of announcing one event. */
export interface NotifyReport {
  delivered: string[];
  failed: PluginFailure[];
  /** A required notifier failed: the caller must not go on as if it had been told. */
  requiredFailed: boolean;
}

/** Sends an event to the given notifiers at once, each bounded by its timeout. */
export async function notifyAll(
  caller: PluginCaller,
  event: SentinelEvent,
  notifiers: readonly PluginEntry[],
): Promise<NotifyReport> {
  const outcomes = await Promise.all(notifiers.map(async (entry) => {
    const outcome = await caller.call(entry, "notify", event);
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
  caller: PluginCaller,
  request: ApprovalRequestInfo,
  router: PluginEntry,
): Promise<{ approvers: string[]; error?: string }> {
  const outcome = await caller.call(router, "route", request);
  if (!outcome.ok) return { approvers: [], error: outcome.error };
  const approvers = (outcome.result as { approvers?: unknown } | null)?.approvers;
  if (!Array.isArray(approvers) || !approvers.every((a) => typeof a === "string" && a !== "")) {
    return { approvers: [], error: "the router answered without a list of approvers" };
  }
  return { approvers: approvers.filter((a) => a !== request.requester) };
}

/**
 * Break-glass (DESIGN §9) over the ports: invoke emergency access (immediate, time-bounded,
 * rate-limited atomically by the store, blasted to every notifier, logged as elevated), list and
 * show events, close one early, review it afterwards — and the lookup issuance makes for an active
 * event. The rules are core's (src/core/breakglass/).
 *
 * @module
 */
import { eventJson, eventRecord } from "../core/breakglass/record.ts";
import type { BreakglassEvent, QuotaSlot } from "../core/breakglass/event.ts";
import {
  breakglassRuleFor,
  invocationPlan,
  isActive,
  quotaRefusal,
  reviewRefusal,
} from "../core/breakglass/rules.ts";
import {
  abortEvent,
  closeEvent,
  type EventTransition,
  openEvent,
  reviewEvent,
  reviewHolds,
  SENTINEL_ACTOR,
} from "../core/breakglass/transitions.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { reasonTooLong } from "../core/limits.ts";
import type { BreakglassCover } from "../core/issuance/verdict.ts";
import { compilePolicy, deniesRole, evaluate } from "../core/policy/evaluate.ts";
import type { BreakglassReasonCode, PolicyDocument } from "../core/policy/schema.ts";
import type { Deps } from "../ports/deps.ts";
import type { NotifyReport } from "../ports/notifier.ts";
import type { Page, Stores } from "../ports/stores.ts";
import { type ActingContext, actingContext, actingPolicy, type CallerFlags } from "./acting.ts";
import { notifierOf, reportDelivery } from "./notify.ts";
import { profileContext, userUnder } from "./profile_context.ts";
import { profileSettings } from "./profile_settings.ts";
import { recordDecision } from "./record_decision.ts";
import { warnDamaged } from "./stores.ts";

/** What `sentinel breakglass <profile>` asks for. */
export interface InvokeInput {
  profile: string;
  reasonCode: BreakglassReasonCode;
  justification: string;
  durationSeconds?: number;
  store?: string;
}

/** An invocation that went through. */
export interface Invocation {
  event: BreakglassEvent;
  report: NotifyReport;
  escalated: boolean;
}

/** Invokes break-glass access for the verified caller. */
export async function invokeBreakglass(deps: Deps, input: InvokeInput): Promise<Invocation> {
  if (input.justification.trim() === "") {
    throw new SentinelError(ExitCode.Usage, "say what the emergency is: --justification <text>");
  }
  const tooLong = reasonTooLong(input.justification, "--justification");
  if (tooLong !== undefined) throw new SentinelError(ExitCode.Usage, tooLong);
  const context = await profileContext(
    deps,
    await profileSettings(deps, input.profile, { store: input.store }),
  );
  const { settings, policy } = context;
  const invoker = context.user;
  refuseDeniedRole(policy.document, invoker, settings, deps.clock.now());
  const rule = breakglassRuleFor(
    policy.document.breakglass,
    invoker,
    settings.profile,
    input.reasonCode,
    settings.roleArn,
  );
  const now = deps.clock.now();
  const plan = invocationPlan(rule, {
    user: invoker,
    profile: settings.profile,
    now,
    requestedSeconds: input.durationSeconds,
  });
  const event = openEvent({
    id: deps.ids.newId(),
    invoker,
    profile: settings.profile,
    roleArn: settings.roleArn,
    reasonCode: input.reasonCode,
    justification: input.justification,
    rule: rule.name,
    policySource: policy.source,
    now,
    endsAt: plan.endsAt,
  });
  const stores = await context.stores();
  if (plan.requireReviewOf !== undefined) await checkLastReview(stores, policy.document, invoker);
  const stored = await stores.breakglass.invoke(event, plan.slots, plan.requireReviewOf);
  if (!stored.ok) {
    throw stored.reason === "quota"
      ? quotaRefusal(stored.slot, stored.freesAt, now)
      : reviewRefusal(invoker, stored.eventId);
  }
  const destinations = { logFile: settings.logFile, plugins: settings.plugins };
  await recordDecision(deps, eventRecord(event, "invoked", invoker, now), destinations);
  const report = await blast(deps, stores, event, plan.slots, destinations);
  const escalated = plan.escalation !== undefined &&
    await escalateIfDue(deps, stores, event, plan.escalation, destinations, now);
  return { event, report, escalated };
}

/**
 * Announces the invocation to every notifier at once. A required notifier that fails means the
 * access must not stand unannounced: the event is closed at once and the invocation refused.
 */
async function blast(
  deps: Deps,
  stores: Stores,
  event: BreakglassEvent,
  slots: readonly QuotaSlot[],
  destinations: { logFile: string; plugins: ActingContext["plugins"] },
): Promise<NotifyReport> {
  const notifier = notifierOf(deps, destinations.plugins);
  const report = await notifier.notify("breakglass_invoked", eventJson(event), { everyone: true });
  if (!reportDelivery(deps, "the break-glass announcement", report)) return report;
  const failed = report.failed.filter((f) => f.required).map((f) => f.name).join(", ");
  const now = deps.clock.now();
  // Aborted: closed, its review Sentinel's own and its rate-limit uses given back, so that the
  // next invocation (once the notifier is fixed) is not held up by this one.
  const aborted = abortEvent(event, `required notifier ${failed} failed`, now);
  if (await stores.breakglass.update(aborted, event.version)) {
    await stores.breakglass.release(event.id, slots);
    await recordDecision(deps, eventRecord(aborted, "closed", SENTINEL_ACTOR, now), destinations);
  }
  throw new SentinelError(
    ExitCode.PluginFailure,
    `the required notifier ${failed} could not announce the break-glass, so event ${event.id} was closed at once and grants nothing; fix the notifier (\`sentinel plugins test ${failed}\`) and invoke again`,
  );
}

/** Sends `breakglass_escalated` when the invoker or the profile reached the threshold. */
async function escalateIfDue(
  deps: Deps,
  stores: Stores,
  event: BreakglassEvent,
  escalation: { threshold: number; userWindowMs: number; profileWindowMs: number },
  destinations: { logFile: string; plugins: ActingContext["plugins"] },
  now: number,
): Promise<boolean> {
  const byUser = await countSince(
    stores,
    { invoker: event.invoker },
    now - escalation.userWindowMs,
  );
  const byProfile = await countSince(
    stores,
    { profile: event.profile },
    now - escalation.profileWindowMs,
  );
  if (byUser < escalation.threshold && byProfile < escalation.threshold) return false;
  const data = {
    ...eventJson(event),
    invocations_by_user: byUser,
    invocations_for_profile: byProfile,
    threshold: escalation.threshold,
  };
  await recordDecision(
    deps,
    { ...eventRecord(event, "escalated", "sentinel", now), ...data },
    destinations,
  );
  const report = await notifierOf(deps, destinations.plugins).notify("breakglass_escalated", data);
  reportDelivery(deps, "the escalation", report);
  return true;
}

/** Break-glass never opens a role a rule denies by name: refused before anyone is paged. */
function refuseDeniedRole(
  document: PolicyDocument,
  user: string,
  settings: { profile: string; roleArn: string },
  now: number,
) {
  const compiled = compilePolicy(document);
  const decision = evaluate(compiled, { user, ...settings, mode: "cli", time: now });
  if (deniesRole(compiled, decision)) {
    throw new SentinelError(
      ExitCode.Denied,
      `break-glass cannot open ${settings.roleArn}: rule "${decision.rule}" denies that role outright (${decision.reason}); break-glass opens closed profiles, not forbidden roles`,
      { code: "breakglass_role_denied" },
    );
  }
}

/**
 * With `require_review`: the invoker's last event must carry a review that counts under the
 * current policy — a review written by someone the policy does not allow (straight into the store,
 * or by a reviewer since removed) does not lift the block.
 */
async function checkLastReview(stores: Stores, policy: PolicyDocument, invoker: string) {
  const page = await stores.breakglass.list({ invoker, limit: 1 });
  // A last event the store cannot read cannot show a review that counts: refused (fail closed).
  const [damaged] = page.damaged ?? [];
  if (damaged !== undefined) {
    throw new SentinelError(
      ExitCode.InvalidConfig,
      `break-glass refused: ${invoker}'s last event ${damaged.id} in ${damaged.where} is damaged (${damaged.why}), so its review cannot be checked; restore the store from a backup, or delete that record`,
      { code: "store_damaged" },
    );
  }
  const [last] = page.items;
  if (last?.reviewedBy === undefined) return; // none yet, or unreviewed: the store refuses that
  const rule = policy.breakglass?.find((r) => r.name === last.rule);
  const held = reviewHolds(last, rule, policy.approvals);
  if (!held.ok) {
    throw new SentinelError(
      ExitCode.Denied,
      `break-glass refused: the review of ${invoker}'s last event ${last.id} by ${last.reviewedBy} does not count (${held.why}); someone allowed must review it: \`sentinel breakglass review ${last.id} --notes "…"\``,
      { code: "breakglass_review_pending" },
    );
  }
}

/** How many events match `filter` since `since` (newest first, so paging stops early). */
async function countSince(
  stores: Stores,
  filter: { invoker?: string; profile?: string },
  since: number,
): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await stores.breakglass.list({ ...filter, limit: 100, cursor });
    for (const event of page.items) {
      if (event.createdAt < since) return count;
      count++;
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return count;
}

/** Which events to list. */
export interface EventListInput {
  active?: boolean;
  unreviewed?: boolean;
  invoker?: string;
  profile?: string;
  limit: number;
  cursor?: string;
}

/** A page of events, newest first. */
export async function listEvents(
  deps: Deps,
  input: EventListInput,
  flags: CallerFlags,
): Promise<Page<BreakglassEvent>> {
  const ctx = await actingContext(deps, flags);
  const page = await ctx.stores.breakglass.list({
    invoker: input.invoker,
    profile: input.profile,
    ...(input.active ? { activeAt: deps.clock.now() } : {}),
    ...(input.unreviewed ? { unreviewed: true } : {}),
    limit: input.limit,
    cursor: input.cursor,
  });
  warnDamaged(deps, "break-glass event", page);
  return page;
}

/** One event. */
export async function showEvent(
  deps: Deps,
  id: string,
  flags: CallerFlags,
): Promise<BreakglassEvent> {
  return await getEvent((await actingContext(deps, flags)).stores, id);
}

/** What to do to an event. */
export type EventAction = { kind: "close"; reason: string } | { kind: "review"; notes: string };

/** Closes or reviews an event as the verified caller; of concurrent callers one wins. */
export async function actOnEvent(
  deps: Deps,
  id: string,
  action: EventAction,
  flags: CallerFlags,
): Promise<{ event: BreakglassEvent; actor: string }> {
  const ctx = await actingContext(deps, flags);
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await getEvent(ctx.stores, id);
    const policy = await actingPolicy(deps, ctx, current);
    const actor = userUnder(ctx.caller.identity, policy);
    const now = deps.clock.now();
    const transition: EventTransition = action.kind === "close"
      ? closeEvent(current, actor, action.reason, now, policy.approvals)
      : reviewEvent(
        current,
        actor,
        action.notes,
        now,
        policy.breakglass?.find((rule) => rule.name === current.rule),
        policy.approvals,
      );
    if (!transition.ok) throw transition.error;
    if (!(await ctx.stores.breakglass.update(transition.next, current.version))) continue;
    const verb = action.kind === "close" ? "closed" : "reviewed";
    await recordDecision(deps, eventRecord(transition.next, verb, actor, now), ctx);
    const report = await notifierOf(deps, ctx.plugins).notify(`breakglass_${verb}`, {
      ...eventJson(transition.next),
      actor,
    });
    reportDelivery(deps, `the ${verb} notice`, report);
    return { event: transition.next, actor };
  }
  throw new SentinelError(ExitCode.Internal, `event ${id} kept changing; try again`, {
    code: "conflict",
  });
}

/** For issuance: the active event of `user` for the profile and role that ends last. */
export async function breakglassCover(
  stores: Stores,
  user: string,
  profile: string,
  roleArn: string,
  now: number,
): Promise<BreakglassCover | undefined> {
  const best = (await stores.breakglass.activeFor(user, profile, now))
    .filter((event) => event.roleArn === roleArn && isActive(event, now))
    .sort((a, b) => b.endsAt - a.endsAt)[0];
  return best === undefined ? undefined : { id: best.id, endsAt: best.endsAt };
}

async function getEvent(stores: Stores, id: string): Promise<BreakglassEvent> {
  const event = await stores.breakglass.get(id);
  if (event === undefined) {
    throw new SentinelError(
      ExitCode.Usage,
      `there is no break-glass event ${id} in this store; list them with \`sentinel breakglass list\` (check --store and --profile)`,
      { code: "not_found" },
    );
  }
  return event;
}

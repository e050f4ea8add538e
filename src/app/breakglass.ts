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
  eventHolds,
  type EventUse,
  invocationPlan,
  invokerOf,
  quotaRefusal,
  reviewRefusal,
} from "../core/breakglass/rules.ts";
import {
  abortEvent,
  announceEvent,
  claimAnnouncement,
  closeEvent,
  type EventTransition,
  openEvent,
  reviewEvent,
  reviewHolds,
  SENTINEL_ACTOR,
} from "../core/breakglass/transitions.ts";
import { commandLine, type Owner, ownerFlags, ownerOf } from "../core/text/advice.ts";
import { behindBroker, lookedIn, type StoreSetting } from "../core/store/location.ts";
import { formatDuration } from "../core/text/duration.ts";
import { SentinelError } from "../core/errors.ts";
import { reasonTooLong } from "../core/limits.ts";
import type { BreakglassCover } from "../core/issuance/verdict.ts";
import type { ListEventsCall } from "../core/broker/record_calls.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../core/limits.ts";
import { compilePolicy, roleGuard } from "../core/policy/evaluate.ts";
import type { BreakglassReasonCode, PolicyDocument } from "../core/policy/schema.ts";
import type { Principal } from "../core/identity.ts";
import type { Deps } from "../ports/deps.ts";
import type { NotifyReport } from "../ports/notifier.ts";
import type { Page, Stores } from "../ports/stores.ts";
import {
  type ActingContext,
  actingContext,
  asRecordOwner,
  type CallerFlags,
  judgingPolicies,
  type JudgingPolicy,
  readingContext,
  underEach,
} from "./acting.ts";
import { notifierOf, reportDelivery, takes } from "./notify.ts";
import { type ProfileContext, profileContext, userUnder } from "./issuance/profile_context.ts";
import { askingRoute, brokerRecords } from "./records_through_broker.ts";
import { recordDecision } from "./record_decision.ts";
import { eventPlan, revokeAutomatically } from "./revoke.ts";
import { warnDamaged } from "./stores.ts";
import type { BrokerCaller } from "./approvals.ts";

/** What `sentinel breakglass <profile>` asks for. */
export interface InvokeInput {
  profile: string;
  reasonCode: BreakglassReasonCode;
  justification: string;
  durationSeconds?: number;
  store?: string;
  /** At a broker: the caller its proof named, and the broker (whose store this is). */
  caller?: BrokerCaller;
}

/** An invocation that went through (or the open event it found and announced). */
export interface Invocation {
  event: BreakglassEvent;
  report: NotifyReport;
  escalated: boolean;
  /**
   * The invoker already had this event open, unannounced (an earlier invocation was killed
   * before its announcement went out): it was announced now instead of opening a second one.
   */
  resumed?: true;
  /** How the invoker's later commands reach the same identity and store (for printed advice). */
  owner: Owner;
}

/** Where an event's records go. */
type Destinations = { logFile: string; plugins: ActingContext["plugins"] };

/** Invokes break-glass access for the verified caller. */
export async function invokeBreakglass(deps: Deps, input: InvokeInput): Promise<Invocation> {
  if (input.justification.trim() === "") {
    throw new SentinelError("usage", "say what the emergency is: --justification <text>");
  }
  const tooLong = reasonTooLong(input.justification, "--justification");
  if (tooLong !== undefined) throw new SentinelError("usage", tooLong);
  const route = await askingRoute(deps, input);
  if ("broker" in route) return await route.broker.invoke(input);
  const context = await profileContext(deps, route.local, input.caller?.identity);
  const { settings, policy } = context;
  const invoker = context.user;
  const now = deps.clock.now();
  const { plan, event } = plannedEvent(deps, context, input, now);
  const stores = await context.stores();
  await refuseClockSkew(stores, settings.store.text, now);
  if (plan.requireReviewOf !== undefined) await checkLastReview(stores, policy.document, invoker);
  const destinations = { logFile: settings.logFile, plugins: settings.plugins };
  const owner = input.caller === undefined
    ? ownerOf(settings)
    : { store: behindBroker(settings.store, input.caller.brokerId) }; // not the broker's profile
  const stored = await stores.breakglass.invoke(event, plan.slots, {
    requireReviewOf: plan.requireReviewOf,
    onlyOpenEvent: true,
  });
  if (!stored.ok) {
    if (stored.reason === "open") {
      return { ...await resumeOpen(deps, stores, stored.event, destinations, owner), owner };
    }
    throw stored.reason === "quota"
      ? quotaRefusal(stored.slot, stored.freesAt, now)
      : reviewRefusal(invoker, stored.eventId);
  }
  await recordDecision(deps, eventRecord(event, "invoked", invokerOf(event), now), destinations);
  const announced = await announce(deps, stores, event, destinations);
  if (announced.failed !== undefined) {
    await abortUnannounced(deps, stores, event, plan.slots, destinations, announced.failed);
  }
  const escalated = plan.escalation !== undefined &&
    await escalateIfDue(deps, stores, event, plan.escalation, destinations, now);
  return { event: announced.event, report: announced.report, escalated, owner };
}

/** The event an invocation would open, and the plan (slots, review, escalation) it follows. */
function plannedEvent(
  deps: Deps,
  context: ProfileContext,
  input: InvokeInput,
  now: number,
) {
  const { settings, policy, user: invoker } = context;
  refuseGuardedRole(policy.document, invoker, settings, now);
  const rule = breakglassRuleFor(
    policy.document.breakglass,
    invoker,
    settings.profile,
    input.reasonCode,
    settings.roleArn,
  );
  const plan = invocationPlan(rule, {
    user: invoker,
    profile: settings.profile,
    now,
    requestedSeconds: input.durationSeconds,
  });
  const event = openEvent({
    id: deps.ids.newId(),
    invoker,
    invokerArn: context.identity.arn,
    profile: settings.profile,
    roleArn: settings.roleArn,
    reasonCode: input.reasonCode,
    justification: input.justification,
    rule: rule.name,
    policySource: policy.source,
    now,
    endsAt: plan.endsAt,
  });
  return { plan, event };
}

/**
 * The invoker already has an event open for the profile. One that was never announced (its
 * invocation was killed first) is announced now and returned; one that was is a refusal that
 * says until when it is open and how to use or close it.
 */
async function resumeOpen(
  deps: Deps,
  stores: Stores,
  open: BreakglassEvent,
  destinations: Destinations,
  owner: Owner,
): Promise<Omit<Invocation, "owner">> {
  if (open.announcedAt === undefined) {
    const late = await announceLate(deps, stores, open, destinations);
    if (late.failed !== undefined) {
      throw new SentinelError(
        "plugin_failure",
        `your break-glass event ${open.id} for ${open.profile} is open but has not been announced, and the required notifier ${late.failed} failed again, so it still grants nothing; fix the notifier (\`sentinel plugins test ${late.failed}\`) and run this again`,
      );
    }
    if (late.underWayUntil !== undefined) {
      throw new SentinelError(
        "breakglass_announcing",
        `your break-glass event ${open.id} for ${open.profile} was invoked at ${
          new Date(open.createdAt).toISOString()
        } and ${notAnnouncedWhy(late)}; no second event was opened`,
      );
    }
    return { event: late.event, report: late.report, escalated: false, resumed: true };
  }
  throw new SentinelError(
    "breakglass_already_open",
    `you already have break-glass ${open.id} for ${open.profile} open until ${
      new Date(open.endsAt).toISOString()
    } (${open.reasonCode}: ${open.justification}); use it (\`sentinel exec ${open.profile} -- <command>\`), or close it first (\`${
      commandLine(["sentinel", "breakglass", "close", open.id, ...ownerFlags(owner)])
    } --reason "<why>"\`)`,
  );
}

/** The outcome of an announcement: the event (announced when it went out) and who heard. */
interface Announcement {
  event: BreakglassEvent;
  report: NotifyReport;
  /** The required notifiers that failed: then the event stays unannounced. */
  failed?: string;
  /** Another call holds the announcement until then: nothing was sent by this one. */
  underWayUntil?: number;
}

const NOBODY_TOLD: NotifyReport = { delivered: [], failed: [], requiredFailed: false };

/**
 * How long a call that took on an announcement has to deliver it before another may: the longest
 * timeout of the notifiers that hear break-glass, and a margin for starting them.
 */
function announcementLeaseMs(plugins: Destinations["plugins"]): number {
  const timeouts = plugins.filter((entry) => takes(entry, "breakglass_invoked", true))
    .map((entry) => entry.timeoutMs);
  return Math.max(0, ...timeouts) + ANNOUNCEMENT_MARGIN_MS;
}

/** What an announcement lease adds to the notifiers' timeouts (plugin start-up, the store). */
const ANNOUNCEMENT_MARGIN_MS = 15_000;

/**
 * Announces the event to every notifier at once and, when every required one heard of it, marks
 * it announced: only then does it lend access.
 */
async function announce(
  deps: Deps,
  stores: Stores,
  event: BreakglassEvent,
  destinations: Destinations,
): Promise<Announcement> {
  const notifier = notifierOf(deps, destinations.plugins);
  const report = await notifier.notify("breakglass_invoked", eventJson(event), { everyone: true });
  if (reportDelivery(deps, "the break-glass announcement", report)) {
    const failed = report.failed.filter((f) => f.required).map((f) => f.name).join(", ");
    return { event, report, failed };
  }
  return { event: await markAnnounced(stores, event, deps.clock.now()), report };
}

/** Stores the announcement (of concurrent callers, the first one's time stands). */
async function markAnnounced(
  stores: Stores,
  event: BreakglassEvent,
  now: number,
): Promise<BreakglassEvent> {
  let current = event;
  for (let attempt = 0; attempt < 20; attempt++) {
    const next = announceEvent(current, now);
    if (next === current || await stores.breakglass.update(next, current.version)) return next;
    current = await getEvent(stores, event.id);
  }
  throw new SentinelError("conflict", `event ${event.id} kept changing; try again`);
}

/**
 * Announces an event whose invocation never did (it was killed first) — once the invoking call's
 * lease on the announcement has run out, and only by the one call that claims it next — and logs
 * that it was announced late.
 */
async function announceLate(
  deps: Deps,
  stores: Stores,
  event: BreakglassEvent,
  destinations: Destinations,
): Promise<Announcement> {
  const claim = claimAnnouncement(
    event,
    deps.clock.now(),
    announcementLeaseMs(destinations.plugins),
  );
  if (!claim.ok) return { event, report: NOBODY_TOLD, underWayUntil: claim.leaseEndsAt };
  if (!(await stores.breakglass.update(claim.next, event.version))) {
    // Another call claimed or announced it first.
    const current = await getEvent(stores, event.id);
    return current.announcedAt !== undefined
      ? { event: current, report: NOBODY_TOLD }
      : { event: current, report: NOBODY_TOLD, underWayUntil: current.announceClaimedAt };
  }
  const announced = await announce(deps, stores, claim.next, destinations);
  if (announced.failed === undefined) {
    await recordDecision(
      deps,
      eventRecord(announced.event, "announced", { name: SENTINEL_ACTOR }, deps.clock.now()),
      destinations,
    );
  }
  return announced;
}

/** Why an event whose late announcement did not go out lends nothing yet. */
function notAnnouncedWhy(late: Announcement): string {
  return late.failed !== undefined
    ? `its announcement failed (required notifier ${late.failed})`
    : `its announcement is under way by the call that invoked it (until ${
      new Date(late.underWayUntil ?? 0).toISOString()
    }); try again then`;
}

/**
 * A required notifier could not announce the invocation, so the access must not stand
 * unannounced: the event is closed at once, its review Sentinel's own and its rate-limit uses
 * given back (the next invocation, once the notifier is fixed, is not held up by this one), and
 * the invocation refused.
 */
async function abortUnannounced(
  deps: Deps,
  stores: Stores,
  event: BreakglassEvent,
  slots: readonly QuotaSlot[],
  destinations: Destinations,
  failed: string,
): Promise<never> {
  const now = deps.clock.now();
  const aborted = abortEvent(event, `required notifier ${failed} failed`, now);
  if (await stores.breakglass.update(aborted, event.version)) {
    await stores.breakglass.release(event.id, slots);
    await recordDecision(
      deps,
      eventRecord(aborted, "closed", { name: SENTINEL_ACTOR }, now),
      destinations,
    );
  }
  throw new SentinelError(
    "plugin_failure",
    `the required notifier ${failed} could not announce the break-glass, so event ${event.id} was closed at once and grants nothing; fix the notifier (\`sentinel plugins test ${failed}\`) and invoke again`,
  );
}

/**
 * A clock far from the store's would stamp uses the rate limits then count wrongly (a clock a
 * year ahead passes every cooldown and quota): the invocation is refused before anything is
 * stored or paged.
 */
async function refuseClockSkew(stores: Stores, store: string, now: number): Promise<void> {
  const storeNow = await stores.clock();
  const skew = now - storeNow;
  if (Math.abs(skew) <= MAX_CLOCK_SKEW_SECONDS * 1000) return;
  throw new SentinelError(
    "clock_skew",
    `break-glass refused: this machine's clock (${new Date(now).toISOString()}) is ${
      formatDuration(Math.round(Math.abs(skew) / 1000))
    } ${skew > 0 ? "ahead of" : "behind"} the clock of the store ${store} (${
      new Date(storeNow).toISOString()
    }); rate limits count by the store's time, so fix this machine's clock (NTP, \`timedatectl\`) and invoke again`,
  );
}

/** Sends `breakglass_escalated` when the invoker or the profile reached the threshold. */
async function escalateIfDue(
  deps: Deps,
  stores: Stores,
  event: BreakglassEvent,
  escalation: { threshold: number; userWindowMs: number; profileWindowMs: number },
  destinations: Destinations,
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
    { ...eventRecord(event, "escalated", { name: SENTINEL_ACTOR }, now), ...data },
    destinations,
  );
  const report = await notifierOf(deps, destinations.plugins).notify("breakglass_escalated", data);
  reportDelivery(deps, "the escalation", report);
  return true;
}

/**
 * Break-glass never opens a role a guard denies — a deny rule naming the role, wherever it stands
 * in the policy: refused before anyone is paged.
 */
function refuseGuardedRole(
  document: PolicyDocument,
  user: string,
  settings: { profile: string; roleArn: string },
  now: number,
) {
  const guard = roleGuard(compilePolicy(document), { user, ...settings, mode: "cli", time: now });
  if (guard !== undefined) {
    throw new SentinelError(
      "breakglass_role_denied",
      `break-glass cannot open ${settings.roleArn}: rule "${guard.rule}" denies that role outright (${guard.reason}); break-glass opens closed profiles, not forbidden roles`,
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
      "store_damaged",
      `break-glass refused: ${invoker}'s last event ${damaged.id} in ${damaged.where} is damaged (${damaged.why}), so its review cannot be checked; restore the store from a backup, or delete that record`,
    );
  }
  const [last] = page.items;
  if (last?.reviewedBy === undefined) return; // none yet, or unreviewed: the store refuses that
  const rule = policy.breakglass?.find((r) => r.name === last.rule);
  const held = reviewHolds(last, rule, policy.approvals);
  if (!held.ok) {
    throw new SentinelError(
      "breakglass_review_pending",
      `break-glass refused: the review of ${invoker}'s last event ${last.id} by ${last.reviewedBy} does not count (${held.why}); someone allowed must review it: \`sentinel breakglass review ${last.id} --notes "…"\``,
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

/** Which events to list (the broker's call reads the same). */
export type EventListInput = ListEventsCall;

/** A page of events, newest first. */
export async function listEvents(
  deps: Deps,
  input: EventListInput,
  flags: CallerFlags,
): Promise<Page<BreakglassEvent> & { store: StoreSetting }> {
  const broker = await brokerRecords(deps, flags);
  if (broker !== undefined) {
    const page = await broker.listEvents(input);
    warnDamaged(deps, "break-glass event", page);
    return page;
  }
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
  return { ...page, store: ctx.store };
}

/** One event. */
export async function showEvent(
  deps: Deps,
  id: string,
  flags: CallerFlags,
): Promise<{ event: BreakglassEvent; store: StoreSetting }> {
  const broker = await brokerRecords(deps, flags);
  if (broker !== undefined) return await broker.showEvent(id);
  const ctx = await readingContext(deps, flags, false);
  return { event: await getEvent(ctx.stores, id, ctx.store), store: ctx.store };
}

/** The sessions a close revoked: those issued before `before` (epoch ms), on these roles. */
export interface EventRevoked {
  before: number;
  roleArns: string[];
}

/** What to do to an event. */
export type EventAction = { kind: "close"; reason: string } | { kind: "review"; notes: string };

/** Closes or reviews an event as the verified caller; of concurrent callers one wins. */
export async function actOnEvent(
  deps: Deps,
  id: string,
  action: EventAction,
  flags: CallerFlags,
): Promise<
  { event: BreakglassEvent; actor: string; store: StoreSetting; revoked?: EventRevoked }
> {
  const broker = await brokerRecords(deps, flags);
  if (broker !== undefined) return await broker.actOnEvent(id, action);
  const caller = action.kind === "close"
    ? await asRecordOwner(
      deps,
      flags,
      async (stores) => (await stores.breakglass.get(id))?.profile,
    )
    : flags;
  const ctx = await actingContext(deps, caller);
  let policies: JudgingPolicy[] | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await getEvent(ctx.stores, id, ctx.store);
    policies ??= await judgingPolicies(deps, ctx, current);
    const actorUnder = (policy: PolicyDocument) => ({
      name: userUnder(ctx.caller.identity, policy, current.roleArn),
      arn: ctx.caller.identity.arn,
    });
    const actor = actorUnder(policies[0].document);
    const now = deps.clock.now();
    const transition: EventTransition = underEach(
      policies,
      (policy) =>
        action.kind === "close"
          ? closeEvent(current, actorUnder(policy), action.reason, now, policy.approvals)
          : reviewEvent(
            current,
            actorUnder(policy),
            action.notes,
            now,
            policy.breakglass?.find((rule) => rule.name === current.rule),
            policy.approvals,
          ),
    );
    if (!transition.ok) throw transition.error;
    if (!(await ctx.stores.breakglass.update(transition.next, current.version))) continue;
    // The event is judged under each policy; any that asks for its sessions to be revoked is heard.
    const revokeOnEnd = policies.some((policy) =>
      policy.document.breakglass?.find((r) => r.name === current.rule)?.revoke_on_end === true
    );
    const revoked = await afterEventAction(deps, ctx, transition.next, action, actor, {
      revokeOnEnd,
    });
    const done = { event: transition.next, actor: actor.name, store: ctx.store };
    return revoked === undefined ? done : { ...done, revoked };
  }
  throw new SentinelError("conflict", `event ${id} kept changing; try again`);
}

/**
 * After a close or review: logged, announced, and — a close under `revoke_on_end` — the sessions
 * issued under the event revoked.
 */
async function afterEventAction(
  deps: Deps,
  ctx: ActingContext,
  event: BreakglassEvent,
  action: EventAction,
  actor: Principal,
  asked: { revokeOnEnd: boolean },
): Promise<EventRevoked | undefined> {
  const verb = action.kind === "close" ? "closed" : "reviewed";
  const now = deps.clock.now();
  await recordDecision(deps, eventRecord(event, verb, actor, now), ctx);
  const report = await notifierOf(deps, ctx.plugins).notify(`breakglass_${verb}`, {
    ...eventJson(event),
    actor: actor.name,
    actor_arn: actor.arn,
  });
  reportDelivery(deps, `the ${verb} notice`, report);
  if (action.kind !== "close" || !asked.revokeOnEnd) return undefined;
  const why = `break-glass event ${event.id} closed by ${actor.name}`;
  const revocation = await revokeAutomatically(deps, ctx, eventPlan(event), why);
  return revocation &&
    { before: revocation.before, roleArns: revocation.roles.map((r) => r.roleArn) };
}

/** What an issuance learns of the user's break-glass events. */
export interface EventCovers {
  /** The event that lends access and ends last, if any. */
  cover?: BreakglassCover;
  /** Why each other open event of the user lends nothing. */
  unusable: string[];
}

/**
 * For issuance: the user's open event for the profile and role that lends access under the
 * policy in force and ends last (see eventHolds). An event whose invocation never announced it
 * is announced first — it lends access only once that went out.
 */
export async function breakglassCover(
  deps: Deps,
  stores: Stores,
  document: PolicyDocument,
  use: EventUse,
  destinations: Destinations,
): Promise<EventCovers> {
  const unusable: string[] = [];
  let cover: BreakglassCover | undefined;
  for (const event of await stores.breakglass.activeFor(use.user, use.profile, use.now)) {
    let held = eventHolds(event, document, use);
    if (!held.ok && held.unannounced) {
      const late = await announceLate(deps, stores, event, destinations);
      held = late.failed === undefined && late.underWayUntil === undefined
        ? eventHolds(late.event, document, use)
        : { ok: false, why: notAnnouncedWhy(late) };
    }
    if (!held.ok) {
      unusable.push(`Break-glass event ${event.id} grants nothing: ${held.why}`);
    } else if (cover === undefined || held.endsAt > cover.endsAt) {
      cover = { id: event.id, endsAt: held.endsAt, maxSessionSeconds: held.maxSessionSeconds };
    }
  }
  return cover === undefined ? { unusable } : { cover, unusable };
}

async function getEvent(
  stores: Stores,
  id: string,
  store?: StoreSetting,
): Promise<BreakglassEvent> {
  const event = await stores.breakglass.get(id);
  if (event === undefined) {
    throw new SentinelError(
      "not_found",
      `there is no break-glass event ${id} in ${
        store === undefined ? "this store" : lookedIn(store).where
      }; list them with \`sentinel breakglass list\`${
        store === undefined ? "" : lookedIn(store).elsewhere
      }`,
    );
  }
  return event;
}

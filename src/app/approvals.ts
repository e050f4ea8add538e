/**
 * The approval workflow (DESIGN §8) over the ports: request access, list and show requests,
 * approve, deny, cancel, wait for a decision, expire what is due — and the lookup issuance makes
 * for a `require_approval` profile. The rules are core's (src/core/approval/); the store only
 * guarantees that one conditional write wins. Every transition is logged in the hash-chained
 * decision log and announced to the notifiers that take it.
 *
 * @module
 */
import {
  ANNOUNCE_GRACE_SECONDS,
  approvalHolds,
  approvalRuleFor,
  grantedDuration,
} from "../core/approval/rules.ts";
import { requestJson, transitionRecord } from "../core/approval/record.ts";
import type { ApprovalRequest, RequestStatus } from "../core/approval/request.ts";
import {
  approveRequest,
  cancelRequest,
  denyRequest,
  expireIfDue,
  openRequest,
  POLICY_ACTOR,
  SENTINEL_ACTOR,
  statusAt,
  type Transition,
} from "../core/approval/transitions.ts";
import type { Identity, Principal } from "../core/identity.ts";
import { commandLine, type Owner, ownerOf, storeFlags } from "../core/text/advice.ts";
import { behindBroker, lookedIn, type StoreSetting } from "../core/store/location.ts";
import {
  announcementAbandoned,
  beforeAnnouncement,
  markAnnounced,
  withdrawUnannounced,
} from "../core/approval/unannounced.ts";
import { SentinelError } from "../core/errors.ts";
import type { ApprovalCover } from "../core/issuance/verdict.ts";
import type { ListRequestsCall } from "../core/broker/record_calls.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import { formatDuration } from "../core/text/duration.ts";
import {
  DEFAULT_SESSION_SECONDS,
  MIN_WINDOW_SECONDS,
  reasonTooLong,
  STS_MAX_DURATION_SECONDS,
} from "../core/limits.ts";
import { compilePolicy, type Decision, evaluate } from "../core/policy/evaluate.ts";
import type { ApprovalRule, PolicyDocument } from "../core/policy/schema.ts";
import type { Deps } from "../ports/deps.ts";
import type { NotifyReport } from "../ports/notifier.ts";
import type { Page, Stores } from "../ports/stores.ts";

export type { CallerFlags };
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
import { type ProfileContext, profileContext, userUnder } from "./issuance/profile_context.ts";
import { openStore, warnDamaged } from "./stores.ts";
import { askingRoute, brokerRecords } from "./records_through_broker.ts";
import { recordDecision } from "./record_decision.ts";
import { notifierOf, reportDelivery, routerOf } from "./notify.ts";
import { repairRevocations, requestPlan, revokeAutomatically } from "./revoke.ts";
import { servedProfiles } from "./broker/served_profile.ts";
import { cutoffSecond } from "../core/revocation/role_policy.ts";

/** What `sentinel request` asks for. */
export interface AccessRequestInput {
  profile: string;
  reason: string;
  durationSeconds?: number;
  store?: string;
  /** Ask even while an approved request still covers the profile. */
  anyway?: boolean;
  /** At a broker: the caller its proof named, and the broker (whose store this is). */
  caller?: BrokerCaller;
}

/** The caller a broker proved, and the broker's id (the URL its clients reach it at). */
export interface BrokerCaller {
  identity: Identity;
  brokerId: string;
}

/** The outcome of `sentinel request`. */
export type AccessRequestOutcome =
  | {
    kind: "created";
    request: ApprovalRequest;
    approvers: string[];
    report: NotifyReport;
    /** The requester's identity and store, for the advice printed. */
    owner: Owner;
    /** The request as it stands now (a fresh read, its expiry applied), to wait with. */
    read(): Promise<ApprovalRequest>;
  }
  | { kind: "not_needed"; rule: string | null }
  /** An approved request still covers the profile (nothing was asked; see `anyway`). */
  | { kind: "already_approved"; request: ApprovalRequest; windowEndsAt: number };

/**
 * Asks for access to a `require_approval` profile. The request is stored before anyone hears of
 * it, so no approver is paged about a request the store did not take (and a retry after such a
 * failure pages once); when a required notifier then fails, the request is withdrawn (cancelled
 * by `sentinel`), so nobody can approve a request its approvers were never told of.
 */
export async function requestAccess(
  deps: Deps,
  input: AccessRequestInput,
): Promise<AccessRequestOutcome> {
  refuseBadReason(input.reason);
  const route = await askingRoute(deps, input);
  if ("broker" in route) return await route.broker.createRequest(input);
  const context = await profileContext(deps, route.local, input.caller?.identity);
  const { settings, policy } = context;
  const requester = context.user;
  const store = input.caller === undefined
    ? settings.store
    : behindBroker(settings.store, input.caller.brokerId);
  const now = deps.clock.now();
  const subject = { user: requester, profile: settings.profile, roleArn: settings.roleArn };
  const decision = evaluate(compilePolicy(policy.document), { ...subject, mode: "cli", time: now });
  if (decision.effect === "allow") return { kind: "not_needed", rule: decision.rule };
  const rule = requestableRule(policy.document, settings.profile, requester, decision);
  const asked = input.durationSeconds ?? settings.durationSeconds ?? DEFAULT_SESSION_SECONDS;
  const durationSeconds = usableWindow(asked, rule, decision);
  // The store must be reachable before anyone is paged about a request it would not take.
  const stores = await context.stores();
  if (!input.anyway) {
    const held = await heldApproval(stores, policy.document, subject, now, decision);
    if (held !== undefined) return held;
  }
  const request = beforeAnnouncement(openRequest({
    id: deps.ids.newId(),
    requester,
    requesterArn: context.identity.arn,
    profile: settings.profile,
    roleArn: settings.roleArn,
    durationSeconds,
    reason: input.reason,
    rule,
    policySource: policy.source,
    now,
  }));
  await stores.approvals.create(request);
  const announced = await announceCreated(deps, context, stores, request, rule, store);
  return {
    kind: "created",
    request: announced.request,
    approvers: announced.approvers,
    report: announced.report,
    owner: input.caller === undefined ? ownerOf(settings) : { store }, // not the broker's profile
    read: () => readAsRequester(deps, context, request.id),
  };
}

/**
 * The request as its requester reads it while waiting: with the credentials it was made with,
 * under a fresh `sentinel_timeout` deadline, a pending request past its expiry stored as expired.
 */
async function readAsRequester(
  deps: Deps,
  context: ProfileContext,
  id: string,
): Promise<ApprovalRequest> {
  const { settings } = context;
  const stores = await openStore(deps, settings.store, {
    region: settings.region,
    signal: AbortSignal.timeout(settings.timeoutSeconds * 1000),
    credentials: () => Promise.resolve(context.base.credentials),
  });
  const request = await getRequest({ stores, store: settings.store }, id);
  const ledger = { stores, logFile: settings.logFile, plugins: settings.plugins };
  return await expireLazily(deps, ledger, request, deps.clock.now()) ?? request;
}

function refuseBadReason(reason: string): void {
  if (reason.trim() === "") {
    throw new SentinelError("usage", "say why you need the access: --reason <text>");
  }
  const tooLong = reasonTooLong(reason, "--reason");
  if (tooLong !== undefined) throw new SentinelError("usage", tooLong);
}

/** The window granted for `asked` seconds under the rule, refused when it could never be used. */
function usableWindow(asked: number, rule: ApprovalRule, decision: Decision): number {
  const durationSeconds = grantedDuration(asked, rule, decision.maxDurationSeconds);
  if (durationSeconds >= MIN_WINDOW_SECONDS) return durationSeconds;
  throw new SentinelError(
    asked < MIN_WINDOW_SECONDS ? "window_too_short" : "rule_window_too_short",
    `an approved window of ${
      formatDuration(durationSeconds)
    } could never be used: sessions need 15 minutes left, so a window must last at least ${
      formatDuration(MIN_WINDOW_SECONDS)
    }${
      asked < MIN_WINDOW_SECONDS
        ? "; ask for --duration 20m or more"
        : "; the policy's max_duration is too short for approvals"
    }`,
  );
}

/** The approved request that still covers the requester, if one does (nothing new is asked). */
async function heldApproval(
  stores: Stores,
  document: PolicyDocument,
  subject: { user: string; profile: string; roleArn: string },
  now: number,
  decision: Decision,
): Promise<AccessRequestOutcome | undefined> {
  const held = await approvalCover(stores, document, subject, now, decision.maxDurationSeconds);
  if (held.cover === undefined) return undefined;
  const current = await stores.approvals.get(held.cover.id);
  return current === undefined
    ? undefined
    : { kind: "already_approved", request: current, windowEndsAt: held.cover.windowEndsAt };
}

/**
 * Logs and announces a stored request; withdraws it when that fails, or when a required notifier
 * could not announce it (then the error says so).
 */
async function announceCreated(
  deps: Deps,
  context: ProfileContext,
  stores: Stores,
  request: ApprovalRequest,
  rule: ApprovalRule,
  store: StoreSetting,
): Promise<{ request: ApprovalRequest; approvers: string[]; report: NotifyReport }> {
  const { settings } = context;
  const ledger = { stores, logFile: settings.logFile, plugins: settings.plugins };
  let announced: Awaited<ReturnType<typeof announceRequest>>;
  try {
    const actor = request.status === "approved"
      ? { name: POLICY_ACTOR }
      : { name: request.requester, arn: context.identity.arn };
    await logTransition(deps, undefined, request, actor, ledger);
    announced = await announceRequest(deps, settings.plugins, request, rule, store);
  } catch (error) {
    const why = `it could not be logged or announced: ${(error as Error).message}`;
    await withdraw(deps, ledger, request, why);
    throw error;
  }
  if (announced.failedRequired !== undefined) {
    const failed = announced.failedRequired;
    await withdraw(deps, ledger, request, `the required notifier ${failed} could not announce it`);
    throw new SentinelError(
      "announce_failed",
      `the required notifier ${failed} could not announce request ${request.id}, so it was withdrawn (cancelled) and can never be approved; fix the notifier (\`sentinel plugins test ${failed}\`) and ask again`,
    );
  }
  return {
    request: await recordAnnounced(deps, stores, request),
    approvers: announced.approvers,
    report: announced.report,
  };
}

/**
 * Clears the `unannounced` flag of a request whose announcement went out, so it can be approved;
 * from whatever version is current (an approver who heard of it may have denied it meanwhile).
 * When that cannot be stored, the request stays unapprovable and is withdrawn after its grace:
 * the requester is warned to ask again.
 */
async function recordAnnounced(
  deps: Deps,
  stores: Stores,
  request: ApprovalRequest,
): Promise<ApprovalRequest> {
  let current = request;
  try {
    const due = (request: ApprovalRequest) => request.unannounced && request.status === "pending";
    for (let attempt = 1; due(current) && attempt <= 5; attempt++) {
      const next = markAnnounced(current, deps.clock.now());
      if (await stores.approvals.transition(next, current.version)) return next;
      current = await stores.approvals.get(request.id) ?? current;
    }
    if (!due(current)) return current;
    throw new Error("it kept changing");
  } catch (failure) {
    deps.warn(
      `request ${request.id} was announced, but that could not be recorded (${
        (failure as Error).message
      }); it cannot be approved and is withdrawn within ${
        ANNOUNCE_GRACE_SECONDS / 60
      } minutes: ask again then`,
    );
    return current;
  }
}

/**
 * Cancels (as `sentinel`) a stored request whose announcement failed, logs that, and tells the
 * notifiers that did hear of it; a failure here is reported, and the announcement's error stands.
 */
async function withdraw(
  deps: Deps,
  ctx: Pick<ActingContext, "stores" | "logFile" | "plugins">,
  request: ApprovalRequest,
  why: string,
): Promise<void> {
  try {
    // Someone who heard of it through another notifier may have approved it meanwhile: it is
    // withdrawn from whatever version is current.
    let current = request;
    let withdrawn = withdrawUnannounced(current, why, deps.clock.now());
    for (
      let attempt = 1;
      !(await ctx.stores.approvals.transition(withdrawn, current.version));
      attempt++
    ) {
      const reread = await ctx.stores.approvals.get(request.id);
      if (reread === undefined || attempt >= 5) throw new Error("it kept changing");
      current = reread;
      withdrawn = withdrawUnannounced(current, why, deps.clock.now());
    }
    await logTransition(deps, current, withdrawn, { name: withdrawn.decidedBy! }, ctx);
    const report = await notifierOf(deps, ctx.plugins).notify("approval_cancelled", {
      ...eventData(withdrawn),
      actor: withdrawn.decidedBy,
    });
    reportDelivery(deps, "the withdrawal notice", report);
  } catch (failure) {
    deps.warn(
      `request ${request.id} could not be withdrawn after its announcement failed (${
        (failure as Error).message
      }); cancel it: sentinel cancel ${request.id}`,
    );
  }
}

/** The approval rule a request may be made under, or why none can be made. */
function requestableRule(
  document: PolicyDocument,
  profile: string,
  requester: string,
  decision: Decision,
): ApprovalRule {
  if (decision.effect === "deny") {
    throw new SentinelError(
      "denied",
      `the policy denies ${profile} to ${requester} (${
        decision.rule === null ? "no rule matched" : `rule "${decision.rule}"`
      }: ${decision.reason}); an approval cannot override a deny`,
    );
  }
  const rule = approvalRuleFor(document, profile);
  if (rule === undefined) {
    throw new SentinelError(
      "no_approval_rule",
      `profile ${profile} requires approval, but no approvals: rule covers it, so nobody could approve a request; ask your security team to add one`,
    );
  }
  return rule;
}

/**
 * Tells the approvers (the rule's, and those the routers add) about a new, stored request — or
 * the requester about an auto-approval — and names the required notifiers that failed, on which
 * the caller withdraws the request.
 */
async function announceRequest(
  deps: Deps,
  plugins: readonly PluginEntry[],
  request: ApprovalRequest,
  rule: ApprovalRule,
  store: StoreSetting,
): Promise<{ approvers: string[]; report: NotifyReport; failedRequired?: string }> {
  const routed = await routerOf(deps, plugins).route(request);
  for (const error of routed.errors) deps.warn(`${error}; no extra approvers from it`);
  const approvers = [...new Set([...rule.approvers, ...routed.approvers])]
    .filter((name) => name !== request.requester);
  const notifier = notifierOf(deps, plugins);
  const report = request.status === "approved"
    ? await notifier.notify("approval_approved", eventData(request))
    : await notifier.notify("approval_requested", {
      ...eventData(request),
      approvers,
      how_to_approve: commandLine(["sentinel", "approve", request.id, ...storeFlags(store)]),
      how_to_deny: `${
        commandLine(["sentinel", "deny", request.id, ...storeFlags(store)])
      } --comment "<why>"`,
    });
  if (reportDelivery(deps, `the request for ${request.profile}`, report)) {
    const failedRequired = report.failed.filter((f) => f.required).map((f) => f.name).join(", ");
    return { approvers, report, failedRequired };
  }
  return { approvers, report };
}

/** What an approver, denier or requester does to a request. */
export type RequestAction =
  | { kind: "approve"; comment?: string }
  | { kind: "deny"; comment: string }
  | { kind: "cancel" };

/** The result of acting on a request. */
export interface ActionOutcome {
  request: ApprovalRequest;
  actor: string;
  report: NotifyReport;
  /** The store it happened in. */
  store: StoreSetting;
}

/**
 * Approves, denies or cancels a request as the verified caller. Of concurrent callers exactly one
 * wins each version; a loser re-reads and tries again, so two approvers racing both count, and
 * anyone acting on a request that has ended gets who ended it and when (a conflict, exit 12).
 */
export async function actOnRequest(
  deps: Deps,
  id: string,
  action: RequestAction,
  flags: CallerFlags,
): Promise<ActionOutcome> {
  const broker = await brokerRecords(deps, flags);
  if (broker !== undefined) return await broker.decide(id, action);
  const caller = action.kind === "cancel"
    ? await asRecordOwner(deps, flags, async (stores) => (await stores.approvals.get(id))?.profile)
    : flags;
  const ctx = await actingContext(deps, caller);
  let policies: JudgingPolicy[] | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await getRequest(ctx, id);
    const now = deps.clock.now();
    await expireLazily(deps, ctx, current, now);
    policies ??= await judgingPolicies(deps, ctx, current);
    const actorUnder = (policy: PolicyDocument) => ({
      name: userUnder(ctx.caller.identity, policy, current.roleArn),
      arn: ctx.caller.identity.arn,
    });
    const actor = actorUnder(policies[0].document);
    const transition: Transition = underEach(policies, (policy) => {
      const rule = approvalRuleFor(policy, current.profile);
      return action.kind === "approve"
        ? approveRequest(current, rule, actorUnder(policy), action.comment, now)
        : action.kind === "deny"
        ? denyRequest(current, rule, actorUnder(policy), action.comment, now)
        : cancelRequest(current, actorUnder(policy), now);
    });
    if (!transition.ok) throw transition.error;
    if (!(await ctx.stores.approvals.transition(transition.next, current.version))) continue;
    const next = transition.next;
    await logTransition(deps, current, next, actor, ctx);
    const report = next.status === "pending"
      ? { delivered: [], failed: [], requiredFailed: false }
      : await notifierOf(deps, ctx.plugins).notify(`approval_${next.status}` as const, {
        ...eventData(next),
        actor: actor.name,
        actor_arn: actor.arn,
      });
    reportDelivery(deps, `the ${next.status} notice`, report);
    return { request: next, actor: actor.name, report, store: ctx.store };
  }
  throw new SentinelError(
    "conflict",
    `request ${id} kept changing under this command; try again`,
  );
}

/** One request, with a pending one past its expiry shown (and stored) as expired. */
export async function showRequest(
  deps: Deps,
  id: string,
  flags: CallerFlags,
): Promise<{ request: ApprovalRequest; store: StoreSetting }> {
  const broker = await brokerRecords(deps, flags);
  if (broker !== undefined) return await broker.showRequest(id);
  const ctx = await readingContext(deps, flags, false);
  const request = await getRequest(ctx, id);
  return {
    request: await expireLazily(deps, ctx, request, deps.clock.now()) ?? request,
    store: ctx.store,
  };
}

/** Which requests to list (the broker's call reads the same). */
export type ListInput = ListRequestsCall;

/** A page of requests, newest first, with lazy expiry applied to what is shown. */
export async function listRequests(
  deps: Deps,
  input: ListInput,
  flags: CallerFlags,
): Promise<Page<ApprovalRequest> & { store: StoreSetting }> {
  const broker = await brokerRecords(deps, flags);
  if (broker !== undefined) {
    const page = await broker.listRequests(input);
    warnDamaged(deps, "request", page);
    return page;
  }
  const ctx = await readingContext(deps, flags, input.mine === true);
  if (input.mine && ctx.caller === undefined) {
    throw new SentinelError("internal_error", "--mine needs the verified caller; this is a bug");
  }
  const page = await ctx.stores.approvals.list({
    status: input.status,
    profile: input.profile,
    requester: input.mine ? userUnder(ctx.caller!.identity, {}, undefined) : undefined,
    limit: input.limit,
    cursor: input.cursor,
  });
  warnDamaged(deps, "request", page);
  const now = deps.clock.now();
  const items = await Promise.all(
    page.items.map(async (request) => await expireLazily(deps, ctx, request, now) ?? request),
  );
  return {
    items: input.status === undefined ? items : items.filter((r) => r.status === input.status),
    ...(page.next === undefined ? {} : { next: page.next }),
    store: ctx.store,
    ...(page.damaged === undefined ? {} : { damaged: page.damaged }),
  };
}

/**
 * Expires every pending request whose time is up, revokes the sessions of approved requests whose
 * window has ended when their rule says `revoke_on_end` (once per request: the store's revocation
 * record says it was done), and writes again the revocations IAM lacks on this host's protected
 * roles; returns how many requests of each, and the roles repaired.
 */
export async function sweepRequests(
  deps: Deps,
  flags: CallerFlags,
): Promise<{ expired: number; revoked: number; repaired: string[]; store: StoreSetting }> {
  const broker = await brokerRecords(deps, flags);
  if (broker !== undefined) return { revoked: 0, repaired: [], ...await broker.sweep() };
  const ctx = await actingContext(deps, flags);
  const now = deps.clock.now();
  let expired = 0;
  for await (const request of everyRequest(ctx, "pending")) {
    if (await expireLazily(deps, ctx, request, now) !== undefined) expired++;
  }
  let revoked = 0;
  const rules = new Map<string, Promise<ApprovalRule | undefined>>();
  for await (const request of everyRequest(ctx, "approved")) {
    try {
      if (await revokeEndedWindow(deps, ctx, request, now, rules)) revoked++;
    } catch (error) {
      // One request that cannot be judged (its policy unreadable, its record odd) must not stop
      // the others' revocations; it is tried again at the next sweep.
      if (!(error instanceof SentinelError)) throw error;
      deps.warn(`request ${request.id}: its ended window was not revoked (${error.message})`);
    }
  }
  // Revocations recorded but missing from IAM (a refused or late write) are written again.
  const repaired = await repairRevocations(deps, ctx, (await servedProfiles(deps)).roles);
  return { expired, revoked, repaired, store: ctx.store };
}

async function* everyRequest(ctx: ActingContext, status: RequestStatus) {
  let cursor: string | undefined;
  do {
    const page = await ctx.stores.approvals.list({ status, limit: 100, cursor });
    yield* page.items;
    cursor = page.next;
  } while (cursor !== undefined);
}

/** Revokes an ended window's sessions when its rule (in the policy in force) asks for it. */
async function revokeEndedWindow(
  deps: Deps,
  ctx: ActingContext,
  request: ApprovalRequest,
  now: number,
  rules: Map<string, Promise<ApprovalRule | undefined>>,
): Promise<boolean> {
  const end = request.windowEndsAt;
  if (end === undefined || end > now || end <= now - STS_MAX_DURATION_SECONDS * 1000) return false;
  const key = `${request.profile}\0${request.rule}`;
  if (!rules.has(key)) {
    rules.set(
      key,
      judgingPolicies(deps, ctx, { ...request, policySource: undefined }).then(([inForce]) =>
        inForce.document.approvals?.find((rule) => rule.name === request.rule)
      ),
    );
  }
  if ((await rules.get(key))?.revoke_on_end !== true) return false;
  // Done once: a revocation of this request cutting off at the window's end or later (one made
  // by hand before the end would spare what was issued after it).
  const { items } = await ctx.stores.revocations.liveFor(request.roleArn, now);
  const done = items.some((r) =>
    r.scope.kind === "request" && r.scope.requestId === request.id && r.before >= cutoffSecond(end)
  );
  if (done) return false;
  const plan = { ...requestPlan(request), before: end };
  const reason = `the approval window of request ${request.id} ended`;
  return await revokeAutomatically(deps, ctx, plan, reason) !== undefined;
}

/**
 * Waits until the request leaves `pending` or `timeoutMs` passes, polling with backoff (1 s, up
 * to 5 s) by `read` (see the created outcome of {@link requestAccess}); `onStatus` hears each poll.
 */
export async function waitForDecision(
  deps: Deps,
  read: () => Promise<ApprovalRequest>,
  timeoutMs: number,
  onStatus: (request: ApprovalRequest, waitedMs: number) => void,
  sleep: (ms: number) => Promise<void>,
): Promise<ApprovalRequest> {
  const started = deps.clock.now();
  let delay = 1000;
  for (;;) {
    const current = await read();
    const now = deps.clock.now();
    onStatus(current, now - started);
    if (current.status !== "pending" || now - started >= timeoutMs) return current;
    await sleep(Math.min(delay, Math.max(0, started + timeoutMs - now)));
    delay = Math.min(delay * 1.5, 5000);
  }
}

/** What an issuance learns of the user's approved requests. */
export interface ApprovalCovers {
  /** The approved request that lends access now and whose window ends last, if any. */
  cover?: ApprovalCover;
  /** Why each other approved request of the user for this profile and role lends nothing. */
  unusable: string[];
}

/**
 * For issuance: the approved request of `user` for the profile and role whose window ends last,
 * among those that still hold under the policy issuance runs under (see approvalHolds; the
 * deciding rule's `max_duration` is `accessRuleMaxSeconds`).
 */
export async function approvalCover(
  stores: Stores,
  policy: PolicyDocument,
  subject: { user: string; profile: string; roleArn: string },
  now: number,
  accessRuleMaxSeconds?: number,
): Promise<ApprovalCovers> {
  const rule = approvalRuleFor(policy, subject.profile);
  const unusable: string[] = [];
  let cover: ApprovalCover | undefined;
  for (const request of await stores.approvals.approvedFor(subject.user, subject.profile, now)) {
    if (request.roleArn !== subject.roleArn || request.requester !== subject.user) continue;
    const held = approvalHolds(request, rule, now, accessRuleMaxSeconds);
    if (!held.ok) {
      unusable.push(`Approved request ${request.id} grants nothing: ${held.why}`);
    } else if (cover === undefined || held.windowEndsAt > cover.windowEndsAt) {
      cover = {
        id: request.id,
        windowEndsAt: held.windowEndsAt,
        maxSessionSeconds: held.maxSessionSeconds,
      };
    }
  }
  return cover === undefined ? { unusable } : { cover, unusable };
}

async function getRequest(
  at: { stores: Stores; store: StoreSetting },
  id: string,
): Promise<ApprovalRequest> {
  const request = await at.stores.approvals.get(id);
  if (request === undefined) {
    throw new SentinelError(
      "not_found",
      `there is no request ${id} in ${
        lookedIn(at.store).where
      }; list them with \`sentinel requests\`${lookedIn(at.store).elsewhere}`,
    );
  }
  return request;
}

/** Why a request whose announcement never went out is withdrawn. */
const NEVER_ANNOUNCED =
  "its announcement never went out (the command or broker that made it stopped first); ask again";

/**
 * Stores and announces the expiry of a pending request that is due — or withdraws, unannounced,
 * one whose maker stopped before announcing it (see core/approval/unannounced.ts). The request
 * as it ended, or `undefined` when nothing was due.
 */
async function expireLazily(
  deps: Deps,
  ctx: Pick<ActingContext, "stores" | "logFile" | "plugins">,
  request: ApprovalRequest,
  now: number,
): Promise<ApprovalRequest | undefined> {
  const abandoned = announcementAbandoned(request, now);
  const expired = abandoned
    ? withdrawUnannounced(request, NEVER_ANNOUNCED, now)
    : expireIfDue(request, now);
  if (expired === undefined) return undefined;
  if (await ctx.stores.approvals.transition(expired, request.version)) {
    await logTransition(deps, request, expired, { name: SENTINEL_ACTOR }, ctx);
    if (!abandoned) { // nobody was told of an abandoned request: nobody is told it ended
      const report = await notifierOf(deps, ctx.plugins).notify(
        "approval_expired",
        eventData(expired),
      );
      reportDelivery(deps, "the expiry notice", report);
    }
    return expired;
  }
  const reread = await ctx.stores.approvals.get(request.id);
  return reread === undefined || statusAt(reread, now) === "pending" ? undefined : reread;
}

async function logTransition(
  deps: Deps,
  before: ApprovalRequest | undefined,
  after: ApprovalRequest,
  actor: Principal,
  to: { logFile: string; plugins: readonly PluginEntry[] },
): Promise<void> {
  await recordDecision(
    deps,
    transitionRecord(before, after, actor, deps.clock.now()),
    to,
  );
}

function eventData(request: ApprovalRequest): Record<string, unknown> {
  return requestJson(request);
}

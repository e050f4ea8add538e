/**
 * The approval workflow (DESIGN §8) over the ports: request access, list and show requests,
 * approve, deny, cancel, wait for a decision, expire what is due — and the lookup issuance makes
 * for a `require_approval` profile. The rules are core's (src/core/approval/); the store only
 * guarantees that one conditional write wins. Every transition is logged in the hash-chained
 * decision log and announced to the notifiers that take it.
 *
 * @module
 */
import { approvalRuleFor, grantedDuration } from "../core/approval/rules.ts";
import { requestJson, transitionRecord } from "../core/approval/record.ts";
import type { ApprovalRequest, RequestStatus } from "../core/approval/request.ts";
import {
  approveRequest,
  cancelRequest,
  denyRequest,
  expireIfDue,
  openRequest,
  statusAt,
  type Transition,
} from "../core/approval/transitions.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { ApprovalCover } from "../core/issuance/verdict.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import { DEFAULT_SESSION_SECONDS, STS_MIN_DURATION_SECONDS } from "../core/limits.ts";
import { compilePolicy, evaluate } from "../core/policy/evaluate.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";
import type { Deps } from "../ports/deps.ts";
import type { NotifyReport } from "../ports/notifier.ts";
import type { Page, Stores } from "../ports/stores.ts";

export type { CallerFlags };
import {
  actingContext,
  actingPolicy,
  type CallerFlags,
  type ReadingContext,
  readingContext,
} from "./acting.ts";
import { loadPolicy } from "./policy.ts";
import { baseRequest, profileSettings } from "./profile_settings.ts";
import { recordDecision } from "./record_decision.ts";
import { notifierOf, reportDelivery, routerOf } from "./notify.ts";
import { openStore } from "./stores.ts";
import { verifiedIdentity } from "./verified_identity.ts";

/** What `sentinel request` asks for. */
export interface AccessRequestInput {
  profile: string;
  reason: string;
  durationSeconds?: number;
  store?: string;
}

/** The outcome of `sentinel request`. */
export type AccessRequestOutcome =
  | { kind: "created"; request: ApprovalRequest; approvers: string[]; report: NotifyReport }
  | { kind: "not_needed"; rule: string | null };

/** Asks for access to a `require_approval` profile. */
export async function requestAccess(
  deps: Deps,
  input: AccessRequestInput,
): Promise<AccessRequestOutcome> {
  if (input.reason.trim() === "") {
    throw new SentinelError(ExitCode.Usage, "say why you need the access: --reason <text>");
  }
  const resolved = await profileSettings(deps, input.profile, { store: input.store });
  const { settings } = resolved;
  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
  const base = await (await deps.baseCredentials()).get(baseRequest(resolved), signal);
  const call = { region: settings.region, signal };
  const requester = (await verifiedIdentity(deps, base.credentials, call)).user;
  const policy = await loadPolicy(deps, {
    source: settings.policy,
    region: settings.region,
    ttlSeconds: settings.policyTtlSeconds,
    credentials: () => Promise.resolve(base.credentials),
    signal,
  });
  const now = deps.clock.now();
  const decision = evaluate(compilePolicy(policy.document), {
    user: requester,
    profile: settings.profile,
    roleArn: settings.roleArn,
    mode: "cli",
    time: now,
  });
  if (decision.effect === "allow") return { kind: "not_needed", rule: decision.rule };
  if (decision.effect === "deny") {
    throw new SentinelError(
      ExitCode.Denied,
      `the policy denies ${settings.profile} to ${requester} (${
        decision.rule === null ? "no rule matched" : `rule "${decision.rule}"`
      }: ${decision.reason}); an approval cannot override a deny`,
    );
  }
  const rule = approvalRuleFor(policy.document, settings.profile);
  if (rule === undefined) {
    throw new SentinelError(
      ExitCode.Denied,
      `profile ${settings.profile} requires approval, but no approvals: rule covers it, so nobody could approve a request; ask your security team to add one`,
      { code: "no_approval_rule" },
    );
  }
  const asked = input.durationSeconds ?? settings.durationSeconds ?? DEFAULT_SESSION_SECONDS;
  const request = openRequest({
    id: deps.ids.newId(),
    requester,
    profile: settings.profile,
    roleArn: settings.roleArn,
    durationSeconds: Math.max(
      STS_MIN_DURATION_SECONDS,
      grantedDuration(asked, rule, decision.maxDurationSeconds),
    ),
    reason: input.reason,
    rule,
    now,
  });
  const routed = await routerOf(deps, settings.plugins).route(request);
  for (const error of routed.errors) deps.warn(`${error}; no extra approvers from it`);
  const approvers = [...new Set([...rule.approvers, ...routed.approvers])]
    .filter((name) => name !== requester);
  const notifier = notifierOf(deps, settings.plugins);
  const report = request.status === "approved"
    ? await notifier.notify("approval_approved", eventData(request))
    : await notifier.notify("approval_requested", {
      ...eventData(request),
      approvers,
      how_to_approve: `sentinel approve ${request.id}`,
      how_to_deny: `sentinel deny ${request.id} --comment "<why>"`,
    });
  if (reportDelivery(deps, `the request for ${settings.profile}`, report)) {
    const failed = report.failed.filter((f) => f.required).map((f) => f.name).join(", ");
    throw new SentinelError(
      ExitCode.PluginFailure,
      `the required notifier ${failed} could not announce the request, so it was not created; try again, or run \`sentinel plugins test ${failed}\``,
    );
  }
  const stores = await openStore(deps, settings.store, {
    region: settings.region,
    signal,
    credentials: () => Promise.resolve(base.credentials),
  });
  await stores.approvals.create(request);
  await logTransition(
    deps,
    undefined,
    request,
    request.status === "approved" ? "policy" : requester,
    {
      logFile: settings.logFile,
      plugins: settings.plugins,
    },
  );
  return { kind: "created", request, approvers, report };
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
}

/**
 * Approves, denies or cancels a request as the verified caller. Of concurrent callers exactly one
 * wins each version; a loser re-reads and tries again, so two approvers racing both count, and
 * anyone acting on a request that has ended gets who ended it and when (exit 1).
 */
export async function actOnRequest(
  deps: Deps,
  id: string,
  action: RequestAction,
  flags: CallerFlags,
): Promise<ActionOutcome> {
  const ctx = await actingContext(deps, flags);
  const actor = ctx.caller.identity.user;
  let policy: PolicyDocument | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await getRequest(ctx.stores, id);
    const now = deps.clock.now();
    await expireLazily(deps, ctx, current, now);
    if (action.kind !== "cancel" && policy === undefined) {
      policy = await actingPolicy(deps, ctx, current.profile, flags.policy);
    }
    const rule = policy === undefined ? undefined : approvalRuleFor(policy, current.profile);
    const transition: Transition = action.kind === "approve"
      ? approveRequest(current, rule, actor, action.comment, now)
      : action.kind === "deny"
      ? denyRequest(current, rule, actor, action.comment, now)
      : cancelRequest(current, actor, now);
    if (!transition.ok) throw transition.error;
    if (!(await ctx.stores.approvals.transition(transition.next, current.version))) continue;
    const next = transition.next;
    await logTransition(deps, current, next, actor, ctx);
    const report = next.status === "pending"
      ? { delivered: [], failed: [], requiredFailed: false }
      : await notifierOf(deps, ctx.plugins).notify(`approval_${next.status}` as const, {
        ...eventData(next),
        actor,
      });
    reportDelivery(deps, `the ${next.status} notice`, report);
    return { request: next, actor, report };
  }
  throw new SentinelError(
    ExitCode.Internal,
    `request ${id} kept changing under this command; try again`,
    { code: "conflict" },
  );
}

/** One request, with a pending one past its expiry shown (and stored) as expired. */
export async function showRequest(
  deps: Deps,
  id: string,
  flags: CallerFlags,
): Promise<ApprovalRequest> {
  const ctx = await readingContext(deps, flags, false);
  const request = await getRequest(ctx.stores, id);
  return await expireLazily(deps, ctx, request, deps.clock.now()) ?? request;
}

/** Which requests to list. */
export interface ListInput {
  status?: RequestStatus;
  profile?: string;
  /** Only the caller's own. */
  mine?: boolean;
  limit: number;
  cursor?: string;
}

/** A page of requests, newest first, with lazy expiry applied to what is shown. */
export async function listRequests(
  deps: Deps,
  input: ListInput,
  flags: CallerFlags,
): Promise<Page<ApprovalRequest>> {
  const ctx = await readingContext(deps, flags, input.mine === true);
  if (input.mine && ctx.caller === undefined) {
    throw new SentinelError(ExitCode.Internal, "--mine needs the verified caller; this is a bug");
  }
  const page = await ctx.stores.approvals.list({
    status: input.status,
    profile: input.profile,
    requester: input.mine ? ctx.caller?.identity.user : undefined,
    limit: input.limit,
    cursor: input.cursor,
  });
  const now = deps.clock.now();
  const items = await Promise.all(
    page.items.map(async (request) => await expireLazily(deps, ctx, request, now) ?? request),
  );
  return {
    items: input.status === undefined ? items : items.filter((r) => r.status === input.status),
    ...(page.next === undefined ? {} : { next: page.next }),
  };
}

/** Expires every pending request whose time is up; returns how many. */
export async function sweepRequests(deps: Deps, flags: CallerFlags): Promise<number> {
  const ctx = await actingContext(deps, flags);
  const now = deps.clock.now();
  let expired = 0;
  let cursor: string | undefined;
  do {
    const page = await ctx.stores.approvals.list({ status: "pending", limit: 100, cursor });
    for (const request of page.items) {
      if (await expireLazily(deps, ctx, request, now) !== undefined) expired++;
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return expired;
}

/**
 * Waits until the request leaves `pending` or `timeoutMs` passes, polling with backoff (1 s, up
 * to 5 s); `onStatus` hears each poll. Resolves with the request as last read.
 */
export async function waitForDecision(
  deps: Deps,
  id: string,
  timeoutMs: number,
  flags: CallerFlags,
  onStatus: (request: ApprovalRequest, waitedMs: number) => void,
  sleep: (ms: number) => Promise<void>,
): Promise<ApprovalRequest> {
  const ctx = await actingContext(deps, flags);
  const started = deps.clock.now();
  let delay = 1000;
  for (;;) {
    const now = deps.clock.now();
    const request = await getRequest(ctx.stores, id);
    const current = await expireLazily(deps, ctx, request, now) ?? request;
    onStatus(current, now - started);
    if (current.status !== "pending" || now - started >= timeoutMs) return current;
    await sleep(Math.min(delay, Math.max(0, started + timeoutMs - now)));
    delay = Math.min(delay * 1.5, 5000);
  }
}

/**
 * For issuance: an approved, unexpired request of `user` for the profile and role, the one whose
 * window ends last.
 */
export async function approvalCover(
  stores: Stores,
  user: string,
  profile: string,
  roleArn: string,
  now: number,
): Promise<ApprovalCover | undefined> {
  const approved = (await stores.approvals.approvedFor(user, profile, now))
    .filter((r) => r.roleArn === roleArn && r.windowEndsAt !== undefined && r.windowEndsAt > now)
    .sort((a, b) => b.windowEndsAt! - a.windowEndsAt!);
  const best = approved[0];
  return best === undefined ? undefined : {
    id: best.id,
    windowEndsAt: best.windowEndsAt!,
    maxDurationSeconds: best.durationSeconds,
  };
}

async function getRequest(stores: Stores, id: string): Promise<ApprovalRequest> {
  const request = await stores.approvals.get(id);
  if (request === undefined) {
    throw new SentinelError(
      ExitCode.Usage,
      `there is no request ${id} in this store; list them with \`sentinel requests\` (check --store and --profile)`,
      { code: "not_found" },
    );
  }
  return request;
}

/** Stores and announces the expiry of a pending request that is due; the expired request, or undefined. */
async function expireLazily(
  deps: Deps,
  ctx: ReadingContext,
  request: ApprovalRequest,
  now: number,
): Promise<ApprovalRequest | undefined> {
  const expired = expireIfDue(request, now);
  if (expired === undefined) return undefined;
  if (await ctx.stores.approvals.transition(expired, request.version)) {
    await logTransition(deps, request, expired, "sentinel", ctx);
    const report = await notifierOf(deps, ctx.plugins).notify(
      "approval_expired",
      eventData(expired),
    );
    reportDelivery(deps, "the expiry notice", report);
    return expired;
  }
  const reread = await ctx.stores.approvals.get(request.id);
  return reread === undefined || statusAt(reread, now) === "pending" ? undefined : reread;
}

async function logTransition(
  deps: Deps,
  before: ApprovalRequest | undefined,
  after: ApprovalRequest,
  actor: string,
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

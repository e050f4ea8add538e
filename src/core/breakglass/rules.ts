/**
 * What the policy's `breakglass:` section says about one invocation: which rule allows it, how
 * long the access lasts, which rate limits it must fit in (as store slots), whether the invoker's
 * last event must have been reviewed, and who may close or review an event. Pure.
 *
 * @example
 * ```ts
 * import { invocationPlan } from "./rules.ts";
 *
 * const rule = {
 *   name: "sre", profiles: ["prod"], users: ["alice"], max_duration: 3600, cooldown: 1800,
 *   quota: { per_user: { max: 3, window: 86_400 } },
 * };
 * const plan = invocationPlan(rule, { user: "alice", profile: "prod", now: 0, requestedSeconds: 7200 });
 * console.assert(plan.endsAt === 3_600_000 && plan.slots.length === 2);
 * ```
 * @module
 */
import { formatDuration, formatWait } from "../text/duration.ts";
import { SentinelError } from "../errors.ts";
import { type Principal, samePrincipal } from "../identity.ts";
import { MAX_CLOCK_SKEW_SECONDS, MIN_WINDOW_SECONDS } from "../limits.ts";
import { compileNameMatcher } from "../policy/glob.ts";
import { arnNamedHint } from "../approval/rules.ts";
import { compilePrincipalMatcher } from "../policy/principal.ts";
import type {
  ApprovalRule,
  BreakglassReasonCode,
  BreakglassRule,
  PolicyDocument,
} from "../policy/schema.ts";
import type { BreakglassEvent, QuotaSlot } from "./event.ts";

/** Access length when neither the invocation nor the rule says: one hour. */
export const DEFAULT_BREAKGLASS_SECONDS = 3600;
/** The window escalation counts over when the rule sets no quota: one day. */
export const DEFAULT_ESCALATION_WINDOW_SECONDS = 86_400;

/** The rule allowing `user` to break glass into `profile` for `reasonCode`, or why none does. */
export function breakglassRuleFor(
  rules: readonly BreakglassRule[] | undefined,
  user: string,
  profile: string,
  reasonCode: BreakglassReasonCode,
  roleArn?: string,
): BreakglassRule {
  const covering = (rules ?? []).filter((rule) => ruleCovers(rule, user, profile, roleArn));
  const allowing = covering.find((rule) =>
    rule.reason_codes === undefined || rule.reason_codes.includes(reasonCode)
  );
  if (allowing !== undefined) return allowing;
  if (covering.length > 0) {
    const codes = [...new Set(covering.flatMap((rule) => rule.reason_codes ?? []))];
    throw new SentinelError(
      "breakglass_reason_not_allowed",
      `break-glass for ${profile} with reason code "${reasonCode}" is not allowed for ${user}; allowed: ${
        codes.join(", ")
      }`,
    );
  }
  throw new SentinelError(
    "breakglass_not_allowed",
    `no breakglass: rule allows ${user} to break glass into ${profile}${
      roleArn === undefined ? "" : ` (${roleArn})`
    }; ask your security team to add one (see the policy reference)`,
  );
}

/** Whether `rule` names `user`, `profile` and (when the rule names roles) `roleArn`. */
export function ruleCovers(
  rule: BreakglassRule,
  user: string,
  profile: string,
  roleArn: string | undefined,
): boolean {
  return compileNameMatcher(rule.profiles)(profile) && compilePrincipalMatcher(rule.users)(user) &&
    (rule.roles === undefined || rule.roles.length === 0 ||
      (roleArn !== undefined && compileNameMatcher(rule.roles)(roleArn)));
}

/** The longest event `rule` allows, seconds. */
export function breakglassMaxSeconds(rule: BreakglassRule): number {
  return rule.max_duration ?? DEFAULT_BREAKGLASS_SECONDS;
}

/** What one invocation must fit in. */
export interface InvocationPlan {
  /** When the access ends, epoch ms. */
  endsAt: number;
  /** Every rate limit, as store slots. */
  slots: QuotaSlot[];
  /** With `require_review`: the invoker, whose last event must have been reviewed. */
  requireReviewOf?: string;
  /**
   * Escalation: when the invoker's (or the profile's) invocations within its window reach the
   * threshold, an escalation event goes out. The windows are the quota windows, else a day.
   */
  escalation?: { threshold: number; userWindowMs: number; profileWindowMs: number };
}

/**
 * Plans an invocation under `rule`. Rate limits are the rule's own (their keys carry the rule's
 * name), so a rule with a short window never erases the uses another rule still counts.
 */
export function invocationPlan(
  rule: BreakglassRule,
  request: { user: string; profile: string; now: number; requestedSeconds?: number },
): InvocationPlan {
  const seconds = invocationSeconds(rule, request.requestedSeconds);
  const { user, profile } = request;
  const { cooldown, userSlot, profileSlot } = quotaSlots(rule, user, profile);
  const slots = [cooldown, userSlot, profileSlot].filter((slot) => slot !== undefined);
  const day = DEFAULT_ESCALATION_WINDOW_SECONDS * 1000;
  return {
    endsAt: request.now + seconds * 1000,
    slots,
    ...(rule.require_review ? { requireReviewOf: user } : {}),
    ...(rule.escalation_threshold === undefined ? {} : {
      escalation: {
        threshold: rule.escalation_threshold,
        userWindowMs: userSlot?.windowMs ?? day,
        profileWindowMs: profileSlot?.windowMs ?? day,
      },
    }),
  };
}

/** How long the event lasts: as asked, capped by the rule; too short to use is refused. */
function invocationSeconds(rule: BreakglassRule, requestedSeconds: number | undefined): number {
  const max = breakglassMaxSeconds(rule);
  const seconds = Math.min(requestedSeconds ?? max, max);
  if (seconds >= MIN_WINDOW_SECONDS) return seconds;
  throw new SentinelError(
    requestedSeconds !== undefined && requestedSeconds < MIN_WINDOW_SECONDS
      ? "window_too_short"
      : "rule_window_too_short",
    `a break-glass of ${
      formatDuration(seconds)
    } could never be used: sessions need 15 minutes left, so it must last at least ${
      formatDuration(MIN_WINDOW_SECONDS)
    }${
      seconds === max
        ? ` (rule "${rule.name}" caps it at ${formatDuration(max)}: raise its max_duration)`
        : ""
    }`,
  );
}

/** The rule's rate limits for this user and profile: cooldown, per-user and per-profile quotas. */
function quotaSlots(rule: BreakglassRule, user: string, profile: string) {
  const cooldown: QuotaSlot | undefined = rule.cooldown === undefined ? undefined : {
    key: `${rule.name}:cooldown:${user}:${profile}`,
    max: 1,
    windowMs: rule.cooldown * 1000,
    label: `${user} broke glass into ${profile} less than ${
      formatDuration(rule.cooldown)
    } ago, and that cooldown must pass between invocations`,
  };
  const perUser = rule.quota?.per_user;
  const userSlot: QuotaSlot | undefined = perUser && {
    key: `${rule.name}:user:${user}`,
    max: perUser.max,
    windowMs: perUser.window * 1000,
    label: `the per-user quota (${perUser.max} per ${formatDuration(perUser.window)}) of ${user}`,
  };
  const perProfile = rule.quota?.per_profile;
  const profileSlot: QuotaSlot | undefined = perProfile && {
    key: `${rule.name}:profile:${profile}`,
    max: perProfile.max,
    windowMs: perProfile.window * 1000,
    label: `the per-profile quota (${perProfile.max} per ${
      formatDuration(perProfile.window)
    }) of ${profile}`,
  };
  return { cooldown, userSlot, profileSlot };
}

/**
 * Whether the event is active at `now`: not closed, not ended. Sessions issued under it never
 * outlive {@link BreakglassEvent.endsAt}.
 */
export function isActive(event: BreakglassEvent, now: number): boolean {
  return event.closedAt === undefined && now < event.endsAt;
}

/** Who asks to use an event: the policy's name for them, the profile and role, and when. */
export interface EventUse {
  user: string;
  profile: string;
  roleArn: string;
  now: number;
}

/** An event that lends access now: until when, and the longest session it may lend. */
export interface HeldEvent {
  ok: true;
  endsAt: number;
  maxSessionSeconds: number;
}

/** Why an event lends nothing; `unannounced` when only its announcement is missing. */
export interface FailedEvent {
  ok: false;
  why: string;
  unannounced?: true;
}

/**
 * Whether a stored break-glass event lends access to `use` under the policy in force: the event
 * is the user's own for this profile and role, open (not closed, not over), announced, not
 * stamped in the future (beyond {@link MAX_CLOCK_SKEW_SECONDS}), and still valid under the
 * current `breakglass:` rules — the rule it names exists, names the user, the profile and the
 * role, allows its reason code, and its length is within the rule's `max_duration`. A record
 * that fails any of this (written straight into the store, or made under a policy since
 * changed) grants nothing. Role guards (deny rules naming the role) are the verdict's to apply.
 */
export function eventHolds(
  event: BreakglassEvent,
  document: Pick<PolicyDocument, "breakglass">,
  use: EventUse,
): HeldEvent | FailedEvent {
  const fail = (why: string): FailedEvent => ({ ok: false, why });
  if (event.invoker !== use.user) return fail(`it was invoked by ${event.invoker}`);
  if (event.profile !== use.profile || event.roleArn !== use.roleArn) {
    return fail(`it is for ${event.profile} (${event.roleArn})`);
  }
  if (event.closedAt !== undefined) return fail(`it was closed by ${event.closedBy}`);
  if (use.now >= event.endsAt) return fail("it is over");
  if (event.createdAt > use.now + MAX_CLOCK_SKEW_SECONDS * 1000) {
    return fail("it was invoked in the future (a clock ahead?)");
  }
  const rule = document.breakglass?.find((candidate) => candidate.name === event.rule);
  if (rule === undefined) {
    return fail(`the policy has no breakglass: rule "${event.rule}" any more`);
  }
  if (!ruleCovers(rule, use.user, use.profile, use.roleArn)) {
    return fail(
      `breakglass: rule "${rule.name}" does not name ${use.user} for ${use.profile} (${use.roleArn})`,
    );
  }
  if (rule.reason_codes !== undefined && !rule.reason_codes.includes(event.reasonCode)) {
    return fail(`breakglass: rule "${rule.name}" does not allow reason code "${event.reasonCode}"`);
  }
  const max = breakglassMaxSeconds(rule);
  const lengthMs = event.endsAt - event.createdAt;
  if (lengthMs > max * 1000) {
    return fail(
      `it lasts ${formatDuration(Math.ceil(lengthMs / 1000))}, longer than the ${
        formatDuration(max)
      } breakglass: rule "${rule.name}" allows`,
    );
  }
  if (event.announcedAt === undefined) {
    return { ok: false, why: "it has not been announced to the notifiers yet", unannounced: true };
  }
  return { ok: true, endsAt: event.endsAt, maxSessionSeconds: max };
}

/** Who may close an event early: its invoker, or an approver of the profile. */
export function mayClose(
  event: BreakglassEvent,
  actor: Principal,
  approvals: readonly ApprovalRule[] | undefined,
): boolean {
  return samePrincipal(actor, invokerOf(event)) ||
    isApproverOf(approvals, event.profile, actor.name);
}

/** Who may review an event: the rule's reviewers or the profile's approvers — never the invoker. */
export function mayReview(
  event: BreakglassEvent,
  actor: Principal,
  rule: BreakglassRule | undefined,
  approvals: readonly ApprovalRule[] | undefined,
): { ok: true } | { ok: false; why: string } {
  if (samePrincipal(actor, invokerOf(event))) {
    return {
      ok: false,
      why: `${actor.name} invoked break-glass event ${event.id} and cannot review it`,
    };
  }
  const reviewer = rule?.reviewers !== undefined &&
    compilePrincipalMatcher(rule.reviewers)(actor.name);
  if (reviewer || isApproverOf(approvals, event.profile, actor.name)) return { ok: true };
  return {
    ok: false,
    why:
      `${actor.name} is neither a reviewer of break-glass rule "${event.rule}" nor an approver of ${event.profile}${
        arnNamedHint(actor.name)
      }`,
  };
}

/** The invoker of an event as a principal. */
export function invokerOf(event: BreakglassEvent): Principal {
  return { name: event.invoker, arn: event.invokerArn };
}

function isApproverOf(
  approvals: readonly ApprovalRule[] | undefined,
  profile: string,
  actor: string,
): boolean {
  return (approvals ?? []).some((rule) =>
    compileNameMatcher(rule.profiles)(profile) && compilePrincipalMatcher(rule.approvers)(actor)
  );
}

/** The refusal for a rate limit that is used up (or a cooldown that has not passed). */
export function quotaRefusal(slot: QuotaSlot, freesAt: number, now: number): SentinelError {
  const full = slot.key.includes(":cooldown:") ? slot.label : `${slot.label} is used up`;
  return new SentinelError(
    "breakglass_rate_limited",
    `break-glass refused: ${full}; the next one can start at ${
      new Date(freesAt).toISOString()
    } (in ${formatWait((freesAt - now) / 1000)})`,
  );
}

/** The refusal while the invoker's last event awaits review. */
export function reviewRefusal(user: string, eventId: string): SentinelError {
  return new SentinelError(
    "breakglass_review_pending",
    `break-glass refused: ${user}'s last break-glass event ${eventId} has not been reviewed yet; someone allowed to review it must run \`sentinel breakglass review ${eventId} --notes "…"\``,
  );
}

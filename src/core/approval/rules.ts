/**
 * What the policy's `approvals:` section says about one request: which rule governs it, who may
 * approve it, how many distinct approvals it needs, whether it approves itself, and how long its
 * window and its pending life last. Pure.
 *
 * @example
 * ```ts
 * import { approvalRuleFor, mayApprove } from "./rules.ts";
 *
 * const rule = approvalRuleFor({ approvals: [{ name: "prod", profiles: ["prod*"], approvers: ["bob"] }] }, "prod");
 * console.assert(rule !== undefined && mayApprove(rule, { name: "bob" }, { name: "alice" }).ok);
 * console.assert(!mayApprove(rule!, { name: "alice" }, { name: "alice" }).ok);
 * ```
 * @module
 */
import { compileNameMatcher } from "../policy/glob.ts";
import { type Principal, samePrincipal } from "../identity.ts";
import { MAX_CLOCK_SKEW_SECONDS, STS_MAX_DURATION_SECONDS } from "../limits.ts";
import { formatDuration } from "../text/duration.ts";
import { compilePrincipalMatcher, isArnName } from "../policy/principal.ts";
import type { ApprovalRule, PolicyDocument } from "../policy/schema.ts";
import { CompiledTimeWindow, ZoneClocks } from "../policy/time/window.ts";
import type { ApprovalRequest } from "./request.ts";

/** How long a pending request lives when its rule sets no `request_ttl`. */
export const DEFAULT_REQUEST_TTL_SECONDS = 24 * 3600;
/** How long a terminal request is kept. */
export const REQUEST_RETENTION_SECONDS = 90 * 86_400;
/**
 * How long a stored request may wait for its announcement before it is withdrawn: longer than an
 * announcement can take (routers, then notifiers, each stage bounded by its plugins' timeouts of
 * at most 5 minutes), so only a request whose maker stopped before announcing it is.
 */
export const ANNOUNCE_GRACE_SECONDS = 30 * 60;

/** The first `approvals:` rule whose profiles match, or `undefined` (then nobody can approve). */
export function approvalRuleFor(
  document: Pick<PolicyDocument, "approvals">,
  profile: string,
): ApprovalRule | undefined {
  return document.approvals?.find((rule) => compileNameMatcher(rule.profiles)(profile));
}

/** Distinct approvals a request under `rule` needs. */
export function requiredApprovals(rule: ApprovalRule): number {
  return rule.required_approvals ?? 1;
}

/**
 * Whether `approver` may approve a request of `requester` under `rule`, and why not: never the
 * requester (the same name under the policy, or the same ARN), and only a principal the rule's
 * `approvers` name (a plain pattern never matches an ARN-named identity; see policy/principal.ts).
 */
export function mayApprove(
  rule: ApprovalRule,
  approver: Principal,
  requester: Principal,
): { ok: true } | { ok: false; why: string } {
  if (samePrincipal(approver, requester)) {
    return { ok: false, why: `${approver.name} asked for this access and cannot approve it` };
  }
  if (!compilePrincipalMatcher(rule.approvers)(approver.name)) {
    return {
      ok: false,
      why: `${approver.name} is not an approver under approval rule "${rule.name}" (approvers: ${
        rule.approvers.join(", ")
      })${arnNamedHint(approver.name)}`,
    };
  }
  return { ok: true };
}

/**
 * Why an identity is named by its ARN, for refusals: the policy names plain identities only in
 * the accounts it trusts, and never by a self-chosen federation name.
 */
export function arnNamedHint(name: string): string {
  return isArnName(name)
    ? "; an identity is named by its ARN when its account is not one the policy's identity.accounts lists (by default the role's own account) or when it is a federated user, whose name is self-chosen: a policy that means to trust it lists the ARN, or an ARN pattern"
    : "";
}

/** Whether a request approves itself at creation under the rule's `auto_approve`. */
export function autoApproves(
  rule: ApprovalRule,
  requester: string,
  durationSeconds: number,
  now: number,
): boolean {
  const auto = rule.auto_approve;
  if (auto === undefined) return false;
  if (
    auto.users !== undefined && auto.users.length > 0 &&
    !compilePrincipalMatcher(auto.users)(requester)
  ) return false;
  if (auto.max_duration !== undefined && durationSeconds > auto.max_duration) return false;
  if (
    auto.time !== undefined && !new CompiledTimeWindow(auto.time, new ZoneClocks()).contains(now)
  ) {
    return false;
  }
  return true;
}

/**
 * The session length a request may ask for: the asked duration capped by the approval rule's
 * `max_duration` and the access rule's `max_duration` (whichever are set).
 */
export function grantedDuration(
  askedSeconds: number,
  rule: ApprovalRule,
  accessRuleMaxSeconds: number | undefined,
): number {
  return Math.min(
    askedSeconds,
    rule.max_duration ?? Infinity,
    accessRuleMaxSeconds ?? Infinity,
  );
}

/** How long a pending request under `rule` lives. */
export function requestTtlSeconds(rule: ApprovalRule): number {
  return rule.request_ttl ?? DEFAULT_REQUEST_TTL_SECONDS;
}

/**
 * The longest window the policy in force allows an approval of `rule`: the approval rule's
 * `max_duration` and the deciding access rule's (whichever are set), within STS's 12 hours.
 */
export function approvalCapSeconds(
  rule: ApprovalRule,
  accessRuleMaxSeconds: number | undefined,
): number {
  return Math.min(
    rule.max_duration ?? Infinity,
    accessRuleMaxSeconds ?? Infinity,
    STS_MAX_DURATION_SECONDS,
  );
}

/** An approval that still holds: its window, and the longest session it may lend. */
export interface HeldApproval {
  ok: true;
  windowEndsAt: number;
  maxSessionSeconds: number;
}

/**
 * Whether an approved request still grants access at `now` under `rule` (the policy issuance runs
 * under, which may be newer than the one it was approved under): the rule still covers the
 * profile; every approval is by a distinct approver the rule names, never the requester (or the
 * request was auto-approved and the rule's `auto_approve` still admits it); there are as many as
 * the rule now requires; and the window is real — opened after the request was made and not in
 * the future (beyond {@link MAX_CLOCK_SKEW_SECONDS}), no longer than the duration approved nor
 * than the caps the policy sets now (`accessRuleMaxSeconds` is the deciding rule's), and not yet
 * over. A record that fails any of this (forged in the store, approved by someone the policy no
 * longer trusts, stamped by a clock that was ahead, longer than the policy now allows) grants
 * nothing.
 */
export function approvalHolds(
  request: ApprovalRequest,
  rule: ApprovalRule | undefined,
  now: number,
  accessRuleMaxSeconds?: number,
): HeldApproval | { ok: false; why: string } {
  const fail = (why: string) => ({ ok: false as const, why });
  if (request.status !== "approved") return fail(`it is ${request.status}`);
  if (rule === undefined) return fail(`no approvals: rule covers ${request.profile} any more`);
  const { decidedAt, windowEndsAt } = request;
  if (decidedAt === undefined || windowEndsAt === undefined) return fail("it has no window");
  if (decidedAt > now + MAX_CLOCK_SKEW_SECONDS * 1000) {
    return fail("it was approved in the future (a clock ahead?)");
  }
  if (decidedAt < request.createdAt) return fail("it was approved before it was made");
  const windowMs = windowEndsAt - decidedAt;
  if (windowMs > request.durationSeconds * 1000) {
    return fail("its window is longer than the duration approved");
  }
  const cap = approvalCapSeconds(rule, accessRuleMaxSeconds);
  if (windowMs > cap * 1000) {
    return fail(
      `its window of ${formatDuration(Math.ceil(windowMs / 1000))} is longer than the ${
        formatDuration(cap)
      } the policy now allows; request again`,
    );
  }
  if (now >= windowEndsAt) return fail("its window is over");
  const held = {
    ok: true as const,
    windowEndsAt,
    maxSessionSeconds: Math.min(request.durationSeconds, cap),
  };
  const autoApproved = request.decidedBy === AUTO_APPROVER && request.approvals.length === 0;
  if (autoApproved) {
    return autoApproves(rule, request.requester, request.durationSeconds, decidedAt)
      ? held
      : fail(`the rule's auto_approve does not admit it`);
  }
  const approvers = new Set(request.approvals.map((a) => a.approver));
  const arns = request.approvals.flatMap((a) => a.approverArn === undefined ? [] : [a.approverArn]);
  if (approvers.size !== request.approvals.length || new Set(arns).size !== arns.length) {
    return fail("an approver counted twice");
  }
  const requester = { name: request.requester, arn: request.requesterArn };
  for (const approval of request.approvals) {
    const verdict = mayApprove(
      rule,
      { name: approval.approver, arn: approval.approverArn },
      requester,
    );
    if (!verdict.ok) return fail(verdict.why);
  }
  const needed = requiredApprovals(rule);
  if (approvers.size < needed) {
    return fail(`it has ${approvers.size} approval(s) and the rule now needs ${needed}`);
  }
  return held;
}

/** The actor recorded for an auto-approval. */
export const AUTO_APPROVER = "policy";

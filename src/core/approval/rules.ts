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
 * console.assert(rule !== undefined && mayApprove(rule, "bob", "alice").ok);
 * console.assert(!mayApprove(rule!, "alice", "alice").ok);
 * ```
 * @module
 */
import { compileNameMatcher } from "../policy/glob.ts";
import type { ApprovalRule, PolicyDocument } from "../policy/schema.ts";
import { CompiledTimeWindow, ZoneClocks } from "../policy/time_window.ts";
import type { ApprovalRequest } from "./request.ts";

/** How long a pending request lives when its rule sets no `request_ttl`. */
export const DEFAULT_REQUEST_TTL_SECONDS = 24 * 3600;
/** How long a terminal request is kept. */
export const REQUEST_RETENTION_SECONDS = 90 * 86_400;

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

/** Whether `approver` may approve a request of `requester` under `rule`, and why not. */
export function mayApprove(
  rule: ApprovalRule,
  approver: string,
  requester: string,
): { ok: true } | { ok: false; why: string } {
  if (approver === requester) {
    return { ok: false, why: `${approver} asked for this access and cannot approve it` };
  }
  if (!compileNameMatcher(rule.approvers)(approver)) {
    return {
      ok: false,
      why: `${approver} is not an approver under approval rule "${rule.name}" (approvers: ${
        rule.approvers.join(", ")
      })`,
    };
  }
  return { ok: true };
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
    !compileNameMatcher(auto.users)(requester)
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
 * Whether an approved request still grants access at `now` under `rule` (the policy issuance runs
 * under, which may be newer than the one it was approved under): the rule still covers the
 * profile; every approval is by a distinct approver the rule names, never the requester (or the
 * request was auto-approved and the rule's `auto_approve` still admits it); there are as many as
 * the rule now requires; and the window is real — opened in the past, ending no later than the
 * approved duration after it opened, and not yet over. A record that fails any of this (forged in
 * the store, approved by someone the policy no longer trusts, stamped by a clock that was ahead)
 * grants nothing.
 */
export function approvalHolds(
  request: ApprovalRequest,
  rule: ApprovalRule | undefined,
  now: number,
): { ok: true; windowEndsAt: number } | { ok: false; why: string } {
  const fail = (why: string) => ({ ok: false as const, why });
  if (request.status !== "approved") return fail(`it is ${request.status}`);
  if (rule === undefined) return fail(`no approvals: rule covers ${request.profile} any more`);
  const { decidedAt, windowEndsAt } = request;
  if (decidedAt === undefined || windowEndsAt === undefined) return fail("it has no window");
  if (decidedAt > now) return fail("it was approved in the future (a clock ahead?)");
  if (windowEndsAt > decidedAt + request.durationSeconds * 1000) {
    return fail("its window is longer than the duration approved");
  }
  if (now >= windowEndsAt) return fail("its window is over");
  const autoApproved = request.decidedBy === AUTO_APPROVER && request.approvals.length === 0;
  if (autoApproved) {
    return autoApproves(rule, request.requester, request.durationSeconds, decidedAt)
      ? { ok: true, windowEndsAt }
      : fail(`the rule's auto_approve does not admit it`);
  }
  const approvers = new Set(request.approvals.map((a) => a.approver));
  if (approvers.size !== request.approvals.length) return fail("an approver counted twice");
  for (const approver of approvers) {
    const verdict = mayApprove(rule, approver, request.requester);
    if (!verdict.ok) return fail(verdict.why);
  }
  const needed = requiredApprovals(rule);
  if (approvers.size < needed) {
    return fail(`it has ${approvers.size} approval(s) and the rule now needs ${needed}`);
  }
  return { ok: true, windowEndsAt };
}

/** The actor recorded for an auto-approval. */
export const AUTO_APPROVER = "policy";

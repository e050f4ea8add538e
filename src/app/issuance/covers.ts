/**
 * What an issuance needs when the policy does not simply allow: the covers that can lend access
 * the policy does not give (an active break-glass event, an approved request that still holds
 * under the current policy) and the notice of a denial to the configured notifiers. Kept apart
 * from decision.ts, which imports it only then, so that an allowed issuance loads neither
 * the stores nor the notifiers.
 *
 * @module
 */
import { ruleCovers } from "../../core/breakglass/rules.ts";
import type { IssuanceSubject } from "../../core/issuance/record.ts";
import type { IssuanceSettings } from "../../core/issuance/settings.ts";
import type { ApprovalCover, BreakglassCover } from "../../core/issuance/verdict.ts";
import type { Decision } from "../../core/policy/decision.ts";
import type { PolicyDocument } from "../../core/policy/schema.ts";
import type { Deps } from "../../ports/deps.ts";
import type { Stores } from "../../ports/stores.ts";
import { approvalCover } from "../approvals.ts";
import { breakglassCover } from "../breakglass.ts";
import { notifierOf, reportDelivery } from "../notify.ts";

/** What the user's stored records lend this issuance, and why the others lend nothing. */
export interface Covers {
  approval?: ApprovalCover;
  breakglass?: BreakglassCover;
  unusable: string[];
  /** Whether a `breakglass:` rule would let the user in (for the refusal's advice). */
  breakglassAllowed: boolean;
}

/**
 * What can lend access the policy does not give, each record judged again against the policy in
 * force: an open break-glass event of the user for the profile and role (any decision), or an
 * approved request (for `require_approval`).
 */
export async function coversFor(
  deps: Deps,
  stores: Stores,
  settings: IssuanceSettings,
  policy: PolicyDocument,
  subject: IssuanceSubject,
  decision: Decision,
  now: number,
): Promise<Covers> {
  const { user, profile, roleArn } = subject;
  const destinations = { logFile: settings.logFile, plugins: settings.plugins };
  const use = { user, profile, roleArn, now };
  const events = await breakglassCover(deps, stores, policy, use, destinations);
  const breakglassAllowed = breakglassRuleCovers(policy, subject);
  if (events.cover !== undefined || decision.effect !== "require_approval") {
    return { breakglass: events.cover, unusable: events.unusable, breakglassAllowed };
  }
  const approvals = await approvalCover(stores, policy, subject, now, decision.maxDurationSeconds);
  return {
    approval: approvals.cover,
    unusable: [...events.unusable, ...approvals.unusable],
    breakglassAllowed,
  };
}

/** Whether a `breakglass:` rule of `policy` names the subject's user, profile and role. */
export function breakglassRuleCovers(policy: PolicyDocument, subject: IssuanceSubject): boolean {
  return (policy.breakglass ?? []).some((rule) =>
    ruleCovers(rule, subject.user, subject.profile, subject.roleArn)
  );
}

/** Tells the notifiers that take `credential_denied` about a refusal. */
export async function announceDenial(
  deps: Deps,
  settings: IssuanceSettings,
  subject: IssuanceSubject,
  decision: Decision,
): Promise<void> {
  const report = await notifierOf(deps, settings.plugins).notify("credential_denied", {
    user: subject.user,
    profile: subject.profile,
    role_arn: subject.roleArn,
    effect: decision.effect,
    rule: decision.rule,
    reason: decision.reason,
    request_id: subject.decisionId,
  });
  reportDelivery(deps, "the denial notice", report);
}

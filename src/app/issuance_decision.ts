/**
 * The decision half of a cold issuance: the asker and the policy (profile_context.ts), the
 * evaluation, and what may lend access the policy does not give (an approved request, an active
 * break-glass event) — ending in a verdict. A refusal is logged and announced here, then thrown.
 *
 * @module
 */
import {
  type DecisionFacts,
  decisionRecord,
  type IssuanceSubject,
} from "../core/issuance/record.ts";
import type { IssuanceSettings } from "../core/issuance/settings.ts";
import {
  type ApprovalCover,
  type BreakglassCover,
  issuanceVerdict,
  type Verdict,
} from "../core/issuance/verdict.ts";
import { compilePolicy, type Decision, deniesRole, evaluate } from "../core/policy/evaluate.ts";
import type { CredentialMode, PolicyDocument } from "../core/policy/schema.ts";
import type { Deps } from "../ports/deps.ts";
import type { Stores } from "../ports/stores.ts";
import { approvalCover } from "./approvals.ts";
import { breakglassCover } from "./breakglass.ts";
import { notifierOf, reportDelivery } from "./notify.ts";
import { type ProfileContext, profileContext } from "./profile_context.ts";
import type { ProfileSettings } from "./profile_settings.ts";
import { recordDecision } from "./record_decision.ts";

/** Everything a cold issuance decided, for the steps after it. */
export interface IssuanceDecision extends ProfileContext {
  subject: IssuanceSubject;
  decision: Decision;
  /** An issuing verdict (refusals are thrown). */
  verdict: Extract<Verdict, { issue: true }>;
  now: number;
  /** Logs one decision record about this issuance. */
  record(facts: Omit<DecisionFacts, "decision" | "time" | "cacheHit" | "subject">): Promise<void>;
}

/** Decides a cold issuance; throws (after logging and notifying) when it is refused. */
export async function decideIssuance(
  deps: Deps,
  profile: ProfileSettings,
  mode: CredentialMode,
): Promise<IssuanceDecision> {
  const context = await profileContext(deps, profile);
  const { settings, identity, policy } = context;
  const now = deps.clock.now();
  const subject: IssuanceSubject = {
    user: context.user,
    identityArn: identity.arn,
    profile: settings.profile,
    roleArn: settings.roleArn,
    mode,
    policySource: policy.source,
    policyHash: policy.hash,
    requestId: deps.ids.newId(),
  };
  const compiled = compilePolicy(policy.document);
  const decision = evaluate(compiled, { ...subject, time: now });
  const destinations = { logFile: settings.logFile, plugins: settings.plugins };
  const record: IssuanceDecision["record"] = (facts) =>
    recordDecision(
      deps,
      decisionRecord({ subject, decision, time: now, cacheHit: false, ...facts }),
      destinations,
    );
  let covers = {};
  if (decision.effect !== "allow") {
    try {
      covers = await coversFor(
        await context.stores(),
        policy.document,
        subject,
        now,
        decision.effect,
      );
    } catch (error) {
      // The refusal stands without the store; it is logged like any other.
      await record({
        outcome: "denied",
        failure: `store unavailable: ${(error as Error).message}`,
      });
      throw error;
    }
  }
  const verdict = issuanceVerdict({
    decision,
    roleDenied: deniesRole(compiled, decision),
    ...subject,
    ...covers,
  });
  if (!verdict.issue) {
    await record({ outcome: "denied" });
    await announceDenial(deps, settings, subject, decision);
    throw verdict.error;
  }
  return { ...context, subject, decision, verdict, now, record };
}

/**
 * What can lend access the policy does not give: an active break-glass event of the user for the
 * profile and role (any decision), or an approved request (for `require_approval`).
 */
async function coversFor(
  stores: Stores,
  policy: PolicyDocument,
  subject: IssuanceSubject,
  now: number,
  effect: Decision["effect"],
): Promise<{ approval?: ApprovalCover; breakglass?: BreakglassCover }> {
  const { user, profile, roleArn } = subject;
  const breakglass = await breakglassCover(stores, user, profile, roleArn, now);
  if (breakglass !== undefined) return { breakglass };
  if (effect !== "require_approval") return {};
  const approval = await approvalCover(stores, policy, subject, now);
  return approval === undefined ? {} : { approval };
}

async function announceDenial(
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
    request_id: subject.requestId,
  });
  reportDelivery(deps, "the denial notice", report);
}

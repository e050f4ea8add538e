/**
 * The decision half of a cold issuance: the asker and the policy (profile_context.ts), the
 * evaluation, and what may lend access the policy does not give (an approved request, an active
 * break-glass event) — ending in a verdict. A refusal is logged and announced here, then thrown.
 *
 * @module
 */
import type { Identity } from "../../core/identity.ts";
import {
  type BrokerDecider,
  type DecisionFacts,
  decisionRecord,
  type IssuanceSubject,
} from "../../core/issuance/record.ts";
import type { SentinelError } from "../../core/errors.ts";
import { issuanceVerdict, type Verdict } from "../../core/issuance/verdict.ts";
import { compilePolicy, type Decision, roleGuard } from "../../core/policy/evaluate.ts";
import { evaluateIndexed, indexPolicy, type PolicyIndex } from "../../core/policy/policy_index.ts";
import type { CredentialMode } from "../../core/policy/schema.ts";
import type { Deps } from "../../ports/deps.ts";
import { type ProfileContext, profileContext } from "./profile_context.ts";
import type { ProfileSettings } from "./profile_settings.ts";
import { type DecisionDestinations, recordDecision } from "../record_decision.ts";

/** Everything a cold issuance decided, for the steps after it. */
export interface IssuanceDecision extends ProfileContext {
  subject: IssuanceSubject;
  /** The policy, indexed by profile: the warm path keeps a slice of it for the subject. */
  index: PolicyIndex;
  decision: Decision;
  /** An issuing verdict (refusals are thrown). */
  verdict: Extract<Verdict, { issue: true }>;
  now: number;
  /** Where this issuance's records go (`echo`: v1's `--log-stderr`). */
  destinations: DecisionDestinations;
  /** Logs one decision record about this issuance. */
  record(facts: Omit<DecisionFacts, "decision" | "time" | "cacheHit" | "subject">): Promise<void>;
}

/** Who a broker decides for: the identity a caller proof established, and the broker. */
export interface ProvenAsker {
  identity: Identity;
  broker: BrokerDecider;
}

/** Decides a cold issuance; throws (after logging and notifying) when it is refused. */
export async function decideIssuance(
  deps: Deps,
  profile: ProfileSettings,
  mode: CredentialMode,
  options: { echo?: (record: Record<string, unknown>) => void; asker?: ProvenAsker } = {},
): Promise<IssuanceDecision> {
  const { echo, asker } = options;
  const context = await profileContext(deps, profile, asker?.identity);
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
    decisionId: deps.ids.newId(),
    ...(asker === undefined ? {} : { broker: asker.broker }),
  };
  const compiled = compilePolicy(policy.document);
  const index = indexPolicy(compiled);
  const decision = evaluateIndexed(index, { ...subject, time: now });
  const destinations = { logFile: settings.logFile, plugins: settings.plugins, echo };
  const record: IssuanceDecision["record"] = (facts) =>
    recordDecision(
      deps,
      decisionRecord({ subject, decision, time: now, cacheHit: false, ...facts }),
      destinations,
    );
  const guard = decision.effect === "allow"
    ? undefined
    : roleGuard(compiled, { ...subject, time: now });
  const covers = decision.effect !== "allow" && guard === undefined
    ? await coversOf(deps, context, subject, decision, now, record)
    : {};
  const verdict = issuanceVerdict({
    decision,
    guard,
    ...subject,
    ...covers,
  });
  if (!verdict.issue) {
    await record({ outcome: "denied" });
    await (await beyondAllow()).announceDenial(deps, settings, subject, decision);
    throw verdict.error;
  }
  return { ...context, subject, index, decision, verdict, now, destinations, record };
}

/**
 * What approved requests and open break-glass events lend a decision that does not allow. A store
 * that was never created holds nothing that could lend access (and asking creates none), though a
 * `breakglass:` rule may still let the user in, which the refusal says; any other failure: the
 * refusal stands without the store, logged.
 */
async function coversOf(
  deps: Deps,
  context: ProfileContext,
  subject: IssuanceSubject,
  decision: Decision,
  now: number,
  record: IssuanceDecision["record"],
) {
  const beyond = await beyondAllow();
  try {
    return await beyond.coversFor(
      deps,
      await context.stores({ existing: true }),
      context.settings,
      context.policy.document,
      subject,
      decision,
      now,
    );
  } catch (error) {
    if ((error as SentinelError).code !== "store_missing") {
      await record({
        outcome: "denied",
        failure: `store unavailable: ${(error as Error).message}`,
      });
      throw error;
    }
    return {
      unusable: [],
      breakglassAllowed: beyond.breakglassRuleCovers(context.policy.document, subject),
    };
  }
}

/**
 * Approval and break-glass covers and the denial notice (the stores, the notifiers): imported
 * only when the policy does not simply allow, through a computed specifier so that an allowed
 * issuance never loads them.
 */
async function beyondAllow() {
  const specifier = "./covers.ts";
  return await import(specifier) as typeof import("./covers.ts");
}

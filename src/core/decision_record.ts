/**
 * The decision log's record (DESIGN §7): one object per decision, allow or deny, issued or not.
 * Built here from plain values (time is an argument); the log writer adds the chain hash.
 *
 * @module
 */
import type { Decision } from "./policy/evaluate.ts";
import type { CredentialMode } from "./policy/schema.ts";

/** Everything a decision record says. */
export interface DecisionFacts {
  time: number;
  user: string;
  identityArn: string | null;
  profile: string;
  roleArn: string;
  mode: CredentialMode;
  decision: Decision;
  outcome: "issued" | "denied";
  policySource: string;
  policyHash: string;
  requestId: string;
  sourceIdentity: string | null;
  sessionDurationSeconds: number | null;
  cacheHit: boolean;
  /** Why nothing was issued although the policy allowed (for example an STS failure). */
  failure?: string;
}

/** The record as written: snake_case keys, RFC 3339 UTC time, no secrets. */
export function decisionRecord(facts: DecisionFacts): Record<string, unknown> {
  return {
    time: new Date(facts.time).toISOString(),
    user: facts.user,
    identity_arn: facts.identityArn,
    profile: facts.profile,
    role_arn: facts.roleArn,
    mode: facts.mode,
    effect: facts.decision.effect,
    outcome: facts.outcome,
    rule: facts.decision.rule,
    rule_index: facts.decision.ruleIndex,
    reason: facts.decision.reason,
    policy_source: facts.policySource,
    policy_hash: facts.policyHash,
    request_id: facts.requestId,
    source_identity: facts.sourceIdentity,
    session_duration_seconds: facts.sessionDurationSeconds,
    approval_request_id: null,
    breakglass_event_id: null,
    cache_hit: facts.cacheHit,
    ...(facts.failure === undefined ? {} : { failure: facts.failure }),
  };
}

/**
 * The session length to ask STS for: the requested (or profile) duration, capped by the rule's
 * `max_duration`, never below STS's 900 s minimum.
 */
export function sessionDurationSeconds(
  requested: number | undefined,
  ruleMax: number | undefined,
): number {
  const wanted = requested ?? 3600;
  const capped = ruleMax === undefined ? wanted : Math.min(wanted, ruleMax);
  return Math.max(900, Math.min(capped, 43_200));
}

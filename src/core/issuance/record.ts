/**
 * The decision log's record (DESIGN §7): one object per decision, allow or deny, issued or not,
 * built here — the one place — for the warm and the cold path alike. Time is an argument; the log
 * writer adds the chain hash.
 *
 * @example
 * ```ts
 * import { decisionRecord } from "./record.ts";
 *
 * const record = decisionRecord({
 *   subject: {
 *     user: "alice", identityArn: "arn:aws:iam::123456789012:user/alice", profile: "prod",
 *     roleArn: "arn:aws:iam::123456789012:role/Prod", mode: "cli",
 *     policySource: "policy.yaml", policyHash: "ab12", decisionId: "00112233aabbccdd",
 *   },
 *   decision: { effect: "deny", rule: null, ruleIndex: -1, reason: "no rule matched" },
 *   outcome: "denied",
 *   time: Date.UTC(2026, 2, 2, 9),
 *   cacheHit: false,
 * });
 * console.assert(record.time === "2026-03-02T09:00:00.000Z" && record.outcome === "denied");
 * ```
 * @module
 */
import type { Decision } from "../policy/evaluate.ts";
import type { CredentialMode } from "../policy/schema.ts";

/** Who asked for what, under which policy: the facts shared by every record of one issuance. */
export interface IssuanceSubject {
  user: string;
  identityArn: string | null;
  profile: string;
  roleArn: string;
  mode: CredentialMode;
  policySource: string;
  policyHash: string;
  /** The id in the SourceIdentity; joins the log line to CloudTrail. */
  decisionId: string;
  /** In broker mode: the broker that decided, and the caller's unique id as STS proved it. */
  broker?: BrokerDecider;
}

/** The broker that decided an issuance, and whom for (DESIGN §15). */
export interface BrokerDecider {
  brokerId: string;
  /** `AIDA…` or `AROA…:session`: a deleted and recreated user is another person. */
  callerUserId: string;
}

/** What an approval or a break-glass event lent to an issuance. */
export interface IssuanceGrant {
  approvalRequestId?: string;
  breakglassEventId?: string;
}

/** One decision to record. */
export interface DecisionFacts {
  subject: IssuanceSubject;
  decision: Decision;
  outcome: "issued" | "denied";
  time: number;
  cacheHit: boolean;
  sourceIdentity?: string;
  sessionDurationSeconds?: number;
  grant?: IssuanceGrant;
  /** Why nothing was issued although the policy allowed (for example an STS failure). */
  failure?: string;
}

/** The record as written: snake_case keys, RFC 3339 UTC time, no secrets. */
export function decisionRecord(facts: DecisionFacts): Record<string, unknown> {
  const { subject, decision } = facts;
  return {
    type: "decision",
    time: new Date(facts.time).toISOString(),
    user: subject.user,
    identity_arn: subject.identityArn,
    profile: subject.profile,
    role_arn: subject.roleArn,
    mode: subject.mode,
    effect: decision.effect,
    outcome: facts.outcome,
    rule: decision.rule,
    rule_index: decision.ruleIndex,
    reason: decision.reason,
    policy_source: subject.policySource,
    policy_hash: subject.policyHash,
    request_id: subject.decisionId,
    source_identity: facts.sourceIdentity ?? null,
    session_duration_seconds: facts.sessionDurationSeconds ?? null,
    approval_request_id: facts.grant?.approvalRequestId ?? null,
    breakglass_event_id: facts.grant?.breakglassEventId ?? null,
    cache_hit: facts.cacheHit,
    ...(subject.broker === undefined
      ? {}
      : { broker_id: subject.broker.brokerId, caller_user_id: subject.broker.callerUserId }),
    ...(facts.failure === undefined ? {} : { failure: facts.failure }),
  };
}

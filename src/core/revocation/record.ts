/**
 * A revocation as the store keeps it (issue 21): one protected role, the SourceIdentity patterns
 * of the sessions it cuts off, and the instant before which those sessions were issued. The
 * store is where a revocation is never lost — IAM has no conditional write, so the role's policy
 * is always rewritten from every live record (app/revoke.ts) — and what a later reader audits.
 *
 * @module
 */
import { STS_MAX_DURATION_SECONDS } from "../limits.ts";

/** A revocation's id: 16 hex digits (lower case), as a decision id. */
export const REVOCATION_ID = /^[0-9a-f]{16}$/;

/** The most SourceIdentity patterns one revocation record holds. */
export const REVOCATION_MAX_PATTERNS = 50;

/** The longest SourceIdentity pattern a revocation record holds, in characters. */
export const REVOCATION_PATTERN_MAX_LENGTH = 128;

/** The longest reason a revocation record keeps, in characters. */
export const REVOCATION_REASON_MAX_LENGTH = 500;

/** What a revocation was made for. */
export type RevocationScope =
  | { kind: "user"; user: string }
  | { kind: "request"; user: string; requestId: string }
  | { kind: "event"; user: string; eventId: string }
  | { kind: "policy"; user: string };

/** One revocation on one role. Times are epoch milliseconds (UTC). */
export interface RevocationRecord {
  /** 16 hex digits; one revocation of several roles has one record per role, each its own id. */
  id: string;
  roleArn: string;
  /** `aws:SourceIdentity` patterns (core/revocation/role_policy.ts `revokedPatterns`). */
  patterns: string[];
  /** Sessions issued before this instant are cut off (rounded up to a whole second). */
  before: number;
  /** Who revoked: the verified identity's name, or `sentinel` for an automatic revocation. */
  by: string;
  scope: RevocationScope;
  /**
   * Why, as the revoker gave it (at most {@link REVOCATION_REASON_MAX_LENGTH} characters); may be
   * empty.
   */
  reason: string;
  createdAt: number;
  /**
   * After this no session it can match is alive (the longest session past `before`): the store
   * may forget it then.
   */
  expiresAt: number;
}

/** When a revocation made with cutoff `before` stops mattering. */
export function revocationExpiry(before: number): number {
  return before + STS_MAX_DURATION_SECONDS * 1000;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What a revocation was made for, as JSON (`--output json`, notifications, the log). */
export function scopeJson(scope: RevocationScope) {
  return {
    scope: scope.kind,
    user: scope.user,
    request_id: scope.kind === "request" ? scope.requestId : null,
    breakglass_event_id: scope.kind === "event" ? scope.eventId : null,
  };
}

/** One revocation across its roles, as notifications and the decision log carry it. */
export interface RevocationSummary {
  scope: RevocationScope;
  /** One record per role, made together (same cutoff, patterns and author). */
  records: readonly RevocationRecord[];
  actorArn?: string;
}

/** The revocation as JSON: whom, which roles, the cutoff, who and why. */
export function revocationJson(summary: RevocationSummary) {
  const first = summary.records[0];
  return {
    ...scopeJson(summary.scope),
    revocation_ids: summary.records.map((record) => record.id),
    role_arns: summary.records.map((record) => record.roleArn),
    source_identity_patterns: first?.patterns ?? [],
    issued_before: first === undefined ? null : iso(first.before),
    revoked_by: first?.by ?? null,
    revoked_by_arn: summary.actorArn ?? null,
    reason: first?.reason ?? "",
  };
}

/** The decision-log record of a revocation (`type: revocation`). */
export function revocationLogRecord(
  summary: RevocationSummary,
  time: number,
): Record<string, unknown> {
  return {
    type: "revocation",
    action: "revoked",
    time: iso(time),
    actor: summary.records[0]?.by ?? null,
    actor_arn: summary.actorArn ?? null,
    ...revocationJson(summary),
  };
}

/**
 * Revocation of sessions already issued (issue 21): one inline policy per protected role, named
 * for Sentinel, that denies everything to sessions whose `aws:SourceIdentity` names a revoked
 * person (every Sentinel session carries it, and a role chained from one keeps it) and whose
 * `aws:TokenIssueTime` is before the revocation — so that person's next session, issued after it,
 * is not affected, and nobody else's session is. Pure: the document, merged idempotently, with
 * statements no live session can match any more collected, and kept under IAM's size limit.
 *
 * One statement per cutoff instant, listing every SourceIdentity pattern revoked at it; a pattern
 * revoked again later moves to the later statement (deny-before-later covers deny-before-earlier).
 * When the document would exceed the limit, all statements are consolidated into one at the latest
 * cutoff: that denies more, never less (a person revoked earlier who got a new session since needs
 * another one), and is reported.
 *
 * @example
 * ```ts
 * import { mergeRevocation, revokedPatterns } from "./role_policy.ts";
 *
 * const now = Date.parse("2026-12-07T12:00:00Z");
 * const merged = mergeRevocation(undefined, { patterns: revokedPatterns("alice"), before: now }, now);
 * console.assert(merged.document.Statement.length === 1 && !merged.consolidated);
 * ```
 * @module
 */
import { SentinelError } from "../errors.ts";
import { STS_MAX_DURATION_SECONDS } from "../limits.ts";
import { formatSourceIdentity } from "../issuance/source_identity.ts";
import { globToRegExp } from "../policy/glob.ts";

/** The name of the inline role policy Sentinel keeps its revocations in. */
export const REVOCATION_POLICY_NAME = "SentinelRevocations";

/**
 * IAM's limit on a role's inline policies, all of them together, in characters without
 * whitespace (IAM quotas: "Role policy size … 10,240 characters").
 */
export const ROLE_INLINE_POLICY_LIMIT = 10_240;

/** One revocation statement as Sentinel writes it. */
export interface RevocationStatement {
  Sid: string;
  Effect: "Deny";
  Action: "*";
  Resource: "*";
  Condition: {
    StringLike: { "aws:SourceIdentity": string[] };
    DateLessThan: { "aws:TokenIssueTime": string };
  };
}

/** What writing revocations takes on each protected role, and nothing else. */
export const REVOKER_ACTIONS = ["iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"];

/** The identity policy of whoever writes the revocation policies of `roleArns`. */
export function revokerIamPolicy(roleArns: readonly string[]) {
  return {
    Version: "2012-10-17" as const,
    Statement: [{
      Sid: "SentinelRevocations",
      Effect: "Allow" as const,
      Action: [...REVOKER_ACTIONS],
      Resource: [...roleArns],
    }],
  };
}

/** The revocation policy of one role. */
export interface RevocationDocument {
  Version: "2012-10-17";
  Statement: RevocationStatement[];
}

/** What to revoke: sessions whose SourceIdentity matches a pattern, issued before `before`. */
export interface Revocation {
  patterns: readonly string[];
  /** Epoch ms; IAM compares to the second, so it is rounded up to the next whole second. */
  before: number;
}

/**
 * The SourceIdentity patterns of `user`'s sessions: every one (`sentinel=<user>=*`), or, with
 * `breakglass`, only those issued under break-glass (`sentinel=<user>=bg*`). The user is escaped
 * and cut exactly as the stamp is, so a long name still matches its own sessions — and a
 * break-glass stamp, whose id is two characters longer, cuts a long name two characters sooner,
 * so such a name gets a second pattern for those. (A cut name also matches the longer names that
 * share its first characters: the stamp cannot tell them apart.)
 */
export function revokedPatterns(user: string, options: { breakglass?: boolean } = {}): string[] {
  const prefix = (breakglass: boolean) => {
    const stamp = formatSourceIdentity(user, "0".repeat(16), { breakglass });
    return stamp.slice(0, stamp.lastIndexOf("=") + 1);
  };
  const breakglass = `${prefix(true)}bg*`;
  if (options.breakglass) return [breakglass];
  const every = `${prefix(false)}*`;
  return prefix(true) === prefix(false) ? [every] : [every, breakglass];
}

/**
 * Whether `pattern` is one Sentinel makes: a person's sessions (`sentinel=<escaped user>=*`,
 * `…=bg*`) or one event's (`sentinel=<escaped user>=bg<16 hex>`) — never a wildcard that could
 * reach anyone else's (a record planted in the store cannot widen a revocation).
 */
export function isRevocationPattern(pattern: string): boolean {
  return /^sentinel=[A-Za-z0-9_,.@+-]{1,64}=(?:\*|bg\*|bg[0-9a-f]{16})$/.test(pattern) &&
    pattern.length <= 64 + 1;
}

/** A cutoff as IAM compares it (to the second): rounded up, so nothing issued before it escapes. */
export function cutoffSecond(epochMs: number): number {
  return Math.ceil(epochMs / 1000) * 1000;
}

/** The merged document, what it holds, and what merging did. */
export interface MergedRevocations {
  document: RevocationDocument;
  /** Characters without whitespace, as IAM counts them. */
  size: number;
  /** Statements dropped: every session they could match has expired. */
  collected: number;
  /** All statements were consolidated into one at the latest cutoff to fit the limit. */
  consolidated: boolean;
}

/** `existing` (the role's current revocation policy, or none) with `revocation` merged in. */
export function mergeRevocation(
  existing: RevocationDocument | undefined,
  revocation: Revocation,
  now: number,
  limit = ROLE_INLINE_POLICY_LIMIT,
): MergedRevocations {
  const cutoffs = new Map<string, Set<string>>(); // ISO cutoff → patterns
  const live = (existing?.Statement ?? []).filter((statement) =>
    Date.parse(statement.Condition.DateLessThan["aws:TokenIssueTime"]) >
      now - STS_MAX_DURATION_SECONDS * 1000
  );
  for (const statement of live) {
    // Written by hand with other precision (no milliseconds, an offset): one form, one statement.
    const at = new Date(
      cutoffSecond(Date.parse(statement.Condition.DateLessThan["aws:TokenIssueTime"])),
    ).toISOString();
    for (const pattern of statement.Condition.StringLike["aws:SourceIdentity"]) {
      add(cutoffs, at, pattern);
    }
  }
  const before = new Date(cutoffSecond(revocation.before)).toISOString();
  for (const pattern of revocation.patterns) add(cutoffs, before, pattern);
  const collected = (existing?.Statement.length ?? 0) - live.length;
  const document = documentOf(latestOnly(cutoffs));
  if (sizeOf(document) <= limit) {
    return { document, size: sizeOf(document), collected, consolidated: false };
  }
  const latest = [...cutoffs.keys()].sort().at(-1)!;
  const all = new Set([...cutoffs.values()].flatMap((patterns) => [...patterns]));
  const consolidated = documentOf(new Map([[latest, all]]));
  const size = sizeOf(consolidated);
  if (size > limit) {
    throw new SentinelError(
      "revocation_too_large",
      `the revocations of this role would take ${size} characters, more than IAM's ${limit} for a role's inline policies, even as one statement; wait for older ones to expire (12 h after they were made) or revoke fewer people at once`,
    );
  }
  return { document: consolidated, size, collected, consolidated: true };
}

function add(cutoffs: Map<string, Set<string>>, at: string, pattern: string): void {
  const patterns = cutoffs.get(at) ?? new Set<string>();
  patterns.add(pattern);
  cutoffs.set(at, patterns);
}

/** Each pattern only under its latest cutoff (which denies everything the earlier one did). */
function latestOnly(cutoffs: Map<string, Set<string>>): Map<string, Set<string>> {
  const latest = new Map<string, string>();
  for (const [at, patterns] of cutoffs) {
    for (const pattern of patterns) {
      if ((latest.get(pattern) ?? "") < at) latest.set(pattern, at);
    }
  }
  const kept = new Map<string, Set<string>>();
  for (const [pattern, at] of latest) add(kept, at, pattern);
  return kept;
}

function documentOf(cutoffs: Map<string, Set<string>>): RevocationDocument {
  return {
    Version: "2012-10-17",
    Statement: [...cutoffs.entries()].sort(([a], [b]) => a.localeCompare(b)).map((
      [at, patterns],
    ) => ({
      Sid: `SentinelRevokedBefore${at.replace(/\D/g, "").slice(0, 14)}`,
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: {
        StringLike: { "aws:SourceIdentity": [...patterns].sort() },
        DateLessThan: { "aws:TokenIssueTime": at },
      },
    })),
  };
}

/** The size IAM counts: the JSON without whitespace. */
export function sizeOf(document: RevocationDocument): number {
  return JSON.stringify(document).length;
}

/**
 * The revocation policy read back from IAM, or why it is not one Sentinel wrote (then it is not
 * merged into: Sentinel never overwrites a policy of that name it cannot read).
 */
export function parseRevocationDocument(
  text: string,
): { ok: true; document: RevocationDocument } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, why: "it is not JSON" };
  }
  const statements = (value as { Statement?: unknown })?.Statement;
  if (!Array.isArray(statements)) return { ok: false, why: "it has no Statement list" };
  for (const statement of statements) {
    const condition = (statement as Partial<RevocationStatement>)?.Condition;
    const patterns = condition?.StringLike?.["aws:SourceIdentity"];
    const at = condition?.DateLessThan?.["aws:TokenIssueTime"];
    const { Effect, Action, Resource, Sid } = statement as RevocationStatement;
    const keys = (value: unknown) => Object.keys(value ?? {}).sort().join(",");
    if (
      Effect !== "Deny" || Action !== "*" || Resource !== "*" ||
      typeof Sid !== "string" || !Sid.startsWith("SentinelRevokedBefore") ||
      keys(condition) !== "DateLessThan,StringLike" ||
      keys(condition?.StringLike) !== "aws:SourceIdentity" ||
      keys(condition?.DateLessThan) !== "aws:TokenIssueTime" || !Array.isArray(patterns) ||
      !patterns.every((p) => typeof p === "string") || typeof at !== "string" ||
      Number.isNaN(Date.parse(at))
    ) {
      return { ok: false, why: "a statement is not a Sentinel revocation" };
    }
  }
  return { ok: true, document: value as RevocationDocument };
}

/**
 * `existing` with every one of `revocations` merged in, in order (see {@link mergeRevocation});
 * with none, `existing` as Sentinel would write it (expired statements collected).
 */
export function mergeRevocations(
  existing: RevocationDocument | undefined,
  revocations: readonly Revocation[],
  now: number,
  limit = ROLE_INLINE_POLICY_LIMIT,
): MergedRevocations {
  let merged = mergeRevocation(existing, { patterns: [], before: now }, now, limit);
  let collected = merged.collected;
  let consolidated = false;
  for (const revocation of revocations) {
    merged = mergeRevocation(merged.document, revocation, now, limit);
    collected += merged.collected;
    consolidated ||= merged.consolidated;
  }
  return { ...merged, collected, consolidated };
}

/** One line of a change to a revocation policy: a pattern denied before a cutoff. */
export interface RevocationChange {
  change: "added" | "removed";
  pattern: string;
  /** The cutoff, ISO 8601. */
  before: string;
}

/** What turning `from` into `to` adds and removes, pattern by cutoff, sorted. */
export function revocationChanges(
  from: RevocationDocument | undefined,
  to: RevocationDocument,
): RevocationChange[] {
  const pairs = (document: RevocationDocument | undefined) =>
    new Set(
      (document?.Statement ?? []).flatMap((statement) =>
        statement.Condition.StringLike["aws:SourceIdentity"].map((pattern) =>
          `${statement.Condition.DateLessThan["aws:TokenIssueTime"]} ${pattern}`
        )
      ),
    );
  const old = pairs(from);
  const next = pairs(to);
  const line = (change: RevocationChange["change"]) => (pair: string): RevocationChange => {
    const [before, pattern] = [pair.slice(0, pair.indexOf(" ")), pair.slice(pair.indexOf(" ") + 1)];
    return { change, pattern, before };
  };
  return [
    ...[...old].filter((pair) => !next.has(pair)).map(line("removed")),
    ...[...next].filter((pair) => !old.has(pair)).map(line("added")),
  ].sort((a, b) => a.pattern.localeCompare(b.pattern) || a.before.localeCompare(b.before));
}

/**
 * Whether IAM's `StringLike` matches `value` with `pattern`: `*` any run of characters, `?` any
 * one, everything else itself (case-sensitive).
 */
export function stringLike(value: string, pattern: string): boolean {
  return globToRegExp(pattern).test(value);
}

/** A session as a revocation sees it. */
export interface RevocableSession {
  roleArn: string;
  sourceIdentity: string;
  /** Epoch ms. */
  issuedAt: number;
}

/** Whether `revocation` (of `roleArn`) cuts off `session`: same role, matched, issued before. */
export function revocationCovers(
  revocation: Revocation & { roleArn: string },
  session: RevocableSession,
): boolean {
  return revocation.roleArn === session.roleArn &&
    session.issuedAt < cutoffSecond(revocation.before) &&
    revocation.patterns.some((pattern) => stringLike(session.sourceIdentity, pattern));
}

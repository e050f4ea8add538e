/**
 * The warm credential path: cached, still-valid credentials handed out again after the policy
 * has been evaluated again for the same user, profile and role — from the slice of it the entry
 * carries, so the cost does not grow with the policy — and the decision logged.
 *
 * Nothing here loads an npm package or the AWS SDK, so a warm `sentinel credentials` costs little
 * more than starting the runtime. Any doubt (config changed, policy changed or stale, credentials
 * near expiry, an entry stamped in the future, the policy no longer allows, a revocation made on
 * this host covers the session) means "not warm": the
 * cold path then decides afresh.
 *
 * @module
 */
import type { IssuedCredentials } from "../../core/issuance/credential_process.ts";
import { sessionReusable, withinTtl } from "../../core/issuance/freshness.ts";
import { decisionRecord, type IssuanceSubject } from "../../core/issuance/record.ts";
import { policySourceOf } from "../../core/policy/source.ts";
import { evaluateSlice } from "../../core/policy/slice.ts";
import { revocationCovers } from "../../core/revocation/role_policy.ts";
import type { CredentialMode } from "../../core/policy/schema.ts";
import type { CredentialEntry, LocalCredentialEntry } from "../../ports/cache.ts";
import type { Deps } from "../../ports/deps.ts";
import { recordDecision } from "../record_decision.ts";
import { guardRecursion } from "./recursion_guard.ts";

/** Issued (or re-served) credentials and what they were issued under. */
export interface IssueResult {
  credentials: IssuedCredentials;
  region: string;
  subject: IssuanceSubject;
  sourceIdentity: string;
  /** The session length STS was asked for. */
  sessionDurationSeconds: number;
  /** When it was issued, epoch ms. */
  issuedAt: number;
  cacheHit: boolean;
}

/** The result of serving a cache entry. */
export function resultOf(entry: CredentialEntry, cacheHit: boolean): IssueResult {
  return {
    credentials: entry.credentials,
    region: entry.region,
    subject: entry.subject,
    sourceIdentity: entry.sourceIdentity,
    sessionDurationSeconds: entry.sessionDurationSeconds,
    issuedAt: entry.issuedAt,
    cacheHit,
  };
}

/**
 * Whether a revocation made on this host cuts off `session` — or whether that cannot be told
 * (a revocation this host keeps cannot be read): either way it is not handed out again.
 */
export async function revokedHere(
  deps: Pick<Deps, "cache" | "debug">,
  session: { subject: { roleArn: string }; sourceIdentity: string; issuedAt: number },
  now: number,
): Promise<boolean> {
  const held = await deps.cache.readRevocations(now);
  const hit = held?.find((revocation) =>
    revocationCovers(revocation, {
      roleArn: session.subject.roleArn,
      sourceIdentity: session.sourceIdentity,
      issuedAt: session.issuedAt,
    })
  );
  if (held !== undefined && hit === undefined) return false;
  deps.debug(`the cached session ${session.sourceIdentity} is revoked (${hit?.id ?? "unknown"})`);
  return true;
}

/** Whether a cached session may be handed out again at `now` (see core/issuance/freshness.ts). */
export function entryReusable(entry: CredentialEntry, now: number): boolean {
  return sessionReusable({
    issuedAt: entry.issuedAt,
    expiration: entry.credentials.expiration,
    sessionDurationSeconds: entry.sessionDurationSeconds,
    refreshWindowSeconds: entry.refreshWindowSeconds,
    windowEndsAt: entry.grant?.windowEndsAt,
  }, now);
}

/**
 * Returns cached credentials when they may be reused now, after logging the decision; otherwise
 * `undefined`. Throws only when the decision cannot be logged (fail closed).
 */
export async function tryWarmCredentials(
  deps: Deps,
  key: string,
  mode: CredentialMode,
  echo?: (record: Record<string, unknown>) => void,
): Promise<IssueResult | undefined> {
  const now = deps.clock.now();
  const entry = await deps.cache.readCredentials(key);
  if (entry === undefined || !entryReusable(entry, now)) return undefined;
  if (await revokedHere(deps, entry, now)) return undefined;
  if (entry.broker !== undefined) {
    // The broker decided when it issued this session; only the broker can decide again.
    deps.debug(`served from the cache: ${entry.subject.profile}, issued by ${entry.broker}`);
    return resultOf(entry, true);
  }
  if (!(await policyCurrent(deps, entry, now))) return undefined;

  // Decided again from the entry's slice of its policy (the rules that can match this user,
  // profile and role); `undefined` past the slice's span: the cold path decides afresh.
  const decision = evaluateSlice(entry.policySlice, { mode, time: now });
  if (decision === undefined) return undefined;
  const approved = decision.effect === "require_approval" &&
    entry.grant?.approvalRequestId !== undefined;
  if (decision.effect !== "allow" && !approved) return undefined;

  await recordDecision(
    deps,
    decisionRecord({
      subject: { ...entry.subject, mode },
      decision,
      outcome: "issued",
      time: now,
      cacheHit: true,
      sourceIdentity: entry.sourceIdentity,
      sessionDurationSeconds: entry.sessionDurationSeconds,
      grant: entry.grant,
    }),
    { logFile: entry.logFile, plugins: entry.sinks, echo },
  );
  deps.debug(`served from the cache: ${entry.subject.profile} for ${entry.subject.user}`);
  return resultOf(entry, true);
}

/**
 * The policy the entry was issued under is still the current one: for SSM, the one last fetched
 * (within the policy TTL); for a file, the file's text as it is now.
 */
async function policyCurrent(
  deps: Deps,
  entry: LocalCredentialEntry,
  now: number,
): Promise<boolean> {
  const source = policySourceOf(entry.subject.policySource);
  if (source.kind === "ssm") {
    const stamp = await deps.cache.readPolicyStamp(entry.subject.policySource);
    return stamp !== undefined && stamp.hash === entry.subject.policyHash &&
      withinTtl(stamp.fetchedAt, entry.policyTtlSeconds, now);
  }
  const hash = await deps.files.textHash(source.path).catch(() => undefined);
  return hash !== undefined && hash === entry.subject.policyHash;
}

/**
 * The whole warm `sentinel credentials <profile>`: the result when the cache may serve it,
 * `undefined` when the cold path must run.
 */
export async function warmCredentials(
  profile: string,
  deps: Deps,
  overrides: { policy?: string } = {},
): Promise<IssueResult | undefined> {
  guardRecursion(profile, deps.env.vars);
  return await tryWarmCredentials(
    deps,
    await deps.cache.credentialKey(profile, overrides),
    "credential_process",
  );
}

/**
 * The warm credential path: cached, still-valid credentials handed out again after the cached
 * policy has been evaluated again for the same user, profile and role, and the decision logged.
 *
 * Nothing here loads an npm package or the AWS SDK, so a warm `sentinel credentials` costs little
 * more than starting the runtime. Any doubt (config changed, policy changed or stale, credentials
 * near expiry, the policy no longer allows) means "not warm": the cold path then decides afresh.
 *
 * @module
 */
import { decisionRecord } from "../core/decision_record.ts";
import { compilePolicy, evaluate } from "../core/policy/evaluate.ts";
import type { CredentialMode } from "../core/policy/schema.ts";
import { recordDecision } from "./record_decision.ts";
import { readOptionalText, sha256Hex } from "../adapters/files.ts";
import { ssmParameterNameOf } from "./policy_source_kind.ts";
import { CredentialCache, type CredentialEntry, issuanceFingerprint } from "./credential_cache.ts";
import { guardRecursion } from "./recursion_guard.ts";
import { cacheDir } from "../adapters/paths.ts";
import { formatCredentialProcess, type IssuedCredentials } from "../core/credential_process.ts";

/** A warm hit. */
export interface WarmCredentials {
  entry: CredentialEntry;
  credentials: IssuedCredentials;
  /** Best-effort log sinks that failed. */
  warnings: string[];
}

/**
 * Returns cached credentials when they may be reused now, after logging the decision; otherwise
 * `undefined`. Throws only for a corrupted cache or an unwritable log (fail closed).
 */
export async function tryWarmCredentials(
  cache: CredentialCache,
  fingerprint: string,
  mode: CredentialMode,
  now: number,
  env: Record<string, string>,
): Promise<WarmCredentials | undefined> {
  const entry = await cache.readCredentials(fingerprint);
  if (entry === undefined) return undefined;
  if (entry.credentials.expiration - now <= entry.refreshWindowSeconds * 1000) return undefined;

  const policy = await cache.readPolicy(entry.policySource);
  if (policy === undefined || policy.hash !== entry.policyHash) return undefined;
  if (ssmParameterNameOf(entry.policySource) === undefined) {
    const text = await readOptionalText(entry.policySource);
    if (text === undefined || await sha256Hex(text) !== policy.hash) return undefined;
  } else if (now - policy.fetchedAt >= entry.policyTtlSeconds * 1000) {
    return undefined;
  }

  const decision = evaluate(compilePolicy(policy.document), {
    user: entry.user,
    profile: entry.profile,
    roleArn: entry.roleArn,
    mode,
    time: now,
  });
  if (decision.effect !== "allow") return undefined;

  const record = decisionRecord({
    time: now,
    user: entry.user,
    identityArn: entry.identityArn,
    profile: entry.profile,
    roleArn: entry.roleArn,
    mode,
    decision,
    outcome: "issued",
    policySource: entry.policySource,
    policyHash: entry.policyHash,
    requestId: entry.requestId,
    sourceIdentity: entry.sourceIdentity,
    sessionDurationSeconds: entry.sessionDurationSeconds,
    cacheHit: true,
  });
  const warnings = await recordDecision(record, {
    logFile: entry.logFile,
    plugins: entry.sinks,
    env,
  });
  return { entry, credentials: entry.credentials, warnings };
}

/**
 * The whole warm `sentinel credentials <profile>`: the credential_process JSON when the cache
 * may serve it, `undefined` when the cold path must run.
 */
export async function warmCredentialProcess(
  profile: string,
  env: Record<string, string>,
  now: number,
): Promise<{ output: string; warnings: string[] } | undefined> {
  guardRecursion(profile, env);
  const cache = new CredentialCache(cacheDir((key) => env[key]));
  const warm = await tryWarmCredentials(
    cache,
    await issuanceFingerprint(profile, env),
    "credential_process",
    now,
    env,
  );
  return warm === undefined ? undefined : {
    output: formatCredentialProcess(warm.credentials),
    warnings: warm.warnings,
  };
}

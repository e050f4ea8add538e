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
import type { IssuedCredentials } from "../core/credential_process.ts";
import { compilePolicy, evaluate } from "../core/policy/evaluate.ts";
import type { CredentialMode } from "../core/policy/schema.ts";
import { appendDecision } from "../adapters/decision_log.ts";
import { readOptionalText, sha256Hex } from "../adapters/files.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { ssmParameterNameOf } from "./policy_source_kind.ts";
import { CredentialCache, type CredentialEntry, issuanceFingerprint } from "./credential_cache.ts";
import { guardRecursion } from "./recursion_guard.ts";
import { cacheDir } from "../adapters/paths.ts";
import { formatCredentialProcess } from "../core/credential_process.ts";

/** A warm hit. */
export interface WarmCredentials {
  entry: CredentialEntry;
  credentials: IssuedCredentials;
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
  try {
    await appendDecision(entry.logFile, record);
  } catch (error) {
    throw logFailure(entry.logFile, error);
  }
  return { entry, credentials: entry.credentials };
}

/** The error for a decision log that cannot be written: nothing is issued. */
export function logFailure(path: string, error: unknown): SentinelError {
  return new SentinelError(
    ExitCode.Internal,
    `cannot write the decision log ${path}: ${
      (error as Error)?.message ?? error
    }; nothing was issued. Fix the file's permissions or point SENTINEL_LOG_FILE elsewhere`,
    { cause: error },
  );
}

/**
 * The whole warm `sentinel credentials <profile>`: the credential_process JSON when the cache
 * may serve it, `undefined` when the cold path must run.
 */
export async function warmCredentialProcess(
  profile: string,
  env: Record<string, string>,
  now: number,
): Promise<string | undefined> {
  guardRecursion(profile, env);
  const cache = new CredentialCache(cacheDir((key) => env[key]));
  const warm = await tryWarmCredentials(
    cache,
    await issuanceFingerprint(profile, env),
    "credential_process",
    now,
  );
  return warm === undefined ? undefined : formatCredentialProcess(warm.credentials);
}

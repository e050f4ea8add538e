/**
 * Credential issuance (DESIGN §6), the product's main job: resolve the profile, get base
 * credentials, verify who they belong to, load and evaluate the policy, and on allow assume the
 * target role with a SourceIdentity that names the person and the request — logging the decision
 * before anything is returned. Every failure throws: nothing is ever issued on error.
 *
 * @module
 */
import { assumeRole, type AwsCredentials, getCallerIdentity } from "../adapters/aws/sdk.ts";
import { loadAwsConfig } from "../adapters/aws_config.ts";
import { selfInvocationNames } from "../adapters/paths.ts";
import { fromAwsVault, fromEnvironment, fromSdkChain } from "../adapters/credential_sources.ts";
import type { IssuedCredentials } from "../core/credential_process.ts";
import { decisionRecord, sessionDurationSeconds } from "../core/decision_record.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { type Identity, identityFromArn } from "../core/identity.ts";
import { compilePolicy, evaluate } from "../core/policy/evaluate.ts";
import type { CredentialMode } from "../core/policy/schema.ts";
import { formatSourceIdentity, roleSessionName } from "../core/source_identity.ts";
import { type CredentialCache, issuanceFingerprint } from "./credential_cache.ts";
import { guardRecursion, RESOLVING_ENV } from "./recursion_guard.ts";
import { loadIssuancePolicy } from "./policy_loader.ts";
import { type IssuanceSettings, loadSentinelConfig, resolveSettings } from "./settings.ts";
import { tryWarmCredentials } from "./warm_credentials.ts";
import { recordDecision } from "./record_decision.ts";

/** What is asked for. */
export interface IssueRequest {
  profile: string;
  mode: CredentialMode;
  /** `--policy`, overriding every other policy setting. */
  policy?: string;
  /** `--duration`, in seconds. */
  durationSeconds?: number;
}

/** The world issuance runs in: environment, clock, randomness, cache. */
export interface IssueDeps {
  env: Record<string, string>;
  now: () => number;
  /** 16 hex digits of randomness (64 bits). */
  newRequestId: () => string;
  cache: CredentialCache;
  /** Marks a variable for child processes (aws-vault, credential_process) — the loop guard. */
  setEnv: (key: string, value: string) => void;
}

/** Issued credentials and what they were issued under. */
export interface IssueResult {
  credentials: IssuedCredentials;
  region: string;
  user: string;
  roleArn: string;
  sourceIdentity: string;
  requestId: string;
  cacheHit: boolean;
  /** Problems that did not stop issuance (for example a cache that could not be written). */
  warnings: string[];
}

/** Issues credentials for a profile: from the warm cache when it may, otherwise afresh. */
export async function issueCredentials(
  request: IssueRequest,
  deps: IssueDeps,
): Promise<IssueResult> {
  const chain = guardRecursion(request.profile, deps.env);
  deps.setEnv(RESOLVING_ENV, chain.join(","));
  const fingerprint = await issuanceFingerprint(request.profile, deps.env, request);
  const now = deps.now();
  const warm = await tryWarmCredentials(deps.cache, fingerprint, request.mode, now, deps.env);
  if (warm !== undefined) {
    return {
      credentials: warm.credentials,
      region: warm.entry.region,
      user: warm.entry.user,
      roleArn: warm.entry.roleArn,
      sourceIdentity: warm.entry.sourceIdentity,
      requestId: warm.entry.requestId,
      cacheHit: true,
      warnings: warm.warnings,
    };
  }
  const settings = await resolveIssuanceSettings(request, deps.env);
  return await issueCold(request, settings, deps, fingerprint, now);
}

/** Loads the AWS config and Sentinel config and resolves the profile's settings. */
export async function resolveIssuanceSettings(
  request: { profile: string; policy?: string; durationSeconds?: number },
  env: Record<string, string>,
): Promise<IssuanceSettings> {
  const lookup = (key: string) => env[key];
  const [files, config] = await Promise.all([loadAwsConfig(lookup), loadSentinelConfig(lookup)]);
  const settings = resolveSettings(request.profile, files, config, lookup, {
    policy: request.policy,
    durationSeconds: request.durationSeconds,
  });
  const source = settings.sourceProfile === undefined
    ? undefined
    : files.profiles.get(settings.sourceProfile);
  const process = source?.credential_process ?? "";
  if (
    selfInvocationNames().some((name) => process.includes(name)) &&
    new RegExp(`credentials\\s+(--profile[= ])?${escapeRegExp(request.profile)}(\\s|$)`).test(
      process,
    )
  ) {
    throw new SentinelError(
      ExitCode.InvalidPolicy,
      `credential_process loop: profile ${request.profile} takes its base credentials from ${settings.sourceProfile}, whose credential_process runs \`sentinel credentials ${request.profile}\` again; point the source at base credentials (aws-vault, SSO or keys)`,
    );
  }
  return settings;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Base credentials from the configured source. */
export async function baseCredentials(
  settings: IssuanceSettings,
  env: Record<string, string>,
): Promise<AwsCredentials> {
  switch (settings.source) {
    case "aws-vault":
      return await fromAwsVault(settings.sourceProfile!, settings.awsVaultFlags);
    case "sdk":
      return await fromSdkChain(settings.sourceProfile!);
    case "env":
      return fromEnvironment((key) => env[key]);
  }
}

/** The verified identity of base credentials, from the identity cache or STS. */
export async function verifiedIdentity(
  base: AwsCredentials,
  region: string,
  cache: CredentialCache,
  now: number,
): Promise<Identity> {
  const cached = await cache.readIdentity(base.accessKeyId);
  if (cached !== undefined && cached.validUntil > now) return cached.identity;
  const caller = await getCallerIdentity(base, region);
  const identity = identityFromArn(caller.arn);
  if (identity === undefined) {
    throw new SentinelError(
      ExitCode.AwsFailure,
      `STS reported a caller Sentinel cannot name a user for: ${caller.arn}; use IAM user, SSO or role-session credentials as the base`,
    );
  }
  await cache.writeIdentity(base.accessKeyId, {
    format: 1,
    identity,
    validUntil: base.expiration?.getTime() ?? now + 12 * 3600_000,
  });
  return identity;
}

async function issueCold(
  request: IssueRequest,
  settings: IssuanceSettings,
  deps: IssueDeps,
  fingerprint: string,
  now: number,
): Promise<IssueResult> {
  const base = await baseCredentials(settings, deps.env);
  const identity = await verifiedIdentity(base, settings.region, deps.cache, now);
  const policy = await loadIssuancePolicy({
    source: settings.policy,
    region: settings.region,
    ttlSeconds: settings.policyTtlSeconds,
    now,
    cache: deps.cache,
    credentials: () => Promise.resolve(base),
  });
  const decision = evaluate(compilePolicy(policy.document), {
    user: identity.user,
    profile: settings.profile,
    roleArn: settings.roleArn,
    mode: request.mode,
    time: now,
  });
  const requestId = deps.newRequestId();
  const warnings: string[] = [];
  const log = async (
    outcome: "issued" | "denied",
    extra: { sourceIdentity?: string; duration?: number; failure?: string } = {},
  ) => {
    const sinkWarnings = await recordDecision(
      decisionRecord({
        time: now,
        user: identity.user,
        identityArn: identity.arn,
        profile: settings.profile,
        roleArn: settings.roleArn,
        mode: request.mode,
        decision,
        outcome,
        policySource: policy.source,
        policyHash: policy.hash,
        requestId,
        sourceIdentity: extra.sourceIdentity ?? null,
        sessionDurationSeconds: extra.duration ?? null,
        cacheHit: false,
        ...(extra.failure === undefined ? {} : { failure: extra.failure }),
      }),
      { logFile: settings.logFile, plugins: settings.plugins, env: deps.env },
    );
    warnings.push(...sinkWarnings);
  };

  if (decision.effect !== "allow") {
    await log("denied");
    const by = decision.rule === null
      ? "no rule matched (default deny)"
      : `rule "${decision.rule}"`;
    if (decision.effect === "require_approval") {
      throw new SentinelError(
        ExitCode.ApprovalRequired,
        `access to ${settings.profile} for ${identity.user} requires approval (${by}: ${decision.reason}). Request it with: sentinel request ${settings.profile} --justification "<why>" (the approval workflow ships in a later release; until then Sentinel issues nothing for this rule)`,
      );
    }
    throw new SentinelError(
      ExitCode.Denied,
      `denied: ${settings.profile} for ${identity.user} by ${by}: ${decision.reason} (request ${requestId})`,
    );
  }

  const duration = sessionDurationSeconds(settings.durationSeconds, decision.maxDurationSeconds);
  const sourceIdentity = formatSourceIdentity(identity.user, requestId);
  let session;
  try {
    session = await assumeRole(base, settings.region, {
      roleArn: settings.roleArn,
      roleSessionName: roleSessionName(identity.user),
      sourceIdentity,
      durationSeconds: duration,
      externalId: settings.externalId,
    });
  } catch (error) {
    await log("denied", { sourceIdentity, duration, failure: (error as Error).message });
    throw error;
  }
  await log("issued", { sourceIdentity, duration });
  const credentials: IssuedCredentials = {
    accessKeyId: session.accessKeyId,
    secretAccessKey: session.secretAccessKey,
    sessionToken: session.sessionToken,
    expiration: session.expiration.getTime(),
  };
  await deps.cache.writeCredentials(fingerprint, {
    format: 1,
    profile: settings.profile,
    roleArn: settings.roleArn,
    user: identity.user,
    identityArn: identity.arn,
    region: settings.region,
    policySource: policy.source,
    policyHash: policy.hash,
    policyTtlSeconds: settings.policyTtlSeconds,
    refreshWindowSeconds: settings.refreshWindowSeconds,
    logFile: settings.logFile,
    requestId,
    sourceIdentity,
    sessionDurationSeconds: duration,
    credentials,
    sinks: settings.plugins.filter((plugin) => plugin.kind === "log_sink"),
  }).catch((error) => {
    warnings.push(
      `could not cache the credentials in ${deps.cache.dir} (${error.message}); the next call will issue again`,
    );
  });
  return {
    credentials,
    region: settings.region,
    user: identity.user,
    roleArn: settings.roleArn,
    sourceIdentity,
    requestId,
    cacheHit: false,
    warnings,
  };
}

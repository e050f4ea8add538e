/**
 * `check` as a use case: a what-if decision with the trace of why. The user, role and policy come
 * from the flags where given, else from the profile's settings (the user verified by STS from its
 * base credentials, the policy it names, its role). A policy in SSM is read with the profile's
 * base credentials, or the caller's own when the profile is not set up for Sentinel.
 *
 * @module
 */
import { compilePolicy, explain, type Explanation } from "../core/policy/evaluate.ts";
import type { CredentialMode } from "../core/policy/schema.ts";
import type { AwsCredentials } from "../ports/aws.ts";
import type { PolicyEntry } from "../ports/cache.ts";
import type { Deps } from "../ports/deps.ts";
import { callerSettings } from "./caller.ts";
import { loadPolicy } from "./policy.ts";
import { userUnder } from "./profile_context.ts";
import { baseRequest, profileSettings } from "./profile_settings.ts";
import { verifiedIdentity } from "./verified_identity.ts";

/** What to decide. */
export interface CheckRequest {
  profile: string;
  user?: string;
  policy?: string;
  roleArn?: string;
  /** Epoch ms; default now. */
  at?: number;
  mode?: CredentialMode;
  /** `--aws-profile` / `--region`: the caller's access, for a policy in SSM. */
  awsProfile?: string;
  region?: string;
}

/** The decision and what it was made on. */
export interface CheckResult {
  profile: string;
  user: string;
  roleArn?: string;
  mode?: CredentialMode;
  at: number;
  policySource: string;
  explanation: Explanation;
  /** Which source supplied the base credentials (`aws-vault`, `sdk`, …), when they were needed. */
  source?: string;
  /** The profile those base credentials are from. */
  sourceProfile?: string;
}

/** Decides, without issuing anything. */
export async function checkAccess(deps: Deps, request: CheckRequest): Promise<CheckResult> {
  const at = request.at ?? deps.clock.now();
  const { user, roleArn, policy, source, sourceProfile } = await subjectOf(deps, request);
  const explanation = explain(compilePolicy(policy.document), {
    user,
    profile: request.profile,
    roleArn,
    mode: request.mode,
    time: at,
  });
  return {
    profile: request.profile,
    user,
    roleArn,
    mode: request.mode,
    at,
    policySource: policy.source,
    explanation,
    ...(source === undefined ? {} : { source, sourceProfile }),
  };
}

async function subjectOf(
  deps: Deps,
  request: CheckRequest,
): Promise<
  { user: string; roleArn?: string; policy: PolicyEntry; source?: string; sourceProfile?: string }
> {
  if (request.user !== undefined && request.policy !== undefined) {
    const caller = request.policy.startsWith("ssm:")
      ? await callerSettings(deps, { profile: request.awsProfile, region: request.region })
      : undefined;
    const signal = AbortSignal.timeout((caller?.timeoutSeconds ?? 30) * 1000);
    const policy = await loadPolicy(deps, {
      source: request.policy,
      region: caller?.region ?? "",
      credentials: async () =>
        (await (await deps.baseCredentials()).get(caller!.base, signal)).credentials,
      signal,
    });
    return { user: request.user, roleArn: request.roleArn, policy };
  }
  const resolved = await profileSettings(deps, request.profile, {
    policy: request.policy,
    region: request.region,
  });
  const { settings } = resolved;
  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
  const call = { region: settings.region, signal };
  let base: Promise<AwsCredentials> | undefined;
  let source: string | undefined;
  const credentials = () =>
    base ??= deps.baseCredentials()
      .then((provider) => provider.get(baseRequest(resolved), signal))
      .then((found) => {
        source = found.source;
        return found.credentials;
      });
  const identity = request.user === undefined
    ? await verifiedIdentity(deps, await credentials(), call)
    : undefined;
  const policy = await loadPolicy(deps, {
    source: settings.policy,
    region: settings.region,
    ttlSeconds: settings.policyTtlSeconds,
    credentials,
    signal,
  });
  const roleArn = request.roleArn ?? settings.roleArn;
  const user = request.user ?? userUnder(identity!, policy.document, roleArn);
  return {
    user,
    roleArn,
    policy,
    source,
    sourceProfile: source === undefined ? undefined : settings.sourceProfile,
  };
}

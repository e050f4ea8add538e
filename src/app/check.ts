/**
 * `check` as a use case: a what-if decision with the trace of why. The user, role and policy come
 * from the flags where given, else from the profile's settings (the user verified by STS from its
 * base credentials, the policy it names, its role). A policy in SSM is read with the profile's
 * base credentials, or the caller's own when the profile is not set up for Sentinel. When the
 * policy requires approval and the profile names the store, the approved request that covers the
 * user (as issuance judges it: {@link approvalCover}) is looked up too, so `check` and `doctor`
 * say what `credentials` would do.
 *
 * @module
 */
import type { ApprovalCover } from "../core/issuance/verdict.ts";
import { compilePolicy, explain, type Explanation } from "../core/policy/evaluate.ts";
import type { CredentialMode, PolicyDocument } from "../core/policy/schema.ts";
import type { StoreSetting } from "../core/store/location.ts";
import { isFileStore } from "../core/store/kinds.ts";
import type { AwsCredentials } from "../ports/aws.ts";
import type { PolicyEntry } from "../ports/cache.ts";
import type { Deps } from "../ports/deps.ts";
import { constantDefault } from "../core/settings.ts";
import { approvalCover } from "./approvals.ts";
import { callerSettings } from "./caller.ts";
import { loadPolicy } from "./policy.ts";
import { userUnder } from "./issuance/profile_context.ts";
import { baseRequest, profileSettings } from "./issuance/profile_settings.ts";
import { openStore } from "./stores.ts";
import { verifiedIdentity } from "./issuance/verified_identity.ts";

/** What to decide. */
export interface CheckRequest {
  profile: string;
  user?: string;
  policy?: string;
  roleArn?: string;
  /** Epoch ms; default now. */
  at?: number;
  /** `--at` as typed (with its offset), to echo it. */
  atText?: string;
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
  /** `--at` as typed, when given. */
  atText?: string;
  policySource: string;
  explanation: Explanation;
  /**
   * For `require_approval`: the approved request that covers the user then (issuance would issue
   * under it), or why the store could not say; absent when no store was consulted.
   */
  approval?: { cover?: ApprovalCover; store: string; problem?: string };
  /** Which source supplied the base credentials (`aws-vault`, `sdk`, …), when they were needed. */
  source?: string;
  /** The profile those base credentials are from. */
  sourceProfile?: string;
}

/** Decides, without issuing anything. */
export async function checkAccess(deps: Deps, request: CheckRequest): Promise<CheckResult> {
  const at = request.at ?? deps.clock.now();
  const subject = await subjectOf(deps, request);
  const { user, roleArn, policy, source, sourceProfile } = subject;
  const explanation = explain(compilePolicy(policy.document), {
    user,
    profile: request.profile,
    roleArn,
    mode: request.mode,
    time: at,
  });
  const approval = explanation.effect === "require_approval" && subject.store !== undefined &&
      roleArn !== undefined
    ? await coveringApproval(
      deps,
      subject.store,
      policy.document,
      {
        user,
        profile: request.profile,
        roleArn,
      },
      at,
      explanation.maxDurationSeconds,
    )
    : undefined;
  return {
    profile: request.profile,
    user,
    roleArn,
    mode: request.mode,
    at,
    ...(request.atText === undefined ? {} : { atText: request.atText }),
    policySource: policy.source,
    explanation,
    ...(source === undefined ? {} : { source, sourceProfile }),
    ...(approval === undefined ? {} : { approval }),
  };
}

/** Where to find the approved requests that may cover a `require_approval`. */
export interface ApprovalStoreAccess {
  setting: StoreSetting;
  region: string;
  signal: AbortSignal;
  credentials: () => Promise<AwsCredentials>;
}

/**
 * The approved request that covers `subject` at `at` as issuance judges it (approvalCover), or
 * why the store could not say. An SQLite store that does not exist yet holds no request (and is
 * not created by asking).
 */
export async function coveringApproval(
  deps: Deps,
  access: ApprovalStoreAccess,
  policy: PolicyDocument,
  subject: { user: string; profile: string; roleArn: string },
  at: number,
  accessRuleMaxSeconds?: number,
): Promise<{ cover?: ApprovalCover; store: string; problem?: string }> {
  const store = access.setting.text;
  try {
    if (
      isFileStore(access.setting) &&
      (await deps.system()).pathKind(access.setting.name) === "missing"
    ) {
      return { store };
    }
    const stores = await openStore(deps, access.setting, access);
    const { cover } = await approvalCover(stores, policy, subject, at, accessRuleMaxSeconds);
    return cover === undefined ? { store } : { cover, store };
  } catch (error) {
    return { store, problem: (error as Error).message };
  }
}

/** Who is checked, under which policy (and what reaches the store), for a `check` request. */
type CheckSubject = {
  user: string;
  roleArn?: string;
  policy: PolicyEntry;
  source?: string;
  sourceProfile?: string;
  store?: ApprovalStoreAccess;
};

async function subjectOf(deps: Deps, request: CheckRequest): Promise<CheckSubject> {
  if (request.user !== undefined && request.policy !== undefined) {
    return await givenSubject(deps, { ...request, user: request.user, policy: request.policy });
  }
  return await profileSubject(deps, request);
}

/** `--user` and `--policy` given: no profile is read (an SSM policy is read as the caller). */
async function givenSubject(
  deps: Deps,
  request: CheckRequest & { user: string; policy: string },
): Promise<CheckSubject> {
  const caller = request.policy.startsWith("ssm:")
    ? await callerSettings(deps, { profile: request.awsProfile, region: request.region })
    : undefined;
  const signal = AbortSignal.timeout((caller?.timeoutSeconds ?? constantDefault("timeout")) * 1000);
  const policy = await loadPolicy(deps, {
    source: request.policy,
    region: caller?.region ?? "",
    credentials: async () =>
      (await (await deps.baseCredentials()).get(caller!.base, signal)).credentials,
    signal,
  });
  return { user: request.user, roleArn: request.roleArn, policy };
}

/** The profile's settings name the policy and the store; STS names the user unless given. */
async function profileSubject(deps: Deps, request: CheckRequest): Promise<CheckSubject> {
  const resolved = await profileSettings(deps, request.profile, {
    policy: request.policy,
    region: request.region,
  });
  const { settings } = resolved;
  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
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
    ? await verifiedIdentity(deps, await credentials(), { region: settings.region, signal })
    : undefined;
  const policy = await loadPolicy(deps, {
    source: settings.policy,
    sourceFrom: settings.policyFrom,
    region: settings.region,
    ttlSeconds: settings.policyTtlSeconds,
    credentials,
    signal,
  });
  const roleArn = request.roleArn ?? settings.roleArn;
  return {
    user: request.user ?? userUnder(identity!, policy.document, roleArn),
    roleArn,
    policy,
    source,
    sourceProfile: source === undefined ? undefined : settings.sourceProfile,
    store: { setting: settings.store, region: settings.region, signal, credentials },
  };
}

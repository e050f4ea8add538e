/**
 * Credential issuance (DESIGN §6), the product's main job, as a short orchestrator over ports:
 * resolve the profile, get base credentials, verify who they belong to, load and evaluate the
 * policy, decide what the decision means, assume the target role with a SourceIdentity that names
 * the person and the request — logging the decision before anything is returned. Every failure
 * throws: nothing is ever issued on error. The whole command runs within `sentinel_timeout`.
 *
 * @module
 */
import { ExitCode, SentinelError } from "../core/errors.ts";
import { formatDuration } from "../core/duration.ts";
import {
  type DecisionFacts,
  decisionRecord,
  type IssuanceSubject,
} from "../core/issuance/record.ts";
import { sessionLength } from "../core/issuance/session.ts";
import type { IssuanceSettings } from "../core/issuance/settings.ts";
import {
  type ApprovalCover,
  type BreakglassCover,
  issuanceVerdict,
} from "../core/issuance/verdict.ts";
import { compilePolicy, evaluate } from "../core/policy/evaluate.ts";
import type { CredentialMode } from "../core/policy/schema.ts";
import { formatSourceIdentity, roleSessionName } from "../core/source_identity.ts";
import type { CredentialEntry } from "../ports/cache.ts";
import type { Deps } from "../ports/deps.ts";
import { approvalCover } from "./approvals.ts";
import { breakglassCover } from "./breakglass.ts";
import { notifierOf, reportDelivery } from "./notify.ts";
import { loadPolicy } from "./policy.ts";
import { baseRequest, type ProfileSettings, profileSettings } from "./profile_settings.ts";
import { recordDecision } from "./record_decision.ts";
import { guardRecursion, RESOLVING_ENV } from "./recursion_guard.ts";
import { openStore, type StoreAccess } from "./stores.ts";
import { verifiedIdentity } from "./verified_identity.ts";
import {
  entryReusable,
  type IssueResult,
  resultOf,
  tryWarmCredentials,
} from "./warm_credentials.ts";

export type { IssueResult } from "./warm_credentials.ts";

/** What is asked for. */
export interface IssueRequest {
  profile: string;
  mode: CredentialMode;
  /** `--policy`, overriding every other policy setting. */
  policy?: string;
  /** `--duration`, in seconds. */
  durationSeconds?: number;
  /** `--no-cache`: decide and issue afresh, whatever is cached (the result is cached still). */
  noCache?: boolean;
  /** `--region`, overriding the region settings. */
  region?: string;
  /** `--log-file` (v1), overriding `log_file`. */
  logFile?: string;
  /** aws-vault flags from the command line (v1's `--no-session`). */
  awsVaultFlags?: readonly string[];
  /** Also hands each decision record, as logged, to this (v1's `--log-stderr`). */
  echo?: (record: Record<string, unknown>) => void;
}

/** Issues credentials for a profile: from the warm cache when it may, otherwise afresh. */
export async function issueCredentials(request: IssueRequest, deps: Deps): Promise<IssueResult> {
  const chain = guardRecursion(request.profile, deps.env.vars);
  deps.setChildEnv(RESOLVING_ENV, chain.join(","));
  const key = await deps.cache.credentialKey(request.profile, request);
  if (request.noCache !== true) {
    const warm = await tryWarmCredentials(deps, key, request.mode, request.echo);
    if (warm !== undefined) return warm;
  }
  deps.debug(request.noCache === true ? "--no-cache: deciding afresh" : "nothing reusable cached");
  return await issueCold(deps, request, key);
}

async function issueCold(deps: Deps, request: IssueRequest, key: string): Promise<IssueResult> {
  const profile = await profileSettings(deps, request.profile, request);
  const { settings } = profile;
  // One issuance per burst: the first caller issues, the others wait for the lock and then find
  // its session in the cache. The wait is bounded by the command's budget.
  const release = await deps.cache.lock(key, settings.timeoutSeconds * 1000);
  try {
    if (release !== undefined && request.noCache !== true) {
      const issuedMeanwhile = await tryWarmCredentials(deps, key, request.mode, request.echo);
      if (issuedMeanwhile !== undefined) return issuedMeanwhile;
    }
    return await issueLocked(deps, request, key, profile);
  } finally {
    release?.();
  }
}

async function issueLocked(
  deps: Deps,
  request: IssueRequest,
  key: string,
  profile: ProfileSettings,
): Promise<IssueResult> {
  const { settings } = profile;
  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
  const call = { region: settings.region, signal };
  const base = await (await deps.baseCredentials()).get(baseRequest(profile), signal);
  const identity = await verifiedIdentity(deps, base.credentials, call);
  const policy = await loadPolicy(deps, {
    source: settings.policy,
    region: settings.region,
    ttlSeconds: settings.policyTtlSeconds,
    credentials: () => Promise.resolve(base.credentials),
    signal,
  });
  const now = deps.clock.now();
  const subject: IssuanceSubject = {
    user: identity.user,
    identityArn: identity.arn,
    profile: settings.profile,
    roleArn: settings.roleArn,
    mode: request.mode,
    policySource: policy.source,
    policyHash: policy.hash,
    requestId: deps.ids.newId(),
  };
  const decision = evaluate(compilePolicy(policy.document), { ...subject, time: now });
  const covers = decision.effect === "allow" ? {} : await coversFor(deps, settings, subject, now, {
    region: settings.region,
    signal,
    credentials: () => Promise.resolve(base.credentials),
  }, decision.effect === "require_approval");
  const verdict = issuanceVerdict({ decision, ...subject, ...covers });
  const destinations = { logFile: settings.logFile, plugins: settings.plugins, echo: request.echo };
  const record = (facts: Omit<DecisionFacts, "decision" | "time" | "cacheHit" | "subject">) =>
    recordDecision(
      deps,
      decisionRecord({ subject, decision, time: now, cacheHit: false, ...facts }),
      destinations,
    );

  if (!verdict.issue) {
    await record({ outcome: "denied" });
    const report = await notifierOf(deps, settings.plugins).notify("credential_denied", {
      user: subject.user,
      profile: subject.profile,
      role_arn: subject.roleArn,
      effect: decision.effect,
      rule: decision.rule,
      reason: decision.reason,
      request_id: subject.requestId,
    });
    reportDelivery(deps, "the denial notice", report);
    throw verdict.error;
  }
  const cached = request.noCache === true ? undefined : await deps.cache.readCredentials(key);
  if (
    cached !== undefined && entryReusable(cached, now) && cached.grant === undefined &&
    cached.subject.user === subject.user && cached.subject.policyHash === subject.policyHash
  ) {
    // Only the policy was stale: it still allows, so the cached session is handed out again.
    await recordDecision(
      deps,
      decisionRecord({
        subject: cached.subject,
        decision,
        outcome: "issued",
        time: now,
        cacheHit: true,
        sourceIdentity: cached.sourceIdentity,
        sessionDurationSeconds: cached.sessionDurationSeconds,
      }),
      destinations,
    );
    return resultOf(cached, true);
  }

  const length = sessionLength({
    requestedSeconds: settings.durationSeconds,
    ruleMaxSeconds: verdict.ruleMaxSeconds,
    windowEndsAt: verdict.windowEndsAt,
    now,
  });
  if (!length.ok) {
    const failure = `only ${
      formatDuration(length.remainingSeconds)
    } of the access window remain, less than the 15 minutes STS can issue`;
    await record({ outcome: "denied", grant: verdict.grant, failure });
    throw new SentinelError(ExitCode.Denied, `${failure}; nothing was issued`);
  }
  const breakglassId = verdict.grant.breakglassEventId;
  const sourceIdentity = breakglassId === undefined
    ? formatSourceIdentity(identity.user, subject.requestId)
    : formatSourceIdentity(identity.user, breakglassId, { breakglass: true });
  const issued = { sourceIdentity, sessionDurationSeconds: length.seconds, grant: verdict.grant };
  const { sts } = await deps.aws();
  let session;
  try {
    session = await sts.assumeRole(base.credentials, call, {
      roleArn: settings.roleArn,
      roleSessionName: roleSessionName(identity.user),
      sourceIdentity,
      durationSeconds: length.seconds,
      externalId: settings.externalId,
    });
    const lifetime = session.expiration.getTime() - deps.clock.now();
    if (!(lifetime > settings.refreshWindowSeconds * 1000)) {
      throw new SentinelError(
        ExitCode.AwsFailure,
        `STS returned credentials for ${settings.roleArn} that expire at ${session.expiration.toISOString()}, within the refresh window; check this machine's clock against STS (run \`sentinel doctor\`)`,
      );
    }
  } catch (error) {
    await record({ outcome: "denied", ...issued, failure: (error as Error).message });
    throw error;
  }
  await record({ outcome: "issued", ...issued });
  const entry: CredentialEntry = {
    subject,
    region: settings.region,
    policyTtlSeconds: settings.policyTtlSeconds,
    refreshWindowSeconds: settings.refreshWindowSeconds,
    logFile: settings.logFile,
    sourceIdentity,
    sessionDurationSeconds: length.seconds,
    credentials: {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiration.getTime(),
    },
    issuedAt: now,
    sinks: settings.plugins.filter((plugin) => plugin.kind === "log_sink"),
    ...(Object.keys(verdict.grant).length === 0
      ? {}
      : { grant: { ...verdict.grant, windowEndsAt: verdict.windowEndsAt } }),
  };
  // A break-glass session is never served from cache: closing the event must end it at once.
  if (breakglassId === undefined) await deps.cache.writeCredentials(key, entry);
  return resultOf(entry, false);
}

/**
 * What can lend access the policy does not give: an active break-glass event of the user for the
 * profile and role (any decision), or an approved request (for `require_approval`).
 */
async function coversFor(
  deps: Deps,
  settings: IssuanceSettings,
  subject: IssuanceSubject,
  now: number,
  access: StoreAccess,
  approvalRequired: boolean,
): Promise<{ approval?: ApprovalCover; breakglass?: BreakglassCover }> {
  const stores = await openStore(deps, settings.store, access);
  const breakglass = await breakglassCover(
    stores,
    subject.user,
    subject.profile,
    subject.roleArn,
    now,
  );
  if (breakglass !== undefined) return { breakglass };
  if (!approvalRequired) return {};
  const approval = await approvalCover(stores, subject.user, subject.profile, subject.roleArn, now);
  return approval === undefined ? {} : { approval };
}

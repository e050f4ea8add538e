/**
 * The session half of a cold issuance, after an issuing verdict: hand out the cached session
 * again when only the policy was stale (same user, same policy), or assume the role with a
 * SourceIdentity for a session that never outlives its window — refusing credentials STS returns
 * already (nearly) expired — then log, and cache what may be cached.
 *
 * @module
 */
import { formatDuration } from "../../core/text/duration.ts";
import { SentinelError } from "../../core/errors.ts";
import { decisionRecord } from "../../core/issuance/record.ts";
import {
  MIN_SESSION_USE_SECONDS,
  sessionLength,
  sessionUseSeconds,
} from "../../core/issuance/session.ts";
import { slicePolicy } from "../../core/policy/make_slice.ts";
import { formatSourceIdentity, roleSessionName } from "../../core/issuance/source_identity.ts";
import type { SessionCredentials } from "../../ports/aws.ts";
import type { CredentialEntry, LocalCredentialEntry } from "../../ports/cache.ts";
import type { Deps } from "../../ports/deps.ts";
import type { IssuanceDecision } from "./decision.ts";
import { recordDecision } from "../record_decision.ts";
import { entryReusable, type IssueResult, resultOf, revokedHere } from "./warm_credentials.ts";

/**
 * The cached session again, when it is still good and was issued to the same user under the same
 * policy (only the policy's TTL had lapsed); `undefined` otherwise.
 */
export async function reissueCached(
  deps: Deps,
  decided: IssuanceDecision,
  cached: CredentialEntry | undefined,
): Promise<IssueResult | undefined> {
  const { subject, verdict } = decided;
  if (
    cached === undefined || cached.broker !== undefined || !entryReusable(cached, decided.now) ||
    cached.grant !== undefined ||
    Object.keys(verdict.grant).length > 0 || cached.subject.user !== subject.user ||
    cached.subject.policyHash !== subject.policyHash || await revokedHere(deps, cached, decided.now)
  ) return undefined;
  await recordDecision(
    deps,
    decisionRecord({
      subject: cached.subject,
      decision: decided.decision,
      outcome: "issued",
      time: decided.now,
      cacheHit: true,
      sourceIdentity: cached.sourceIdentity,
      sessionDurationSeconds: cached.sessionDurationSeconds,
    }),
    decided.destinations,
  );
  return resultOf(cached, true);
}

/** How far past a session's expiry its policy slice's offset tables reach. */
const SLICE_MARGIN_MS = 86_400_000;

/**
 * Assumes the role, logs the issuance, caches it under `key` (never a break-glass session; a
 * broker passes no key: its sessions belong to its callers, who cache them), returns it.
 */
export async function assumeSession(
  deps: Deps,
  decided: IssuanceDecision,
  key: string | undefined,
): Promise<IssueResult> {
  const { settings, verdict, subject, now } = decided;
  const seconds = await usableLength(decided);
  const breakglassId = verdict.grant.breakglassEventId;
  const sourceIdentity = breakglassId === undefined
    ? formatSourceIdentity(subject.user, subject.decisionId)
    : formatSourceIdentity(subject.user, breakglassId, { breakglass: true });
  const issued = { sourceIdentity, sessionDurationSeconds: seconds, grant: verdict.grant };
  let session: SessionCredentials;
  try {
    session = await assumeRole(deps, decided, sourceIdentity, seconds);
  } catch (error) {
    await decided.record({ outcome: "denied", ...issued, failure: (error as Error).message });
    throw error;
  }
  await decided.record({ outcome: "issued", ...issued });
  const entry: LocalCredentialEntry = {
    subject,
    region: settings.region,
    policyTtlSeconds: settings.policyTtlSeconds,
    refreshWindowSeconds: settings.refreshWindowSeconds,
    logFile: settings.logFile,
    sourceIdentity,
    sessionDurationSeconds: seconds,
    credentials: {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiration.getTime(),
    },
    issuedAt: now,
    sinks: settings.plugins.filter((plugin) => plugin.kind === "log_sink"),
    // Valid beyond the session's end: the warm path never needs time zone data.
    policySlice: slicePolicy(
      decided.index,
      subject,
      now,
      session.expiration.getTime() + SLICE_MARGIN_MS,
    ),
    ...(Object.keys(verdict.grant).length === 0
      ? {}
      : { grant: { ...verdict.grant, windowEndsAt: verdict.windowEndsAt } }),
  };
  // A break-glass session is never served from cache: closing the event must end it at once.
  if (breakglassId === undefined && key !== undefined) {
    await deps.cache.writeCredentials(key, entry);
  }
  return resultOf(entry, false);
}

/**
 * The session length to ask STS for; refuses (logged, nothing issued) when the access window has
 * too little left for STS, or the refresh window would leave the session no use.
 */
async function usableLength(decided: IssuanceDecision): Promise<number> {
  const { settings, verdict, now } = decided;
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
    await decided.record({ outcome: "denied", grant: verdict.grant, failure });
    throw new SentinelError("denied", `${failure}; nothing was issued`);
  }
  if (sessionUseSeconds(length.seconds, settings.refreshWindowSeconds) === undefined) {
    const failure = `refresh_window (${
      formatDuration(settings.refreshWindowSeconds)
    }) leaves less than ${formatDuration(MIN_SESSION_USE_SECONDS)} of the ${
      formatDuration(length.seconds)
    } session before it is refreshed`;
    await decided.record({ outcome: "denied", grant: verdict.grant, failure });
    throw new SentinelError(
      "invalid_config",
      `${failure}; nothing was issued. Set refresh_window (SENTINEL_REFRESH_WINDOW or sentinel_refresh_window) well below the session length, such as 5m`,
    );
  }
  return length.seconds;
}

/** STS AssumeRole, refusing credentials that arrive already within the refresh window. */
async function assumeRole(
  deps: Deps,
  decided: IssuanceDecision,
  sourceIdentity: string,
  durationSeconds: number,
): Promise<SessionCredentials> {
  const { settings, subject } = decided;
  const { sts } = await deps.aws();
  const session = await sts.assumeRole(decided.base.credentials, decided.call, {
    roleArn: settings.roleArn,
    roleSessionName: roleSessionName(subject.user),
    sourceIdentity,
    durationSeconds,
    externalId: settings.externalId,
  });
  const lifetime = session.expiration.getTime() - deps.clock.now();
  if (!(lifetime > settings.refreshWindowSeconds * 1000)) {
    throw new SentinelError(
      "aws_failure",
      `STS returned credentials for ${settings.roleArn} that expire at ${session.expiration.toISOString()}, within the refresh window; check this machine's clock against STS (run \`sentinel doctor\`)`,
    );
  }
  return session;
}

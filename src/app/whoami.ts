/**
 * The verified identity Sentinel would use for a profile: its base credentials, named by STS, and
 * the name the profile's policy knows it by (qualified: an identity of an account the policy does
 * not trust for plain names, or a federated user, is named by its ARN).
 * Without a profile: the AWS SDK's default chain (`AWS_PROFILE`, then `default`); a profile that is
 * not set up for Sentinel (a plain base profile) is asked about its own credentials.
 *
 * @module
 */
import { sentinelInvocation } from "../core/aws_config/front_profile.ts";
import {
  type Identity,
  identityFromArn,
  identityNaming,
  policyUserName,
} from "../core/identity.ts";
import type { IssuanceSettings } from "../core/issuance/settings.ts";
import type { BaseCredentials } from "../ports/base_credentials.ts";
import type { Deps } from "../ports/deps.ts";
import { callerSettings } from "./caller.ts";
import { loadPolicy } from "./policy.ts";
import { baseRequest, type BrokerProfile, profileRoute } from "./issuance/profile_settings.ts";
import { brokerSession, profileBroker, provenCall } from "./issuance/through_broker.ts";
import { BROKER_PATHS, type WhoamiAnswer } from "../core/broker/api.ts";
import { SentinelError } from "../core/errors.ts";
import { verifiedIdentity } from "./issuance/verified_identity.ts";

/** Who the policy sees for a profile, and how it was found out. */
export interface WhoAmI {
  identity: Identity;
  /** The name the policy knows the identity by (its ARN when it has no plain name there). */
  user: string;
  /** The accounts whose identities have plain names under that policy. */
  accounts: readonly string[];
  base: BaseCredentials;
  region: string;
  settings?: IssuanceSettings;
  /** In broker mode: the broker that proved the identity (and the principal's unique id). */
  broker?: { server: string; userId: string };
}

/** The identity behind a profile's base credentials (or the caller's own profile without one). */
export async function whoAmI(
  deps: Deps,
  profile: string | undefined,
  flags: { server?: string } = {},
): Promise<WhoAmI> {
  if (profile === undefined || !(await guarded(deps, profile))) {
    const caller = await callerSettings(deps, { profile }, "--profile");
    const signal = AbortSignal.timeout(caller.timeoutSeconds * 1000);
    const base = await (await deps.baseCredentials()).get(caller.base, signal);
    const identity = await verifiedIdentity(deps, base.credentials, {
      region: caller.region,
      signal,
    });
    const naming = identityNaming({}, undefined, identity.account);
    return {
      identity,
      user: policyUserName(identity, naming),
      accounts: naming.accounts,
      base,
      region: caller.region,
    };
  }
  const route = await profileRoute(deps, profile, flags);
  if (route.mode === "broker") return await brokerWhoAmI(deps, route);
  const resolved = route;
  const { settings } = resolved;
  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
  const base = await (await deps.baseCredentials()).get(baseRequest(resolved), signal);
  const identity = await verifiedIdentity(deps, base.credentials, {
    region: settings.region,
    signal,
  });
  const policy = await loadPolicy(deps, {
    source: settings.policy,
    region: settings.region,
    ttlSeconds: settings.policyTtlSeconds,
    credentials: () => Promise.resolve(base.credentials),
    signal,
  });
  const naming = identityNaming(policy.document, settings.roleArn, identity.account);
  return {
    identity,
    user: policyUserName(identity, naming),
    accounts: naming.accounts,
    base,
    region: settings.region,
    settings,
  };
}

/** The identity a profile's broker proves from its base credentials (`POST /v1/whoami`). */
async function brokerWhoAmI(deps: Deps, profile: BrokerProfile): Promise<WhoAmI> {
  const session = await brokerSession(deps, profileBroker(profile));
  const answer = parsedWhoami(await provenCall(session, BROKER_PATHS.whoami, {}));
  const identity = identityFromArn(answer?.arn ?? "");
  if (answer === undefined || identity === undefined || identity.account !== answer.account) {
    throw new SentinelError(
      "broker_unreachable",
      `${session.server} is not answering whoami as a Sentinel broker; check sentinel_server (sentinel doctor)`,
    );
  }
  const naming = identityNaming({}, undefined, identity.account);
  return {
    identity,
    user: policyUserName(identity, naming),
    accounts: naming.accounts,
    base: session.base,
    region: profile.settings.region,
    broker: { server: session.server, userId: answer.user_id },
  };
}

function parsedWhoami(text: string): WhoamiAnswer | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value?.arn === "string" && typeof value.user_id === "string" &&
        typeof value.account === "string"
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a profile is set up for Sentinel (a role to assume, or a front to one). */
async function guarded(deps: Deps, profile: string): Promise<boolean> {
  const config = await deps.config.load();
  const section = config.aws.profiles.get(profile);
  if (section === undefined) return true; // profileSettings says it is unknown, with near names
  return section.sentinel_role_arn !== undefined || section.role_arn !== undefined ||
    sentinelInvocation(section.credential_process) !== undefined;
}

/**
 * Who is asking, for a profile, and under which policy: the profile's base credentials, the user
 * STS verifies them as, and the policy the profile names — the start of every issuance, request
 * and break-glass invocation. The whole command runs within `sentinel_timeout`.
 *
 * @module
 */
import { type Identity, identityNaming, policyUserName } from "../../core/identity.ts";
import type { PolicyDocument } from "../../core/policy/schema.ts";
import type { IssuanceSettings } from "../../core/issuance/settings.ts";
import type { AwsCall } from "../../ports/aws.ts";
import type { BaseCredentials } from "../../ports/base_credentials.ts";
import type { PolicyEntry } from "../../ports/cache.ts";
import type { Deps } from "../../ports/deps.ts";
import type { Stores } from "../../ports/stores.ts";
import { loadPolicy } from "../policy.ts";
import { baseRequest, type ProfileSettings } from "./profile_settings.ts";
import { openStore } from "../stores.ts";
import { verifiedIdentity } from "./verified_identity.ts";

/** The asker, their credentials and the policy, for one profile. */
export interface ProfileContext {
  settings: IssuanceSettings;
  /** Region and deadline of every AWS call of this command. */
  call: AwsCall;
  base: BaseCredentials;
  identity: Identity;
  /** The name the policy knows the asker by (see policyUserName). */
  user: string;
  policy: PolicyEntry;
  /**
   * The stores the profile's settings name, opened on first use (with `existing`, a missing
   * SQLite store is an error, `store_missing`, instead of being created).
   */
  stores(options?: { existing?: boolean }): Promise<Stores>;
}

/**
 * The name `document` knows `identity` by, in a decision on `roleArn` (whose account is the one
 * whose identities have plain names, unless the policy lists `identity.accounts`).
 */
export function userUnder(
  identity: Identity,
  document: Pick<PolicyDocument, "identity">,
  roleArn: string | undefined,
): string {
  return policyUserName(identity, identityNaming(document, roleArn, identity.account));
}

/**
 * Resolves the asker and the policy for a profile's settings. A broker passes the `caller` a
 * proof established (core/broker/caller_proof.ts): the base credentials are then the broker's own
 * and only assume the role.
 */
export async function profileContext(
  deps: Deps,
  profile: ProfileSettings,
  caller?: Identity,
): Promise<ProfileContext> {
  const { settings } = profile;
  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
  const call = { region: settings.region, signal };
  const base = await (await deps.baseCredentials()).get(baseRequest(profile), signal);
  // The policy loads (and, when new, parses) while STS answers who the caller is; the identity's
  // failure is still the one reported when both fail, as when they ran one after the other.
  const policyLoad = loadPolicy(deps, {
    source: settings.policy,
    sourceFrom: settings.policyFrom,
    region: settings.region,
    ttlSeconds: settings.policyTtlSeconds,
    credentials: () => Promise.resolve(base.credentials),
    signal,
  });
  policyLoad.catch(() => {}); // awaited below, unless the identity fails first
  const identity = caller ?? await verifiedIdentity(deps, base.credentials, call);
  const policy = await policyLoad;
  let stores: Promise<Stores> | undefined;
  return {
    settings,
    call,
    base,
    identity,
    user: userUnder(identity, policy.document, settings.roleArn),
    policy,
    stores: (options) =>
      stores ??= openStore(deps, settings.store, {
        ...call,
        credentials: () => Promise.resolve(base.credentials),
      }, options),
  };
}

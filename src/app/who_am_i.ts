/**
 * The verified identity Sentinel would use for a profile: its base credentials, named by STS.
 * Without a profile: the AWS SDK's default chain (`AWS_PROFILE`, then `default`).
 *
 * @module
 */
import type { Identity } from "../core/identity.ts";
import type { IssuanceSettings } from "../core/issuance/settings.ts";
import type { BaseCredentials } from "../ports/base_credentials.ts";
import type { Deps } from "../ports/deps.ts";
import { callerSettings } from "./caller.ts";
import { baseRequest, profileSettings } from "./profile_settings.ts";
import { verifiedIdentity } from "./verified_identity.ts";

/** Who the policy sees for a profile, and how it was found out. */
export interface WhoAmI {
  identity: Identity;
  base: BaseCredentials;
  region: string;
  settings?: IssuanceSettings;
}

/** The identity behind a profile's base credentials (or the caller's own profile without one). */
export async function whoAmI(deps: Deps, profile: string | undefined): Promise<WhoAmI> {
  if (profile === undefined) {
    const caller = await callerSettings(deps, {});
    const signal = AbortSignal.timeout(caller.timeoutSeconds * 1000);
    const base = await (await deps.baseCredentials()).get(caller.base, signal);
    const identity = await verifiedIdentity(deps, base.credentials, {
      region: caller.region,
      signal,
    });
    return { identity, base, region: caller.region };
  }
  const resolved = await profileSettings(deps, profile);
  const { settings } = resolved;
  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
  const base = await (await deps.baseCredentials()).get(baseRequest(resolved), signal);
  const identity = await verifiedIdentity(deps, base.credentials, {
    region: settings.region,
    signal,
  });
  return { identity, base, region: settings.region, settings };
}

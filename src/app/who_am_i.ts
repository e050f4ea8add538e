/**
 * The verified identity Sentinel would use for a profile: its base credentials, named by STS.
 *
 * @module
 */
import { fromSdkChain } from "../adapters/credential_sources.ts";
import type { Identity } from "../core/identity.ts";
import type { CredentialCache } from "./credential_cache.ts";
import { baseCredentials, resolveIssuanceSettings, verifiedIdentity } from "./issue_credentials.ts";
import type { IssuanceSettings } from "./settings.ts";

/** The identity behind a profile's base credentials (or the default chain without a profile). */
export async function whoAmI(
  profile: string | undefined,
  env: Record<string, string>,
  cache: CredentialCache,
  now: number,
): Promise<{ identity: Identity; settings?: IssuanceSettings }> {
  if (profile === undefined) {
    const base = await fromSdkChain(env.AWS_PROFILE ?? "default");
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
    return { identity: await verifiedIdentity(base, region, cache, now) };
  }
  const settings = await resolveIssuanceSettings({ profile }, env);
  const base = await baseCredentials(settings, env);
  return { identity: await verifiedIdentity(base, settings.region, cache, now), settings };
}

/**
 * The verified identity behind base credentials: STS GetCallerIdentity, parsed from the ARN,
 * cached per access key until the credentials end (at most {@link IDENTITY_TTL_SECONDS}).
 *
 * @module
 */
import { SentinelError } from "../../core/errors.ts";
import { type Identity, identityFromArn } from "../../core/identity.ts";
import { identityTrusted } from "../../core/issuance/freshness.ts";
import { IDENTITY_TTL_SECONDS } from "../../core/limits.ts";
import type { AwsCall, AwsCredentials } from "../../ports/aws.ts";
import type { Deps } from "../../ports/deps.ts";

/** Who the base credentials belong to, according to STS (or its cached answer). */
export async function verifiedIdentity(
  deps: Deps,
  base: AwsCredentials,
  call: AwsCall,
): Promise<Identity> {
  const now = deps.clock.now();
  const cached = await deps.cache.readIdentity(base.accessKeyId);
  if (cached !== undefined && identityTrusted(cached.verifiedAt, cached.validUntil, now)) {
    return cached.identity;
  }
  const { sts } = await deps.aws();
  const caller = await sts.getCallerIdentity(base, call);
  const identity = identityFromArn(caller.arn);
  if (identity === undefined) {
    throw new SentinelError(
      "aws_failure",
      `STS reported a caller Sentinel cannot name a user for: ${caller.arn}; use IAM user, SSO or role-session credentials as the base`,
    );
  }
  const validUntil = Math.min(
    base.expiration?.getTime() ?? Infinity,
    now + IDENTITY_TTL_SECONDS * 1000,
  );
  await deps.cache.writeIdentity(base.accessKeyId, { identity, verifiedAt: now, validUntil });
  return identity;
}

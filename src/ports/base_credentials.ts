/**
 * Base credentials: the person's own AWS credentials, from aws-vault, the AWS SDK chain of a
 * source profile, or the environment. Sentinel decides, then performs the final role hop with them.
 *
 * @module
 */
import type { CredentialSource } from "../core/settings.ts";
import type { AwsCredentials } from "./aws.ts";

/** Which credentials to get. */
export interface BaseCredentialRequest {
  source: CredentialSource;
  /** The profile holding (or naming) the base credentials; not needed for `env`. */
  sourceProfile?: string;
  /** Extra flags for `aws-vault export`. */
  awsVaultFlags: readonly string[];
  /** The region the SDK chain makes its own STS calls in (a role source profile, say). */
  region?: string;
  /**
   * Static keys the AWS files hold for the source profile, when they do: `auto` and `sdk` use them
   * without loading the AWS SDK.
   */
  staticKeys?: AwsCredentials;
  /**
   * Whether the AWS files alone say how to get the source profile's credentials (keys, SSO, a
   * credential_process, …): `auto` then uses the SDK chain, otherwise aws-vault when installed.
   */
  filesResolve: boolean;
}

/** Base credentials and the source that actually supplied them (`auto` resolved). */
export interface BaseCredentials {
  credentials: AwsCredentials;
  /** What supplied them: `credentials-file` for static keys read without the SDK. */
  source: "aws-vault" | "sdk" | "env" | "credentials-file";
}

/** Gets base credentials; failures are exit code 6 with what to do next. */
export interface BaseCredentialProvider {
  get(request: BaseCredentialRequest, signal: AbortSignal): Promise<BaseCredentials>;
}

/**
 * The environment `sentinel exec` gives its child: every variable that could carry other AWS
 * credentials or select another profile is removed, then the issued session is set, with the
 * region and a marker that refuses nesting.
 *
 * @module
 */
import type { IssuedCredentials } from "./credential_process.ts";

/** Set in the child; a `sentinel exec` that finds it refuses to run inside another. */
export const EXEC_MARKER = "SENTINEL_EXEC_PROFILE";

/** Variables removed from the child's environment before the session is set. */
export const SCRUBBED_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_VAULT",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "SENTINEL_RESOLVING",
] as const;

/** The child's environment. */
export function execEnvironment(
  parent: Record<string, string>,
  profile: string,
  credentials: IssuedCredentials,
  region: string,
): Record<string, string> {
  const env = { ...parent };
  for (const key of SCRUBBED_VARIABLES) delete env[key];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: new Date(credentials.expiration).toISOString().replace(
      /\.\d{3}Z$/,
      "Z",
    ),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    [EXEC_MARKER]: profile,
  };
}

/**
 * The environment `sentinel exec` gives its child: every variable that could carry other AWS
 * credentials, a stale expiry, or select another profile is removed, and so is every secret
 * Sentinel itself consumed (aws-vault's keyring passphrase and tokens, secret `SENTINEL_*`
 * variables, the variables plugins' `*_env` settings name); then the issued session is set, with
 * the region and a marker that refuses nesting.
 *
 * @module
 */
import type { IssuedCredentials } from "./credential_process.ts";

/** Set in the child; a `sentinel exec` that finds it refuses to run inside another. */
export const EXEC_MARKER = "SENTINEL_EXEC_PROFILE";

/** AWS variables removed from the child's environment before the session is set. */
export const SCRUBBED_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  // Older names some SDKs (the Java SDK v1, boto2) still read.
  "AWS_ACCESS_KEY",
  "AWS_SECRET_KEY",
  "AWS_CREDENTIAL_FILE",
  // Expiry of the parent's session (aws-vault sets either); a stale one misleads the child.
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_SESSION_EXPIRATION",
  "AWS_BEARER_TOKEN_BEDROCK",
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

/** Secrets aws-vault reads from the environment (its keyring passphrase and 1Password tokens). */
export const AWS_VAULT_SECRET_VARIABLES = [
  "AWS_VAULT_FILE_PASSPHRASE",
  "AWS_VAULT_OP_CONNECT_TOKEN",
  "AWS_VAULT_OP_SERVICE_ACCOUNT_TOKEN",
] as const;

const SECRET_WORDS = /SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|PRIVATE|CREDENTIAL|API_?KEY|AUTH/;

/**
 * Whether a `SENTINEL_*` variable is a secret by its name (`SENTINEL_WEBHOOK_SECRET`,
 * `SENTINEL_API_TOKEN`, …). Sentinel's own settings (`SENTINEL_POLICY`, `SENTINEL_LOG_FILE`, …)
 * are not, and stay visible to the child.
 */
export function isSentinelSecret(name: string): boolean {
  return name.startsWith("SENTINEL_") && SECRET_WORDS.test(name.slice("SENTINEL_".length));
}

/**
 * `parent` without {@link SCRUBBED_VARIABLES}, {@link AWS_VAULT_SECRET_VARIABLES}, secret
 * `SENTINEL_*` variables and the `alsoRemove` names (the variables plugins' `*_env` settings name).
 */
function scrubbed(
  parent: Record<string, string>,
  alsoRemove: readonly string[],
): Record<string, string> {
  const remove = new Set<string>([
    ...SCRUBBED_VARIABLES,
    ...AWS_VAULT_SECRET_VARIABLES,
    ...alsoRemove,
  ]);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (!remove.has(key) && !isSentinelSecret(key)) env[key] = value;
  }
  return env;
}

/** The child's environment: `parent` scrubbed (see above), plus the issued session. */
export function execEnvironment(
  parent: Record<string, string>,
  profile: string,
  credentials: IssuedCredentials,
  region: string,
  alsoRemove: readonly string[] = [],
): Record<string, string> {
  return {
    ...scrubbed(parent, alsoRemove),
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

/**
 * The child's environment under `exec --server`: `parent` scrubbed the same way, and instead of
 * keys the loopback endpoint (`AWS_CONTAINER_CREDENTIALS_FULL_URI`) and its token, from which the
 * AWS SDKs and CLI fetch (and refresh) credentials themselves.
 */
export function serverExecEnvironment(
  parent: Record<string, string>,
  profile: string,
  endpoint: { url: string; token: string },
  region: string,
  alsoRemove: readonly string[] = [],
): Record<string, string> {
  return {
    ...scrubbed(parent, alsoRemove),
    AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: endpoint.token,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    [EXEC_MARKER]: profile,
  };
}

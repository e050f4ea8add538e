/**
 * The exact output `credential_process` expects (version 1): keys, token and an RFC 3339 UTC
 * expiration, nothing else.
 *
 * @module
 */

/** Temporary credentials as Sentinel hands them out. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
}

/** `{"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":…}` */
export function formatCredentialProcess(credentials: IssuedCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: new Date(credentials.expiration).toISOString().replace(/\.\d{3}Z$/, "Z"),
  });
}

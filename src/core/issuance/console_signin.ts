/**
 * The AWS console sign-in URL for an issued session, as the federation endpoint defines it: the
 * session (`sessionId`, `sessionKey`, `sessionToken`) is exchanged for a sign-in token with
 * `Action=getSigninToken`, and the token goes into an `Action=login` URL with the destination.
 * The endpoint is configurable (SENTINEL_FEDERATION_URL; other partitions, or a stand-in in
 * tests) but must be HTTPS, except on the loopback interface, since the session travels to it.
 * Pure.
 *
 * @example
 * ```ts
 * import { consoleSigninUrl, federationEndpoint } from "./console_signin.ts";
 *
 * const endpoint = federationEndpoint(undefined);
 * const url = consoleSigninUrl(endpoint, "token", "https://console.aws.amazon.com/");
 * console.assert(url.startsWith("https://signin.aws.amazon.com/federation?Action=login&"));
 * ```
 * @module
 */
import type { IssuedCredentials } from "./credential_process.ts";
import { SentinelError } from "../errors.ts";

/** AWS's federation endpoint (the commercial partition). */
export const DEFAULT_FEDERATION_URL = "https://signin.aws.amazon.com/federation";

/** What the console login is called in the URL (shown by AWS when the session ends). */
export const ISSUER = "sentinel";

function loopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The federation endpoint from SENTINEL_FEDERATION_URL (or the default), checked. */
export function federationEndpoint(text: string | undefined): URL {
  const value = text ?? DEFAULT_FEDERATION_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SentinelError(
      "invalid_config",
      `SENTINEL_FEDERATION_URL "${value}" is not a URL; use ${DEFAULT_FEDERATION_URL} or your partition's federation endpoint`,
    );
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback(url.hostname))) {
    throw new SentinelError(
      "invalid_config",
      `SENTINEL_FEDERATION_URL must use https (the session is sent to it), got ${url.protocol}//${url.host}`,
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new SentinelError(
      "invalid_config",
      "SENTINEL_FEDERATION_URL must not carry a query or fragment",
    );
  }
  return url;
}

/** The console page to land on: the given URL (HTTPS only), or the home page in `region`. */
export function consoleDestination(destination: string | undefined, region: string): string {
  if (destination === undefined) {
    return `https://console.aws.amazon.com/console/home?region=${encodeURIComponent(region)}`;
  }
  let url: URL | undefined;
  try {
    url = new URL(destination);
  } catch { /* reported below */ }
  if (url === undefined || url.protocol !== "https:") {
    throw new SentinelError(
      "usage",
      `--destination must be an https URL of the console, such as https://console.aws.amazon.com/s3/`,
    );
  }
  return url.href;
}

/** The getSigninToken request (its query holds the session's secrets: never log it). */
export function signinTokenRequest(endpoint: URL, credentials: IssuedCredentials): URL {
  const url = new URL(endpoint.href);
  url.search = new URLSearchParams({
    Action: "getSigninToken",
    Session: JSON.stringify({
      sessionId: credentials.accessKeyId,
      sessionKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    }),
  }).toString();
  return url;
}

/** The sign-in URL for a token (a secret for its 15 minutes: print it, never log it). */
export function consoleSigninUrl(endpoint: URL, signinToken: string, destination: string): string {
  const url = new URL(endpoint.href);
  url.search = new URLSearchParams({
    Action: "login",
    Issuer: ISSUER,
    Destination: destination,
    SigninToken: signinToken,
  }).toString();
  return url.href;
}

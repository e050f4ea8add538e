/**
 * The AWS console sign-in as `sentinel login` uses it: the federation endpoint that exchanges a
 * session for a sign-in token, and the user's browser.
 *
 * @module
 */
import type { IssuedCredentials } from "../core/credential_process.ts";

/** The federation endpoint and the browser. */
export interface ConsoleSignin {
  /**
   * Exchanges `credentials` for a sign-in token at `endpoint` (Action=getSigninToken). Failures
   * are exit code 6 and never quote the request, which holds the session's secrets.
   */
  signinToken(endpoint: URL, credentials: IssuedCredentials, signal: AbortSignal): Promise<string>;
  /** Opens `url` in the user's browser ($BROWSER, else the system's opener). */
  open(url: string): Promise<void>;
}

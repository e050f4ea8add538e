/**
 * The AWS console sign-in as `sentinel login` uses it: the federation endpoint that exchanges a
 * session for a sign-in token, and the user's browser.
 *
 * @module
 */
import type { IssuedCredentials } from "../core/issuance/credential_process.ts";

/** The federation endpoint and the browser. */
export interface ConsoleSignin {
  /**
   * Exchanges `credentials` for a sign-in token at `endpoint` (Action=getSigninToken). Failures
   * are exit code 6 and never quote the request, which holds the session's secrets.
   */
  signinToken(endpoint: URL, credentials: IssuedCredentials, signal: AbortSignal): Promise<string>;
  /**
   * Opens `url` in the user's browser ($BROWSER, else the system's opener) without putting it on
   * any command line, where other local users could read it: the opener gets a private page that
   * leads on to `url`, removed once the browser has read it (or after a short wait).
   */
  open(url: string): Promise<void>;
}

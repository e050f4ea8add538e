/**
 * `sentinel login` as a use case: the session for a profile, issued exactly as `credentials`
 * issues it (policy decided, SourceIdentity stamped, decision logged), exchanged at the federation
 * endpoint (SENTINEL_FEDERATION_URL, default AWS's) for a console sign-in URL — and optionally
 * opened in the browser.
 *
 * @module
 */
import {
  consoleDestination,
  consoleSigninUrl,
  federationEndpoint,
} from "../core/issuance/console_signin.ts";
import type { Deps } from "../ports/deps.ts";
import { issueCredentials, type IssueRequest } from "./issuance/issue.ts";
import { profileRoute } from "./issuance/profile_settings.ts";

/** What `login` asks for. */
export interface SigninRequest extends IssueRequest {
  /** The console page to land on (default: the console home in the profile's region). */
  destination?: string;
}

/** A console sign-in URL and the session behind it. */
export interface ConsoleSigninResult {
  /** A secret for the 15 minutes it can be used: print it, never log it. */
  url: string;
  profile: string;
  user: string;
  /** When the console session's credentials expire, epoch ms. */
  expiration: number;
}

/** Issues the session and builds its console sign-in URL. */
export async function consoleSignin(
  request: SigninRequest,
  deps: Deps,
): Promise<ConsoleSigninResult> {
  // Checked before anything is issued: a bad endpoint must not cost a session.
  const endpoint = federationEndpoint(deps.env.get("SENTINEL_FEDERATION_URL"));
  const { settings } = await profileRoute(deps, request.profile, request);
  const destination = consoleDestination(request.destination, settings.region);
  const result = await issueCredentials(request, deps);
  const signin = await deps.consoleSignin();
  const token = await signin.signinToken(
    endpoint,
    result.credentials,
    AbortSignal.timeout(settings.timeoutSeconds * 1000),
  );
  return {
    url: consoleSigninUrl(endpoint, token, destination),
    profile: request.profile,
    user: result.subject.user,
    expiration: result.credentials.expiration,
  };
}

/** Opens a sign-in URL in the user's browser. */
export async function openInBrowser(deps: Deps, url: string): Promise<void> {
  await (await deps.consoleSignin()).open(url);
}

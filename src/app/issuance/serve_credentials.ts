/**
 * `sentinel exec --server` as a use case: the command's AWS SDK or CLI fetches its credentials
 * from a loopback endpoint instead of the environment, so a job that runs for hours keeps getting
 * fresh sessions — and the policy decides again for each one. A request is answered from the
 * session held while that session is outside the refresh window; inside it, the issuance use case
 * runs again (policy evaluated afresh, the decision logged, a new session assumed). A decision
 * that refuses (deny, approval required) ends serving for good: the endpoint answers 403 from then
 * on, so the SDK fails — a revoked user's job loses access within one refresh. A session a
 * revocation made on this host covers is replaced at the next request, not served. Other failures (AWS
 * unreachable, a policy that no longer validates) answer 503 and are tried again at the next
 * request. The client is told a session expires when its refresh window begins (in whole seconds),
 * so it must come back, and face the policy again, before the session's real end; a session with
 * less than {@link MIN_LEASE_MS} of that left is refreshed rather than served.
 *
 * @module
 */
import { filesResolve } from "../../core/aws_config/profile.ts";
import { ExitCode, SentinelError } from "../../core/errors.ts";
import type { CredentialEndpoint, ServedAnswer } from "../../ports/credential_server.ts";
import type { Deps } from "../../ports/deps.ts";
import { issueCredentials, type IssueRequest, type IssueResult } from "./issue.ts";
import { revokedHere } from "./warm_credentials.ts";
import { profileRoute } from "./profile_settings.ts";

/**
 * The least a served session must have left before its refresh window: a client told its
 * credentials expire within a moment would take them as already expired.
 */
export const MIN_LEASE_MS = 2_000;

/** Decisions that end serving (rather than fail one request). */
const ENDING: ReadonlySet<number> = new Set([ExitCode.Denied, ExitCode.ApprovalRequired]);

/** What serving needs and whom it tells. */
export interface ServingHooks {
  /** Issues afresh: the issuance use case, which evaluates the policy again. */
  issue(): Promise<IssueResult>;
  /** Epoch ms. */
  now(): number;
  refreshWindowSeconds: number;
  /** Told once, when a policy decision ends serving. */
  ended?(error: SentinelError): void;
  /** Told of a refresh that failed but may work at the next request. */
  failed?(error: SentinelError): void;
  /** Whether the held session has been revoked (then it is replaced before it is served). */
  revoked?(held: IssueResult): Promise<boolean>;
}

/** The serving state behind one endpoint. */
export interface CredentialServing {
  /** The answer to one authorised credential request. */
  answer(): Promise<ServedAnswer>;
  /** Sessions issued after the first. */
  readonly refreshes: number;
  /** The refusal that ended serving, if one did. */
  readonly endedBy: SentinelError | undefined;
}

/** A refusal that ends serving: 403 from now on. */
function refused(error: SentinelError): ServedAnswer {
  return {
    ok: false,
    status: 403,
    code: error.code,
    message: `${error.message}; this credential endpoint serves no more credentials`,
  };
}

/** A failure that may pass: 503, tried again at the next request. */
function unavailable(error: SentinelError): ServedAnswer {
  return { ok: false, status: 503, code: error.code, message: error.message };
}

/** A session issued just now whose refresh window starts at `lease`: too soon to serve. */
function tooSoon(lease: number): SentinelError {
  return new SentinelError(
    "aws_failure",
    `the session issued just now reaches its refresh window at ${
      new Date(lease).toISOString()
    }, too soon to serve; check this machine's clock against STS and refresh_window (run \`sentinel doctor\`)`,
  );
}

/** Serves `first`, then what {@link ServingHooks.issue} gives, as the module describes. */
export function credentialServing(first: IssueResult, hooks: ServingHooks): CredentialServing {
  const windowMs = hooks.refreshWindowSeconds * 1000;
  let held = first;
  let refreshes = 0;
  let endedBy: SentinelError | undefined;
  let inFlight: Promise<ServedAnswer> | undefined;
  // Whole seconds, as the endpoint writes it: never later than the refresh window's start.
  const lease = () => Math.floor((held.credentials.expiration - windowMs) / 1000) * 1000;
  const serve = (): ServedAnswer => ({
    ok: true,
    credentials: held.credentials,
    expiresAt: lease(),
  });
  const refresh = async (): Promise<ServedAnswer> => {
    try {
      held = await hooks.issue();
      refreshes++;
      if (lease() - hooks.now() >= MIN_LEASE_MS) return serve();
      // Served, it would be taken as expired at once and fetched again: a loop of AssumeRoles.
      const error = tooSoon(lease());
      hooks.failed?.(error);
      return unavailable(error);
    } catch (error) {
      if (!(error instanceof SentinelError)) throw error;
      if (ENDING.has(error.exitCode)) {
        endedBy = error;
        hooks.ended?.(error);
        return refused(error);
      }
      hooks.failed?.(error);
      return unavailable(error);
    }
  };
  // One issuance at a time: requests that arrive meanwhile get its answer.
  const refreshOnce = () => inFlight ??= refresh().finally(() => inFlight = undefined);
  return {
    async answer() {
      if (endedBy !== undefined) return refused(endedBy);
      if (inFlight !== undefined) return await inFlight;
      const current = held;
      if (lease() - hooks.now() >= MIN_LEASE_MS && !(await hooks.revoked?.(current))) {
        return serve();
      }
      return await refreshOnce();
    },
    get refreshes() {
      return refreshes;
    },
    get endedBy() {
      return endedBy;
    },
  };
}

/** A started `exec --server` session. */
export interface StartedServing {
  /** The first issuance (a deny there throws before anything is served). */
  first: IssueResult;
  endpoint: CredentialEndpoint;
  serving: CredentialServing;
  /**
   * The AWS files give the `default` profile credentials of its own, which AWS SDKs and the CLI
   * take before the credential endpoint.
   */
  defaultProfileShadows: boolean;
}

/** Issues the first session, then serves it and its successors on a loopback endpoint. */
export async function startCredentialServing(
  request: IssueRequest,
  deps: Deps,
  notices: Pick<ServingHooks, "ended" | "failed"> = {},
): Promise<StartedServing> {
  const { settings, config } = await profileRoute(deps, request.profile, request);
  const first = await issueCredentials(request, deps);
  const serving = credentialServing(first, {
    // A refresh is a new session: a cached one would be the session being replaced.
    issue: () => issueCredentials({ ...request, noCache: true }, deps),
    now: () => deps.clock.now(),
    revoked: (held) => revokedHere(deps, held, deps.clock.now()),
    refreshWindowSeconds: settings.refreshWindowSeconds,
    ...notices,
  });
  const endpoint = await (await deps.credentialServer()).start(() => serving.answer());
  return {
    first,
    endpoint,
    serving,
    defaultProfileShadows: filesResolve(config.aws, "default"),
  };
}

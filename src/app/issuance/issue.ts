/**
 * Credential issuance (DESIGN §6), the product's main job, as a short orchestrator over ports:
 * the warm cache when it may serve; otherwise, under the issuance's cross-process lock, decide
 * (decision.ts), then hand out the cached session again when only the policy was stale,
 * or assume the role (session.ts) — logging every decision before anything is returned.
 * Every failure throws: nothing is ever issued on error.
 *
 * @module
 */
import type { CredentialMode } from "../../core/policy/schema.ts";
import type { Deps } from "../../ports/deps.ts";
import { decideIssuance } from "./decision.ts";
import { assumeSession, reissueCached } from "./session.ts";
import { profileRoute } from "./profile_settings.ts";
import { issueThroughBroker } from "./through_broker.ts";
import { encodeChain, guardRecursion, RESOLVING_ENV } from "./recursion_guard.ts";
import { type IssueResult, tryWarmCredentials } from "./warm_credentials.ts";

export type { IssueResult } from "./warm_credentials.ts";

/** What is asked for. */
export interface IssueRequest {
  profile: string;
  mode: CredentialMode;
  /** `--policy`, overriding every other policy setting. */
  policy?: string;
  /** `--duration`, in seconds. */
  durationSeconds?: number;
  /** `--no-cache`: decide and issue afresh, whatever is cached (the result is cached still). */
  noCache?: boolean;
  /** `--region`, overriding the region settings. */
  region?: string;
  /** `--server`: the broker, overriding `sentinel_server`. */
  server?: string;
  /** `--log-file` (v1), overriding `log_file`. */
  logFile?: string;
  /** aws-vault flags from the command line (v1's `--no-session`). */
  awsVaultFlags?: readonly string[];
  /** Also hands each decision record, as logged, to this (v1's `--log-stderr`). */
  echo?: (record: Record<string, unknown>) => void;
  /**
   * The warm path was tried for this very request just before (main.ts, for a plain
   * `credentials <profile>`) and missed: it is not tried again before the lock.
   */
  warmTried?: boolean;
}

/** Issues credentials for a profile: from the warm cache when it may, otherwise afresh. */
export async function issueCredentials(request: IssueRequest, deps: Deps): Promise<IssueResult> {
  const chain = guardRecursion(request.profile, deps.env.vars);
  deps.setChildEnv(RESOLVING_ENV, encodeChain(chain));
  const key = await deps.cache.credentialKey(request.profile, request);
  const useCache = request.noCache !== true;
  if (useCache && request.warmTried !== true) {
    const warm = await tryWarmCredentials(deps, key, request.mode, request.echo);
    if (warm !== undefined) return warm;
  }
  deps.debug(useCache ? "nothing reusable cached" : "--no-cache: deciding afresh");
  const route = await profileRoute(deps, request.profile, request);
  if (route.mode === "broker") return await issueThroughBroker(deps, route, request, key);
  const profile = route;
  // One issuance per burst: the first caller issues, the others wait for the lock (bounded by
  // the command's budget) and then find its session in the cache.
  const release = await deps.cache.lock(key, profile.settings.timeoutSeconds * 1000);
  try {
    if (release !== undefined && useCache) {
      const issuedMeanwhile = await tryWarmCredentials(deps, key, request.mode, request.echo);
      if (issuedMeanwhile !== undefined) return issuedMeanwhile;
    }
    const decided = await decideIssuance(deps, profile, request.mode, { echo: request.echo });
    const cached = useCache ? await deps.cache.readCredentials(key) : undefined;
    return await reissueCached(deps, decided, cached) ??
      await assumeSession(deps, decided, key);
  } finally {
    release?.();
  }
}

/**
 * What the broker answers each call of its API (core/broker/api.ts) with: health unauthenticated;
 * every other call only after the per-address and per-caller rate limits, the bound on calls in
 * flight, a strictly read body and a proven caller (caller.ts). The broker then decides and issues
 * with its own identity, exactly as the CLI does locally — the same policy, the same
 * SourceIdentity and caps, the same decision log and plugins — and the records name the broker and
 * the caller's ARN. A refusal carries the CLI's code, exit code and text.
 *
 * @module
 */
import {
  BROKER_PATHS,
  type CredentialsAnswer,
  type HealthAnswer,
  refusalBody,
  refusalStatus,
  type WhoamiAnswer,
} from "../../core/broker/api.ts";
import {
  type CredentialsCall,
  parseCredentialsCall,
  parseEmptyCall,
} from "../../core/broker/calls.ts";
import { proofOf, type ProvenCaller } from "../../core/broker/caller_proof.ts";
import { RateLimiter, RecentlyProven } from "../../core/broker/rate_limit.ts";
import { ExitCode, SentinelError } from "../../core/errors.ts";
import { ROLE_CHAINING_MAX_SECONDS } from "../../core/limits.ts";
import type { BrokerReply, ListenedCall } from "../../ports/broker.ts";
import type { Deps } from "../../ports/deps.ts";
import { decideIssuance } from "../issuance/decision.ts";
import { assumeSession } from "../issuance/session.ts";
import { callerIdentity, provenCaller } from "./caller.ts";
import { type RecordRoute, recordRoutes } from "./record_routes.ts";
import { servedProfile } from "./served_profile.ts";
import type { BrokerSetup } from "./setup.ts";

/**
 * Refusals whose message is about the broker's host (its store's name, its clock), not the call:
 * the caller gets this instead, the operator's stderr the message.
 */
const OPERATORS_ONLY: Partial<Record<string, string>> = {
  store_busy: "the broker's store is busy with other writes; try again in a few seconds",
  clock_skew:
    "the broker's clock is too far from its store's for break-glass; its operators see why in the broker's log",
};

/** `<key id named by the proof> <address>`, or `undefined` for a call without a proof. */
function callerAt(call: ListenedCall): string | undefined {
  const proof = proofOf(call.headers);
  const key = proof.ok
    ? /Credential=([A-Z0-9]{1,128})\//.exec(proof.proof.authorization)?.[1]
    : undefined;
  return key === undefined ? undefined : `${key} ${call.remote}`;
}

/** The broker's answers to calls, with its limits' state. */
export class BrokerRoutes {
  readonly #deps: Deps;
  readonly #setup: BrokerSetup;
  readonly #perAddress: RateLimiter;
  readonly #perCaller: RateLimiter;
  readonly #proven: RecentlyProven;
  readonly #records: Record<string, RecordRoute>;
  #inFlight = 0;

  constructor(deps: Deps, setup: BrokerSetup) {
    this.#deps = deps;
    this.#setup = setup;
    this.#perAddress = new RateLimiter(setup.limits.perAddress);
    this.#perCaller = new RateLimiter(setup.limits.perCaller);
    this.#proven = new RecentlyProven({
      forMs: setup.limits.provenForMs,
      maxKeys: setup.limits.perCaller.maxKeys,
    });
    this.#records = recordRoutes(deps, setup);
  }

  /** Answers one call; never throws. */
  async answer(call: ListenedCall): Promise<BrokerReply> {
    try {
      if (call.path === BROKER_PATHS.health) return this.#health(call);
      const route = this.#route(call.path);
      if (call.method !== "POST") {
        throw new SentinelError(
          "usage",
          `${call.path} takes POST, not ${call.method.slice(0, 10)}`,
        );
      }
      this.#limit(call);
      if (this.#inFlight >= this.#setup.limits.maxInFlight) {
        throw new SentinelError(
          "broker_busy",
          `the broker is at its limit of ${this.#setup.limits.maxInFlight} calls in flight; try again in a second`,
        );
      }
      this.#inFlight++;
      try {
        return { status: 200, body: await route(call) };
      } finally {
        this.#inFlight--;
      }
    } catch (error) {
      return this.#refusal(error);
    }
  }

  #route(path: string): (call: ListenedCall) => Promise<unknown> {
    if (path === BROKER_PATHS.credentials) return (call) => this.#credentials(call);
    if (path === BROKER_PATHS.whoami) return (call) => this.#whoami(call);
    if (Object.hasOwn(this.#records, path)) {
      const route = this.#records[path];
      return (call) => route(call.body, () => this.#caller(call));
    }
    throw new SentinelError(
      "not_found",
      `this broker has no ${path.slice(0, 100)}; its API: ${
        Object.values(BROKER_PATHS).join(", ")
      }`,
    );
  }

  #health(call: ListenedCall): BrokerReply {
    if (call.method !== "GET") {
      return this.#refusal(new SentinelError("usage", `${call.path} takes GET`));
    }
    const endpoint = this.#setup.sts.endpoint();
    const body: HealthAnswer = {
      ok: true,
      broker_id: this.#setup.brokerId,
      version: this.#setup.version,
      proof_region: endpoint.region,
      proof_host: endpoint.host,
      time: this.#deps.clock.now(),
    };
    return { status: 200, body };
  }

  /**
   * The limits before the proof is checked (setup.ts, `BrokerLimits`, says why they are keyed so):
   * the bucket of the key id named at this address, then, for a newcomer (no proof, or a key id
   * not proven at this address lately), the address's newcomers' bucket.
   */
  #limit(call: ListenedCall): void {
    const now = this.#deps.clock.now();
    const pair = callerAt(call);
    if (pair !== undefined) this.#take(this.#perCaller, pair, "caller at this address", now);
    if (pair === undefined || !this.#proven.has(pair, now)) {
      this.#take(this.#perAddress, call.remote, `address ${call.remote}`, now);
    }
  }

  #take(limiter: RateLimiter, key: string, what: string, now: number): void {
    const taken = limiter.take(key, now);
    if (!taken.ok) {
      throw new SentinelError(
        "broker_rate_limited",
        `too many calls from this ${what}; try again in ${Math.ceil(taken.retryAfterMs / 1000)} s`,
      );
    }
  }

  async #caller(call: ListenedCall): Promise<ProvenCaller> {
    const stores = await this.#setup.stores();
    const caller = await provenCaller(call, {
      brokerId: this.#setup.brokerId,
      sts: this.#setup.sts,
      stores,
      clock: this.#deps.clock,
      signal: AbortSignal.timeout(this.#setup.callSeconds * 1000),
    });
    // STS has just proven the key id named: its caller is no longer a newcomer at this address.
    this.#proven.add(callerAt(call)!, this.#deps.clock.now());
    return caller;
  }

  async #credentials(call: ListenedCall): Promise<CredentialsAnswer> {
    const parsed = parseCredentialsCall(call.body);
    if (!parsed.ok) throw new SentinelError("usage", `bad credentials call: ${parsed.why}`);
    const caller = await this.#caller(call);
    return await this.#issue(caller, parsed.value);
  }

  async #issue(caller: ProvenCaller, asked: CredentialsCall): Promise<CredentialsAnswer> {
    const identity = callerIdentity(caller);
    const profile = await this.#profile(caller, asked);
    const decided = await decideIssuance(this.#deps, profile, asked.mode, {
      asker: { identity, broker: { brokerId: this.#setup.brokerId, callerUserId: caller.userId } },
    });
    const issued = await assumeSession(this.#deps, decided, undefined);
    const { credentials } = issued;
    return {
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: new Date(credentials.expiration).toISOString(),
      sentinel: {
        broker_id: this.#setup.brokerId,
        decision_id: issued.subject.decisionId,
        user: issued.subject.user,
        source_identity: issued.sourceIdentity,
        session_duration_seconds: issued.sessionDurationSeconds,
      },
    };
  }

  /** The settings of the profile asked for (served_profile.ts), with the role-chaining cap. */
  async #profile(caller: ProvenCaller, asked: CredentialsCall) {
    return await servedProfile(this.#deps, this.#setup, {
      callerArn: caller.arn,
      profile: asked.profile,
    }, {
      durationSeconds: this.#setup.identity.kind === "assumed_role"
        ? Math.min(asked.durationSeconds ?? ROLE_CHAINING_MAX_SECONDS, ROLE_CHAINING_MAX_SECONDS)
        : asked.durationSeconds,
    });
  }

  async #whoami(call: ListenedCall): Promise<WhoamiAnswer> {
    const parsed = parseEmptyCall(call.body);
    if (!parsed.ok) throw new SentinelError("usage", `bad whoami call: ${parsed.why}`);
    const caller = await this.#caller(call);
    return {
      broker_id: this.#setup.brokerId,
      arn: caller.arn,
      user_id: caller.userId,
      account: caller.account,
    };
  }

  /**
   * What a caller is told of an error. The broker's configuration (exit 3: its policy, its
   * profiles, its store) is its operator's business: the caller gets the code and where to look,
   * the operator's stderr the message, which may name files and settings of the broker's host.
   */
  #forCaller(error: SentinelError): SentinelError {
    const operators = OPERATORS_ONLY[error.code];
    if (operators !== undefined) {
      this.#setup.report(`a call was refused: ${error.message}`);
      return new SentinelError(error.code, operators);
    }
    if (error.exitCode !== ExitCode.InvalidConfig) return error;
    this.#setup.report(
      `a call was refused for the broker's configuration: ${error.message}${
        error.details.length > 0 ? ` (${error.details.join("; ")})` : ""
      }`,
    );
    return new SentinelError(
      error.code,
      `the broker cannot answer this call: its configuration is invalid (${error.code}); its operators see why in the broker's log`,
    );
  }

  #refusal(thrown: unknown): BrokerReply {
    if (thrown instanceof SentinelError) {
      const error = this.#forCaller(thrown);
      const retry = error.code === "broker_busy"
        ? "1"
        : /try again in (\d+) s/.exec(error.message)?.[1];
      return {
        status: refusalStatus(error),
        body: refusalBody(error),
        ...(retry === undefined ? {} : { headers: { "retry-after": retry } }),
      };
    }
    this.#setup.report(`internal error: ${(thrown as Error)?.stack ?? String(thrown)}`);
    const internal = new SentinelError(
      "internal_error",
      "internal error in the broker (its log has the details); this is a bug, please report it",
    );
    return { status: 500, body: refusalBody(internal) };
  }
}

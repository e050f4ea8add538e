/**
 * What a broker is started with, resolved once: its id (the origin its clients are configured
 * with, which every proof must name), its own AWS identity from the usual chain (`--aws-profile`,
 * else the environment), the store its settings name (where proofs are remembered — every broker
 * sharing it refuses a replay), the pinned STS endpoint proofs are checked at, and its limits.
 *
 * @module
 */
import type { RateLimit } from "../../core/broker/rate_limit.ts";
import { SentinelError } from "../../core/errors.ts";
import type { Identity } from "../../core/identity.ts";
import type { StoreSetting } from "../../core/store/location.ts";
import type { ProofSts } from "../../ports/broker.ts";
import type { Deps } from "../../ports/deps.ts";
import type { Stores } from "../../ports/stores.ts";
import { actingCaller, type CallerSettings } from "../caller.ts";
import { openStore } from "../stores.ts";
import { servedProfiles } from "./served_profile.ts";

/**
 * How much one client may ask of the broker, before its proof is checked (each check costs an STS
 * call). Before the proof, the broker knows only the client's address and the access key id the
 * proof names — which anyone may name (key ids are not secret) — and every client behind one NAT
 * or load balancer (all of them, with `--behind-tls-proxy`) shares one address. Limiting by either
 * alone lets one client starve others: by the key id, a stranger locks alice out by naming hers;
 * by the address, one client's flood stops everyone behind its NAT. So (routes.ts):
 *
 * - `perCaller` is a bucket per key id *at an address*: a flood naming alice's key id from one
 *   address spends that pair's bucket, never alice's own at hers;
 * - `perAddress` is for newcomers only: calls without a proof, or naming a key id not proven at
 *   that address in the last `provenForMs`, share one bucket per address. Callers proven there
 *   skip it, so a flood of unproven calls or made-up key ids slows only that address's newcomers,
 *   never its established callers — and a newcomer behind a busy NAT waits a second or two.
 */
export interface BrokerLimits {
  perAddress: RateLimit;
  perCaller: RateLimit;
  /** How long a caller proven at an address skips its newcomers' bucket (renewed by each proof). */
  provenForMs: number;
  /** Calls being decided at once (each makes at most 2 STS calls); past it: 503, try again. */
  maxInFlight: number;
}

/**
 * The default limits: generous for people and their tools, tight for a flood. The newcomers'
 * bucket is smaller than the calls in flight, so a flood of made-up key ids cannot fill them.
 */
export const DEFAULT_LIMITS: BrokerLimits = {
  perAddress: { perSecond: 10, burst: 40, maxKeys: 10_000 },
  perCaller: { perSecond: 5, burst: 20, maxKeys: 10_000 },
  provenForMs: 3_600_000,
  maxInFlight: 64,
};

/** A started broker's fixed facts. */
export interface BrokerSetup {
  brokerId: string;
  version: string;
  /** The broker's own identity (the principal the protected roles trust). */
  identity: Identity;
  /** How the broker reaches AWS as itself: its base credentials, region, log file. */
  settings: CallerSettings;
  /**
   * The accounts whose identities may list records and see others' (record_routes.ts): the
   * broker's own and those of the roles it serves. Any AWS principal can prove who it is; callers
   * of other accounts see only what they made.
   */
  readerAccounts: ReadonlySet<string>;
  store: StoreSetting;
  /** The stores, with a fresh deadline for this call (DynamoDB clients are per call). */
  stores(): Promise<Stores>;
  sts: ProofSts;
  limits: BrokerLimits;
  /** Each call's budget for AWS, seconds. */
  callSeconds: number;
  /** A line for the operator (stderr): internal errors with their stack, never a secret. */
  report(line: string): void;
}

/** What `serve` asks for. */
export interface BrokerOptions {
  brokerId: string;
  version: string;
  awsProfile?: string;
  region?: string;
  store?: string;
  limits?: Partial<BrokerLimits>;
  report(line: string): void;
}

/** Resolves the broker's identity, store and STS; refuses a host configured as a client. */
export async function brokerSetup(deps: Deps, options: BrokerOptions): Promise<BrokerSetup> {
  const caller = await actingCaller(deps, {
    profile: options.awsProfile,
    region: options.region,
    store: options.store,
  });
  const { settings } = caller;
  const server = settings.resolved.server;
  if (server.value !== undefined) {
    throw new SentinelError(
      "invalid_config",
      `this host is set up as a client of the broker ${server.value} (${server.from}); a broker decides itself: unset it for the broker`,
    );
  }
  const base = await deps.baseCredentials();
  const stores = (signal: AbortSignal) =>
    openStore(deps, settings.store, {
      region: settings.region,
      signal,
      credentials: async () => (await base.get(settings.base, signal)).credentials,
    }, { existing: true });
  await stores(AbortSignal.timeout(settings.timeoutSeconds * 1000)); // a missing store: say so now
  return {
    brokerId: options.brokerId,
    version: options.version,
    identity: caller.identity,
    settings,
    readerAccounts: new Set([
      caller.identity.account,
      ...(await servedProfiles(deps)).roles.map((arn) => arn.split(":")[4]),
    ]),
    store: settings.store,
    stores: () => stores(AbortSignal.timeout(settings.timeoutSeconds * 1000)),
    sts: (await deps.broker()).proofSts(settings.region),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    callSeconds: settings.timeoutSeconds,
    report: options.report,
  };
}

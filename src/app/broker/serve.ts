/**
 * Running a broker: set up (setup.ts), listen, answer each call (routes.ts), sweep the store
 * every minute, and on the stop signal stop accepting and let the calls in flight finish.
 *
 * @module
 */
import type { ListenAddress } from "../../core/broker/listen.ts";
import { MAX_BODY_BYTES } from "../../core/broker/api.ts";
import type { StoreSetting } from "../../core/store/location.ts";
import type { AccessEntry } from "../../ports/broker.ts";
import type { Deps } from "../../ports/deps.ts";
import { BrokerRoutes } from "./routes.ts";
import { sweepRequests } from "../approvals.ts";
import { brokerActing } from "./record_routes.ts";
import { type BrokerOptions, type BrokerSetup, brokerSetup } from "./setup.ts";

/** The longest a client may take to send a call's body. */
const BODY_TIMEOUT_MS = 10_000;

/** How often the broker sweeps its store by itself (expiries, ended windows to revoke). */
export const SWEEP_INTERVAL_MS = 60_000;

/** What `serve` runs with. */
export interface ServeOptions extends BrokerOptions {
  listen: ListenAddress;
  tls?: { certFile: string; keyFile: string };
  accessLog(entry: AccessEntry): void;
  /** Told once the broker listens. */
  started(facts: {
    origin: string;
    brokerId: string;
    identityArn: string;
    sts: string;
    store: StoreSetting;
  }): void;
}

/** Serves until `stop` aborts, then drains. */
export async function serveBroker(
  deps: Deps,
  options: ServeOptions,
  stop: AbortSignal,
): Promise<void> {
  const tls = options.tls === undefined ? undefined : {
    cert: await deps.files.readText(options.tls.certFile, "the TLS certificate (--tls-cert)"),
    key: await deps.files.readText(options.tls.keyFile, "the TLS key (--tls-key)"),
  };
  const setup = await brokerSetup(deps, options);
  const routes = new BrokerRoutes(deps, setup);
  const { listener } = await deps.broker();
  const listening = listener.listen({
    hostname: options.listen.hostname,
    port: options.listen.port,
    tls,
    maxBodyBytes: MAX_BODY_BYTES,
    bodyTimeoutMs: BODY_TIMEOUT_MS,
    onAnswered: options.accessLog,
  }, (call) => routes.answer(call));
  options.started({
    origin: listening.origin,
    brokerId: setup.brokerId,
    identityArn: setup.identity.arn,
    sts: setup.sts.endpoint().display,
    store: setup.store,
  });
  let sweep: Promise<void> | undefined;
  // A sweep still running when the next is due is not doubled.
  const sweeping = setInterval(() => {
    sweep ??= sweepAsBroker(deps, setup).finally(() => sweep = undefined);
  }, SWEEP_INTERVAL_MS);
  const end = () => {
    clearInterval(sweeping);
    void listening.shutdown();
  };
  if (stop.aborted) end();
  else stop.addEventListener("abort", end, { once: true });
  await listening.finished;
}

/**
 * One sweep as the broker itself: pending requests past their time expire, and ended approval
 * windows whose rule says revoke_on_end are revoked with the broker's credentials. What fails
 * is told to the operator and tried again at the next sweep.
 */
export async function sweepAsBroker(deps: Deps, setup: BrokerSetup): Promise<void> {
  try {
    const acting = await brokerActing(deps, setup, setup.identity);
    const { expired, revoked, repaired } = await sweepRequests(deps, { acting });
    if (expired + revoked + repaired.length > 0) {
      setup.report(
        `sweep: ${expired} request(s) expired, ${revoked} ended window(s) revoked, revocations written again on ${
          repaired.join(", ") || "no role"
        }`,
      );
    }
  } catch (error) {
    setup.report(`sweep failed (tried again in a minute): ${(error as Error)?.message ?? error}`);
  }
}

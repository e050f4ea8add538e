/**
 * Running a broker: set up (setup.ts), listen, answer each call (routes.ts), and on the stop
 * signal stop accepting and let the calls in flight finish.
 *
 * @module
 */
import type { ListenAddress } from "../../core/broker/listen.ts";
import { MAX_BODY_BYTES } from "../../core/broker/api.ts";
import type { StoreSetting } from "../../core/store/location.ts";
import type { AccessEntry } from "../../ports/broker.ts";
import type { Deps } from "../../ports/deps.ts";
import { BrokerRoutes } from "./routes.ts";
import { type BrokerOptions, brokerSetup } from "./setup.ts";

/** The longest a client may take to send a call's body. */
const BODY_TIMEOUT_MS = 10_000;

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
  if (stop.aborted) await listening.shutdown();
  else stop.addEventListener("abort", () => void listening.shutdown(), { once: true });
  await listening.finished;
}

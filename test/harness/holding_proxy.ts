/**
 * A forwarding proxy in front of moto that can hold one request: every request goes through to
 * moto unchanged, except the first whose body contains a given text (an STS action, say), which
 * is held — never answered, never forwarded — until the test releases it. Lets a test freeze a
 * Sentinel process in the middle of an issuance, while it holds the issuance lock, and then kill
 * it or let its deadline pass.
 *
 * @module
 */
import { forward } from "./faulty_proxy.ts";

/** A running proxy; dispose it to release what it holds and stop. */
export interface HoldingProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** Resolves when the held request has arrived. */
  readonly held: Promise<void>;
}

/** Starts a proxy to `target` that holds the first request whose body includes `holdWhen`. */
export function holdingProxy(target: string, holdWhen: string): HoldingProxy {
  let holding = true;
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => arrived = resolve);
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    if (holding && new TextDecoder().decode(body).includes(holdWhen)) {
      holding = false;
      arrived();
      await released;
      return new Response("held by the test proxy", { status: 503 });
    }
    return await forward(target, request, body);
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    held,
    async [Symbol.asyncDispose]() {
      release();
      await server.shutdown();
    },
  };
}

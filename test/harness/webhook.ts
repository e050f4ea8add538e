/**
 * A local webhook receiver for tests that verifies every delivery with the \`standardwebhooks\`
 * package — the reference implementation of Standard Webhooks, not Sentinel's code.
 *
 * @module
 */
import { Webhook } from "standardwebhooks";

/** A Standard Webhooks secret for the tests (whsec_ + base64 of 24 bytes). */
export const HOOK_SECRET = "whsec_" + btoa("sentinel-test-webhook-key");

/**
 * A receiver that verifies every delivery with the `standardwebhooks` package (the reference
 * implementation, not Sentinel's code), answering with the given statuses in turn.
 */
export function webhookReceiver(secret: string, statuses: number[]) {
  const verifier = new Webhook(secret);
  const received: { verified: boolean; body: string; headers: Headers; error?: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = await request.text();
    let error: string | undefined;
    try {
      verifier.verify(body, Object.fromEntries(request.headers));
    } catch (e) {
      error = (e as Error).message;
    }
    received.push({ verified: error === undefined, body, headers: request.headers, error });
    return new Response("", {
      status: statuses[Math.min(received.length - 1, statuses.length - 1)],
    });
  });
  return { server, received, port: server.addr.port };
}

/**
 * A local webhook receiver for tests that verifies every delivery with the `standardwebhooks`
 * package — the reference implementation of Standard Webhooks, not Sentinel's code — and the
 * Sentinel config entry that points the bundled webhook plugin at it.
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

/** Options of {@link webhookPlugin}. */
export interface WebhookPluginOptions {
  name: string;
  /** The port of a local receiver ({@link webhookReceiver}'s, or one that never answers). */
  port: number;
  /** The path the receiver is sent to; `/hook` unless given. */
  path?: string;
  required?: boolean;
  timeout?: string;
  /** The event types it is sent; all of them unless given. */
  events?: string[];
  format?: "slack";
  maxAttempts?: number;
}

/**
 * One entry of the Sentinel config's `plugins:` list: the bundled webhook plugin, allowed only to
 * reach the local receiver on `port`, signing with `HOOK_SECRET` from the environment.
 */
export function webhookPlugin(options: WebhookPluginOptions): string {
  const { name, port } = options;
  const settings = [
    `url: "http://127.0.0.1:${port}${options.path ?? "/hook"}"`,
    ...(options.format === undefined ? [] : [`format: ${options.format}`]),
    "secret_env: HOOK_SECRET",
    ...(options.maxAttempts === undefined ? [] : [`max_attempts: ${options.maxAttempts}`]),
  ];
  return [
    `  - name: ${name}`,
    "    plugin: webhook",
    ...(options.required === undefined ? [] : [`    required: ${options.required}`]),
    ...(options.timeout === undefined ? [] : [`    timeout: ${options.timeout}`]),
    `    allow_net: ["127.0.0.1:${port}"]`,
    ...(options.events === undefined ? [] : [`    events: [${options.events.join(", ")}]`]),
    `    settings: { ${settings.join(", ")} }`,
    "",
  ].join("\n");
}

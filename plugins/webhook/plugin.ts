/**
 * Webhook notifier: POSTs each event as JSON, signed so the receiver can verify it came from
 * Sentinel and was not replayed.
 *
 * Settings: `url` (required), `secret` (set it with `secret_env: VAR`), `format` (`json` or
 * `slack`), `max_attempts` (default 4), `max_total_seconds` (default 8).
 *
 * Signature: header `X-Sentinel-Timestamp` is the Unix time in seconds and
 * `X-Sentinel-Signature` is `v1=` + hex HMAC-SHA256(secret, `<timestamp>.<body>`). Receivers
 * recompute it over the raw body, compare in constant time, and reject old timestamps.
 *
 * Retries: network errors and 5xx are retried with exponential backoff (0.25 s, 0.5 s, 1 s, …)
 * within `max_total_seconds`; 4xx is final.
 *
 * @module
 */
import type { NotifierPlugin, PluginContext, SentinelEvent } from "../api/v1.ts";

const encoder = new TextEncoder();

async function signature(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${body}`));
  return "v1=" + Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

function slackBody(event: SentinelEvent): string {
  const data = event.data;
  const who = data.user ?? data.requester ?? data.invoker ?? "someone";
  const what = data.profile ? ` on ${data.profile}` : "";
  const summary = `Sentinel ${event.type}: ${who}${what}`;
  const details = Object.entries(data)
    .filter(([, v]) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .slice(0, 12)
    .map(([k, v]) => `*${k}*: ${v}`)
    .join("\n");
  return JSON.stringify({
    text: summary,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${summary}*` } },
      { type: "section", text: { type: "mrkdwn", text: details || "(no details)" } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `event ${event.id} at ${event.time}` }],
      },
    ],
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const plugin: NotifierPlugin = {
  async notify(event: SentinelEvent, ctx: PluginContext) {
    const url = ctx.settings.url;
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
      throw new Error("settings.url must be an http(s) URL");
    }
    const secret = typeof ctx.settings.secret === "string" ? ctx.settings.secret : undefined;
    const body = ctx.settings.format === "slack" ? slackBody(event) : JSON.stringify(event);
    const maxAttempts = Number(ctx.settings.max_attempts ?? 4);
    const budgetMs = Number(ctx.settings.max_total_seconds ?? 8) * 1000;
    const started = Date.now();
    let last = "";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": "sentinel-webhook/1",
        "x-sentinel-event": event.type,
        "x-sentinel-event-id": event.id,
        "x-sentinel-timestamp": timestamp,
      };
      if (secret) headers["x-sentinel-signature"] = await signature(secret, timestamp, body);
      try {
        const response = await fetch(url, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(Math.max(1000, budgetMs - (Date.now() - started))),
        });
        await response.body?.cancel();
        if (response.ok) {
          return { delivered: true, detail: `HTTP ${response.status} after ${attempt} attempt(s)` };
        }
        last = `HTTP ${response.status}`;
        if (response.status < 500) return { delivered: false, detail: `${last}, not retried` };
      } catch (error) {
        last = (error as Error).message;
      }
      const backoff = 250 * 2 ** (attempt - 1);
      if (attempt === maxAttempts || Date.now() - started + backoff > budgetMs) break;
      await sleep(backoff);
    }
    return { delivered: false, detail: `${last}, gave up` };
  },
};

export default plugin;

/**
 * Webhook notifier: POSTs each event as JSON (or as Slack blocks), signed the Standard Webhooks
 * 1.0 way so any receiver can verify it with an off-the-shelf library.
 *
 * Settings: `url` (required), `secret` (a `whsec_…` secret; set it with `secret_env: VAR`),
 * `format` (`json` or `slack`), `max_attempts` (default 4), `max_total_seconds` (default 8).
 *
 * Signature (https://www.standardwebhooks.com): headers `webhook-id` (the event id, the same on
 * every retry, so receivers can drop duplicates), `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the
 * base64-decoded part of the secret after `whsec_`.
 *
 * Retries: network errors and 5xx are retried with exponential backoff (0.25 s, 0.5 s, 1 s, …)
 * within `max_total_seconds`; 4xx is final.
 *
 * The Slack format's summary and its list of fields are one line each: text from people (a
 * reason, a justification, a comment) has its line breaks and other control characters escaped
 * (shared/one_line.ts), so it cannot forge a line or a field approvers read.
 *
 * @module
 */
import type { NotifierPlugin, PluginContext, SentinelEvent } from "../api/v1.ts";
import { oneLine } from "../shared/one_line.ts";

const encoder = new TextEncoder();

/** The HMAC key of a `whsec_<base64>` secret. */
function secretKey(secret: string): Uint8Array {
  const encoded = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  try {
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    if (bytes.length >= 16) return bytes;
  } catch { /* reported below */ }
  throw new Error(
    "settings.secret must be a Standard Webhooks secret: whsec_ followed by base64 of at least 16 random bytes",
  );
}

async function signature(key: Uint8Array, id: string, timestamp: string, body: string) {
  const hmac = await crypto.subtle.importKey(
    "raw",
    key as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", hmac, encoder.encode(`${id}.${timestamp}.${body}`));
  return "v1," + btoa(String.fromCharCode(...new Uint8Array(mac)));
}

/** One line saying what happened, for people: no value can add a line to it. */
export function summary(event: SentinelEvent): string {
  const d = event.data as Record<string, unknown>;
  const s = (key: string) => oneLine(String(d[key] ?? "?"));
  switch (event.type) {
    case "approval_requested":
      return `${s("requester")} asks for ${s("profile")} for ${
        Math.round(Number(d.duration_seconds ?? 0) / 60)
      } min: ${s("reason")}. Approve with \`${s("how_to_approve")}\``;
    case "approval_approved":
      return `${s("requester")}'s request for ${s("profile")} was approved by ${
        s("decided_by")
      }, until ${s("window_ends_at")}`;
    case "approval_denied":
      return `${s("requester")}'s request for ${s("profile")} was denied by ${s("decided_by")}: ${
        s("comment")
      }`;
    case "approval_cancelled":
      return d.decided_by === undefined || d.decided_by === null || d.decided_by === d.requester
        ? `${s("requester")} cancelled the request for ${s("profile")}`
        : `${s("requester")}'s request for ${s("profile")} was cancelled by ${s("decided_by")}: ${
          s("comment")
        }`;
    case "approval_expired":
      return `${s("requester")}'s request for ${s("profile")} expired undecided`;
    case "credential_denied":
      return `${s("user")} was refused ${s("profile")}: ${s("reason")}`;
    case "breakglass_invoked":
      return `BREAK-GLASS: ${s("invoker")} opened ${s("profile")} (${s("reason_code")}) until ${
        s("ends_at")
      }: ${s("justification")}`;
    case "breakglass_escalated":
      return `BREAK-GLASS ESCALATION: ${s("invoker")} / ${s("profile")} reached ${
        s("threshold")
      } invocations`;
    case "breakglass_closed":
      return `break-glass ${s("id")} on ${s("profile")} closed by ${s("closed_by")}: ${
        s("close_reason")
      }`;
    case "breakglass_reviewed":
      return `break-glass ${s("id")} on ${s("profile")} reviewed by ${s("reviewed_by")}`;
    case "credential_revoked":
      return `${s("user")}'s sessions issued before ${s("issued_before")} were revoked by ${
        s("revoked_by")
      } (${s("scope")}): ${s("reason")}`;
    default:
      return `Sentinel ${oneLine(event.type)}`;
  }
}

/**
 * Slack's three control characters escaped, so text from a request or a justification cannot
 * mention `<!channel>`, plant a `<link|label>` or otherwise act as markup.
 */
export function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function slackBody(event: SentinelEvent): string {
  const details = Object.entries(event.data)
    .filter(([, v]) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .slice(0, 12)
    .map(([k, v]) => `*${slackEscape(oneLine(k))}*: ${slackEscape(oneLine(String(v)))}`)
    .join("\n");
  const text = slackEscape(summary(event));
  return JSON.stringify({
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${text}*` } },
      { type: "section", text: { type: "mrkdwn", text: details || "(no details)" } },
      {
        type: "context",
        elements: [{
          type: "mrkdwn",
          text: slackEscape(oneLine(`${event.type} ${event.id} at ${event.time}`)),
        }],
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
    const key = typeof ctx.settings.secret === "string"
      ? secretKey(ctx.settings.secret)
      : undefined;
    const body = ctx.settings.format === "slack" ? slackBody(event) : JSON.stringify(event);
    const maxAttempts = Number(ctx.settings.max_attempts ?? 4);
    const budgetMs = Number(ctx.settings.max_total_seconds ?? 8) * 1000;
    const started = Date.now();
    let last = "";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": "sentinel-webhook/2",
        "webhook-id": event.id,
        "webhook-timestamp": timestamp,
        "x-sentinel-event": event.type,
      };
      if (key) headers["webhook-signature"] = await signature(key, event.id, timestamp, body);
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

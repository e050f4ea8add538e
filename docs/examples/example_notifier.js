// @ts-check
/**
 * Example external notifier for Sentinel: posts a one-line summary of each event to a chat
 * service's incoming webhook (any endpoint that accepts `{"text": "..."}`), and refuses events
 * it does not understand. One self-contained JavaScript file, as external plugins must be.
 *
 * Configure it (pin the hash with `sha256sum example_notifier.js`):
 *
 *   plugins:
 *     - name: chat
 *       module: /etc/sentinel/plugins/example_notifier.js
 *       sha256: <64 hex digits>
 *       kind: notifier
 *       version: 1.0.0
 *       allow_net: [chat.example.com]
 *       settings: { url: https://chat.example.com/hooks/abc, channel: "#access" }
 *
 * @typedef {import("../../plugins/api/v1.ts").NotifierPlugin} NotifierPlugin
 */

/** @type {NotifierPlugin} */
const plugin = {
  async notify(event, ctx) {
    if (event.version !== 1) throw new Error(`unsupported event version ${event.version}`);
    const url = ctx.settings.url;
    if (typeof url !== "string") throw new Error("settings.url is required");
    const who = event.data.user ?? event.data.requester ?? "someone";
    const where = event.data.profile ? ` on ${event.data.profile}` : "";
    const text = `[${
      ctx.settings.channel ?? "sentinel"
    }] ${event.type}: ${who}${where} (${event.time})`;
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    await response.body?.cancel();
    return { delivered: response.ok, detail: `HTTP ${response.status}` };
  },
};

export default plugin;

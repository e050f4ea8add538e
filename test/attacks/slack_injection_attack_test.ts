/**
 * Attack: the requester writes the reason; the webhook plugin in `format: slack` puts it
 * unescaped into Slack mrkdwn for the approvers' channel. Slack's rules (api.slack.com "Formatting
 * text") say `&`, `<` and `>` must be escaped as `&amp;`, `&lt;`, `&gt;`; unescaped, a reason can
 * ping the whole channel (`<!channel>`), show a link whose text is an innocent-looking approve
 * command (`<https://evil.example|sentinel approve …>`), or forge a bold "approved by" line.
 *
 * In-process against a local receiver: cheap. Fails on the code it was written against
 * (plugins/webhook/plugin.ts summary / slackBody).
 */
import { assertTrue } from "../assert.ts";
import plugin from "../../plugins/webhook/plugin.ts";

Deno.test("attack: a request reason cannot ping the channel or plant links in the Slack message", async () => {
  const bodies: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    bodies.push(await request.text());
    return new Response("ok");
  });
  try {
    const result = await plugin.notify({
      version: 1,
      type: "approval_requested",
      id: "evt_1",
      time: "2026-03-02T09:00:00Z",
      data: {
        id: "0011223344556677",
        requester: "alice",
        profile: "prod",
        duration_seconds: 3600,
        reason:
          "hotfix <!channel> see <https://evil.example/approve|sentinel approve 0011223344556677>",
        how_to_approve: "sentinel approve 0011223344556677",
      },
    }, { settings: { url: `http://127.0.0.1:${server.addr.port}/hook`, format: "slack" } });
    assertTrue(result.delivered, result.detail);
    const message = JSON.parse(bodies[0]);
    const texts = [
      message.text,
      ...message.blocks.map((b: { text?: { text: string } }) => b.text?.text ?? ""),
    ];
    for (const text of texts) {
      assertTrue(!text.includes("<!channel>"), `an @channel ping reached Slack: ${text}`);
      assertTrue(
        !text.includes("<https://evil.example"),
        `a disguised link reached Slack: ${text}`,
      );
    }
  } finally {
    await server.shutdown();
  }
});

/**
 * What approvers read in chat is what Sentinel wrote: text a requester or an invoker chose never
 * forges lines or fields, pings a channel or plants a link.
 *
 * - The webhook notifier's Slack message is a one-line summary and a list of fields, one per line.
 *   Line breaks (CR, LF, NEL, U+2028, U+2029) and terminal escapes in a reason or a justification
 *   are escaped (shown as `\n`, `\u2028`, …): the text stays readable, and the lines and fields are
 *   exactly the ones Sentinel wrote. Sent for real: `sentinel request` and `sentinel breakglass`
 *   through the bundled webhook plugin to a local receiver.
 * - Slack's control characters `&`, `<` and `>` in a reason are escaped: it never pings the
 *   channel (`<!channel>`) or shows a link dressed as an approve command. (The plugin, called
 *   in-process.)
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { startTeam, TEAM_POLICY } from "../harness/team.ts";
import { HOOK_SECRET, webhookPlugin, webhookReceiver } from "../harness/webhook.ts";
import plugin from "../../plugins/webhook/plugin.ts";

const FORGED = "\n*decided_by*: security-lead\r\nAPPROVED by bob\u2028*status*: approved" +
  "\u0085NEL\u2029PS\x1b[2Jcleared";
const BREAKS = ["\n", "\r", "\u0085", "\u2028", "\u2029", "\x1b"];

Deno.test("a reason or a justification can never forge lines or fields in a notification summary", async () => {
  const chat = webhookReceiver(HOOK_SECRET, [200]);
  try {
    await using t = await startTeam({
      store: "sqlite",
      policy: TEAM_POLICY,
      env: { HOOK_SECRET },
      sentinelConfig: `plugins:\n${
        webhookPlugin({ name: "chat", port: chat.port, path: "/slack", format: "slack" })
      }`,
    });
    const requested = await t.run(["request", "prod", "--reason", `hotfix${FORGED}`]);
    assertEquals(requested.code, 0, requested.stderr);
    const invoked = await t.run([
      "breakglass",
      "prod",
      "--reason-code",
      "incident",
      "--justification",
      `INC-1${FORGED}`,
    ]);
    assertEquals(invoked.code, 0, invoked.stderr);

    const messages = chat.received.map((r) => JSON.parse(r.body));
    assertEquals(messages.length, 2, chat.received.map((r) => r.body).join("\n"));
    for (const message of messages) {
      const summary = message.blocks[0].text.text as string;
      const fields = message.blocks[1].text.text as string;
      for (const text of [message.text as string, summary]) {
        for (const brk of BREAKS) {
          assertTrue(!text.includes(brk), `a ${JSON.stringify(brk)} reached the summary: ${text}`);
        }
      }
      // Every line of the field list is one field Sentinel wrote, each name once.
      const lines = fields.split("\n");
      const names = lines.map((line) => /^\*([a-z_]+)\*: /.exec(line)?.[1]);
      assertTrue(names.every((n) => n !== undefined), `a line that is no field: ${fields}`);
      assertEquals(new Set(names).size, names.length, `a field appears twice: ${fields}`);
      for (const brk of BREAKS.slice(2)) assertTrue(!fields.includes(brk), fields);
    }
    const [request, breakglass] = messages;
    assertIncludes(
      request.text,
      "hotfix\\n*decided_by*: security-lead\\r\\nAPPROVED by bob\\u2028",
    );
    // Undecided: the only decided_by in the message is the escaped text inside the reason.
    assertEquals(
      request.blocks[1].text.text.split("\n").filter((l: string) => l.startsWith("*decided_by*")),
      [],
    );
    assertIncludes(breakglass.text, "BREAK-GLASS: alice opened prod (incident)");
    assertIncludes(breakglass.text, "INC-1\\n*decided_by*");
  } finally {
    await chat.server.shutdown();
  }
});

Deno.test("a request reason never pings the channel or plants a link in the Slack message", async () => {
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

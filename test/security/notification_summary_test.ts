/**
 * What approvers read in chat (issue 17, robustness): the webhook notifier's Slack message is a
 * one-line summary and a list of fields, one per line. A request reason or a break-glass
 * justification with line breaks (CR, LF, NEL, U+2028) or terminal escapes used to start lines of
 * its own there — a forged "*decided_by*: security-lead" field, a second summary line. Now every
 * such character is escaped (shown as `\n`, `\u2028`, …): the text stays readable, and the lines
 * and fields are exactly the ones Sentinel wrote. Sent for real: `sentinel request` and
 * `sentinel breakglass` through the bundled webhook plugin to a local receiver.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { startTeam } from "../harness/team.ts";
import { HOOK_SECRET, webhookReceiver } from "../harness/webhook.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
breakglass:
  - { name: sre, profiles: [prod], users: [alice], max_duration: 1h }
`;

const FORGED = "\n*decided_by*: security-lead\r\nAPPROVED by bob\u2028*status*: approved" +
  "\u0085NEL\u2029PS\x1b[2Jcleared";
const BREAKS = ["\n", "\r", "\u0085", "\u2028", "\u2029", "\x1b"];

Deno.test("a reason or a justification can never forge lines or fields in a notification summary", async () => {
  const chat = webhookReceiver(HOOK_SECRET, [200]);
  try {
    await using t = await startTeam({
      store: "sqlite",
      policy: POLICY,
      env: { HOOK_SECRET },
      sentinelConfig: `plugins:
  - name: chat
    plugin: webhook
    allow_net: ["127.0.0.1:${chat.port}"]
    settings: { url: "http://127.0.0.1:${chat.port}/slack", format: slack, secret_env: HOOK_SECRET }
`,
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

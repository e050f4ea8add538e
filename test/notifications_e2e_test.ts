/**
 * Notifications observed end to end: an approval request and its approval reach a local webhook
 * (every delivery verified with the standardwebhooks package) and SNS (read back through an SQS
 * subscription on moto); a break-glass invocation reaches every notifier — even one subscribed to
 * other events only — and its escalation goes out once the threshold is reached.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { snsQueue } from "./harness/sns_queue.ts";
import { startTeam } from "./harness/team.ts";
import { HOOK_SECRET, webhookReceiver } from "./harness/webhook.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob]
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
    reason_codes: [incident]
    escalation_threshold: 2
`;

Deno.test("approval and break-glass events reach a signed webhook and SNS; break-glass reaches every notifier; escalation goes out", async () => {
  const all = webhookReceiver(HOOK_SECRET, [200]);
  const approvalsOnly = webhookReceiver(HOOK_SECRET, [200]);
  await using t = await startTeam({ store: "sqlite", policy: POLICY, env: { HOOK_SECRET } });
  const clientEnv = { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const sns = await snsQueue(t.moto, clientEnv);
  const hook = (name: string, port: number, events = "") =>
    `  - name: ${name}
    plugin: webhook
    allow_net: ["127.0.0.1:${port}"]
${events}    settings: { url: "http://127.0.0.1:${port}/hook", secret_env: HOOK_SECRET }
`;
  await Deno.writeTextFile(
    `${t.home.dir}/sentinel.yaml`,
    `store: ${t.store}
plugins:
${hook("all-events", all.port)}${
      hook("approvals-only", approvalsOnly.port, "    events: [approval_requested]\n")
    }  - name: sns-alerts
    plugin: sns
    aws: { region: us-east-1, profile: bob }
    settings: { topic_arn: "${sns.topic}" }
`,
  );
  try {
    const created = await t.run(["request", "prod", "--reason", "deploy", "--output", "json"]);
    assertEquals(created.code, 0, created.stderr);
    const id = JSON.parse(created.stdout).id;
    const approved = await t.as("bob", ["approve", id]);
    assertEquals(approved.code, 0, approved.stderr);
    const first = await t.run([
      "breakglass",
      "prod",
      "--reason-code",
      "incident",
      "--justification",
      "INC-1",
    ]);
    assertEquals(first.code, 0, first.stderr);
    const second = await t.run([
      "breakglass",
      "prod",
      "--reason-code",
      "incident",
      "--justification",
      "INC-2",
    ]);
    assertEquals(second.code, 0, second.stderr);
    assertIncludes(second.stdout, "the escalation threshold was reached");
  } finally {
    await all.server.shutdown();
    await approvalsOnly.server.shutdown();
  }

  assertTrue(all.received.every((r) => r.verified), all.received.find((r) => !r.verified)?.error);
  assertTrue(approvalsOnly.received.every((r) => r.verified), approvalsOnly.received[0]?.error);
  const types = (received: typeof all.received) => received.map((r) => JSON.parse(r.body).type);
  assertEquals(types(all.received), [
    "approval_requested",
    "approval_approved",
    "breakglass_invoked",
    "breakglass_invoked",
    "breakglass_escalated",
  ]);
  // Subscribed to approval_requested only, yet every break-glass invocation reached it.
  assertEquals(types(approvalsOnly.received), [
    "approval_requested",
    "breakglass_invoked",
    "breakglass_invoked",
  ]);
  const requested = JSON.parse(all.received[0].body);
  assertEquals([requested.data.requester, requested.data.approvers], ["alice", ["bob"]]);
  assertIncludes(requested.data.how_to_approve, "sentinel approve ");

  const published = await sns.received();
  assertEquals(published.map((m) => m.type).sort(), [
    "approval_approved",
    "approval_requested",
    "breakglass_escalated",
    "breakglass_invoked",
    "breakglass_invoked",
  ]);
  assertTrue(published.every((m) => m.attribute === m.type), "event_type attribute differs");
});

Deno.test("a required notifier that fails: the request is withdrawn (cancelled), the break-glass event is closed at once", async () => {
  const down = webhookReceiver(HOOK_SECRET, [500]);
  await using t = await startTeam({
    store: "sqlite",
    policy: POLICY,
    env: { HOOK_SECRET },
    sentinelConfig: `plugins:
  - name: pager
    plugin: webhook
    required: true
    allow_net: ["127.0.0.1:${down.port}"]
    settings: { url: "http://127.0.0.1:${down.port}/hook", secret_env: HOOK_SECRET, max_attempts: 1 }
`,
  });
  try {
    const request = await t.run(["request", "prod", "--reason", "deploy"]);
    assertEquals(request.code, 7, request.stderr);
    // Stored first, then announced: the request the pager could not announce is withdrawn.
    assertMatch(
      request.stderr,
      /the required notifier pager could not announce request [0-9a-f]{16}, so it was withdrawn \(cancelled\) and can never be approved/,
    );
    const listed = JSON.parse(
      (await t.run(["requests", "--aws-profile", "bob", "--output", "json"])).stdout,
    );
    assertEquals(
      listed.requests.map((r: { status: string; decided_by: string }) => [r.status, r.decided_by]),
      [["cancelled", "sentinel"]],
    );

    const invoked = await t.run([
      "breakglass",
      "prod",
      "--reason-code",
      "incident",
      "--justification",
      "x",
    ]);
    assertEquals(invoked.code, 7, invoked.stderr);
    assertIncludes(invoked.stderr, "was closed at once and grants nothing");
    const events =
      JSON.parse((await t.as("bob", ["breakglass", "list", "--output", "json"])).stdout).events;
    assertEquals(events.length, 1);
    assertTrue(events[0].closed_at !== null, "the event stayed open");
    const refused = await t.run(["credentials", "prod"]);
    assertEquals(refused.code, 5, "credentials were issued under an unannounced break-glass");
  } finally {
    await down.server.shutdown();
  }
});

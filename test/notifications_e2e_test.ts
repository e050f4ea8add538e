/**
 * Notifications observed end to end: an approval request and its approval reach a local webhook
 * (every delivery verified with the standardwebhooks package) and SNS (read back through an SQS
 * subscription on moto); a break-glass invocation reaches every notifier — even one subscribed to
 * other events only — and its escalation goes out once the threshold is reached.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { createIamUser } from "./harness/aws_home.ts";
import { runProgram } from "./harness/run.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { snsQueue } from "./harness/sns_queue.ts";
import { startTeam } from "./harness/team.ts";
import { ROOT, toolPath } from "./harness/tools.ts";
import { HOOK_SECRET, webhookPlugin, webhookReceiver } from "./harness/webhook.ts";

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
  await Deno.writeTextFile(
    `${t.home.dir}/sentinel.yaml`,
    `store: ${t.store}
plugins:
${webhookPlugin({ name: "all-events", port: all.port })}${
      webhookPlugin({
        name: "approvals-only",
        port: approvalsOnly.port,
        events: ["approval_requested"],
      })
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
      "--output",
      "json",
    ]);
    assertEquals(first.code, 0, first.stderr);
    // One open event per person and profile: the first is closed before the second.
    const closed = await t.as("alice", [
      "breakglass",
      "close",
      JSON.parse(first.stdout).id,
      "--reason",
      "mitigated",
    ]);
    assertEquals(closed.code, 0, closed.stderr);
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
    "breakglass_closed",
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
    "breakglass_closed",
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
    sentinelConfig: `plugins:\n${
      webhookPlugin({ name: "pager", port: down.port, required: true, maxAttempts: 1 })
    }`,
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

Deno.test("the SNS notifier takes its credentials from a profile whose keys live in aws-vault, and its region from that profile; without one, the error names the profile and the setting", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY, env: { HOOK_SECRET } });
  const clientEnv = { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const sns = await snsQueue(t.moto, clientEnv);
  const bot = await createIamUser(t.moto, "sns-bot");
  // The notifier's profile: keys only in aws-vault, the region only in the profile; aws-vault
  // 7.2 asks the real STS for a session token, so against moto it runs with --no-session.
  await Deno.writeTextFile(
    `${t.home.dir}/.aws/config`,
    (await Deno.readTextFile(`${t.home.dir}/.aws/config`)) +
      "\n[profile notifier]\nregion = us-east-1\nsentinel_aws_vault_flags = --no-session\n",
  );
  const vault = {
    ...t.home.env,
    HOOK_SECRET,
    PATH: `${ROOT}.tools/bin:${Deno.env.get("PATH")}`,
    AWS_VAULT_BACKEND: "file",
    AWS_VAULT_FILE_DIR: `${t.home.dir}/.awsvault/keys`,
    AWS_VAULT_FILE_PASSPHRASE: "correct horse battery staple",
    AWS_DEFAULT_REGION: "eu-west-1", // not the topic's: the profile's region must win
  };
  const added = await runProgram(toolPath("aws-vault"), ["add", "notifier", "--env"], {
    env: {
      ...vault,
      AWS_ACCESS_KEY_ID: bot.accessKeyId,
      AWS_SECRET_ACCESS_KEY: bot.secretAccessKey,
    },
  });
  assertEquals(added.code, 0, added.stderr);
  await Deno.writeTextFile(
    `${t.home.dir}/sentinel.yaml`,
    `store: ${t.store}
plugins:
  - name: sns-alerts
    plugin: sns
    aws: { profile: notifier }
    settings: { topic_arn: "${sns.topic}" }
  - name: sns-nowhere
    plugin: sns
    aws: { profile: nowhere }
    settings: { topic_arn: "${sns.topic}" }
`,
  );
  const listed = await runSentinel(["plugins", "list"], { env: vault });
  assertIncludes(listed.stdout, "aws:sns@(the region of profile notifier) as profile notifier");
  const sent = await runSentinel(["plugins", "test", "sns-alerts"], { env: vault });
  assertEquals(sent.code, 0, sent.stdout + sent.stderr);
  assertEquals((await sns.received()).map((m) => m.type), ["test"]);

  // A profile with no region anywhere: the error names the profile and the setting to add.
  const bare = `${t.home.dir}/bare-config`;
  await Deno.writeTextFile(bare, "[profile nowhere]\nsentinel_aws_vault_flags = --no-session\n");
  const noRegion = { ...vault, AWS_CONFIG_FILE: bare };
  delete (noRegion as Record<string, string>).AWS_DEFAULT_REGION;
  const failed = await runSentinel(["plugins", "test", "sns-nowhere"], { env: noRegion });
  assertEquals(failed.code, 7, failed.stdout + failed.stderr);
  assertIncludes(
    failed.stdout + failed.stderr,
    `aws.region is not set and profile nowhere has no region in ${bare}`,
  );
  assertIncludes(failed.stdout + failed.stderr, "set region in [profile nowhere] or aws.region in");
});

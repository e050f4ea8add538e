/**
 * Bundled and external plugins end to end: a signed webhook against a local server (retry on 503,
 * none on 400), SNS and CloudWatch Logs against moto, the file sink receiving decision records
 * from real issuances, a required sink failing closed, the router, and sha256 pinning.
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { startMoto } from "./harness/moto.ts";
import { setupScenario } from "./harness/scenario.ts";
import { snsQueue } from "./harness/sns_queue.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { ROOT } from "./harness/tools.ts";
import { Webhook } from "standardwebhooks";
import { HOOK_SECRET, webhookReceiver } from "./harness/webhook.ts";

async function withConfig(yaml: string) {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/sentinel.yaml`, yaml);
  return { dir, env: { SENTINEL_CONFIG: `${dir}/sentinel.yaml` } };
}

function webhookConfig(port: number, extra = "") {
  return `plugins:
  - name: hook
    plugin: webhook
    allow_net: ["127.0.0.1:${port}"]
    settings:
      url: http://127.0.0.1:${port}/sentinel
      secret_env: HOOK_SECRET
${extra}`;
}

Deno.test("webhook: Standard Webhooks signatures, retried on 503, not on 400, Slack format", async () => {
  const secret = HOOK_SECRET;
  const retrying = webhookReceiver(secret, [503, 503, 200]);
  const config = await withConfig(webhookConfig(retrying.port));
  const delivered = await runSentinel(["plugins", "test", "hook", "--output", "json"], {
    env: { ...config.env, HOOK_SECRET: secret },
  });
  await retrying.server.shutdown();
  assertEquals(delivered.code, 0, delivered.stderr);
  assertEquals(JSON.parse(delivered.stdout).result.delivered, true);
  assertEquals(retrying.received.length, 3);
  assertTrue(retrying.received.every((r) => r.verified), retrying.received[0].error);
  const event = JSON.parse(retrying.received[0].body);
  assertEquals([event.version, event.type], [1, "test"]);
  // One webhook-id for every attempt, so receivers can drop duplicates.
  assertEquals(new Set(retrying.received.map((r) => r.headers.get("webhook-id"))).size, 1);
  // A tampered body fails the reference verifier, so the check above can fail.
  const tampered = new Webhook(secret);
  const first = retrying.received[0];
  let refusedTamper = false;
  try {
    tampered.verify(first.body.replace('"test"', '"TEST"'), Object.fromEntries(first.headers));
  } catch {
    refusedTamper = true;
  }
  assertTrue(refusedTamper, "a tampered body verified");

  const refusing = webhookReceiver(secret, [400]);
  const config400 = await withConfig(webhookConfig(refusing.port, "      format: slack\n"));
  const refused = await runSentinel(["plugins", "test", "hook", "--output", "json"], {
    env: { ...config400.env, HOOK_SECRET: secret },
  });
  await refusing.server.shutdown();
  assertEquals(refused.code, 0, refused.stderr);
  assertEquals(JSON.parse(refused.stdout).result, {
    delivered: false,
    detail: "HTTP 400, not retried",
  });
  assertEquals(refusing.received.length, 1);
  const slack = JSON.parse(refusing.received[0].body);
  assertIncludes(slack.text, "Sentinel test");
  assertEquals(slack.blocks[0].type, "section");

  const unset = await runSentinel(["plugins", "test", "hook"], { env: config.env });
  assertEquals(unset.code, 7);
  assertIncludes(unset.stderr, "settings.secret_env names HOOK_SECRET, which is not set");
});

Deno.test("SNS notifier publishes with an event_type attribute (read back through SQS)", async () => {
  await using moto = await startMoto();
  const env = { ...moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const { topic, received } = await snsQueue(moto, env);
  const config = await withConfig(`plugins:
  - name: sns-alerts
    plugin: sns
    aws: { region: us-east-1 }
    settings: { topic_arn: "${topic}" }
`);
  const run = await runSentinel(["plugins", "test", "sns-alerts"], {
    env: { ...env, ...config.env },
  });
  assertEquals(run.code, 0, run.stderr);
  assertIncludes(run.stdout, '"delivered":true');
  assertEquals(await received(), [{ type: "test", attribute: "test" }]);
});

Deno.test("CloudWatch Logs sink writes records (read back with the AWS CLI)", async () => {
  await using moto = await startMoto();
  const env = { ...moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  await aws(["logs", "create-log-group", "--log-group-name", "sentinel"], env);
  const config = await withConfig(`plugins:
  - name: cwl
    plugin: cloudwatch_logs
    aws: { region: us-east-1 }
    settings: { log_group: sentinel, log_stream: decisions }
`);
  const run = await runSentinel(["plugins", "test", "cwl"], { env: { ...env, ...config.env } });
  assertEquals(run.code, 0, run.stderr);
  const events = await aws([
    "logs",
    "get-log-events",
    "--log-group-name",
    "sentinel",
    "--log-stream-name",
    "decisions",
  ], env);
  const [event] = JSON.parse(events.stdout).events;
  // The sample is unmistakably a test: its own type, no effect, no outcome.
  const message = JSON.parse(event.message);
  assertEquals([message.type, message.plugin], ["plugin_test", "cwl"]);
  assertEquals("outcome" in message || "effect" in message, false);
});

Deno.test("decision records flow to a file log sink on cold and warm issuance; a required failing sink denies", async () => {
  await using t = await setupScenario("alice");
  const sinkFile = `${t.home.dir}/sink.jsonl`;
  await Deno.writeTextFile(
    t.home.env.SENTINEL_CONFIG,
    `plugins:
  - name: audit-file
    plugin: file_sink
    allow_write: ["${sinkFile}"]
    settings: { path: "${sinkFile}" }
`,
  );
  for (let i = 0; i < 2; i++) {
    const run = await runSentinel(["credentials", "prod"], { env: t.home.env });
    assertEquals(run.code, 0, run.stderr);
  }
  const records = (await Deno.readTextFile(sinkFile)).trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(records.map((r) => [r.user, r.outcome, r.cache_hit]), [
    ["alice", "issued", false],
    ["alice", "issued", true],
  ]);
  assertEquals((await Deno.stat(sinkFile)).mode! & 0o777, 0o600);

  await Deno.writeTextFile(
    t.home.env.SENTINEL_CONFIG,
    `plugins:
  - name: must-log
    plugin: file_sink
    required: true
    allow_write: ["${t.home.dir}/elsewhere.jsonl"]
    settings: { path: "${t.home.dir}/not-granted.jsonl" }
`,
  );
  const denied = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(denied.code, 7, denied.stderr);
  assertEquals(denied.stdout, "");
  assertIncludes(denied.stderr, "the required log sink must-log failed");
  const last = (await t.home.readLog()).at(-1)!;
  assertEquals([last.effect, last.outcome], ["allow", "denied"]);
  assertIncludes(String(last.failure), "Requires write access");
});

Deno.test("router, external plugins pinned by sha256, and plugins list", async () => {
  const example = `${ROOT}docs/examples/example_notifier.js`;
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(example));
  const sha = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  const chat = webhookReceiver("unused", [200]);
  const config = await withConfig(`plugins:
  - name: router
    plugin: static_router
    settings:
      routes:
        - { profiles: ["prod*"], approvers: [bob@example.com, sentinel-test] }
  - name: chat
    module: ${example}
    sha256: ${sha}
    kind: notifier
    version: 1.0.0
    allow_net: ["127.0.0.1:${chat.port}"]
    settings: { url: "http://127.0.0.1:${chat.port}/hook", channel: "#access" }
  - name: tampered
    module: ${example}
    sha256: "${"0".repeat(64)}"
    kind: notifier
`);
  const route = await runSentinel(["plugins", "test", "router", "--output", "json"], {
    env: config.env,
  });
  assertEquals(route.code, 0, route.stderr);
  assertEquals(JSON.parse(route.stdout).result.approvers, ["bob@example.com"]);

  const external = await runSentinel(["plugins", "test", "chat"], { env: config.env });
  await chat.server.shutdown();
  assertEquals(external.code, 0, external.stderr);
  assertIncludes(JSON.parse(chat.received[0].body).text, "[#access] test: someone");

  const tampered = await runSentinel(["plugins", "test", "tampered"], { env: config.env });
  assertEquals(tampered.code, 7);
  assertIncludes(tampered.stderr, `has sha256 ${sha}, but the config pins ${"0".repeat(64)}`);

  const list = await runSentinel(["plugins", "list", "--output", "json"], { env: config.env });
  assertEquals(list.code, 0, list.stderr);
  const listed = JSON.parse(list.stdout).plugins;
  assertEquals(listed.map((p: { name: string }) => p.name), ["router", "chat", "tampered"]);
  assertEquals(listed[1].sha256, sha);
  assertEquals(listed[1].permissions.net, [`127.0.0.1:${chat.port}`]);
});

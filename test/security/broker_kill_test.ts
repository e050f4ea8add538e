/**
 * A broker killed mid-request loses nothing (DESIGN §15): real `sentinel serve` processes over
 * one DynamoDB table in moto with IAM checks on, a webhook notifier whose receiver holds its
 * answer so the broker is killed (SIGKILL) while it announces a request it has stored.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { brokerWorld } from "../harness/broker.ts";
import { runSentinel } from "../harness/sentinel.ts";
import { HOOK_SECRET, webhookPlugin } from "../harness/webhook.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob]
    max_duration: 2h
`;

/** A webhook receiver that takes each delivery and answers none until it is closed. */
function holdingReceiver() {
  let got = () => {};
  const received = new Promise<void>((resolve) => got = resolve);
  let release = (_: Response) => {};
  const held = new Promise<Response>((resolve) => release = resolve);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    await request.text();
    got();
    return await held;
  });
  return {
    port: server.addr.port,
    received,
    [Symbol.asyncDispose]: async () => {
      release(new Response("", { status: 503 }));
      await server.shutdown();
    },
  };
}

Deno.test("a broker killed (SIGKILL) while announcing a stored request: the client is told the call failed, and the request it left can never be approved", async () => {
  await using hook = holdingReceiver();
  await using world = await brokerWorld({
    store: "dynamodb",
    policy: POLICY,
    people: "nothing",
    brokerEnv: { HOOK_SECRET },
    brokerConfig: `plugins:\n${
      webhookPlugin({ name: "pager", port: hook.port, timeout: "30s", maxAttempts: 1 })
    }`,
  });
  const alice = await world.client("alice");
  const asking = runSentinel(["request", "prod", "--reason", "deploy"], { env: alice.env });
  await hook.received; // stored, logged, and being announced
  world.broker.process.kill("SIGKILL");
  const asked = await asking;
  assertTrue(asked.code !== 0, "the client must not report a request it cannot vouch for");
  assertEquals(asked.stdout, "");
  assertIncludes(asked.stderr, world.broker.url);

  const survivor = await world.startBroker();
  const bob = await world.client("bob", survivor.url);
  const as = ["--server", survivor.url, "--aws-profile", "base"];
  const listed = await runSentinel(["requests", ...as, "--output", "json"], { env: bob.env });
  assertEquals(listed.code, 0, listed.stderr);
  const [left] = JSON.parse(listed.stdout).requests;
  assertEquals([left.status, left.requester], ["pending", "alice"], "nothing lost: it is stored");
  const approve = await runSentinel(["approve", left.id, ...as], { env: bob.env });
  assertEquals(approve.code, 12, approve.stderr);
  assertIncludes(approve.stderr, "has not been announced to its approvers yet");
  const credentials = await runSentinel(["credentials", "prod"], { env: alice.env });
  assertEquals(credentials.code, 6, credentials.stderr); // the killed broker is unreachable
});

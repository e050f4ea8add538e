/**
 * Approvals and break-glass in broker mode, end to end on real peers (DESIGN §15): two real
 * `sentinel serve` processes over one DynamoDB table in moto with IAM checks on, people whose
 * IAM users may do nothing but ask STS who they are (so the table is out of their reach), the
 * real AWS CLI with `credential_process = sentinel credentials prod`, and the broker's webhook
 * notifier delivering to a receiver that verifies every signature.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { brokerWorld } from "./harness/broker.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { HOOK_SECRET, webhookPlugin, webhookReceiver } from "./harness/webhook.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
    max_duration: 1h
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [alice, bob, carol]
    max_duration: 2h
breakglass:
  - name: on-call
    profiles: [prod]
    users: [alice, bob, carol]
    reason_codes: [incident]
    max_duration: 1h
    quota: { per_profile: { max: 1, window: 1d } }
`;

const TABLE = "sentinel-broker-state";

/** Two brokers on one table, the people with no AWS rights, the webhook at the brokers. */
async function fleet() {
  const hook = webhookReceiver(HOOK_SECRET, [200]);
  const world = await brokerWorld({
    store: "dynamodb",
    policy: POLICY,
    people: "nothing",
    brokerEnv: { HOOK_SECRET },
    brokerConfig: `plugins:\n${webhookPlugin({ name: "pager", port: hook.port })}`,
  });
  const second = await world.startBroker();
  return {
    world,
    a: world.broker,
    b: second,
    hook,
    async [Symbol.asyncDispose]() {
      await world[Symbol.asyncDispose]();
      await hook.server.shutdown();
    },
  };
}

/** The deliveries the receiver verified, by event type. */
function delivered(hook: ReturnType<typeof webhookReceiver>, type: string) {
  return hook.received.filter((r) => r.verified && JSON.parse(r.body).type === type)
    .map((r) => JSON.parse(r.body));
}

const paths = (log: Record<string, unknown>[]) => log.map((entry) => entry.path);

/** The first value `probe` gives that is not undefined, polling for up to 30 s. */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

Deno.test("a fleet of two brokers on one table: alice's prod call is refused with the request advice, she asks at broker A, bob approves at broker B, her same AWS CLI command then works; bob cannot approve his own request", async () => {
  await using f = await fleet();
  const { world, a, b, hook } = f;
  const alice = await world.client("alice", a.url);
  const bob = await world.client("bob", b.url);
  const prod = ["sts", "get-caller-identity", "--profile", "prod", "--output", "json"];

  const refused = await aws(prod, alice.env);
  assertTrue(refused.code !== 0, "no approval yet");
  assertIncludes(refused.stderr, 'sentinel request prod --reason "<why>"');

  // alice asks at broker A and waits there; bob hears of it from the webhook and approves at B.
  const asking = runSentinel(
    ["request", "prod", "--reason", "deploy 1.2.3", "--wait", "--timeout", "90s"],
    { env: alice.env },
  );
  const announced = await until(() => delivered(hook, "approval_requested")[0]);
  const id = announced.data.id;
  assertEquals(announced.data.requester, "alice");
  assertEquals(announced.data.how_to_approve, `sentinel approve ${id} --server ${a.url}`);

  const approve = ["approve", id, "--server", b.url, "--aws-profile", "base", "--output", "json"];
  const approved = await until(async () => {
    const run = await runSentinel(approve, { env: bob.env });
    // The webhook may hear of it a moment before its announcement is recorded (exit 12).
    return run.code === 12 && run.stderr.includes("not been announced") ? undefined : run;
  });
  assertEquals(approved.code, 0, approved.stderr);
  const json = JSON.parse(approved.stdout);
  assertEquals([json.status, json.decided_by, json.broker], ["approved", "bob", b.url]);
  assertTrue(paths(b.accessLog()).includes("/v1/requests/decide"), "approved at broker B");
  assertEquals(delivered(hook, "approval_approved").length, 1);

  const asked = await asking;
  assertEquals(asked.code, 0, asked.stderr);
  assertIncludes(asked.stdout, `request ${id}: pending`);
  assertIncludes(asked.stdout, `approvers run: sentinel approve ${id} --server ${a.url}`);
  assertIncludes(asked.stdout, `store:         the store of the broker ${a.url}`);
  assertTrue(paths(a.accessLog()).includes("/v1/requests/create"), "asked at broker A");
  assertTrue(
    paths(a.accessLog()).filter((path) => path === "/v1/requests/show").length >= 1,
    "alice's wait polled broker A",
  );

  const works = await aws(prod, alice.env);
  assertEquals(works.code, 0, works.stderr);
  assertMatch(JSON.parse(works.stdout).Arn, /:assumed-role\/SentinelProd\/alice$/);

  const his = await runSentinel(["request", "prod", "--reason", "mine", "--output", "json"], {
    env: bob.env,
  });
  assertEquals(his.code, 0, his.stderr);
  const own = await runSentinel(
    ["approve", JSON.parse(his.stdout).id, "--server", b.url, "--aws-profile", "base"],
    { env: bob.env },
  );
  assertEquals(own.code, 4, own.stderr);
  assertIncludes(own.stderr, "bob asked for this access and cannot approve it");

  const listed = await runSentinel(
    ["requests", "--server", a.url, "--aws-profile", "base", "--output", "json"],
    { env: bob.env },
  );
  assertEquals(listed.code, 0, listed.stderr);
  assertEquals(
    JSON.parse(listed.stdout).requests.map((r: { status: string }) => r.status).sort(),
    ["approved", "pending"],
    "both brokers see one table",
  );
});

Deno.test("the forgery the README warns about is impossible in broker mode: alice writing an approval or a break-glass event straight into the table gets AccessDenied from AWS", async () => {
  await using f = await fleet();
  const alice = await f.world.client("alice", f.a.url);
  const forged = JSON.stringify({
    pk: { S: "request#0123456789abcdef" },
    sk: { S: "request" },
    status: { S: "approved" },
  });
  for (
    const args of [
      ["dynamodb", "put-item", "--table-name", TABLE, "--item", forged],
      ["dynamodb", "scan", "--table-name", TABLE],
      ["dynamodb", "delete-table", "--table-name", TABLE],
      ["sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/SentinelProd"],
    ]
  ) {
    const direct = await aws(
      [
        ...args,
        ...(args[0] === "sts" ? ["--role-session-name", "alice"] : []),
        "--profile",
        "base",
      ],
      alice.env,
    );
    assertTrue(direct.code !== 0, `${args.slice(0, 2).join(" ")} must fail`);
    assertIncludes(direct.stderr, "AccessDenied", args.slice(0, 2).join(" "));
  }
  const mine = await aws(["sts", "get-caller-identity", "--profile", "base"], alice.env);
  assertEquals(mine.code, 0, "her keys work: only the table and the role are out of reach");
});

Deno.test("20 break-glass invocations at once, spread over both brokers, with a quota of 1 per profile: exactly one opens, and the blast reaches the signed webhook once", async () => {
  await using f = await fleet();
  const { world, a, b, hook } = f;
  const homes = await Promise.all(
    (["alice", "bob", "carol"] as const).flatMap((person) => [
      world.client(person, a.url),
      world.client(person, b.url),
    ]),
  );
  const runs = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      runSentinel(
        ["breakglass", "prod", "--reason-code", "incident", "--justification", `INC-${i}`],
        { env: homes[i % homes.length].env },
      )),
  );
  const opened = runs.filter((run) => run.code === 0);
  assertEquals(opened.length, 1, runs.map((run) => `${run.code} ${run.stderr}`).join("\n"));
  for (const run of runs.filter((run) => run.code !== 0)) {
    assertEquals(run.code, 4, run.stderr);
    assertMatch(
      run.stderr,
      /break-glass refused: .*used up|already have break-glass|its announcement is under way/,
    );
  }
  const served = [...a.accessLog(), ...b.accessLog()].filter((entry) =>
    entry.path === "/v1/breakglass/invoke"
  );
  assertEquals(served.length, 20);
  assertTrue(
    a.accessLog().some((entry) => entry.path === "/v1/breakglass/invoke") &&
      b.accessLog().some((entry) => entry.path === "/v1/breakglass/invoke"),
    "both brokers took invocations",
  );
  assertEquals(delivered(hook, "breakglass_invoked").length, 1);
});

/**
 * `sentinel enforce trust-policy`, `enforce scp` and `enforce plan` in process: the IAM documents
 * printed as JSON, the usage errors (2), and the plan over an in-memory IAM — which roles admit
 * someone besides the broker (11), all closed (0), a failed GetRole (6).
 */
import { assertEquals, assertIncludes, assertMatch } from "../../test/assert.ts";
import { capturedIo } from "../../test/support/captured_io.ts";
import { FakeIam } from "../../test/support/fake_aws.ts";
import { FakeWorld } from "../../test/support/fake_deps.ts";
import { FakeTeam, TEAM_ROLE } from "../../test/support/fake_team.ts";
import { STORE_INDEXES } from "../core/store/table.ts";
import { brokerTrustPolicy } from "../core/trust_policy.ts";
import type { IamPort } from "../ports/aws.ts";
import { runCli } from "./program.ts";

Deno.test("enforce trust-policy prints a trust policy admitting the principal only with a Sentinel SourceIdentity", async () => {
  const run = await new FakeWorld().run([
    "enforce",
    "trust-policy",
    "--principal",
    "123456789012",
    "--external-id",
    "ext-1",
  ]);
  assertEquals([run.code, run.stderr], [0, ""]);
  const policy = JSON.parse(run.stdout);
  assertEquals(policy.Version, "2012-10-17");
  const text = JSON.stringify(policy);
  assertIncludes(text, "sts:SetSourceIdentity");
  assertIncludes(text, "sentinel=");
  assertIncludes(text, "ext-1");
});

Deno.test("enforce scp prints a service control policy for the protected roles", async () => {
  const run = await new FakeWorld().run(["enforce", "scp", "--role", "arn:aws:iam::*:role/Prod*"]);
  assertEquals(run.code, 0, run.stderr);
  assertIncludes(JSON.stringify(JSON.parse(run.stdout)), "arn:aws:iam::*:role/Prod*");
});

Deno.test("enforce without the principal or the roles is a usage error (exit 2)", async () => {
  const world = new FakeWorld();
  const trust = await world.run(["enforce", "trust-policy", "-o", "json"]);
  assertEquals([trust.code, trust.error().code, trust.stdout], [2, "usage", ""]);
  const scp = await world.run(["enforce", "scp"]);
  assertEquals(scp.code, 2);
  assertIncludes(scp.stderr, "name the protected roles");
});

// ---- broker mode: trust-policy --broker-role, and plan ----

const ACCOUNT = "123456789012";
const BROKER = `arn:aws:iam::${ACCOUNT}:role/SentinelBroker`;
const arnOf = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const KEYS = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" +
  "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/** What the fake IAM was asked: role name, the call's region, key id. */
const asked = (iam: FakeIam) => iam.calls.map((c) => `${c.roleName} ${c.region} ${c.accessKeyId}`);

const allowing = (principal: unknown, sid?: string) => ({
  Version: "2012-10-17",
  Statement: [{
    ...(sid ? { Sid: sid } : {}),
    Effect: "Allow",
    Principal: principal,
    Action: "sts:AssumeRole",
  }],
});

/** The three roles of the issue: one closed, one open to the account, one open to alice. */
function threeRoles(): FakeIam {
  const iam = new FakeIam();
  iam.addRole("Closed", brokerTrustPolicy({ brokerRole: BROKER }));
  iam.addRole("RootOpen", allowing({ AWS: `arn:aws:iam::${ACCOUNT}:root` }));
  iam.addRole("AliceOpen", allowing({ AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, "Alice"));
  return iam;
}

/** Runs `sentinel <argv>` in a world with default keys, whose AWS has `iam` (or none). */
async function runWithIam(argv: string[], iam: IamPort | undefined) {
  const world = new FakeWorld({
    awsConfig: "[default]\nregion = eu-west-1\n",
    awsCredentials: KEYS,
  });
  const io = capturedIo();
  const deps = world.deps(io.stderr);
  const code = await runCli(argv, io, {
    ...deps,
    aws: () => Promise.resolve({ sts: world.aws.sts, ssm: world.aws.ssm, iam }),
  });
  return { code, stdout: io.out, stderr: io.err };
}

Deno.test("trust-policy --broker-role admits only the broker, with --user and --external-id", async () => {
  const run = await new FakeWorld().run([
    "enforce",
    "trust-policy",
    "--broker-role",
    BROKER,
    "--user",
    "alice@example.com",
    "--external-id",
    "x-1",
  ]);
  assertEquals([run.code, run.stderr], [0, ""]);
  assertEquals(
    run.json(),
    brokerTrustPolicy({ brokerRole: BROKER, users: ["alice@example.com"], externalId: "x-1" }),
  );
  assertEquals((run.json().Statement as { Principal: unknown }[])[0].Principal, { AWS: [BROKER] });
});

Deno.test("trust-policy --broker-role: not with --principal or --migration, and only a role ARN", async () => {
  const world = new FakeWorld();
  const cases: [string[], string][] = [
    [["--broker-role", BROKER, "--principal", ACCOUNT], "give either --broker-role or --principal"],
    [["--broker-role", BROKER, "--migration"], "it has no use with --broker-role"],
    [["--broker-role", `arn:aws:iam::${ACCOUNT}:user/broker`], "is not an IAM role ARN"],
    [["--broker-role", "SentinelBroker"], "arn:aws:iam::<12-digit account>:role/[path/]<name>"],
    [[], "--broker-role <the broker's role ARN> (broker mode), or --principal"],
  ];
  for (const [flags, message] of cases) {
    const run = await world.run(["enforce", "trust-policy", ...flags, "-o", "json"]);
    assertEquals([run.code, run.error().code, run.stdout], [2, "usage", ""], flags.join(" "));
    assertIncludes(run.error().message, message);
  }
});

Deno.test("enforce plan: exactly the roles that admit someone besides the broker, exit 11", async () => {
  const iam = threeRoles();
  const argv = ["enforce", "plan", "--roles", "Closed,RootOpen", "--roles", arnOf("AliceOpen")];
  const run = await runWithIam([...argv, "--broker-role", BROKER], iam);
  assertEquals([run.code, run.stderr], [11, ""]);
  assertEquals(asked(iam), [
    "Closed eu-west-1 AKIAIOSFODNN7EXAMPLE",
    "RootOpen eu-west-1 AKIAIOSFODNN7EXAMPLE",
    "AliceOpen eu-west-1 AKIAIOSFODNN7EXAMPLE",
  ]);
  const lines = run.stdout.split("\n");
  assertEquals(lines[0], `Broker role: ${BROKER}`);
  assertMatch(lines[2], /^ROLE\s+OK\s+WHO ELSE CAN ASSUME IT\s+STATEMENT\s+WHY$/);
  assertMatch(lines[3], /^Closed\s+ok\s+no one: only the broker\s+statement AllowOnly/);
  assertMatch(
    lines[4],
    new RegExp(
      `^RootOpen\\s+open\\s+AWS arn:aws:iam::${ACCOUNT}:root\\s+#0\\s+any principal of account`,
    ),
  );
  assertMatch(
    lines[5],
    /^RootOpen\s+open\s+\(the broker cannot\)\s+statement #0 allows the broker sts:AssumeRole but/,
  );
  assertMatch(
    lines[6],
    new RegExp(`^AliceOpen\\s+open\\s+AWS arn:aws:iam::${ACCOUNT}:user/alice\\s+Alice \\(#0\\)`),
  );
  assertIncludes(run.stdout, "2 of 3 roles admit someone besides the broker (or not the broker)");

  const json = await runWithIam([...argv, "--broker-role", BROKER, "-o", "json"], threeRoles());
  assertEquals(json.code, 11);
  const plan = JSON.parse(json.stdout);
  assertEquals(plan.ok, false);
  assertEquals(plan.broker_role, BROKER);
  assertEquals(
    plan.roles.map((r: Record<string, unknown>) => [r.role, r.role_arn, r.ok, r.broker_admitted]),
    [
      ["Closed", arnOf("Closed"), true, true],
      ["RootOpen", arnOf("RootOpen"), false, false],
      [arnOf("AliceOpen"), arnOf("AliceOpen"), false, false],
    ],
  );
  assertEquals(plan.roles[2].others, [{
    statement: "Alice (#0)",
    sid: "Alice",
    index: 0,
    principal: `AWS arn:aws:iam::${ACCOUNT}:user/alice`,
    kind: "principal",
    actions: ["sts:AssumeRole"],
    conditions: [],
    why: `arn:aws:iam::${ACCOUNT}:user/alice itself, without the broker`,
  }]);
  assertEquals(plan.roles[1].others[0].kind, "account");
});

Deno.test("enforce plan: every role closed is exit 0; without --broker-role the broker is listed", async () => {
  const closed = await runWithIam(
    ["enforce", "plan", "--roles", "Closed, Closed,", "--broker-role", BROKER],
    threeRoles(),
  );
  assertEquals(closed.code, 0, closed.stderr);
  assertIncludes(closed.stdout, "The role admits only the broker.");
  assertEquals(closed.stdout.split("\n").filter((l) => l.startsWith("Closed")).length, 1);

  const without = await runWithIam(
    ["enforce", "plan", "--roles", "Closed", "-o", "json"],
    threeRoles(),
  );
  assertEquals(without.code, 11);
  const plan = JSON.parse(without.stdout);
  assertEquals([plan.broker_role, plan.roles[0].broker_admitted], [null, null]);
  assertEquals(plan.roles[0].others[0].principal, `AWS ${BROKER}`);
});

Deno.test("enforce plan: usage errors for the roles and the broker role", async () => {
  const cases: [string[], string][] = [
    [["--broker-role", BROKER], "name the roles to check: --roles"],
    [["--roles", ",", "--broker-role", BROKER], "name the roles to check"],
    [["--roles", "arn:aws:iam::123456789012:user/alice"], "is neither a role name nor a role ARN"],
    [["--roles", "Prod Admin"], "is neither a role name nor a role ARN"],
    [["--roles", "Prod", "--broker-role", "123456789012"], "is not an IAM role ARN"],
    [["--roles", "Prod", "--profile", "admin"], "use --aws-profile admin"],
  ];
  for (const [flags, message] of cases) {
    const iam = threeRoles();
    const run = await runWithIam(["enforce", "plan", ...flags, "-o", "json"], iam);
    assertEquals(
      [run.code, JSON.parse(run.stderr).code, run.stdout],
      [2, "usage", ""],
      flags.join(" "),
    );
    assertIncludes(JSON.parse(run.stderr).message, message);
    assertEquals(asked(iam), []);
  }
});

Deno.test("enforce plan: a failed GetRole is exit 6 naming the role; so is a role of another account", async () => {
  const missing = await runWithIam(
    ["enforce", "plan", "--roles", "Closed,Missing", "--broker-role", BROKER, "-o", "json"],
    threeRoles(),
  );
  assertEquals([missing.code, missing.stdout], [6, ""]);
  assertIncludes(JSON.parse(missing.stderr).message, "IAM GetRole Missing failed");

  const other = await runWithIam(
    [
      "enforce",
      "plan",
      "--roles",
      "arn:aws:iam::999999999999:role/Closed",
      "--broker-role",
      BROKER,
    ],
    threeRoles(),
  );
  assertEquals(other.code, 6);
  assertIncludes(
    other.stderr,
    `asked for arn:aws:iam::999999999999:role/Closed, but the credentials' account has ${
      arnOf("Closed")
    }; use --aws-profile`,
  );
});

Deno.test("enforce plan: a transport without IAM says so (exit 1)", async () => {
  const run = await runWithIam(["enforce", "plan", "--roles", "Closed"], undefined);
  assertEquals(run.code, 1);
  assertIncludes(run.stderr, "this AWS transport has no IAM client");
});

Deno.test("enforce broker-iam reads the broker's configuration: its table, every Sentinel profile's role and SSM policy, its SNS topics; --for users denies the table and the roles", async () => {
  const team = new FakeTeam({
    policy: 'version: "1"\nrules: []\n',
    extraConfig: `
[profile billing]
sentinel_role_arn = arn:aws:iam::123456789012:role/Billing
sentinel_source_profile = alice
sentinel_policy = ssm:/sentinel/billing

[profile broken]
sentinel_policy = ssm:/sentinel/broken
`,
    sentinelConfig: `plugins:
  - name: pager
    plugin: sns
    settings: { topic_arn: "arn:aws:sns:us-east-1:123456789012:oncall" }
`,
  });
  const args = ["enforce", "broker-iam", "--aws-profile", "alice", "--store", "dynamodb:state"];
  const broker = await team.run(args);
  assertEquals(broker.code, 0, broker.stderr);
  assertIncludes(broker.stderr, "profile broken:");
  const table = "arn:aws:dynamodb:us-east-1:123456789012:table/state";
  const statements = JSON.parse(broker.stdout).Statement as { Sid: string; Resource: string[] }[];
  assertEquals(Object.fromEntries(statements.map((s) => [s.Sid, s.Resource])), {
    SentinelStoreItems: [table],
    SentinelStoreIndexes: Object.values(STORE_INDEXES).map((i) => `${table}/index/${i.name}`),
    SentinelProtectedRoles: ["arn:aws:iam::123456789012:role/Billing", TEAM_ROLE],
    SentinelRevocations: ["arn:aws:iam::123456789012:role/Billing", TEAM_ROLE],
    SentinelPolicies: ["arn:aws:ssm:us-east-1:123456789012:parameter/sentinel/billing"],
    SentinelNotifiers: ["arn:aws:sns:us-east-1:123456789012:oncall"],
  });
  const users = await team.run([...args, "--for", "users"]);
  assertEquals(users.code, 0, users.stderr);
  const denied = JSON.parse(users.stdout).Statement as { Effect: string; Resource: string[] }[];
  assertEquals(denied.map((s) => s.Effect), ["Deny", "Deny", "Deny", "Deny"]);
  assertIncludes(JSON.stringify(denied), "iam:PutRolePolicy");
  assertIncludes(JSON.stringify(denied), "ssm:PutParameter");
  assertIncludes(JSON.stringify(denied), table);
  assertIncludes(JSON.stringify(denied), TEAM_ROLE);
});

Deno.test("enforce revocation-policy --print-iam: Get/Put/DeleteRolePolicy on this host's protected roles, or those named; a bad --role is exit 2", async () => {
  const team = new FakeTeam({ policy: 'version: "1"\nrules: []\n' });
  const own = await team.run(["enforce", "revocation-policy", "--print-iam"]);
  assertEquals(own.code, 0, own.stderr);
  assertEquals(JSON.parse(own.stdout).Statement, [{
    Sid: "SentinelRevocations",
    Effect: "Allow",
    Action: ["iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"],
    Resource: [TEAM_ROLE],
  }]);
  const named = "arn:aws:iam::123456789012:role/Other";
  const other = await team.run(["enforce", "revocation-policy", "--print-iam", "--role", named]);
  assertEquals(JSON.parse(other.stdout).Statement[0].Resource, [named]);
  const bad = await team.run(["enforce", "revocation-policy", "--print-iam", "--role", "Other"]);
  assertEquals(bad.code, 2);
  assertIncludes(bad.stderr, "is not an IAM role ARN");
});

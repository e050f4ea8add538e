/**
 * `sentinel profiles` and `sentinel store` in process. profiles lists the AWS files' profiles and
 * how Sentinel sees each, asking nothing of AWS; store init creates the configured store (and
 * says by whom, for DynamoDB), and prints a DynamoDB template or IAM policy on request.
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { APPROVAL_POLICY } from "../../test/support/cli_policies.ts";
import { FakeWorld } from "../../test/support/fake_deps.ts";
import { FakeTeam, POLICY_PATH, STORE, TEAM_ROLE } from "../../test/support/fake_team.ts";

Deno.test("profiles lists every profile, Sentinel's with role, source, policy and cached session, asking nothing of AWS", async () => {
  const team = new FakeTeam({
    policy: APPROVAL_POLICY.replace("effect: require_approval", "effect: allow"),
  });
  await team.run(["credentials", "prod"]);
  const calls = team.aws.calls.length;
  const text = await team.run(["profiles"]);
  assertEquals(text.code, 0, text.stderr);
  const prod = text.stdout.split("\n").find((line) => line.startsWith("prod "))!;
  for (const cell of ["yes", TEAM_ROLE, "alice", POLICY_PATH, "alice, 1h left"]) {
    assertIncludes(prod, cell);
  }
  const json = await team.run(["profiles", "-o", "json"]);
  const rows = json.json().profiles as Record<string, unknown>[];
  assertEquals(
    rows.map((r) => r.name),
    ["alice", "bob", "carol", "dave", "default", "prod"],
    "sorted",
  );
  const prodRow = rows.find((r) => r.name === "prod")!;
  assertEquals([prodRow.sentinel, prodRow.role_arn, prodRow.source_profile, prodRow.policy], [
    "yes",
    TEAM_ROLE,
    "alice",
    POLICY_PATH,
  ]);
  assertEquals(rows.find((r) => r.name === "bob")!.credentials, ["credentials-file"]);
  assertEquals(team.aws.calls.length, calls, "nothing asked of AWS");
});

Deno.test("profiles with no AWS files says so and how to start; an unreadable config is exit 3", async () => {
  const empty = new FakeWorld();
  const none = await empty.run(["profiles"]);
  assertEquals(none.code, 0);
  assertIncludes(
    none.stdout,
    "no profiles in /home/alice/.aws/config or /home/alice/.aws/credentials; `sentinel init` sets one up",
  );
  const broken = new FakeWorld({ awsConfig: "[profile prod\nregion = x\n" });
  const run = await broken.run(["profiles", "-o", "json"]);
  assertEquals([run.code, run.error().code], [3, "invalid_config"]);
});

Deno.test("store init creates the configured store once, then leaves it; JSON names it", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const first = await team.run(["store", "init", "--aws-profile", "bob"]);
  assertEquals(first.code, 0, first.stderr);
  assertEquals(first.stdout, `${STORE}: ready\n  created the in-memory store ${STORE}\n`);
  const again = await team.run(["store", "init", "--aws-profile", "bob", "-o", "json"]);
  assertEquals(again.json(), {
    store: STORE,
    region: null,
    done: [`the in-memory store ${STORE} exists; left as it is`],
    created_by: null,
  });
});

Deno.test("store init on DynamoDB says who created the table, from which profile", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const run = await team.run([
    "store",
    "init",
    "--store",
    "dynamodb:sentinel-state",
    "--aws-profile",
    "bob",
    "-o",
    "json",
  ]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(run.json().created_by, {
    arn: "arn:aws:iam::123456789012:user/bob",
    account: "123456789012",
    profile: "bob",
  });
  assertEquals(run.json().region, "us-east-1");
});

Deno.test("store init --print-template and --print-iam are for DynamoDB stores (exit 2 on SQLite)", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const sqlite = await team.run(["store", "init", "--print-template", "--aws-profile", "bob"]);
  assertEquals(sqlite.code, 2);
  assertIncludes(sqlite.stderr, "templates and IAM policies are for DynamoDB stores");
  const template = await team.run([
    "store",
    "init",
    "--print-template",
    "--store",
    "dynamodb:sentinel-state",
    "--aws-profile",
    "bob",
  ]);
  assertEquals(template.code, 0, template.stderr);
  assertIncludes(template.stdout, "AWS::DynamoDB::Table");
  const iam = await team.run([
    "store",
    "init",
    "--print-iam",
    "arn:aws:dynamodb:us-east-1:123456789012:table/sentinel-state",
    "--store",
    "dynamodb:sentinel-state",
    "--aws-profile",
    "bob",
  ]);
  assertEquals(JSON.parse(iam.stdout).Version, "2012-10-17");
  assertEquals(team.stores.state("dynamodb:sentinel-state"), undefined, "printing creates nothing");
});

Deno.test("a DynamoDB store used before store init creates its table fails (exit 6) saying to run store init", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const store = ["--store", "dynamodb:sentinel-state", "--aws-profile", "bob"];
  const before = await team.run(["requests", ...store, "-o", "json"]);
  assertEquals([before.code, before.error().code], [6, "aws_failure"]);
  assertIncludes(before.error().message, "ResourceNotFoundException");
  assertIncludes(before.error().message, "create the table with `sentinel store init`");
  assertEquals((await team.run(["store", "init", ...store])).code, 0);
  const after = await team.run(["requests", ...store, "-o", "json"]);
  assertEquals([after.code, after.json().requests], [0, []]);
});

Deno.test("store init --print-template and --print-iam need no AWS identity: on a machine with no profile and no keys they print", async () => {
  const world = new FakeWorld();
  const template = await world.run([
    "store",
    "init",
    "--print-template",
    "--store",
    "dynamodb:sentinel-state",
  ]);
  assertEquals(template.code, 0, template.stderr);
  assertIncludes(template.stdout, "AWS::DynamoDB::Table");
  const iam = await world.run([
    "store",
    "init",
    "--print-iam",
    "arn:aws:dynamodb:us-east-1:123456789012:table/sentinel-state",
    "--store",
    "dynamodb:sentinel-state",
  ]);
  assertEquals(iam.code, 0, iam.stderr);
  assertEquals(JSON.parse(iam.stdout).Version, "2012-10-17");
});

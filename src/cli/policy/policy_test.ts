/**
 * The policy tools in process: validate, lint, test (on files in memory) and pull, push, diff (on
 * the fake SSM), each with its answer as text and JSON and its refusal's exit code — an invalid
 * policy (3, every error listed), a failed policy test (8), a difference (10), an AWS failure (6).
 * On real files and moto: test/cli_policy_test.ts and test/policy_store_e2e_test.ts.
 */
import { assertEquals, assertIncludes } from "../../../test/assert.ts";
import { FakeWorld } from "../../../test/support/fake_deps.ts";
import { FakeTeam } from "../../../test/support/fake_team.ts";

const POLICY = `version: "1"
rules:
  - name: alice-prod
    effect: allow
    conditions: { profiles: [prod], users: [alice] }
  - name: prod-closed
    effect: deny
    conditions: { profiles: [prod], time: { hours: { start: "09:00", end: "18:00" } } }
`;

const TESTS = `tests:
  - name: alice may use prod
    profile: prod
    user: alice
    at: "2026-03-02T10:00:00Z"
    expect: allow
  - name: bob may use prod
    profile: prod
    user: bob
    at: "2026-03-02T10:00:00Z"
    expect: allow
`;

function world() {
  return new FakeWorld({ files: { "/p/policy.yaml": POLICY, "/p/tests.yaml": TESTS } });
}

Deno.test("policy validate counts the rules of a valid policy; an invalid one lists every error with its line (exit 3)", async () => {
  const w = world();
  const ok = await w.run(["policy", "validate", "/p/policy.yaml"]);
  assertEquals([ok.code, ok.stdout], [
    0,
    "/p/policy.yaml: valid (2 rules, 0 approval rules, 0 break-glass rules)\n",
  ]);
  const json = await w.run(["policy", "validate", "/p/policy.yaml", "-o", "json"]);
  assertEquals(json.json(), {
    file: "/p/policy.yaml",
    valid: true,
    rules: 2,
    approvals: 0,
    breakglass: 0,
  });
  w.files.set(
    "/p/bad.yaml",
    'version: "1"\nrules:\n  - name: x\n    effect: allwo\n    colour: red\n',
  );
  const bad = await w.run(["policy", "validate", "/p/bad.yaml", "-o", "json"]);
  assertEquals([bad.code, bad.error().error], [3, "invalid_config"]);
  assertEquals(bad.error().details.length, 2, bad.stderr);
  assertIncludes(bad.error().details.join("\n"), "/p/bad.yaml:4:");
  const missing = await w.run(["policy", "validate", "/p/none.yaml"]);
  assertEquals(missing.code, 3);
});

Deno.test("policy lint warns about a time window without a time zone, and --strict makes a warning exit 3", async () => {
  const w = world();
  const lint = await w.run(["policy", "lint", "/p/policy.yaml", "-o", "json"]);
  assertEquals(lint.code, 0);
  const warnings = lint.json().warnings as { code: string; line: number }[];
  assertEquals(warnings.map((w) => [w.code, w.line]), [["allow-before-deny", 6], [
    "no-timezone",
    8,
  ]]);
  const strict = await w.run(["policy", "lint", "/p/policy.yaml", "--strict"]);
  assertEquals(strict.code, 3);
  assertIncludes(strict.stdout, "/p/policy.yaml:");
  w.files.set("/p/clean.yaml", 'version: "1"\nrules:\n  - name: deny-all\n    effect: deny\n');
  const clean = await w.run(["policy", "lint", "/p/clean.yaml", "--strict"]);
  assertEquals([clean.code, clean.stdout], [0, "/p/clean.yaml: no warnings\n"]);
});

Deno.test("policy test runs the expected decisions: a failing case is exit 8, with its line", async () => {
  const w = world();
  const run = await w.run(["policy", "test", "/p/policy.yaml", "/p/tests.yaml"]);
  assertEquals(run.code, 8);
  assertIncludes(run.stdout, "ok   alice may use prod\n");
  assertIncludes(run.stdout, "FAIL bob may use prod (/p/tests.yaml:7)");
  assertIncludes(run.stdout, "1 passed, 1 failed\n");
  const json = await w.run(["policy", "test", "/p/policy.yaml", "/p/tests.yaml", "-o", "json"]);
  assertEquals([json.json().passed, json.json().failed], [1, 1]);
  w.files.set("/p/broken.yaml", "tests: nope\n");
  const broken = await w.run(["policy", "test", "/p/policy.yaml", "/p/broken.yaml"]);
  assertEquals(broken.code, 3);
});

Deno.test("policy push validates and stores the file in SSM, pull reads it back, diff shows a change (exit 10) or none (0)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  team.files.set("/p/policy.yaml", POLICY);
  const push = await team.run([
    "policy",
    "push",
    "ssm:/sentinel/policy",
    "/p/policy.yaml",
    "--aws-profile",
    "bob",
    "-o",
    "json",
  ]);
  assertEquals([push.code, push.json()], [0, {
    parameter: "ssm:/sentinel/policy",
    region: "us-east-1",
    version: 1,
    proof: null,
    widening_accepted_by: null,
    lost_access: [],
    unchecked_user_patterns: [],
    revoked: [],
  }]);
  const put = team.aws.calls.find((c) => c.operation === "PutParameter")!;
  assertEquals(put.accessKeyId, team.keys.bob.accessKeyId, "pushed with bob's own credentials");

  const pull = await team.run(["policy", "pull", "ssm:/sentinel/policy", "--aws-profile", "bob"]);
  assertEquals([pull.code, pull.stdout], [0, POLICY]);
  const same = await team.run([
    "policy",
    "diff",
    "ssm:/sentinel/policy",
    "/p/policy.yaml",
    "--aws-profile",
    "bob",
  ]);
  assertEquals(same.code, 0, same.stderr);
  team.files.set("/p/policy.yaml", POLICY.replace("users: [alice]", "users: [alice, bob]"));
  const changed = await team.run([
    "policy",
    "diff",
    "ssm:/sentinel/policy",
    "/p/policy.yaml",
    "--aws-profile",
    "bob",
  ]);
  assertEquals(changed.code, 10);
  assertIncludes(changed.stdout, "-    conditions: { profiles: [prod], users: [alice] }\n");
  assertIncludes(changed.stdout, "+    conditions: { profiles: [prod], users: [alice, bob] }\n");
});

Deno.test("policy push refuses a change that opens access (10, nothing pushed) unless --accept-widening, which the decision log records first; a narrowing change is pushed as is", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const push = (file: string, ...extra: string[]) =>
    team.run(["policy", "push", "ssm:/sentinel/policy", file, "--aws-profile", "bob", ...extra]);
  team.files.set("/p/policy.yaml", POLICY);
  assertEquals((await push("/p/policy.yaml")).code, 0);
  team.files.set("/p/wider.yaml", POLICY.replace("users: [alice]", "users: [alice, carol]"));
  const refused = await push("/p/wider.yaml", "-o", "json");
  const error = JSON.parse(refused.stderr.trim().split("\n").at(-1)!);
  assertEquals([refused.code, error.error], [10, "widening_not_accepted"]);
  assertIncludes(
    error.message,
    "+ carol on prod, daily 18:00–09:00 (next day) UTC, + carol on prod, daily 09:00–18:00 UTC;",
  );
  assertIncludes(error.message, "nothing was pushed");
  assertIncludes(error.message, "--accept-widening");
  assertEquals(team.aws.calls.filter((c) => c.operation === "PutParameter").length, 1);
  assertEquals(team.logRecords().filter((r) => r.type === "policy_change"), []);

  const accepted = await push("/p/wider.yaml", "--accept-widening", "-o", "json");
  assertEquals(accepted.code, 0, accepted.stderr);
  const answer = accepted.json() as {
    widening_accepted_by: string;
    proof: { opens_access: boolean; regions: { line: string }[] };
  };
  assertEquals(answer.widening_accepted_by, "bob");
  assertEquals(answer.proof.opens_access, true);
  assertEquals(answer.proof.regions.map((region) => region.line), [
    "+ carol on prod, daily 18:00–09:00 (next day) UTC",
    "+ carol on prod, daily 09:00–18:00 UTC",
  ]);
  const logged = team.logRecords().filter((r) => r.type === "policy_change");
  assertEquals(logged.map((r) => [r.action, r.actor, r.parameter]), [
    ["widening_accepted", "bob", "ssm:/sentinel/policy"],
  ]);

  const narrower = await push("/p/policy.yaml");
  assertEquals(narrower.code, 0, narrower.stderr);
  assertIncludes(
    narrower.stdout,
    "proven over 400 days: no new access; access taken away in 2 region(s)",
  );
  assertEquals(team.logRecords().filter((r) => r.type === "policy_change").length, 1);
});

Deno.test("policy push never stores an invalid policy (3); pulling a missing parameter is an AWS failure (6)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  team.files.set("/p/bad.yaml", "version: 2\n");
  const bad = await team.run([
    "policy",
    "push",
    "ssm:/sentinel/policy",
    "/p/bad.yaml",
    "--aws-profile",
    "bob",
  ]);
  assertEquals(bad.code, 3);
  assertEquals(team.aws.calls.filter((c) => c.operation === "PutParameter"), []);
  const missing = await team.run([
    "policy",
    "pull",
    "ssm:/sentinel/nope",
    "--aws-profile",
    "bob",
    "-o",
    "json",
  ]);
  assertEquals([missing.code, missing.error().error], [6, "aws_failure"]);
  assertIncludes(missing.error().message, "ParameterNotFound");
});

Deno.test("a policy tool without credentials to reach SSM says which profiles could (exit 2)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const config = team.env().paths.awsConfig;
  team.files.set(config, team.files.get(config)!.replace("[default]\nregion = us-east-1\n", ""));
  const run = await team.run(["policy", "pull", "ssm:/sentinel/policy"]);
  assertEquals(run.code, 2);
  assertIncludes(
    run.stderr,
    "policy pull needs the credentials of someone allowed to read SSM parameter",
  );
  assertIncludes(run.stderr, "for example --aws-profile alice");
});

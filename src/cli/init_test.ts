/**
 * `sentinel init` in process: the profile it adds to ~/.aws/config (backed up first), the starter
 * policy naming who STS says you are, the trust policy file; refusals — no terminal to ask on
 * without --yes (2), an existing profile without --force (2), a read-only config (1, nothing
 * changed) — and the interactive questions answered on standard input. On real files:
 * test/init_e2e_test.ts.
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { FakeWorld } from "../../test/support/fake_deps.ts";

const ROLE = "arn:aws:iam::123456789012:role/SentinelProd";
const YES = ["init", "--yes", "--profile", "prod", "--role-arn", ROLE, "--source-profile", "base"];

/** A first-day machine: a `base` profile with alice's keys, nothing of Sentinel's yet. */
function firstDay() {
  const world = new FakeWorld({ awsConfig: "[profile base]\nregion = eu-west-1\n" });
  const keys = world.aws.addUser("alice");
  world.files.set(
    world.env().paths.awsCredentials,
    `[base]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
  );
  world.programs.set("sentinel", "/home/alice/.local/bin/sentinel");
  return world;
}

Deno.test("init --yes adds the profile (backing the config up), writes a starter policy for the STS identity and the trust policy", async () => {
  const world = firstDay();
  const before = world.files.get("/home/alice/.aws/config");
  const run = await world.run([...YES, "-o", "json"]);
  assertEquals(run.code, 0, run.stderr);
  const json = run.json();
  assertEquals([json.profile, json.user, json.policy_action, json.backup], [
    "prod",
    "alice",
    "written",
    "/home/alice/.aws/config.bak.20260302T090000Z",
  ]);
  assertEquals(world.files.get(String(json.backup)), before);
  const config = world.files.get("/home/alice/.aws/config")!;
  assertIncludes(
    config,
    `[profile prod]\ncredential_process = sentinel credentials prod\nsentinel_role_arn = ${ROLE}\nsentinel_source_profile = base\n`,
  );
  assertIncludes(world.files.get("/home/alice/.config/sentinel/policy.yaml")!, "alice");
  assertEquals(JSON.parse(world.files.get(String(json.trust_policy_file))!).Version, "2012-10-17");
  const issued = await world.run(["credentials", "prod"]);
  assertEquals(issued.code, 0, `the profile init wrote issues: ${issued.stderr}`);
});

Deno.test("init refuses without a terminal unless --yes (2), and an existing profile unless --force (2)", async () => {
  const world = firstDay();
  const noTerminal = await world.run(["init"]);
  assertEquals(noTerminal.code, 2);
  assertIncludes(noTerminal.stderr, "init asks its questions on a terminal; here there is none");
  assertEquals((await world.run(YES)).code, 0);
  const again = await world.run(YES);
  assertEquals(again.code, 2, again.stderr);
  assertIncludes(again.stderr, "--force");
});

Deno.test("init refuses to replace a config its owner made read-only (exit 1, read_only_file), changing nothing", async () => {
  const world = firstDay();
  world.files.makeReadOnly("/home/alice/.aws/config");
  const before = world.files.paths();
  const run = await world.run([...YES, "-o", "json"]);
  assertEquals([run.code, run.error().code], [1, "read_only_file"]);
  assertIncludes(run.error().message, "chmod u+w /home/alice/.aws/config");
  assertEquals(world.files.paths(), before, "no backup, no policy, nothing written");
});

Deno.test("init on a terminal asks each question on stderr and writes nothing when the answer is no", async () => {
  const world = firstDay();
  const run = await world.run(["init"], {
    stdinIsTerminal: true,
    input: ["prod", ROLE, "base", "auto", "", "", "n", "n"],
  });
  assertEquals(run.code, 0, run.stderr);
  for (
    const question of [
      "Profile to set up [prod]: ",
      "Role ARN Sentinel assumes (--role-arn): ",
      "Where your base credentials come from: auto, aws-vault, sdk or env (auto picks sdk here: the AWS files supply base) [auto]: ",
      "Region [eu-west-1]: ",
      "Write these changes? [y/N] ",
    ]
  ) assertIncludes(run.stderr, question);
  assertIncludes(run.stdout, "Nothing was written.\n");
  assertEquals(world.files.get("/home/alice/.aws/config"), "[profile base]\nregion = eu-west-1\n");
});

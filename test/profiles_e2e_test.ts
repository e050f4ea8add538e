/**
 * `sentinel profiles`, as an aws-vault user expects from `aws-vault list`: every profile of the AWS
 * files, and for Sentinel's the role, the source profile and source (what auto picks here), the
 * policy, and the cached session — with keys in the credentials file and in the real aws-vault
 * (file keyring), a front profile, and `--output json`.
 */
import { assertEquals, assertIncludes, assertMatch } from "./assert.ts";
import { credentialProcess } from "./harness/aws_home.ts";
import { runProgram } from "./harness/run.ts";
import { ROLE, setupScenario } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { ROOT, toolPath } from "./harness/tools.ts";

Deno.test("sentinel profiles lists every profile with Sentinel's role, source, policy and cached session, and where the keys are", async () => {
  await using t = await setupScenario("alice");
  const config = await Deno.readTextFile(`${t.home.dir}/.aws/config`);
  await t.home.writeConfig(
    `${config}\n[profile vaulted]\nregion = us-east-1\n\n[profile front]\ncredential_process = ${
      credentialProcess("prod")
    }\n`,
  );
  const env = {
    ...t.home.env,
    PATH: `${ROOT}.tools/bin:${Deno.env.get("PATH")}`,
    AWS_VAULT_BACKEND: "file",
    AWS_VAULT_FILE_DIR: `${t.home.dir}/.awsvault/keys`,
    AWS_VAULT_FILE_PASSPHRASE: "correct horse battery staple",
  };
  const added = await runProgram(toolPath("aws-vault"), ["add", "vaulted", "--env"], {
    env: { ...env, AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" },
  });
  assertEquals(added.code, 0, added.stderr);
  const before = await runSentinel(["profiles", "--output", "json"], { env });
  assertEquals(before.code, 0, before.stderr);
  assertEquals(
    JSON.parse(before.stdout).profiles.find((p: { name: string }) => p.name === "prod").session,
    null,
  );
  assertEquals((await runSentinel(["credentials", "prod"], { env })).code, 0);

  const json = await runSentinel(["profiles", "--output", "json"], { env });
  assertEquals(json.code, 0, json.stderr);
  const listed = JSON.parse(json.stdout);
  assertEquals(listed.config, `${t.home.dir}/.aws/config`);
  const by = Object.fromEntries(
    listed.profiles.map((p: Record<string, unknown>) => [p.name, p]),
  );
  assertEquals(Object.keys(by), ["base", "default", "front", "prod", "vaulted"]);
  const prod = by.prod;
  assertEquals(
    [prod.sentinel, prod.role_arn, prod.source_profile, prod.source, prod.auto_picks, prod.policy],
    ["yes", ROLE, "base", "auto", "sdk", t.policyPath],
  );
  assertEquals(prod.session.user, "alice");
  assertMatch(prod.session.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
  assertEquals([by.front.sentinel, by.front.target], ["front", "prod"]);
  assertEquals([by.base.sentinel, by.base.credentials], ["no", ["credentials-file"]]);
  assertEquals(by.vaulted.credentials, ["aws-vault"]);

  const text = await runSentinel(["profiles"], { env });
  assertEquals(text.code, 0, text.stderr);
  const rows = text.stdout.trim().split("\n");
  assertMatch(
    rows[0],
    /^PROFILE +SENTINEL +ROLE +SOURCE PROFILE +SOURCE +POLICY +SESSION +CREDENTIALS$/,
  );
  assertMatch(
    rows.find((r) => r.startsWith("prod "))!,
    new RegExp(
      `^prod +yes +${ROLE} +base +auto \\(sdk\\) +\\S+policy\\.yaml +alice, \\S+ left +-$`,
    ),
  );
  assertMatch(rows.find((r) => r.startsWith("front "))!, /^front +→ prod /);
  assertMatch(rows.find((r) => r.startsWith("vaulted "))!, / aws-vault$/);
  const help = await runSentinel(["profiles", "--help"]);
  assertIncludes(help.stdout, "Examples:\n  $ sentinel profiles");
});

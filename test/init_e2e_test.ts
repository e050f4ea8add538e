/**
 * `sentinel init` with what the rest of Sentinel honours: it asks STS who you are through the
 * credential source with `aws_vault_flags` from SENTINEL_AWS_VAULT_FLAGS or the config file (real
 * aws-vault with a file keyring; aws-vault 7.2 asks the real STS for a session token, so against
 * moto it works only with --no-session: the flag demonstrably reaches aws-vault), and the trust
 * policy it prints is written to the file its `aws iam update-assume-role-policy` line names —
 * which, copied into a shell, applies it (the real AWS CLI against moto).
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { runProgram } from "./harness/run.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { ROOT, toolPath } from "./harness/tools.ts";

const ROLE = "arn:aws:iam::123456789012:role/SentinelDev";

function initArgs(dir: string, ...more: string[]): string[] {
  return [
    "init",
    "--yes",
    "--profile",
    "dev",
    "--role-arn",
    ROLE,
    "--source-profile",
    "base",
    "--source",
    "aws-vault",
    "--policy",
    `${dir}/dev-policy.yaml`,
    ...more,
  ];
}

Deno.test("init asks STS through aws-vault with aws_vault_flags from SENTINEL_AWS_VAULT_FLAGS and from the config file, and writes sentinel_source", async () => {
  await using t = await setupScenario("alice");
  await t.home.writeCredentials(""); // the keys live only in aws-vault
  const vault = {
    ...t.home.env,
    PATH: `${ROOT}.tools/bin:${Deno.env.get("PATH")}`,
    AWS_VAULT_BACKEND: "file",
    AWS_VAULT_FILE_DIR: `${t.home.dir}/.awsvault/keys`,
    AWS_VAULT_FILE_PASSPHRASE: "correct horse battery staple",
  };
  const added = await runProgram(toolPath("aws-vault"), ["add", "base", "--env"], {
    env: {
      ...vault,
      AWS_ACCESS_KEY_ID: t.key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: t.key.secretAccessKey,
    },
  });
  assertEquals(added.code, 0, added.stderr);

  const fromEnv = await runSentinel(initArgs(t.home.dir), {
    env: { ...vault, SENTINEL_AWS_VAULT_FLAGS: "--no-session" },
  });
  assertEquals(fromEnv.code, 0, fromEnv.stderr);
  assertIncludes(fromEnv.stdout, "alice (STS, for profile base) may use dev");
  assertIncludes(
    await Deno.readTextFile(`${t.home.dir}/.aws/config`),
    "sentinel_source_profile = base\nsentinel_source = aws-vault\n",
  );

  await Deno.writeTextFile(`${t.home.dir}/sentinel.yaml`, "aws_vault_flags: --no-session\n");
  const fromFile = await runSentinel(initArgs(t.home.dir, "--force"), { env: vault });
  assertEquals(fromFile.code, 0, fromFile.stderr);
  assertIncludes(fromFile.stdout, "alice (STS, for profile base) may use dev");
});

Deno.test("init writes the trust policy to the file it names (0600), and its aws iam line, copied into a shell, applies it", async () => {
  await using t = await setupScenario("alice");
  const admin = { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const created = await aws([
    "iam",
    "create-role",
    "--role-name",
    "SentinelDev",
    "--assume-role-policy-document",
    '{"Version":"2012-10-17","Statement":[]}',
  ], admin);
  assertEquals(created.code, 0, created.stderr);

  const init = await runSentinel(
    ["init", "--yes", "--profile", "dev", "--role-arn", ROLE, "--user", "alice"],
    { env: t.home.env },
  );
  assertEquals(init.code, 0, init.stderr);
  const file = `${t.home.dir}/trust-dev.json`; // beside $SENTINEL_CONFIG
  assertIncludes(init.stdout, `Its trust policy, written to ${file}:`);
  assertEquals((await Deno.stat(file)).mode! & 0o777, 0o600);
  const written = JSON.parse(await Deno.readTextFile(file));
  assertIncludes(JSON.stringify(written), '"sts:SourceIdentity"');
  const line = init.stdout.split("\n").find((l) => l.includes("aws iam update-assume-role-policy"));
  assertTrue(line !== undefined, init.stdout);
  assertEquals(
    line.trim(),
    `aws iam update-assume-role-policy --role-name 'SentinelDev' --policy-document 'file://${file}'`,
  );

  const applied = await runProgram("bash", ["-c", line.trim()], { env: admin });
  assertEquals(applied.code, 0, applied.stderr);
  const role = await aws(["iam", "get-role", "--role-name", "SentinelDev"], admin);
  assertEquals(role.code, 0, role.stderr);
  const document = JSON.parse(role.stdout).Role.AssumeRolePolicyDocument;
  assertEquals(
    typeof document === "string" ? JSON.parse(decodeURIComponent(document)) : document,
    written,
  );

  const json = await runSentinel(
    [
      "init",
      "--yes",
      "--force",
      "--profile",
      "dev",
      "--role-arn",
      ROLE,
      "--user",
      "alice",
      "--output",
      "json",
    ],
    { env: t.home.env },
  );
  assertEquals(json.code, 0, json.stderr);
  assertEquals(JSON.parse(json.stdout).trust_policy_file, file);
});

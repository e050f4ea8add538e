/**
 * `sentinel export` end to end against moto: the same policy-gated issuance as `credentials`
 * (logged, cached, refused on deny), each format used by the real AWS CLI. Secrets never reach
 * stderr.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";

const ARN = "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice";

Deno.test("export --format env: quoted export lines a shell evaluates, and the AWS CLI uses", async () => {
  await using t = await setupScenario("alice");
  const run = await runSentinel(["export", "prod"], { env: t.home.env });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(run.stderr, "");
  const lines = run.stdout.trimEnd().split("\n");
  assertEquals(lines.map((l) => l.slice(0, l.indexOf("="))), [
    "export AWS_ACCESS_KEY_ID",
    "export AWS_SECRET_ACCESS_KEY",
    "export AWS_SESSION_TOKEN",
    "export AWS_CREDENTIAL_EXPIRATION",
    "export AWS_REGION",
    "export AWS_DEFAULT_REGION",
  ]);
  for (const line of lines) assertMatch(line, /^export [A-Z_]+='[^']*'$/);
  const shell = await new Deno.Command("sh", {
    args: ["-c", `${run.stdout}\naws sts get-caller-identity --query Arn --output text`],
    env: {
      PATH: Deno.env.get("PATH")!,
      AWS_ENDPOINT_URL: t.moto.endpoint,
      AWS_CONFIG_FILE: "/dev/null",
    },
    clearEnv: true,
  }).output();
  assertEquals(new TextDecoder().decode(shell.stdout).trim(), ARN);
  const [record] = await t.home.readLog();
  assertEquals([record.outcome, record.mode, record.rule], ["issued", "cli", "prod-for-alice"]);
});

Deno.test("export --format ini: a credentials-file section the AWS CLI reads; json with --output json", async () => {
  await using t = await setupScenario("alice");
  const ini = await runSentinel(
    ["export", "prod", "--format", "ini", "--section", "prod-session"],
    {
      env: t.home.env,
    },
  );
  assertEquals(ini.code, 0, ini.stderr);
  assertMatch(ini.stdout, /^\[prod-session\]\naws_access_key_id = ASIA/);
  const file = `${t.home.dir}/exported-credentials`;
  await Deno.writeTextFile(file, ini.stdout);
  const cli = await aws([
    "sts",
    "get-caller-identity",
    "--profile",
    "prod-session",
    "--query",
    "Arn",
    "--output",
    "text",
  ], {
    AWS_SHARED_CREDENTIALS_FILE: file,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_ENDPOINT_URL: t.moto.endpoint,
    AWS_DEFAULT_REGION: "us-east-1",
  });
  assertEquals(cli.stdout.trim(), ARN, cli.stderr);

  const json = await runSentinel(["export", "prod", "--output", "json"], { env: t.home.env });
  assertEquals(json.code, 0, json.stderr);
  const document = JSON.parse(json.stdout);
  assertEquals(Object.keys(document), [
    "Version",
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
  ]);
  // The second export is the cached session, decided again and logged as a cache hit.
  const records = await t.home.readLog();
  assertEquals(records.map((r) => r.cache_hit), [false, true]);
  assertTrue(ini.stdout.includes(document.AccessKeyId));
});

Deno.test("export refuses as credentials does: nothing on stdout, the reason on stderr, exit 4", async () => {
  await using t = await setupScenario("mallory");
  const run = await runSentinel(["export", "prod", "--format", "json"], { env: t.home.env });
  assertEquals(run.code, 4);
  assertEquals(run.stdout, "");
  assertIncludes(run.stderr, "mallory is offboarded");
  assertEquals((await t.moto.assumeRoleCalls()).length, 0);
  const section = await runSentinel(["export", "prod", "--format", "ini", "--section", "a]b"], {
    env: t.home.env,
  });
  assertEquals(section.code, 2, "a section nobody can write is refused before deciding");
  assertIncludes(section.stderr, "cannot name a credentials-file section");
});

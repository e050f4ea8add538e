/**
 * `sentinel doctor` finds the problems people are sent to it for, and never certifies a profile no
 * AWS tool can use.
 *
 * - Error advice names only commands that exist: the `sentinel doctor` a failure advises fails the
 *   broken decision log's check, with a fix.
 * - A credential_process line the AWS CLI reads differently from Sentinel (a trailing `# comment`,
 *   which makes every AWS CLI call fail) fails its check; doctor never passes it.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { aws, credentialProcess } from "../harness/aws_home.ts";
import { ROLE, setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("error advice names only commands that exist: the advised sentinel doctor fails the broken decision log's check with a fix", async () => {
  await using t = await setupScenario("alice");
  await Deno.mkdir(t.home.logFile, { recursive: true }); // the decision log cannot be written
  const failed = await runSentinel(["credentials", "prod"], { env: t.home.env });
  const advised = failed.stderr.match(/run `(sentinel [a-z-]+)`/)?.[1];
  assertTrue(advised !== undefined, `the failure advises no command: ${failed.stderr}`);
  const doctor = await runSentinel(advised.split(" ").slice(1), {
    env: t.home.env,
  });
  assertEquals(doctor.code, 11, `\`${advised}\` should fail a check: ${doctor.stderr}`);
  assertTrue(
    /✗ decision log: .* is not a regular file\n\s+fix: /.test(doctor.stdout),
    `\`${advised}\` does not name the broken decision log with a fix:\n${doctor.stdout}`,
  );
});

Deno.test("doctor fails a credential_process line with a trailing comment, which the AWS CLI cannot run", async () => {
  await using t = await setupScenario("alice");
  await t.home.writeConfig(`[default]
region = us-east-1

[profile base]
region = us-east-1

[profile prod]
credential_process = ${credentialProcess("prod")} # gated by Sentinel
sentinel_role_arn = ${ROLE}
sentinel_source_profile = base
sentinel_policy = ${t.policyPath}
`);
  const cli = await aws(["sts", "get-caller-identity", "--profile", "prod"], t.home.env);
  assertTrue(cli.code !== 0, "the AWS CLI is expected to fail on this line");
  const doctor = await runSentinel(["doctor", "prod", "--output", "json"], { env: t.home.env });
  const checks: { profile?: string; check: string; ok: boolean; detail: string }[] =
    JSON.parse(doctor.stdout).checks;
  const line = checks.find((c) => c.check === "credential_process of [profile prod]");
  assertTrue(line !== undefined, doctor.stdout);
  assertEquals(
    { ok: line.ok, detail: line.detail },
    { ok: false, detail: line.detail },
    `doctor passed the line the AWS CLI fails on (${cli.stderr.trim().split("\n")[0]})`,
  );
});

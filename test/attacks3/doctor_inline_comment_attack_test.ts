/**
 * Sentinel's reader strips "a `#` or `;` after whitespace" as a comment (src/core/aws_ini.ts, in
 * aws-vault's manner); the AWS CLI does not (botocore's configparser has no inline comments) —
 * yet the README says "Sentinel reads both files as the AWS CLI does". The gap shows where it
 * hurts most: a commented line such as
 *
 *     credential_process = sentinel credentials prod # gated by Sentinel
 *
 * makes the AWS CLI run `sentinel credentials prod '#' gated by Sentinel`, which exits 2 ("too
 * many arguments") on every call — while `sentinel doctor prod` reads the line without its
 * comment and reports it ✓ ("credential_process of [profile prod]: runs … for prod"), and every
 * check of the profile ✓. The one tool meant to find setup problems certifies a profile that no
 * AWS tool can use. (The same holds for `region = eu-west-1 # Ireland`: Sentinel uses eu-west-1,
 * the AWS CLI refuses the region.)
 *
 * Expected (README "sentinel doctor": checks "the program each `credential_process` line calls"
 * and "either layout", each ✗ with its fix; "Sentinel reads both files as the AWS CLI does"): for
 * keys the AWS CLI reads (credential_process, region, …), doctor sees the value the AWS CLI will
 * use, and fails the check with a fix ("remove the trailing comment") when that value differs
 * from Sentinel's reading.
 * At fault: src/core/aws_ini.ts:25 and :54 (INLINE_COMMENT applied to every value) feeding
 * src/app/doctor.ts:38 (sentinelInvocation of the stripped line). Fix: keep the raw value
 * alongside the comment-stripped one (or do not strip comments from keys the AWS CLI reads), and
 * have doctor flag a credential_process/region line with a trailing comment.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { aws, credentialProcess } from "../harness/aws_home.ts";
import { ROLE, setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: doctor passes a credential_process line with a trailing comment that makes every AWS CLI call fail", async () => {
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

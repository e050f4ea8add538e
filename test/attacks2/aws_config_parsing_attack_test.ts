/**
 * `~/.aws/config` is parsed with npm's `ini`, which is not the AWS config format: it splits
 * section names on dots into nested objects. `[profile prod.eu]` becomes a key `eu` inside a
 * section `profile prod` (which it creates if absent), so a profile the AWS CLI knows as `prod.eu`
 * does not exist for Sentinel (exit 3, "not in ~/.aws/config") — and a `[profile prod]` Sentinel
 * sees may hold a nested profile's keys. The same happens in ~/.aws/credentials (`[team.base]`).
 * Profile names with dots are valid and common (`acme.prod`, `alice@example.com`-style names).
 *
 * Expected: section names are taken literally, as botocore and the Go SDK do
 * (src/adapters/aws_config.ts: use an AWS-config parser, or escape dots before `ini.parse`).
 */
import { assertEquals } from "../assert.ts";
import { credentialProcess } from "../harness/aws_home.ts";
import { ROLE, setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: a profile whose name has a dot ([profile acme.prod]) does not exist for Sentinel", async () => {
  await using t = await setupScenario("alice");
  await Deno.writeTextFile(
    t.policyPath,
    `version: "1"
rules:
  - name: acme
    effect: allow
    conditions: { profiles: [acme.prod], users: [alice] }
`,
  );
  await t.home.writeConfig(`[default]
region = us-east-1

[profile acme.base]
region = us-east-1

[profile acme.prod]
credential_process = ${credentialProcess("acme.prod")}
sentinel_role_arn = ${ROLE}
sentinel_source_profile = acme.base
sentinel_policy = ${t.policyPath}
`);
  await t.home.writeCredentials(`[acme.base]
aws_access_key_id = ${t.key.accessKeyId}
aws_secret_access_key = ${t.key.secretAccessKey}
`);
  const run = await runSentinel(["credentials", "acme.prod"], { env: t.home.env });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout).Version, 1);
});

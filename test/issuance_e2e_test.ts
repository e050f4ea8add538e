/**
 * Credential issuance end to end, against moto in server mode: the real AWS CLI calls Sentinel
 * through credential_process; Sentinel decides on a real policy, stamps the role session with a
 * SourceIdentity (checked in moto's request recorder), and logs the decision.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { POLICY, ROLE, setupScenario as setup } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";

Deno.test("the AWS CLI gets an assumed-role session through credential_process, stamped with SourceIdentity", async () => {
  await using t = await setup("alice");
  const identity = await aws(["sts", "get-caller-identity", "--profile", "prod"], t.home.env);
  assertEquals(identity.code, 0, identity.stderr);
  const arn = JSON.parse(identity.stdout).Arn;
  assertEquals(arn, "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice");

  const [params] = await t.moto.assumeRoleCalls();
  assertTrue(params !== undefined, "moto recorded no AssumeRole call");
  assertEquals(params.get("RoleArn"), ROLE);
  assertEquals(params.get("RoleSessionName"), "alice");
  assertEquals(params.get("DurationSeconds"), "3600");
  const sourceIdentity = params.get("SourceIdentity")!;
  assertMatch(sourceIdentity, /^sentinel=alice=[0-9a-f]{16}$/);

  const [record] = await t.home.readLog();
  assertEquals(record.outcome, "issued");
  assertEquals(record.user, "alice");
  assertEquals(record.rule, "prod-for-alice");
  assertEquals(record.source_identity, sourceIdentity);
  assertEquals(record.request_id, sourceIdentity.split("=")[2]);
  assertEquals(record.cache_hit, false);
  assertEquals((await Deno.stat(t.home.logFile)).mode! & 0o777, 0o600);
});

Deno.test("credentials prints exactly the credential_process JSON; the warm call is served from cache and logged", async () => {
  await using t = await setup("alice");
  const first = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(first.code, 0, first.stderr);
  assertEquals(first.stderr, "");
  const json = JSON.parse(first.stdout);
  assertEquals(Object.keys(json), [
    "Version",
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
  ]);
  assertEquals(json.Version, 1);
  assertMatch(json.Expiration, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

  const second = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(second.code, 0, second.stderr);
  assertEquals(JSON.parse(second.stdout).AccessKeyId, json.AccessKeyId);
  const log = await t.home.readLog();
  assertEquals(log.map((r) => r.cache_hit), [false, true]);
  assertEquals((await t.moto.assumeRoleCalls()).length, 1);

  // A policy change never reuses credentials issued under the old policy.
  await Deno.writeTextFile(t.policyPath, POLICY.replace("max_duration: 1h", "max_duration: 30m"));
  const third = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(third.code, 0, third.stderr);
  assertTrue(JSON.parse(third.stdout).AccessKeyId !== json.AccessKeyId);
  const calls = await t.moto.assumeRoleCalls();
  assertEquals(calls.length, 2);
  assertEquals(calls[1].get("DurationSeconds"), "1800");

  const verify = await runSentinel(["audit", "verify", t.home.logFile]);
  assertEquals(verify.code, 0, verify.stderr);
  for (const file of ["credentials", "policy", "identity"]) {
    for await (const entry of Deno.readDir(`${t.home.cacheDir}/${file}`)) {
      const mode = (await Deno.stat(`${t.home.cacheDir}/${file}/${entry.name}`)).mode! & 0o777;
      assertEquals(mode, 0o600, `${file}/${entry.name}`);
    }
  }
});

Deno.test("a denied user gets nothing: no stdout, exit 4, and the AWS CLI fails", async () => {
  await using t = await setup("mallory");
  const run = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(run.code, 4);
  assertEquals(run.stdout, "");
  assertIncludes(
    run.stderr,
    'denied: prod for mallory by rule "no-mallory": mallory is offboarded',
  );
  const cli = await aws(["sts", "get-caller-identity", "--profile", "prod"], t.home.env);
  assertTrue(cli.code !== 0);
  assertEquals(cli.stdout, "");
  const log = await t.home.readLog();
  assertEquals(log.map((r) => [r.outcome, r.effect, r.rule]), [
    ["denied", "deny", "no-mallory"],
    ["denied", "deny", "no-mallory"],
  ]);
  assertEquals((await t.moto.assumeRoleCalls()).length, 0);
});

Deno.test("require_approval issues nothing and exits 5", async () => {
  await using t = await setup("bob");
  const run = await runSentinel(["credentials", "--profile", "prod"], { env: t.home.env });
  assertEquals(run.code, 5);
  assertEquals(run.stdout, "");
  assertIncludes(run.stderr, "requires approval");
  assertIncludes(run.stderr, 'sentinel request prod --reason "<why>"');
});

Deno.test("the policy comes from SSM Parameter Store", async () => {
  await using t = await setup("alice", "ssm:/sentinel/policy");
  const admin = { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const put = await aws([
    "ssm",
    "put-parameter",
    "--name",
    "/sentinel/policy",
    "--type",
    "SecureString",
    "--value",
    POLICY,
  ], admin);
  assertEquals(put.code, 0, put.stderr);
  const run = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(run.code, 0, run.stderr);
  const [record] = await t.home.readLog();
  assertEquals(record.policy_source, "ssm:/sentinel/policy");
  assertTrue(
    (await t.moto.recordedRequests()).some((r) =>
      r.headers["X-Amz-Target"] === "AmazonSSM.GetParameter"
    ),
  );
});

Deno.test("whoami and check name the verified user from STS", async () => {
  await using t = await setup("alice");
  const who = await runSentinel(["whoami", "--profile", "prod", "--output", "json"], {
    env: t.home.env,
  });
  assertEquals(who.code, 0, who.stderr);
  assertEquals(JSON.parse(who.stdout).arn, "arn:aws:iam::123456789012:user/alice");
  const check = await runSentinel(["check", "prod"], { env: t.home.env });
  assertEquals(check.code, 0, check.stderr);
  assertIncludes(check.stdout, "ALLOW: prod for alice");
});

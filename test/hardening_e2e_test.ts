/**
 * Attacks on issuance kept in the suite: a cache entry stamped in the future (a clock that was
 * once ahead) never keeps a revoked SSM policy alive; an STS endpoint that accepts and never
 * answers ends the call within `sentinel_timeout` (exit 6, the endpoint named); credentials STS
 * returns already expired, or inside the refresh window, are refused and not cached; an SSM answer
 * that is not valid UTF-8 is refused; an unwritable cache directory is a warning that says how to
 * fix it, never a "bug"; and the policy tools read `ssm:` sources.
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { serveStandIn, silentListener, stsIdentity } from "./harness/stand_in_aws.ts";

const ALLOW = `version: "1"
rules:
  - { name: prod-for-alice, effect: allow, conditions: { profiles: [prod], users: [alice] } }
`;
const DENY = `version: "1"
rules:
  - { name: revoked, effect: deny, conditions: { users: [alice] }, reason: alice was offboarded }
`;

Deno.test("attack: a policy cache entry stamped in the future never keeps a revoked SSM policy alive", async () => {
  await using t = await setupScenario("alice", "ssm:/sentinel/policy");
  const client = { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const put = (text: string) =>
    aws([
      "ssm",
      "put-parameter",
      "--name",
      "/sentinel/policy",
      "--type",
      "String",
      "--overwrite",
      "--value",
      text,
    ], client);
  assertEquals((await put(ALLOW)).code, 0);
  const first = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(first.code, 0, first.stderr);

  // A clock that was ahead stamped the cached policy a day into the future.
  const dir = `${t.home.cacheDir}/policy`;
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    const cached = JSON.parse(await Deno.readTextFile(path));
    cached.fetchedAt = Date.now() + 86_400_000;
    await Deno.writeTextFile(path, JSON.stringify(cached));
  }
  assertEquals((await put(DENY)).code, 0);
  const warm = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(warm.code, 4, `the revoked policy was not fetched again: ${warm.stderr}`);
  assertIncludes(warm.stderr, "alice was offboarded");
  assertEquals(warm.stdout, "");
});

for (const service of ["STS", "SSM"] as const) {
  Deno.test(`attack: an ${service} endpoint that accepts and never answers ends within sentinel_timeout, naming it`, async () => {
    await using t = await setupScenario(
      "alice",
      service === "SSM" ? "ssm:/sentinel/policy" : "file",
    );
    await using silent = silentListener();
    const started = performance.now();
    const run = await runSentinel(["credentials", "prod"], {
      env: {
        ...t.home.env,
        [`AWS_ENDPOINT_URL_${service}`]: silent.endpoint,
        SENTINEL_TIMEOUT: "2s",
      },
    });
    const seconds = (performance.now() - started) / 1000;
    assertEquals(run.code, 6, run.stderr);
    assertEquals(run.stdout, "");
    assertIncludes(run.stderr, silent.endpoint.replace("http://", ""));
    assertIncludes(run.stderr, "sentinel_timeout");
    assertTrue(seconds < 10, `took ${seconds.toFixed(1)} s`);
  });
}

for (
  const [what, inMs] of [["already expired", -60_000], [
    "expiring within the refresh window",
    120_000,
  ]] as const
) {
  Deno.test(`attack: credentials STS returns ${what} are refused as an upstream error`, async () => {
    await using t = await setupScenario("alice");
    const expiration = new Date(Date.now() + inMs).toISOString();
    // A stand-in STS (moto always answers valid credentials): GetCallerIdentity first, then
    // AssumeRole answered with credentials that end at `expiration` (the refresh window is 5m).
    await using sts = serveStandIn((_request, n) =>
      n === 1
        ? stsIdentity("arn:aws:iam::123456789012:user/alice", "123456789012")
        : assumeRoleAnswer(expiration)
    );
    const run = await runSentinel(["credentials", "prod"], {
      env: { ...t.home.env, AWS_ENDPOINT_URL_STS: sts.endpoint },
    });
    assertEquals(run.code, 6, run.stderr);
    assertEquals(run.stdout, "");
    assertIncludes(run.stderr, `expire at ${expiration}`);
    assertIncludes(run.stderr, "within the refresh window");
    const [record] = (await t.home.readLog()).filter((r) => r.type === "decision");
    assertEquals([record.effect, record.outcome], ["allow", "denied"]);
    assertEquals(await cachedEntries(t.home.cacheDir), []);
  });
}

Deno.test("attack: an SSM answer that is not valid UTF-8 is refused, never decoded into another policy", async () => {
  await using t = await setupScenario("alice", "ssm:/sentinel/policy");
  // A stand-in SSM whose answer holds the Latin-1 byte of "pröd": lossy decoding would make the
  // deny rule name a profile that does not exist, and the allow rule would win.
  const policy =
    `version: "1"\nrules:\n  - { name: no-prod, effect: deny, conditions: { profiles: [pr\xF6d] } }\n` +
    `  - { name: any, effect: allow, conditions: { users: [alice] } }\n`;
  const body = `{"Parameter":{"Name":"/sentinel/policy","Type":"String","Version":1,"Value":${
    JSON.stringify(policy)
  }}}`;
  const bytes = Uint8Array.from(body, (c) => c.charCodeAt(0)); // one byte per char: 0xF6 stays raw
  await using ssm = serveStandIn(() =>
    new Response(bytes, { status: 200, headers: { "content-type": "application/x-amz-json-1.1" } })
  );
  const run = await runSentinel(["credentials", "prod"], {
    env: { ...t.home.env, AWS_ENDPOINT_URL_SSM: ssm.endpoint },
  });
  assertEquals(run.code, 6, run.stderr);
  assertEquals(run.stdout, "");
  assertIncludes(run.stderr, "not valid UTF-8");
  assertEquals(ssm.requests, 1);
});

Deno.test("attack: an unwritable cache directory is a warning with the fix; issuance still decides and logs", async () => {
  await using t = await setupScenario("alice");
  await Deno.mkdir(t.home.cacheDir, { recursive: true });
  await Deno.writeTextFile(`${t.home.cacheDir}/credentials`, "not a directory");
  const run = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(run.code, 0, run.stderr);
  assertIncludes(run.stderr, "sentinel: warning: could not write the cache entry");
  assertIncludes(run.stderr, "SENTINEL_CACHE_DIR");
  assertTrue(!run.stderr.includes("this is a bug"), run.stderr);
  assertEquals(JSON.parse(run.stdout).Version, 1);
});

Deno.test("the policy tools read ssm: sources: validate, lint, test and check --policy", async () => {
  await using t = await setupScenario("alice");
  const client = { ...t.moto.clientEnv(), AWS_CONFIG_FILE: "/dev/null" };
  const pushed = await runSentinel(["policy", "push", "ssm:/team/policy", "examples/policy.yaml"], {
    env: client,
  });
  assertEquals(pushed.code, 0, pushed.stderr);
  const validate = await runSentinel(["policy", "validate", "ssm:/team/policy"], { env: client });
  assertEquals(validate.code, 0, validate.stderr);
  assertIncludes(validate.stdout, "ssm:/team/policy: valid");
  const lint = await runSentinel(["policy", "lint", "ssm:/team/policy", "--output", "json"], {
    env: client,
  });
  assertEquals(lint.code, 0, lint.stderr);
  const tests = await runSentinel([
    "policy",
    "test",
    "ssm:/team/policy",
    "examples/policy_test.yaml",
  ], {
    env: client,
  });
  assertEquals(tests.code, 0, tests.stdout + tests.stderr);
  const check = await runSentinel([
    "check",
    "prod",
    "--policy",
    "ssm:/team/policy",
    "--user",
    "alice@example.com",
    "--role-arn",
    "arn:aws:iam::123456789012:role/SentinelProdAdmin",
    "--at",
    "2026-03-02T10:00:00+01:00",
  ], { env: client });
  assertEquals(check.code, 0, check.stdout + check.stderr);
  assertIncludes(check.stdout, "ALLOW: prod for alice@example.com");
  const missing = await runSentinel(["policy", "validate", "ssm:/nope"], { env: client });
  assertEquals(missing.code, 6);
  assertIncludes(missing.stderr, "ParameterNotFound");
});

function assumeRoleAnswer(expiration: string): Response {
  const body = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAEXPIREDEXAMPLE00</AccessKeyId>
      <SecretAccessKey>expired/secret/key/for/the/stand/in/only00</SecretAccessKey>
      <SessionToken>FwoGZXIvYXdzEXAMPLETOKEN</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:alice</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/SentinelProd/alice</Arn>
    </AssumedRoleUser>
    <SourceIdentity>sentinel=alice=0000000000000000</SourceIdentity>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
  return new Response(body, { status: 200, headers: { "content-type": "text/xml" } });
}

/** The files in the credential cache (none when nothing was cached). */
async function cachedEntries(cacheDir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(`${cacheDir}/credentials`)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names;
}

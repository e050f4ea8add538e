/**
 * Fault injection: every failure on the issuance path denies, says what went wrong and what to
 * do, and prints no credentials.
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { canMountTmpfs, mountTmpfs } from "./harness/tmpfs.ts";
import { freePort } from "./harness/tools.ts";

/** An endpoint nothing listens on. */
const deadEndpoint = () => `http://127.0.0.1:${freePort()}`;

async function expectNothingIssued(
  env: Record<string, string>,
  code: number,
  fragment: string,
) {
  const run = await runSentinel(["credentials", "prod"], { env });
  assertEquals(run.code, code, run.stderr);
  assertEquals(run.stdout, "");
  assertIncludes(run.stderr, fragment);
  assertTrue(!/AKIA|ASIA|SecretAccessKey/.test(run.stderr), "a secret reached stderr");
}

Deno.test("SSM down: exit 6, nothing issued", async () => {
  await using t = await setupScenario("alice", "ssm:/sentinel/policy");
  await expectNothingIssued(
    { ...t.home.env, AWS_ENDPOINT_URL_SSM: deadEndpoint() },
    6,
    "SSM GetParameter /sentinel/policy (us-east-1) failed",
  );
});

Deno.test("SSM parameter missing: exit 6 with the command to create it", async () => {
  await using t = await setupScenario("alice", "ssm:/sentinel/missing");
  await expectNothingIssued(
    t.home.env,
    6,
    "ParameterNotFound",
  );
});

Deno.test("invalid policy: exit 3 with every error, nothing issued", async () => {
  await using t = await setupScenario("alice");
  await Deno.writeTextFile(t.policyPath, 'version: "1"\nrules:\n  - name: x\n    effect: permit\n');
  await expectNothingIssued(t.home.env, 3, "rules[0].effect: must be one of");
});

Deno.test("attack: policy file not valid UTF-8: exit 3 with line and column, nothing issued", async () => {
  await using t = await setupScenario("alice");
  // The scenario's deny for mallory, saved in Latin-1 with a name the deny no longer matches.
  await Deno.writeFile(
    t.policyPath,
    Uint8Array.from(
      (await Deno.readTextFile(t.policyPath)).replace("users: [mallory]", "users: [mall\u00f6ry]"),
      (c) => c.charCodeAt(0),
    ),
  );
  await expectNothingIssued(
    t.home.env,
    3,
    `cannot read policy file ${t.policyPath}: it is not valid UTF-8 at line 5, column 31`,
  );
});

Deno.test("STS unreachable: exit 6, nothing issued", async () => {
  await using t = await setupScenario("alice");
  await expectNothingIssued(
    { ...t.home.env, AWS_ENDPOINT_URL_STS: deadEndpoint() },
    6,
    "STS GetCallerIdentity failed",
  );
});

Deno.test("STS AssumeRole failing after an allow: exit 6, logged as denied with the failure", async () => {
  await using t = await setupScenario("alice");
  const first = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(first.code, 0, first.stderr);
  await Deno.remove(`${t.home.cacheDir}/credentials`, { recursive: true });
  // The identity is cached now, so the first STS call this run makes is AssumeRole.
  await expectNothingIssued(
    { ...t.home.env, AWS_ENDPOINT_URL_STS: deadEndpoint() },
    6,
    "STS AssumeRole on arn:aws:iam::123456789012:role/SentinelProd failed",
  );
  const last = (await t.home.readLog()).at(-1)!;
  assertEquals(last.outcome, "denied");
  assertEquals(last.effect, "allow");
  assertIncludes(String(last.failure), "AssumeRole");
});

Deno.test("aws-vault failing: exit 6 with its message", async () => {
  await using t = await setupScenario("alice", "file", "sentinel_source = aws-vault\n");
  await expectNothingIssued(
    { ...t.home.env, PATH: "/usr/bin:/bin" },
    6,
    "aws-vault is not installed or not on PATH",
  );
});

Deno.test("decision log unwritable: nothing issued, cold or warm", async () => {
  await using t = await setupScenario("alice");
  const blocker = `${t.home.dir}/not-a-directory`;
  await Deno.writeTextFile(blocker, "");
  await expectNothingIssued(
    { ...t.home.env, SENTINEL_LOG_FILE: `${blocker}/decisions.jsonl` },
    1,
    "cannot write the decision log",
  );
  // Warm: credentials cached with a good log path, then the log becomes a directory.
  const ok = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(ok.code, 0, ok.stderr);
  await Deno.remove(t.home.logFile);
  await Deno.mkdir(t.home.logFile);
  await expectNothingIssued(t.home.env, 1, "cannot write the decision log");
});

const MOUNTABLE = canMountTmpfs();

Deno.test({
  name: MOUNTABLE
    ? "attack: decision log on a full disk: nothing issued, no torn line; once space returns it issues and verify passes"
    : "attack: decision log on a full disk — ignored: mounting a tmpfs needs root or CAP_SYS_ADMIN here",
  ignore: !MOUNTABLE,
  fn: async () => {
    await using t = await setupScenario("alice");
    await using disk = await mountTmpfs("64k");
    const env = { ...t.home.env, SENTINEL_LOG_FILE: `${disk.dir}/decisions.jsonl` };
    const first = await runSentinel(["credentials", "prod"], { env });
    assertEquals(first.code, 0, first.stderr);
    await disk.fill();
    // Warm calls append a line each, until the log needs space the disk no longer has.
    let failed: Awaited<ReturnType<typeof runSentinel>> | undefined;
    let before = new Uint8Array();
    for (let i = 0; i < 12 && failed === undefined; i++) {
      before = await Deno.readFile(env.SENTINEL_LOG_FILE);
      const run = await runSentinel(["credentials", "prod"], { env });
      if (run.code !== 0) failed = run;
    }
    assertTrue(failed !== undefined, "the disk never filled up");
    assertEquals(failed.code, 1, failed.stderr);
    assertEquals(failed.stdout, "");
    assertIncludes(failed.stderr, "cannot write the decision log");
    assertIncludes(failed.stderr, "nothing was issued");
    assertEquals(await Deno.readFile(env.SENTINEL_LOG_FILE), before, "a partial line was left");
    await disk.free();
    const again = await runSentinel(["credentials", "prod"], { env });
    assertEquals(again.code, 0, again.stderr);
    const verify = await runSentinel(["audit", "verify", env.SENTINEL_LOG_FILE], { env });
    assertEquals(verify.code, 0, verify.stderr);
    assertIncludes(verify.stdout, "intact");
  },
});

Deno.test("a damaged cache entry, or a directory in its place, is removed and the decision made afresh", async () => {
  await using t = await setupScenario("alice");
  const first = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(first.code, 0, first.stderr);
  const dir = `${t.home.cacheDir}/credentials`;
  const [entry] = await Array.fromAsync(Deno.readDir(dir));
  const path = `${dir}/${entry.name}`;

  await Deno.writeTextFile(path, '{"format":2,"credentials":');
  const damaged = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(damaged.code, 0, damaged.stderr);
  assertIncludes(damaged.stderr, "was damaged; it was removed and Sentinel decided afresh");
  assertEquals((await t.moto.assumeRoleCalls()).length, 2); // issued afresh, not from the damage

  await Deno.remove(path);
  await Deno.mkdir(`${path}/inner`, { recursive: true });
  const directory = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(directory.code, 0, directory.stderr);
  assertIncludes(directory.stderr, "is not a regular file");
  assertEquals((await t.moto.assumeRoleCalls()).length, 3);
  assertEquals((await Deno.stat(path)).isFile, true); // the fresh entry replaced the directory
  const warm = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals([warm.code, warm.stderr], [0, ""]);
  assertEquals((await t.moto.assumeRoleCalls()).length, 3);
});

/**
 * Configuration and policy files as an attacker (or an unlucky editor) leaves them: not valid
 * UTF-8, or not a regular file at all (a directory, a FIFO, a device). Each is a clear error with
 * exit 3, never a silently different policy, a stack trace or a hang.
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { plainHome } from "./harness/plain_home.ts";
import { type SentinelRun, spawnSentinel } from "./harness/sentinel.ts";

const LATIN1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** A policy saved in Latin-1: the deny names `pröd` with the single byte 0xf6. */
const LATIN1_POLICY = LATIN1(`version: "1"
rules:
  - name: no-prod-for-contractors
    effect: deny
    conditions: { profiles: [pr\u00f6d], users: ["*@contractor.example"] }
  - name: everyone-else
    effect: allow
`);

/**
 * Runs Sentinel with a deadline: a process that hangs (reading a FIFO or /dev/zero) is killed and
 * reported as such, so the test fails instead of hanging the suite.
 */
async function runBounded(
  args: string[],
  env: Record<string, string>,
  options: { stdin?: Uint8Array; timeoutMs?: number } = {},
): Promise<SentinelRun & { timedOut: boolean }> {
  const child = spawnSentinel(args, {
    env,
    stdin: options.stdin === undefined ? "null" : "piped",
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, options.timeoutMs ?? 20_000);
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(options.stdin);
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr), timedOut };
}

/** A home with an AWS config whose profile `prod` names the given policy; nothing reaches AWS. */
function offlineHome(policyPath: string) {
  return plainHome({
    prefix: "sentinel-files-",
    config:
      `[profile prod]\nsentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd\nsentinel_source_profile = base\nsentinel_policy = ${policyPath}\n`,
    env: (dir) => ({
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      SENTINEL_CONFIG: `${dir}/sentinel.yaml`,
      SENTINEL_LOG_FILE: `${dir}/state/decisions.jsonl`,
      SENTINEL_CACHE_DIR: `${dir}/cache`,
    }),
  });
}

function assertRefused(run: SentinelRun & { timedOut: boolean }, fragments: string[]) {
  assertTrue(!run.timedOut, `sentinel hung and was killed; stderr: ${run.stderr}`);
  assertEquals(run.code, 3, run.stderr);
  assertEquals(run.stdout, "");
  for (const fragment of fragments) assertIncludes(run.stderr, fragment);
  assertTrue(!run.stderr.includes("internal error"), run.stderr);
  assertTrue(!/\n\s+at /.test(run.stderr), `a stack trace reached the user: ${run.stderr}`);
}

Deno.test("attack: a Latin-1 policy is refused with the bad byte's line and column, not read with U+FFFD", async () => {
  await using home = await offlineHome("unused");
  const path = `${home.dir}/policy.yaml`;
  await Deno.writeFile(path, LATIN1_POLICY);
  const where = "line 5, column 32 (byte 0xf6 at offset 102)";
  const check = await runBounded(
    ["check", "pr\u00f6d", "-p", path, "-u", "eve@contractor.example"],
    home.env,
  );
  assertRefused(check, [`cannot read policy file ${path}: it is not valid UTF-8 at ${where}`]);
  const validate = await runBounded(["policy", "validate", "-"], home.env, {
    stdin: LATIN1_POLICY,
  });
  assertRefused(validate, [`cannot read policy file <stdin>: it is not valid UTF-8 at ${where}`]);
});

Deno.test("attack: an AWS config or Sentinel config that is not UTF-8 is refused with exit 3", async () => {
  await using home = await offlineHome("/nonexistent/policy.yaml");
  const config = `${home.dir}/.aws/config`;
  const original = await Deno.readFile(config);
  await Deno.writeFile(
    config,
    new Uint8Array([...original, ...LATIN1("region = eu-m\u00fcnchen\n")]),
  );
  const aws = await runBounded(["credentials", "prod"], home.env);
  assertRefused(aws, [`cannot read ${config}: it is not valid UTF-8 at line 5, column 14`]);
  await Deno.writeFile(config, original);
  const sentinelConfig = `${home.dir}/sentinel.yaml`;
  await Deno.writeFile(sentinelConfig, LATIN1("policy_ttl: 5m\nregion: eu-m\u00fcnchen\n"));
  const sentinel = await runBounded(["credentials", "prod"], home.env);
  assertRefused(sentinel, [
    `cannot read ${sentinelConfig}: it is not valid UTF-8 at line 2, column 13`,
  ]);
});

async function mkfifo(path: string) {
  const made = await new Deno.Command("mkfifo", { args: [path] }).output();
  assertEquals(made.code, 0, new TextDecoder().decode(made.stderr));
}

Deno.test("attack: a policy path that is a FIFO, a device or a directory is refused at once, exit 3", async () => {
  await using home = await offlineHome("unused");
  const fifo = `${home.dir}/policy.fifo`;
  await mkfifo(fifo);
  await Deno.symlink(fifo, `${home.dir}/link-to-fifo.yaml`);
  const cases: [string, string][] = [
    [fifo, "it is a FIFO (named pipe), not a regular file"],
    [`${home.dir}/link-to-fifo.yaml`, "it is a FIFO (named pipe), not a regular file"],
    ["/dev/zero", "it is a character device, not a regular file"],
    ["/dev/urandom", "it is a character device, not a regular file"],
    [home.dir, "it is a directory, not a regular file"],
  ];
  for (const [path, why] of cases) {
    for (
      const args of [
        ["check", "prod", "-p", path, "-u", "alice"],
        ["policy", "validate", path],
      ]
    ) {
      const run = await runBounded(args, home.env, { timeoutMs: 5_000 });
      assertRefused(run, [`cannot read policy file ${path}: ${why}`]);
    }
  }
  // Standard input stays allowed where a command takes `-`.
  const stdin = await runBounded(["policy", "validate", "-"], home.env, {
    stdin: new TextEncoder().encode('version: "1"\nrules:\n  - name: all\n    effect: deny\n'),
  });
  assertEquals(stdin.code, 0, stdin.stderr);
});

Deno.test("attack: an AWS config, Sentinel config or issuance policy that is not a regular file: exit 3, no hang", async () => {
  await using home = await offlineHome("/dev/zero");
  const fifo = `${home.dir}/config.fifo`;
  await mkfifo(fifo);
  const cases: [Record<string, string>, string][] = [
    [{ AWS_CONFIG_FILE: fifo }, `cannot read ${fifo}: it is a FIFO (named pipe)`],
    [{ AWS_CONFIG_FILE: "/dev/urandom" }, "cannot read /dev/urandom: it is a character device"],
    [{ AWS_SHARED_CREDENTIALS_FILE: fifo }, `cannot read ${fifo}: it is a FIFO (named pipe)`],
    [{ SENTINEL_CONFIG: "/dev/zero" }, "cannot read /dev/zero: it is a character device"],
    [{ SENTINEL_CONFIG: home.dir }, `cannot read ${home.dir}: it is a directory`],
  ];
  for (const [env, fragment] of cases) {
    const run = await runBounded(["credentials", "prod"], { ...home.env, ...env }, {
      timeoutMs: 5_000,
    });
    assertRefused(run, [fragment]);
  }
  // The policy the profile names (sentinel_policy = /dev/zero), read by the issuance loader.
  const policy = await runBounded(["check", "prod", "-u", "alice"], home.env, { timeoutMs: 5_000 });
  assertRefused(policy, ["cannot read policy file /dev/zero: it is a character device"]);
});

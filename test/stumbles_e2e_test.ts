/**
 * What a new user stumbled over (the "first day" issue), each as a test against moto, the AWS CLI
 * and aws-vault: the region `policy push` writes to, docs/configuration.md's layout 2 copied
 * literally (keys only in aws-vault, the front profile's region, `check` on the front profile), the
 * sdk source's hints, `whoami` without a profile, a required file sink whose folder is missing,
 * `plugins test` and the audit log, aws-vault's passphrase prompt on a terminal, the caches, and
 * `sentinel log`.
 */
import { assertEquals, assertIncludes, assertMatch } from "./assert.ts";
import { aws, createAwsHome, createIamUser } from "./harness/aws_home.ts";
import { startMoto } from "./harness/moto.ts";
import { runOnPty } from "./harness/pty.ts";
import { installSentinel, runProgram } from "./harness/run.ts";
import { setupScenario } from "./harness/scenario.ts";
import { startTeam } from "./harness/team.ts";
import { runSentinel, sentinelCommand, spawnSentinel } from "./harness/sentinel.ts";
import { ROOT, toolPath } from "./harness/tools.ts";

const PASSPHRASE = "correct horse battery staple";

/** aws-vault's file keyring in `dir`, holding `key` as profile `base`. */
async function vaultWith(
  env: Readonly<Record<string, string>>,
  dir: string,
  key: { accessKeyId: string; secretAccessKey: string },
) {
  const vault = {
    ...env,
    PATH: `${ROOT}.tools/bin:${Deno.env.get("PATH")}`,
    AWS_VAULT_BACKEND: "file",
    AWS_VAULT_FILE_DIR: `${dir}/.awsvault/keys`,
    AWS_VAULT_FILE_PASSPHRASE: PASSPHRASE,
  };
  const add = await runProgram(toolPath("aws-vault"), ["add", "base", "--env"], {
    env: {
      ...vault,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    },
  });
  assertEquals(add.code, 0, add.stderr);
  return vault as Record<string, string>;
}

Deno.test("stumble 2: policy push without --region writes to the profile's region (eu-central-1), not us-east-1, and says so", async () => {
  await using t = await setupScenario("alice");
  await t.home.writeConfig("[profile security]\nregion = eu-central-1\n");
  await t.home.writeCredentials(
    `[security]\naws_access_key_id = ${t.key.accessKeyId}\naws_secret_access_key = ${t.key.secretAccessKey}\n`,
  );
  // AWS_DEFAULT_REGION=us-east-1 is set too: the profile's region comes first.
  assertEquals(t.home.env.AWS_DEFAULT_REGION, "us-east-1");
  const push = await runSentinel(
    ["policy", "push", "ssm:/sentinel/policy", t.policyPath, "--aws-profile", "security"],
    { env: t.home.env },
  );
  assertEquals(push.code, 0, push.stderr);
  assertIncludes(push.stdout, "in eu-central-1 (region in profile security)");
  const there = await aws(
    [
      "ssm",
      "get-parameter",
      "--name",
      "/sentinel/policy",
      "--region",
      "eu-central-1",
      "--profile",
      "security",
    ],
    t.home.env,
  );
  assertEquals(there.code, 0, there.stderr);
  assertEquals(JSON.parse(there.stdout).Parameter.Value, await Deno.readTextFile(t.policyPath));
  const notThere = await aws(
    [
      "ssm",
      "get-parameter",
      "--name",
      "/sentinel/policy",
      "--region",
      "us-east-1",
      "--profile",
      "security",
    ],
    t.home.env,
  );
  assertEquals(notThere.code === 0, false);
  assertIncludes(notThere.stderr, "ParameterNotFound");
});

Deno.test("stumbles 3 and 4: the configuration guide's layout 2 copied literally works with keys only in aws-vault; a front profile without a region, and check on the front profile, say what to do", async () => {
  await using moto = await startMoto();
  await using home = await createAwsHome(moto);
  const key = await createIamUser(moto, "alice");
  const guide = await Deno.readTextFile(`${ROOT}docs/configuration.md`);
  const ini = /```ini\n([\s\S]*?)```/.exec(guide)![1];
  assertIncludes(ini, "[profile staging]\ncredential_process = sentinel credentials staging-role");
  await home.writeConfig(ini);
  await home.writeCredentials(""); // the keys live only in aws-vault
  const bin = await installSentinel(`${home.dir}/bin`, home.env);
  const policy = `${home.dir}/policy.yaml`;
  await Deno.writeTextFile(
    policy,
    'version: "1"\nrules:\n  - name: staging\n    effect: allow\n    conditions: { profiles: [staging-role], users: [alice] }\n',
  );
  // SENTINEL_POLICY stands in for the guide's /etc/sentinel/policy.yaml, and aws-vault 7.2 asks
  // the real STS for a session token (it ignores AWS_ENDPOINT_URL), hence --no-session here.
  const { AWS_DEFAULT_REGION: _, ...noRegion } = await vaultWith(home.env, home.dir, key);
  const env = {
    ...noRegion,
    PATH: `${home.dir}/bin:${noRegion.PATH}`,
    SENTINEL_POLICY: policy,
    SENTINEL_AWS_VAULT_FLAGS: "--no-session",
  };
  assertEquals(bin, `${home.dir}/bin/sentinel`);

  const identity = await aws(["sts", "get-caller-identity", "--profile", "staging"], env);
  assertEquals(identity.code, 0, identity.stderr);
  assertEquals(
    JSON.parse(identity.stdout).Arn,
    "arn:aws:sts::123456789012:assumed-role/SentinelStaging/alice",
  );
  const explained = await runSentinel(["check", "staging-role", "--explain"], { env });
  assertEquals(explained.code, 0, explained.stderr);
  assertIncludes(explained.stdout, "source: aws-vault (base credentials of profile base)");

  // Stumble 4: `check staging` names the front profile; the message names staging-role.
  const front = await runSentinel(["check", "staging"], { env });
  assertEquals(front.code, 3);
  assertIncludes(front.stderr, "`sentinel check staging-role`");

  // Without the region line in [profile staging], the AWS CLI stops; doctor says which line to add.
  await home.writeConfig(
    ini.replace(/(credential_process = sentinel credentials staging-role\n)region = .*\n/, "$1"),
  );
  const stopped = await aws(["sts", "get-caller-identity", "--profile", "staging"], env);
  assertEquals(stopped.code === 0, false);
  assertIncludes(stopped.stderr, "You must specify a region");
  const doctor = await runSentinel(["doctor", "staging"], { env });
  assertEquals(doctor.code, 11, doctor.stdout);
  assertIncludes(doctor.stdout, "✗ region of [profile staging]");
  assertIncludes(doctor.stdout, "fix: add region = eu-central-1 to [profile staging]");
  assertIncludes(
    doctor.stdout,
    "✓ credential source: aws-vault (auto: the keys are not in the AWS files)",
  );
});

Deno.test("stumble 3: the sdk source says what to do when the keys live only in aws-vault, or aws-vault is missing", async () => {
  await using t = await setupScenario("alice", "file", "sentinel_source = sdk\n");
  await t.home.writeCredentials("");
  const vault = await vaultWith(t.home.env, t.home.dir, t.key);
  const sdk = await runSentinel(["credentials", "prod"], { env: vault });
  assertEquals(sdk.code, 6);
  assertEquals(sdk.stdout, "");
  assertIncludes(sdk.stderr, "the sdk source cannot get credentials for profile base");
  assertIncludes(sdk.stderr, "aws-vault holds its keys: set sentinel_source = aws-vault");
  assertMatch(sdk.stderr, /run `sentinel doctor`\n$/);

  // The default (auto) without aws-vault on PATH falls back to the sdk source: install aws-vault.
  await t.home.writeConfig(
    (await Deno.readTextFile(`${t.home.dir}/.aws/config`)).replace("sentinel_source = sdk\n", ""),
  );
  const missing = await runSentinel(["credentials", "prod"], {
    env: { ...vault, PATH: "/usr/bin:/bin" },
  });
  assertEquals(missing.code, 6);
  assertIncludes(missing.stderr, "If its keys live in aws-vault, install aws-vault");
  assertIncludes(missing.stderr, "run `sentinel doctor`");
});

Deno.test("stumble 4: whoami without --profile says which profiles to pass, once, and points at doctor", async () => {
  await using t = await setupScenario("alice");
  const { AWS_PROFILE: _, ...env } = t.home.env;
  await t.home.writeConfig(
    (await Deno.readTextFile(`${t.home.dir}/.aws/config`)).replace(
      "[default]\nregion = us-east-1\n",
      "",
    ),
  );
  const run = await runSentinel(["whoami"], { env });
  assertEquals(run.code, 2);
  assertIncludes(run.stderr, "pass --profile <name> or set AWS_PROFILE");
  assertIncludes(run.stderr, "Sentinel profiles in");
  assertIncludes(run.stderr, "--profile prod");
  assertEquals(run.stderr.split("sentinel doctor").length, 2, run.stderr);
  const named = await runSentinel(["whoami", "--profile", "prod"], { env });
  assertEquals(named.code, 0, named.stderr);
  assertIncludes(named.stdout, "user:    alice");
  // A plain base profile is asked about its own credentials, not refused for naming no role.
  const plain = await runSentinel(["whoami", "--profile", "base"], { env });
  assertEquals(plain.code, 0, plain.stderr);
  assertIncludes(plain.stdout, "user:    alice\n");
});

Deno.test("stumble 5: a required file sink whose folder is missing says which folder and how to fix it, doctor finds it, and plugins test never writes a fake issuance", async () => {
  await using t = await setupScenario("alice");
  const folder = `${t.home.dir}/audit`;
  const sinkFile = `${folder}/decisions.jsonl`;
  await Deno.writeTextFile(
    `${t.home.dir}/sentinel.yaml`,
    `plugins:
  - name: audit-file
    plugin: file_sink
    required: true
    allow_write: [${sinkFile}]
    settings: { path: ${sinkFile} }
`,
  );
  const refused = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(refused.code, 7, refused.stderr);
  assertEquals(refused.stdout, "");
  assertIncludes(refused.stderr, `the folder ${folder} of ${sinkFile} does not exist`);
  assertIncludes(refused.stderr, `mkdir -p ${folder}`);
  assertIncludes(refused.stderr, "run `sentinel doctor`");
  const doctor = await runSentinel(["doctor", "prod", "--output", "json"], { env: t.home.env });
  assertEquals(doctor.code, 11);
  const sink = JSON.parse(doctor.stdout).checks.find((c: { check: string }) =>
    c.check === "log sink audit-file"
  );
  assertEquals(sink.ok, false);
  assertIncludes(sink.detail, "it is required, so every issuance is refused");
  assertEquals(sink.fix.startsWith(`mkdir -p ${folder}`), true);

  await Deno.mkdir(folder);
  const issued = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(issued.code, 0, issued.stderr);
  const tested = await runSentinel(["plugins", "test", "audit-file"], { env: t.home.env });
  assertEquals(tested.code, 0, tested.stderr);
  const lines = (await Deno.readTextFile(sinkFile)).trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(lines.length, 2);
  assertEquals(lines[0].outcome, "issued");
  assertEquals(lines[1].type, "plugin_test");
  assertEquals("outcome" in lines[1] || "effect" in lines[1], false, JSON.stringify(lines[1]));
  assertEquals((await t.home.readLog()).every((r) => r.type === "decision"), true);
});

Deno.test("stumble 6: aws-vault's passphrase prompt reaches the terminal through credentials and exec", async () => {
  await using t = await setupScenario(
    "alice",
    "file",
    "sentinel_source = aws-vault\nsentinel_aws_vault_flags = --no-session\n",
  );
  await t.home.writeCredentials("");
  const { AWS_VAULT_FILE_PASSPHRASE: _, ...prompting } = await vaultWith(
    t.home.env,
    t.home.dir,
    t.key,
  );
  const run = await runOnPty([...sentinelCommand(), "credentials", "prod"], {
    env: prompting,
    answers: [["passphrase", PASSPHRASE]],
  });
  assertEquals(run.code, 0, run.terminal);
  assertEquals(run.answered, 1, run.terminal);
  assertIncludes(run.terminal.toLowerCase(), "passphrase");
  assertEquals(JSON.parse(run.stdout).Version, 1);

  await Deno.remove(t.home.cacheDir, { recursive: true });
  const exec = await runOnPty(
    [
      ...sentinelCommand(),
      "exec",
      "prod",
      "--",
      "sh",
      "-c",
      'echo "role session: ${AWS_SESSION_TOKEN:+yes}"',
    ],
    { env: prompting, answers: [["passphrase", PASSPHRASE]] },
  );
  assertEquals(exec.code, 0, exec.terminal);
  assertEquals(exec.answered, 1, exec.terminal);
  assertIncludes(exec.stdout, "role session: yes");

  // Without a terminal there is nobody to ask: the message says how to go on.
  await Deno.remove(t.home.cacheDir, { recursive: true });
  const headless = await runSentinel(["credentials", "prod"], { env: prompting });
  assertEquals(headless.code, 6);
  assertIncludes(headless.stderr, "aws-vault");
  assertIncludes(headless.stderr, "AWS_VAULT_FILE_PASSPHRASE");
});

Deno.test("stumble 7: policy push drops the local policy cache, so a stricter policy denies the next call at once", async () => {
  await using t = await setupScenario("alice", "ssm:/sentinel/policy");
  const env = { ...t.home.env, SENTINEL_POLICY_TTL: "1h" };
  const push = (file: string) =>
    runSentinel(["policy", "push", "ssm:/sentinel/policy", file, "--aws-profile", "base"], { env });
  assertEquals((await push(t.policyPath)).code, 0);
  assertEquals((await runSentinel(["credentials", "prod"], { env })).code, 0);
  const warm = await runSentinel(["credentials", "prod"], { env });
  assertEquals(warm.code, 0, warm.stderr);
  assertEquals((await t.home.readLog()).at(-1)?.cache_hit, true);

  const stricter = `${t.home.dir}/stricter.yaml`;
  await Deno.writeTextFile(
    stricter,
    'version: "1"\nrules:\n  - name: nobody\n    effect: deny\n    conditions: { users: [alice] }\n    reason: frozen\n',
  );
  const pushed = await push(stricter);
  assertEquals(pushed.code, 0, pushed.stderr);
  const denied = await runSentinel(["credentials", "prod"], { env });
  assertEquals(denied.code, 4, denied.stderr);
  assertEquals(denied.stdout, "");
  assertIncludes(denied.stderr, "frozen");
});

Deno.test("stumble 7: --no-cache issues afresh; a config edit leaves one cache entry per profile; cache list and clear", async () => {
  await using t = await setupScenario("alice");
  const env = t.home.env;
  const first = await runSentinel(["credentials", "prod"], { env });
  assertEquals(first.code, 0, first.stderr);
  assertEquals((await runSentinel(["credentials", "prod"], { env })).code, 0);
  assertEquals((await t.home.readLog()).at(-1)?.cache_hit, true);
  const calls = (await t.moto.assumeRoleCalls()).length;
  const fresh = await runSentinel(["credentials", "prod", "--no-cache"], { env });
  assertEquals(fresh.code, 0, fresh.stderr);
  assertEquals((await t.home.readLog()).at(-1)?.cache_hit, false);
  assertEquals((await t.moto.assumeRoleCalls()).length, calls + 1);

  const config = `${t.home.dir}/.aws/config`;
  for (const edit of ["# first edit\n", "# second edit\n"]) {
    await Deno.writeTextFile(config, edit, { append: true });
    assertEquals((await runSentinel(["credentials", "prod"], { env })).code, 0);
  }
  const entries = [...Deno.readDirSync(`${t.home.cacheDir}/credentials`)].filter((e) =>
    e.name.endsWith(".json")
  );
  assertEquals(entries.length, 1, entries.map((e) => e.name).join(", "));

  const list = await runSentinel(["cache", "list"], { env });
  assertEquals(list.code, 0, list.stderr);
  assertMatch(list.stdout, /^PROFILE +USER +EXPIRES/);
  assertMatch(list.stdout, /\nprod +alice +\d{4}-/);
  const secret = JSON.parse(fresh.stdout).SecretAccessKey;
  const json = await runSentinel(["cache", "list", "--output", "json"], { env });
  assertEquals(JSON.parse(json.stdout).sessions.length, 1);
  assertEquals((list.stdout + json.stdout).includes(secret), false);

  const cleared = await runSentinel(["cache", "clear", "prod"], { env });
  assertEquals(cleared.stdout, "removed 1 cached session of prod\n");
  assertIncludes((await runSentinel(["cache", "list"], { env })).stdout, "no cached sessions");
  assertEquals((await runSentinel(["credentials", "prod"], { env })).code, 0);
  const text = await runSentinel(["cache", "clear"], { env });
  assertMatch(text.stdout, /^removed 1 session, 1 policy and 1 identity from /);
  assertEquals((await runSentinel(["credentials", "prod"], { env })).code, 0);
  const all = await runSentinel(["cache", "clear", "--output", "json"], { env });
  assertEquals(JSON.parse(all.stdout).identities, 1);
});

Deno.test("stumble 8: sentinel log shows the decision log as a table, filters it, prints JSON lines, and follows it", async () => {
  await using t = await setupScenario("alice");
  const env = t.home.env;
  assertEquals((await runSentinel(["credentials", "prod"], { env })).code, 0);
  await Deno.writeTextFile(
    t.policyPath,
    'version: "1"\nrules:\n  - name: freeze\n    effect: deny\n    conditions: { profiles: [prod] }\n    reason: change freeze\n',
  );
  assertEquals((await runSentinel(["credentials", "prod"], { env })).code, 4);

  const table = await runSentinel(["log"], { env });
  assertEquals(table.code, 0, table.stderr);
  const rows = table.stdout.trim().split("\n");
  assertMatch(rows[0], /^TIME +USER +PROFILE +EFFECT +OUTCOME +CACHE +RULE +REQUEST +REASON$/);
  assertEquals(rows.length, 3);
  assertMatch(rows[1], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +alice +prod +allow +issued /);
  assertMatch(rows[2], /alice +prod +deny +denied +- +freeze .*change freeze$/);

  const denies = await runSentinel(["log", "--effect", "deny", "--output", "json"], { env });
  const lines = denies.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(lines.map((r) => [r.effect, r.rule]), [["deny", "freeze"]]);
  assertEquals(
    (await runSentinel(["log", "--since", "1h", "--user", "alice", "--output", "json"], { env }))
      .stdout.trim().split("\n").length,
    2,
  );
  const last = await runSentinel(["log", "--limit", "1", "--output", "json"], { env });
  assertEquals(JSON.parse(last.stdout).effect, "deny");
  const future = await runSentinel(["log", "--since", "2099-01-01T00:00:00Z"], { env });
  assertEquals([future.code, future.stdout], [0, ""]);
  assertIncludes(future.stderr, "match");
  assertEquals((await runSentinel(["log", "--for-profile", "staging"], { env })).stdout, "");
  const bad = await runSentinel(["log", "--since", "yesterday"], { env });
  assertEquals(bad.code, 2);
  assertIncludes(bad.stderr, "neither a duration");

  // --follow prints what is appended while it runs (and nothing before, with --limit 0).
  const follower = spawnSentinel(["log", "--follow", "--output", "json", "--limit", "0"], {
    env: { ...env, PATH: Deno.env.get("PATH") ?? "" },
    stdin: "inherit",
    stderr: "null",
  });
  const reader = follower.stdout.pipeThrough(new TextDecoderStream()).getReader();
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // let it start and reach the end
  const appended = await runSentinel(["credentials", "prod"], { env });
  assertEquals(appended.code, 4);
  let followed = "";
  const deadline = Date.now() + 15_000;
  while (!followed.includes("\n") && Date.now() < deadline) {
    const timer = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500));
    const chunk = await Promise.race([reader.read().then((r) => r.value), timer]);
    if (chunk !== undefined) followed += chunk;
  }
  // Ctrl-C is the normal way to stop following: exit 0, not 130.
  follower.kill("SIGINT");
  assertEquals((await follower.status).code, 0);
  await reader.cancel().catch(() => {});
  const records = followed.trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(records.length, 1, followed);
  assertEquals([records[0].effect, records[0].rule], ["deny", "freeze"]);
  assertEquals(records[0].request_id === lines[0].request_id, false);
});

Deno.test("a missing policy file names the setting its path came from: SENTINEL_POLICY, which overrides the profile, or sentinel_policy in the profile", async () => {
  await using t = await setupScenario("alice");
  const fromEnv = await runSentinel(["credentials", "prod"], {
    env: { ...t.home.env, SENTINEL_POLICY: "~/nope.yaml" },
  });
  assertEquals([fromEnv.code, fromEnv.stdout], [3, ""]);
  assertIncludes(
    fromEnv.stderr,
    `cannot read policy file ${t.home.dir}/nope.yaml: no such file; check the path; the path comes from SENTINEL_POLICY, which takes precedence over sentinel_policy in the profile and the config file`,
  );
  await Deno.remove(t.policyPath);
  const fromProfile = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(fromProfile.code, 3);
  assertIncludes(fromProfile.stderr, "the path comes from sentinel_policy in profile prod;");
});

Deno.test("policy push without --profile suggests the profiles with keys of their own (the source profile first), never the Sentinel profile", async () => {
  await using t = await setupScenario("alice");
  await t.home.writeConfig(`[profile prod]
credential_process = sentinel credentials prod
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelProd
sentinel_source_profile = base
sentinel_policy = ${t.policyPath}

[profile base]
region = us-east-1
`);
  const run = await runSentinel(["policy", "push", "ssm:/sentinel/policy", t.policyPath], {
    env: t.home.env,
  });
  assertEquals(run.code, 2, run.stderr);
  assertIncludes(run.stderr, "policy push needs the credentials of someone allowed to change");
  assertIncludes(run.stderr, "for example --aws-profile base)");
  assertEquals(run.stderr.includes("--aws-profile prod"), false, run.stderr);
});

Deno.test("store init on DynamoDB says which identity and account created the table, and from which profile", async () => {
  await using t = await startTeam({
    store: "dynamodb",
    policy: 'version: "1"\nrules:\n  - name: none\n    effect: deny\n',
  });
  const again = await t.as("bob", ["store", "init"]);
  assertEquals(again.code, 0, again.stderr);
  assertIncludes(
    again.stdout,
    `${t.store} (us-east-1): ready, as arn:aws:iam::123456789012:user/bob (account 123456789012, profile bob)\n`,
  );
  const json = await t.as("bob", ["store", "init", "--output", "json"]);
  assertEquals(JSON.parse(json.stdout).created_by, {
    arn: "arn:aws:iam::123456789012:user/bob",
    account: "123456789012",
    profile: "bob",
  });
});

Deno.test("a DynamoDB endpoint that accepts and never answers: on a terminal, after ~2 s a line on stderr says what is being waited for; in a pipe, nothing extra", async () => {
  await using t = await setupScenario("alice");
  // Accepts connections and never answers.
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const conn of silent) held.push(conn);
  })().catch(() => {});
  try {
    const { port } = silent.addr as Deno.NetAddr;
    const env = {
      ...t.home.env,
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
      SENTINEL_TIMEOUT: "5s",
    };
    const args = ["requests", "--store", "dynamodb:sentinel-state", "--aws-profile", "base"];
    const tty = await runOnPty([...sentinelCommand(), ...args], { env, timeoutSeconds: 30 });
    assertEquals(tty.code, 6, tty.terminal);
    assertEquals(tty.stdout, "");
    assertMatch(
      tty.terminal,
      new RegExp(
        `sentinel: waiting for DynamoDB Query.* at http://127\\.0\\.0\\.1:${port} \\(AWS_ENDPOINT_URL_DYNAMODB\\): no answer after 2 s; Sentinel gives up at its timeout setting`,
      ),
    );
    const piped = await runSentinel(args, { env });
    assertEquals(piped.code, 6);
    assertEquals(piped.stderr.includes("waiting for"), false, piped.stderr);
  } finally {
    silent.close();
    for (const conn of held) conn.close();
  }
});

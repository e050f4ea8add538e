/**
 * A new user's first day, end to end, as the issue tells it: from an empty HOME, scripts/install.sh
 * puts a `sentinel` on PATH (a launcher here: deno compile's runtime download is blocked), `sentinel
 * init --yes` writes the profile and a starter policy against moto, the real AWS CLI gets a role
 * session through the installed `sentinel`, and `sentinel doctor` is all green. Also: Sentinel
 * v1's documented credential_process line, verbatim; the installer without any Deno on PATH; and
 * `--uninstall`.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { aws, createIamUser } from "./harness/aws_home.ts";
import { startMoto } from "./harness/moto.ts";
import { runProgram } from "./harness/run.ts";
import { DENO_DIR, ROOT, toolPath } from "./harness/tools.ts";

const ROLE = "arn:aws:iam::123456789012:role/SentinelProd";

/** A fresh, empty HOME and an environment that knows nothing but moto and the tools' PATH. */
async function emptyHome(endpoint: string, path = Deno.env.get("PATH") ?? "") {
  const home = await Deno.makeTempDir({ prefix: "sentinel-first-day-" });
  const bin = `${home}/.local/bin`;
  return {
    home,
    bin,
    env: {
      HOME: home,
      PATH: `${bin}:${path}`,
      AWS_ENDPOINT_URL: endpoint,
      DENO_DIR,
    },
    [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }),
  };
}

Deno.test("first day: empty HOME → install.sh → init --yes against moto → the AWS CLI through the installed sentinel → doctor all green", async () => {
  await using moto = await startMoto();
  await using fresh = await emptyHome(moto.endpoint);
  const { env, bin, home } = fresh;

  const install = await runProgram("bash", ["scripts/install.sh"], { env });
  assertEquals(install.code, 0, install.stderr);
  assertIncludes(install.stderr, "deno compile cannot build a binary here: ");
  // The cause is whole (never cut mid-sentence), then where the full log is and the fallback.
  assertMatch(
    install.stderr,
    /\ninstall: {3}\(the whole log: \S+compile\.log\); installing a launcher instead\n/,
  );
  assertIncludes(install.stderr, `installed ${bin}/sentinel: launcher (Deno 2.9.6`);
  assertEquals(install.stderr.includes("is not on your PATH"), false, install.stderr);
  const launcher = await Deno.readTextFile(`${bin}/sentinel`);
  assertMatch(launcher, /^deno='\/[^']+'$/m);
  assertMatch(launcher, /^exec "\$deno" run --quiet --config '[^']+\/deno\.json' --allow-env /m);

  // The person's own keys, stored the way `aws configure` stores them.
  const key = await createIamUser(moto, "alice");
  for (
    const [name, value] of [
      ["aws_access_key_id", key.accessKeyId],
      ["aws_secret_access_key", key.secretAccessKey],
      ["region", "eu-central-1"],
    ]
  ) {
    const set = await aws(["configure", "set", name, value, "--profile", "base"], env);
    assertEquals(set.code, 0, set.stderr);
  }

  const init = await runProgram(`${bin}/sentinel`, [
    "init",
    "--yes",
    "--profile",
    "prod",
    "--role-arn",
    ROLE,
    "--source-profile",
    "base",
  ], { env });
  assertEquals(init.code, 0, init.stderr);
  assertIncludes(init.stdout, "+credential_process = sentinel credentials prod");
  assertIncludes(init.stdout, `Wrote ${home}/.aws/config (backup: ${home}/.aws/config.bak.`);
  assertIncludes(init.stdout, "alice (STS, for profile base) may use prod");
  assertIncludes(init.stdout, '"sts:SourceIdentity"');
  const config = await Deno.readTextFile(`${home}/.aws/config`);
  assertIncludes(config, "[profile prod]\ncredential_process = sentinel credentials prod\n");
  assertIncludes(config, "region = eu-central-1");

  const identity = await aws(["sts", "get-caller-identity", "--profile", "prod"], env);
  assertEquals(identity.code, 0, identity.stderr);
  assertEquals(
    JSON.parse(identity.stdout).Arn,
    "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice",
  );
  const [assumed] = await moto.assumeRoleCalls();
  assertMatch(assumed.get("SourceIdentity") ?? "", /^sentinel=alice=[0-9a-f]{16}$/);

  const doctor = await runProgram(`${bin}/sentinel`, ["doctor"], { env });
  assertEquals(doctor.code, 0, doctor.stdout + doctor.stderr);
  assertEquals(doctor.stdout.includes("✗"), false, doctor.stdout);
  for (
    const check of [
      `✓ sentinel on PATH: ${bin}/sentinel`,
      `✓ credential_process of [profile prod]: runs sentinel (${bin}/sentinel) for prod`,
      "✓ credential source: credentials-file",
      "✓ identity: alice",
      "✓ decision: allow for alice now (rule prod-starter)",
      "✓ decision log:",
      "✓ clock:",
    ]
  ) assertIncludes(doctor.stdout, check);
  assertMatch(doctor.stdout, /all \d+ checks passed\n$/);
  const json = await runProgram(`${bin}/sentinel`, ["doctor", "--output", "json"], { env });
  assertEquals(json.code, 0, json.stderr);
  assertEquals(JSON.parse(json.stdout).ok, true);

  const uninstall = await runProgram("bash", ["scripts/install.sh", "--uninstall"], { env });
  assertEquals(uninstall.code, 0, uninstall.stderr);
  assertIncludes(uninstall.stderr, `removed ${bin}/sentinel`);
  assertEquals(await Deno.stat(`${bin}/sentinel`).then(() => true, () => false), false);
  assertTrue(await Deno.stat(`${home}/.aws/config`).then(() => true, () => false));
});

Deno.test("install.sh with no Deno on PATH pins npm's deno@2.9.6 in a private prefix, warns when the folder is not on PATH, and refuses a foreign sentinel", async () => {
  await using moto = await startMoto();
  // Every program of the usual PATH except deno: bash, coreutils, node and npm stay.
  const noDeno = await Deno.makeTempDir({ prefix: "sentinel-no-deno-" });
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      continue; // a PATH entry that does not exist
    }
    for (const entry of entries) {
      if (entry.name === "deno") continue;
      await Deno.symlink(`${dir}/${entry.name}`, `${noDeno}/${entry.name}`).catch(() => {});
    }
  }
  await using fresh = await emptyHome(moto.endpoint, noDeno);
  const prefix = `${fresh.home}/elsewhere`;
  const env = {
    ...fresh.env,
    PATH: noDeno,
    SHELL: "/bin/bash",
    // The npm cache `npx deno@2.9.6 task test` filled: the package comes from there.
    npm_config_cache: Deno.env.get("npm_config_cache") ?? `${Deno.env.get("HOME")}/.npm`,
  };
  const install = await runProgram("bash", [
    "scripts/install.sh",
    "--prefix",
    prefix,
    "--no-compile",
  ], { env });
  assertEquals(install.code, 0, install.stderr);
  const runtime = `${fresh.home}/.local/share/sentinel/runtime/node_modules/deno/deno`;
  assertIncludes(install.stderr, `Deno 2.9.6: ${runtime}`);
  assertIncludes(install.stderr, `warning: ${prefix} is not on your PATH`);
  // A new terminal tab runs a non-login bash, which reads ~/.bashrc (not ~/.profile).
  assertIncludes(install.stderr, `add it: echo 'export PATH="${prefix}:$PATH"' >> ~/.bashrc`);
  const launcher = await Deno.readTextFile(`${prefix}/sentinel`);
  assertIncludes(launcher, `deno='${runtime}'\n`);
  assertIncludes(launcher, `exec "$deno" run`);
  const version = await runProgram(`${prefix}/sentinel`, ["--version"], { env });
  assertEquals(version.code, 0, version.stderr);
  assertMatch(version.stdout, /^sentinel \S+ \(commit [\w.+-]+, deno 2\.9\.6\)\n$/);

  await Deno.mkdir(`${fresh.home}/other`);
  await Deno.writeTextFile(`${fresh.home}/other/sentinel`, "#!/bin/sh\necho someone else's\n");
  const foreign = await runProgram("bash", [
    "scripts/install.sh",
    "--prefix",
    `${fresh.home}/other`,
    "--no-compile",
  ], { env });
  assertEquals(foreign.code, 1);
  assertIncludes(foreign.stderr, "was not installed by this script; pass --force to replace it");

  const uninstall = await runProgram("bash", [
    "scripts/install.sh",
    "--uninstall",
    "--prefix",
    prefix,
  ], {
    env,
  });
  assertEquals(uninstall.code, 0, uninstall.stderr);
  assertIncludes(uninstall.stderr, "removed the private Deno");
  await Deno.remove(noDeno, { recursive: true });
});

Deno.test("Sentinel v1's documented credential_process line, verbatim, works against moto", async () => {
  await using moto = await startMoto();
  await using fresh = await emptyHome(moto.endpoint);
  const { env, home, bin } = fresh;
  const key = await createIamUser(moto, "alice");
  const vault = {
    ...env,
    PATH: `${bin}:${ROOT}.tools/bin:${Deno.env.get("PATH")}`,
    AWS_VAULT_BACKEND: "file",
    AWS_VAULT_FILE_DIR: `${home}/.awsvault/keys`,
    AWS_VAULT_FILE_PASSPHRASE: "correct horse battery staple",
  };
  const install = await runProgram("bash", ["scripts/install.sh", "--no-compile"], { env: vault });
  assertEquals(install.code, 0, install.stderr);
  await Deno.mkdir(`${home}/.aws`);
  await Deno.writeTextFile(
    `${home}/.aws/config`,
    `[profile base]
region = us-east-1

[profile dev]
credential_process = sentinel credentials --profile dev --policy-parameter /sentinel/policies/dev
sentinel_role_arn = ${ROLE}
sentinel_source_profile = base
region = us-east-1
`,
  );
  await Deno.writeTextFile(
    `${home}/.aws/credentials`,
    `[base]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`,
  );
  const policy = `${home}/dev-policy.yaml`;
  await Deno.writeTextFile(
    policy,
    'version: "1"\nrules:\n  - name: dev\n    effect: allow\n    conditions: { profiles: [dev], users: [alice] }\n',
  );
  const pushed = await runProgram(`${bin}/sentinel`, [
    "policy",
    "push",
    "ssm:/sentinel/policies/dev",
    policy,
    "--aws-profile",
    "base",
  ], { env: vault });
  assertEquals(pushed.code, 0, pushed.stderr);

  const identity = await aws(["sts", "get-caller-identity", "--profile", "dev"], vault);
  assertEquals(identity.code, 0, identity.stderr);
  assertEquals(
    JSON.parse(identity.stdout).Arn,
    "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice",
  );
  // The second call is served warm from the cache, under the same --policy-parameter.
  const again = await aws(["sts", "get-caller-identity", "--profile", "dev"], vault);
  assertEquals(again.code, 0, again.stderr);
  const decisions = (await Deno.readTextFile(`${home}/.local/state/sentinel/decisions.jsonl`))
    .trim().split("\n").map((line) => JSON.parse(line));
  assertEquals(decisions.map((d) => [d.policy_source, d.cache_hit]), [
    ["ssm:/sentinel/policies/dev", false],
    ["ssm:/sentinel/policies/dev", true],
  ]);

  // The other documented flags: --region, --no-session (aws-vault's), --duration, --log-file and
  // --log-stderr (each decision record on stderr as JSON). aws-vault 7.2 asks the real STS for a
  // session token (it ignores AWS_ENDPOINT_URL), so against moto it works only with --no-session:
  // the flag demonstrably reaches aws-vault.
  const added = await runProgram(toolPath("aws-vault"), ["add", "base", "--env"], {
    env: {
      ...vault,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    },
  });
  assertEquals(added.code, 0, added.stderr);
  const viaVault = { ...vault, SENTINEL_SOURCE: "aws-vault" };
  const logFile = `${home}/v1-decisions.log`;
  const v1Line = [
    "credentials",
    "--profile",
    "dev",
    "--policy-parameter",
    "/sentinel/policies/dev",
    "--region",
    "us-east-1",
    "--duration",
    "30m",
    "--log-file",
    logFile,
    "--log-stderr",
  ];
  const withSession = await runProgram(`${bin}/sentinel`, v1Line, { env: viaVault });
  assertEquals(withSession.code, 6, withSession.stderr);
  assertIncludes(withSession.stderr, "GetSessionToken");
  const v1 = await runProgram(`${bin}/sentinel`, [...v1Line, "--no-session"], { env: viaVault });
  assertEquals(v1.code, 0, v1.stderr);
  assertEquals(Object.keys(JSON.parse(v1.stdout)), [
    "Version",
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
  ]);
  const echoed = JSON.parse(v1.stderr.trim().split("\n").at(-1)!);
  assertEquals([echoed.profile, echoed.effect, echoed.outcome], ["dev", "allow", "issued"]);
  assertEquals(echoed.policy_source, "ssm:/sentinel/policies/dev");
  assertEquals(echoed.session_duration_seconds, 1800);
  const logged = (await Deno.readTextFile(logFile)).trim().split("\n").map((l) => JSON.parse(l));
  assertEquals(logged.at(-1).request_id, echoed.request_id);
  assertEquals((await moto.assumeRoleCalls()).at(-1)?.get("DurationSeconds"), "1800");
});

/**
 * Sentinel as the AWS CLI's credential_process (`sentinel credentials <profile>`).
 *
 * - The profile is given once: two different profiles (the argument and `--profile`, in any
 *   order, on the CLI path and the plain warm path) are a usage error (exit 2), nothing issued.
 * - A credential_process loop back into Sentinel fails fast whatever characters the profile name
 *   has: through `team,prod` as through `teamprod`.
 * - Run without HOME (cron, systemd units, `env -i` wrappers), it writes nothing (no session
 *   keys, no decision log) into the caller's working directory.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { credentialProcess } from "../harness/aws_home.ts";
import { plainHome } from "../harness/plain_home.ts";
import { setupScenario } from "../harness/scenario.ts";
import { baseEnv, runSentinel, sentinelCommand } from "../harness/sentinel.ts";

Deno.test("credentials given two different profiles (argument and --profile) is a usage error (exit 2); nothing is issued", async () => {
  // Neither AWS file exists: the usage error (exit 2) comes before the missing profile (exit 3).
  await using home = await plainHome({ prefix: "sentinel-two-profiles-" });
  const env = home.env;
  for (
    const args of [
      ["credentials", "prod", "--profile", "dev"],
      ["credentials", "--profile", "dev", "prod"],
      ["credentials", "--profile=dev", "prod", "--no-cache"],
    ]
  ) {
    const run = await runSentinel(args, { env });
    assertEquals(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assertIncludes(run.stderr, "dev");
    assertEquals(run.stdout, "");
  }
});

/** Runs `credentials <name>` where name → hop → c → hop2 → name loops; exit code and seconds. */
async function loopThrough(name: string): Promise<{ code: number; seconds: number }> {
  await using home = await plainHome({
    prefix: "sentinel-loop-",
    env: () => ({ AWS_ENDPOINT_URL: "http://127.0.0.1:1" }),
  });
  const dir = home.dir;
  await Deno.writeTextFile(
    `${dir}/policy.yaml`,
    `version: "1"\nrules:\n  - name: all\n    effect: allow\n`,
  );
  const sentinelProfile = (source: string) =>
    `sentinel_role_arn = arn:aws:iam::123456789012:role/R
sentinel_source_profile = ${source}
sentinel_source = sdk
sentinel_policy = ${dir}/policy.yaml
region = us-east-1`;
  await Deno.writeTextFile(
    `${dir}/.aws/config`,
    `[profile ${name}]
${sentinelProfile("hop")}

[profile hop]
credential_process = ${credentialProcess("c")}

[profile c]
${sentinelProfile("hop2")}

[profile hop2]
credential_process = ${credentialProcess(name)}
`,
  );
  const started = Date.now();
  const run = await runSentinel(["credentials", name], { env: home.env });
  return { code: run.code, seconds: (Date.now() - started) / 1000 };
}

Deno.test("a credential_process loop fails fast whatever characters the profile name has: through team,prod as through teamprod", async () => {
  const plain = await loopThrough("teamprod");
  assertTrue(plain.code !== 0 && plain.seconds < 10, `comma-free loop: ${JSON.stringify(plain)}`);
  const comma = await loopThrough("team,prod");
  assertTrue(comma.code !== 0, "the loop issued credentials");
  assertEquals(
    comma.seconds < 10,
    true,
    `the loop through team,prod took ${comma.seconds} s (the comma-free one ${plain.seconds} s)`,
  );
});

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await filesUnder(path));
    else found.push(path);
  }
  return found;
}

Deno.test("credentials run without HOME writes neither session keys nor the decision log into the caller's working directory", async () => {
  await using t = await setupScenario("alice");
  const workspace = await Deno.makeTempDir({ prefix: "ci-workspace-" });
  try {
    const env = baseEnv(t.home.env);
    delete env.HOME;
    delete env.SENTINEL_CACHE_DIR;
    delete env.SENTINEL_LOG_FILE;
    const [command, ...args] = sentinelCommand();
    const run = await new Deno.Command(command, {
      args: [...args, "credentials", "prod"],
      cwd: workspace,
      env,
      clearEnv: true,
      stdin: "null",
    }).output();
    const stdout = new TextDecoder().decode(run.stdout);
    const secret = run.code === 0 ? JSON.parse(stdout).SecretAccessKey : undefined;
    const written = await filesUnder(workspace);
    const withSecret: string[] = [];
    for (const file of written) {
      if (secret && (await Deno.readTextFile(file)).includes(secret)) withSecret.push(file);
    }
    assertEquals(
      { written, withSecret },
      { written: [], withSecret: [] },
      `exit ${run.code}: Sentinel wrote into the working directory ${workspace}`,
    );
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});

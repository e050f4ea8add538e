/**
 * Without HOME (cron, systemd units, CI runners and `env -i` wrappers run credential_process that
 * way; the AWS CLI only needs AWS_CONFIG_FILE), src/core/environment.ts uses "." as the home, so
 * the credential cache — live session keys — and the decision log land in whatever directory the
 * calling tool runs in: a repository checkout, a build workspace that is archived or uploaded.
 * Each working directory also gets its own hash chain, so `audit verify` of the real log misses
 * them. A relative SENTINEL_LOG_FILE / SENTINEL_CACHE_DIR does the same.
 *
 * Expected: never a relative location for secrets and the audit log: use the account's home from
 * the password database (node:os homedir()) or refuse with exit 3 naming HOME; refuse relative
 * cache and log paths.
 */
import { assertEquals } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { baseEnv, sentinelCommand } from "../harness/sentinel.ts";

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await filesUnder(path));
    else found.push(path);
  }
  return found;
}

Deno.test("attack: credential_process without HOME writes session keys and the decision log into the caller's working directory", async () => {
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

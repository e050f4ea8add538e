/**
 * A config path that cannot be opened for any reason other than "absent" — a symlink loop
 * (ELOOP), a parent that is a file (ENOTDIR), a name too long (ENAMETOOLONG), no permission —
 * escapes as a raw Deno error: exit 1, "internal error … this is a bug, please report it".
 * readOptionalText (src/adapters/files.ts) maps only NotFound; loadAwsConfig and
 * loadSentinelConfig pass the rest through untranslated.
 *
 * Expected (README: "Policy and config files must be regular files …: an error with exit 3";
 * DESIGN §13): exit 3, naming the file and what to do — as the policy path already does.
 */
import { assertEquals } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: AWS config, credentials or Sentinel config path that is a symlink loop or under a file: exit 1 'this is a bug', not exit 3", async () => {
  await using t = await setupScenario("alice");
  const loopA = `${t.home.dir}/loop-a`;
  const loopB = `${t.home.dir}/loop-b`;
  await Deno.symlink(loopB, loopA);
  await Deno.symlink(loopA, loopB);
  const underFile = `${t.policyPath}/config`; // the policy is a file: ENOTDIR
  const results: Record<string, unknown> = {};
  for (const variable of ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "SENTINEL_CONFIG"]) {
    for (const [kind, path] of [["loop", loopA], ["under-a-file", underFile]]) {
      const run = await runSentinel(["credentials", "prod", "--output", "json"], {
        env: { ...t.home.env, [variable]: path },
      });
      const error = JSON.parse(run.stderr.trim().split("\n")[0] || "{}");
      results[`${variable} ${kind}`] = `${run.code} ${error.error}`;
    }
  }
  assertEquals(results, {
    "AWS_CONFIG_FILE loop": "3 invalid_config",
    "AWS_CONFIG_FILE under-a-file": "3 invalid_config",
    "AWS_SHARED_CREDENTIALS_FILE loop": "3 invalid_config",
    "AWS_SHARED_CREDENTIALS_FILE under-a-file": "3 invalid_config",
    "SENTINEL_CONFIG loop": "3 invalid_config",
    "SENTINEL_CONFIG under-a-file": "3 invalid_config",
  });
});

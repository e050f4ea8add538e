/**
 * `sentinel init --profile prod --source-profile prod` is accepted (exit 0, "Wrote …"): the new
 * `[profile prod]` takes its base credentials from itself, and its own credential_process is
 * `sentinel credentials prod` — a loop by construction. Every later call fails ("credential_process
 * loop", exit 3), and the only hint init gave was a warning to `aws-vault add prod`, which would
 * not help. At the interactive prompt the same answer is taken just as silently.
 *
 * Expected (README "Commands": init exits 2 for usage errors and "`sentinel init` writes layout 1
 * for you"; DESIGN §4 recursion guard; the brief: every bad input gets a clear error and changes
 * no state): a source profile equal to the profile is refused (exit 2) before anything is written.
 * At fault: src/cli/init.ts:230-234 (--source-profile validated only as a name) and
 * src/app/init.ts:71-80 (planInit never compares it with the profile; the loop check of
 * src/core/issuance/settings.ts:243 is not applied to the plan). Fix: refuse
 * `sourceProfile === profile` (and run credentialProcessLoop on the planned section) in planInit.
 */
import { assertEquals } from "../assert.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: init writes a profile that is its own source profile — a credential_process loop by construction", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-adv3-self-" });
  try {
    await Deno.mkdir(`${dir}/.aws`);
    const config = "[profile base]\nregion = us-east-1\n";
    await Deno.writeTextFile(`${dir}/.aws/config`, config);
    const run = await runSentinel([
      "init",
      "--yes",
      "--profile",
      "prod",
      "--role-arn",
      "arn:aws:iam::123456789012:role/SentinelProd",
      "--source-profile",
      "prod",
      "--user",
      "alice",
      "--policy",
      `${dir}/policy.yaml`,
    ], {
      env: {
        HOME: dir,
        AWS_CONFIG_FILE: `${dir}/.aws/config`,
        AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`,
        DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
      },
    });
    assertEquals(
      { code: run.code, unchanged: (await Deno.readTextFile(`${dir}/.aws/config`)) === config },
      { code: 2, unchanged: true },
      run.stderr,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

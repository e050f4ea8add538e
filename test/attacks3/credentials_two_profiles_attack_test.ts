/**
 * `sentinel credentials` takes the profile as an argument or, in Sentinel v1's spelling, as
 * `--profile`. Given both and different — `sentinel credentials prod --profile dev`, easy to get
 * when a v1 line is edited by hand — it silently issues for the positional `prod` and ignores
 * `--profile dev` (exit 0 with prod's session), on the CLI path and on the plain warm path alike.
 * The caller asked for two different profiles; which session reached the tool depends on a
 * precedence written nowhere.
 *
 * Expected (README "Commands": `sentinel credentials <profile>` (or `--profile <p>`); exit 2 is a
 * usage error; DESIGN §13 "Messages are for people"): two different profiles is a usage error
 * (exit 2) naming both, before any configuration is read or anything is issued.
 * At fault: src/cli/credentials.ts:59 (`positional ?? options.profile`) and main.ts:54-60
 * (plainCredentialsRequest hands the mixed form to the CLI, which then picks the positional).
 * Fix: when both are given and differ, throw SentinelError(ExitCode.Usage, "give the profile once:
 * prod or --profile dev").
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: `credentials prod --profile dev` silently picks one of two profiles instead of a usage error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-adv3-two-" });
  try {
    const env = {
      HOME: dir,
      AWS_CONFIG_FILE: `${dir}/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/credentials`,
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    };
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
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

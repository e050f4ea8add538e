/**
 * `refresh_window` is accepted up to 1h, sessions are capped by the rule's `max_duration` (1h
 * in the scenario). With `SENTINEL_REFRESH_WINDOW=1h` every issuance assumes the role (an STS
 * session is created and logged) and is then refused as an AWS failure (exit 6) blaming this
 * machine's clock — and the advice was to "run `sentinel doctor`", a command that did not exist
 * (exit 2); it exists now and must name the problem with its fix. The same advice is in the decision-log failure and in src/app/caller.ts.
 *
 * Expected (DESIGN §4 "validated at load with clear errors", §13): a refresh window that leaves
 * no usable session is a configuration error (exit 3) that names refresh_window, found before
 * any AssumeRole; advice names only commands that exist.
 * src/app/issuance_session.ts:130, src/app/record_decision.ts:27, src/app/caller.ts:61.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: refresh_window as long as the session: an STS session is created, then refused as a clock problem (exit 6)", async () => {
  await using t = await setupScenario("alice");
  const run = await runSentinel(["credentials", "prod"], {
    env: { ...t.home.env, SENTINEL_REFRESH_WINDOW: "1h" },
  });
  const assumed = (await t.moto.assumeRoleCalls()).length;
  assertEquals(
    { code: run.code, assumed },
    { code: 3, assumed: 0 },
    run.stderr,
  );
  assertTrue(/refresh_window|REFRESH_WINDOW/.test(run.stderr), run.stderr);
});

Deno.test("attack: error advice sends users to `sentinel doctor`, which must exist and find the problem", async () => {
  await using t = await setupScenario("alice");
  await Deno.mkdir(t.home.logFile, { recursive: true }); // the decision log cannot be written
  const failed = await runSentinel(["credentials", "prod"], { env: t.home.env });
  const advised = failed.stderr.match(/run `(sentinel [a-z-]+)`/)?.[1];
  assertTrue(advised !== undefined, `the failure advises no command: ${failed.stderr}`);
  const doctor = await runSentinel(advised.split(" ").slice(1), {
    env: t.home.env,
  });
  assertEquals(doctor.code, 11, `\`${advised}\` should fail a check: ${doctor.stderr}`);
  assertTrue(
    /✗ decision log: .* is not a regular file\n\s+fix: /.test(doctor.stdout),
    `\`${advised}\` does not name the broken decision log with a fix:\n${doctor.stdout}`,
  );
});

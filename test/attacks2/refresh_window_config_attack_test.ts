/**
 * `refresh_window` is accepted up to 1h, sessions are capped by the rule's `max_duration` (1h
 * in the scenario). With `SENTINEL_REFRESH_WINDOW=1h` every issuance assumes the role (an STS
 * session is created and logged) and is then refused as an AWS failure (exit 6) blaming this
 * machine's clock — and the advice is to "run `sentinel doctor`", a command that does not exist
 * (exit 2). The same advice is in the decision-log failure and in src/app/caller.ts.
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

Deno.test("attack: error advice sends users to `sentinel doctor`, which does not exist", async () => {
  await using t = await setupScenario("alice");
  await Deno.mkdir(t.home.logFile, { recursive: true }); // the decision log cannot be written
  const failed = await runSentinel(["credentials", "prod"], { env: t.home.env });
  const advised = failed.stderr.match(/run `(sentinel [a-z-]+)`/)?.[1];
  if (advised === undefined) return; // no command advised: nothing to check
  const doctor = await runSentinel(advised.split(" ").slice(1), {
    env: t.home.env,
  });
  assertEquals(
    doctor.code,
    0,
    `the error says "run \`${advised}\`", but that is exit ${doctor.code}: ${doctor.stderr}`,
  );
});

/**
 * The decision log path is opened with the symlink followed and whatever file is there is treated
 * as a decision log: its mode is forced to 0600, and a last line that is not JSON is "repaired" —
 * cut off the file and quoted into a `log_repair` record. A log path replaced by a symlink (or a
 * `log_file` setting that names an existing file by mistake) thus destroys the last line of
 * another file, and can move a secret out of it into the log (and on to log sinks).
 *
 * Expected (README "Decision log", the brief: "it should refuse or write safely"): a log path
 * that is a symlink, or a file that is not a decision log, is refused with nothing issued — the
 * other file is left exactly as it was.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: a decision log symlinked to another file: Sentinel follows it, chmods the target and cuts its last line", async () => {
  await using t = await setupScenario("alice");
  const victim = `${t.home.dir}/notes.txt`;
  const original = "first line of my notes\nthe last line I care about\n";
  await Deno.writeTextFile(victim, original);
  await Deno.chmod(victim, 0o644);
  await Deno.mkdir(`${t.home.dir}/state`, { recursive: true });
  await Deno.symlink(victim, t.home.logFile);

  const run = await runSentinel(["credentials", "prod"], { env: t.home.env });

  const after = await Deno.readTextFile(victim);
  const mode = (await Deno.stat(victim)).mode! & 0o777;
  assertTrue(
    after.startsWith(original),
    `the symlink target lost data (exit ${run.code}); it now reads:\n${after.slice(0, 600)}`,
  );
  assertEquals(mode.toString(8), "644", "the symlink target's mode was changed");
  assertTrue(run.code !== 0, "a log path that is a symlink must be refused, nothing issued");
  assertEquals(run.stdout, "");
});

Deno.test("attack: a decision log symlinked to ~/.aws/credentials: the base secret key is cut out of that file and copied into a log record", async () => {
  await using t = await setupScenario("alice");
  const credentials = t.home.env.AWS_SHARED_CREDENTIALS_FILE;
  const before = await Deno.readTextFile(credentials);
  await Deno.mkdir(`${t.home.dir}/state`, { recursive: true });
  await Deno.symlink(credentials, t.home.logFile);

  const run = await runSentinel(["credentials", "prod"], { env: t.home.env });

  const after = await Deno.readTextFile(credentials);
  const logRecords = after.split("\n").filter((line) => line.startsWith("{"));
  const leaked = logRecords.filter((line) => line.includes(t.key.secretAccessKey));
  assertEquals(
    leaked.length,
    0,
    `a log record carries the base secret access key: ${leaked[0]?.slice(0, 400)}`,
  );
  assertTrue(
    after.startsWith(before),
    `~/.aws/credentials was rewritten (exit ${run.code}):\n${after.slice(0, 300)}`,
  );
});

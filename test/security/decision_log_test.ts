/**
 * The decision log (DESIGN §7): every decision, allow or deny, is logged, and the log is only ever
 * Sentinel's own file.
 *
 * - A refusal is logged even when the store it would consult cannot be read.
 * - A log path that is a symbolic link is refused with nothing issued; the file it points to
 *   (someone's notes, ~/.aws/credentials) keeps its content and mode, and none of it is copied
 *   into a log record.
 * - When the local log cannot be written, nothing is issued and no log sink records an issuance:
 *   the sinks never disagree with what happened.
 * - `sentinel log` on a path that is not a regular file (a directory, a FIFO) ends at once with
 *   exit 3: never an internal error, never a hang.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { runSentinel, spawnSentinel } from "../harness/sentinel.ts";
import { startTeam } from "../harness/team.ts";
import { DENO_DIR } from "../harness/tools.ts";

const APPROVAL_POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob], max_duration: 2h }
`;

/** Runs `sentinel log --file <path>`, killing it after `ms`; `code` is null when it hung. */
async function log(path: string, home: string, ms = 15_000) {
  const child = spawnSentinel(["log", "--file", path], { env: { HOME: home, DENO_DIR } });
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, ms);
  const out = await child.output();
  clearTimeout(timer);
  return { code: hung ? null : out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("a refusal is logged even when the store cannot be read", async () => {
  await using t = await startTeam({ store: "sqlite", policy: APPROVAL_POLICY });
  // The store path is a directory: SQLite cannot open it.
  const run = await t.run(["credentials", "prod"], { SENTINEL_STORE: `sqlite:${t.home.dir}` });
  assertTrue(run.code !== 0 && run.stdout === "", run.stdout);
  const denied = (await t.home.readLog()).filter((r) =>
    r.type === "decision" && r.outcome === "denied"
  );
  assertEquals(
    denied.length,
    1,
    `the refusal (exit ${run.code}: ${run.stderr.trim()}) left no decision-log line`,
  );
});

Deno.test("a decision log path that is a symbolic link is refused, nothing issued; the file it points to keeps its content and mode", async () => {
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

Deno.test("a decision log symlinked to ~/.aws/credentials leaves that file as it was and copies no secret key into a log record", async () => {
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

Deno.test("when the local decision log cannot be written, nothing is issued and no log sink records an issuance", async () => {
  await using t = await setupScenario("alice");
  const sink = `${t.home.dir}/sink.jsonl`;
  await Deno.writeTextFile(
    t.home.env.SENTINEL_CONFIG,
    `plugins:
  - name: audit-copy
    plugin: file_sink
    allow_write: ["${sink}"]
    settings: { path: "${sink}" }
`,
  );
  // The local log cannot be written (a directory stands where the file should be).
  await Deno.mkdir(t.home.logFile, { recursive: true });

  const run = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(run.stdout, "", "nothing may be issued when the decision log cannot be written");
  assertTrue(run.code !== 0);

  const records = (await Deno.readTextFile(sink).catch(() => "")).split("\n")
    .filter((line) => line !== "").map((line) => JSON.parse(line));
  const issued = records.filter((r) => r.outcome === "issued");
  assertEquals(
    issued.length,
    0,
    `the sink says issued for request ${issued[0]?.request_id} (${
      issued[0]?.source_identity
    }), but Sentinel exited ${run.code} and issued nothing`,
  );
});

Deno.test("sentinel log on a directory is exit 3 (unreadable), never an internal error", async () => {
  const home = await Deno.makeTempDir({ prefix: "sentinel-log-" });
  try {
    await Deno.mkdir(`${home}/decisions.jsonl`);
    const run = await log(`${home}/decisions.jsonl`, home);
    assertEquals(run.code, 3, run.stderr);
    assertTrue(!run.stderr.includes("this is a bug"), run.stderr);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("sentinel log on a FIFO ends with exit 3, never blocks", async () => {
  const home = await Deno.makeTempDir({ prefix: "sentinel-log-" });
  try {
    const fifo = `${home}/decisions.jsonl`;
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assertEquals(made.code, 0);
    const run = await log(fifo, home);
    assertEquals(run.code, 3, `hung (killed after 15 s) or wrong exit: ${run.stderr}`);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

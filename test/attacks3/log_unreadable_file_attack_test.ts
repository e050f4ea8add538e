/**
 * `sentinel log` reads the decision log with a plain `Deno.open` + read (readFromOffset), unlike
 * every other reader of that file, which refuses what is not a regular file:
 *
 * 1. A log path that is a directory (a typo'd `--file`, or `log_file` set to a folder) ends in
 *    "internal error: Is a directory (os error 21); this is a bug, please report it" — exit 1.
 * 2. A log path that is a FIFO (`--file /dev/stdin` from a script, a named pipe left by a log
 *    shipper) blocks in `open` forever: `sentinel log` never prints or exits.
 *
 * Expected (README "Commands": `sentinel log` exits "0, 2 bad filter, 3 unreadable"; "Policy and
 * config files must be regular files … a directory, FIFO or device … is an error with exit 3"):
 * both are exit 3 at once, with a message naming the file and what it is.
 * At fault: src/adapters/files.ts:248-254 (readFromOffset opens without checking the file kind, and
 * lets EISDIR through as a raw error), used by src/app/decision_log_view.ts:30 and :57. Fix:
 * lstat/stat first and refuse anything but a regular file (as readRegularFileSync does), opening
 * with O_NONBLOCK or after the check; turn file-system errors into exit 3 with fileSystemReason.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { baseEnv, sentinelCommand } from "../harness/sentinel.ts";
import { ROOT } from "../harness/tools.ts";

/** Runs `sentinel log --file <path>`, killing it after `ms`; `code` is null when it hung. */
async function log(path: string, home: string, ms = 15_000) {
  const [command, ...args] = sentinelCommand();
  const child = new Deno.Command(command, {
    args: [...args, "log", "--file", path],
    cwd: ROOT,
    clearEnv: true,
    env: baseEnv({
      HOME: home,
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, ms);
  const out = await child.output();
  clearTimeout(timer);
  return { code: hung ? null : out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("attack: sentinel log on a directory is an internal error (exit 1, 'this is a bug'), not exit 3", async () => {
  const home = await Deno.makeTempDir({ prefix: "sentinel-adv3-log-" });
  try {
    await Deno.mkdir(`${home}/decisions.jsonl`);
    const run = await log(`${home}/decisions.jsonl`, home);
    assertEquals(run.code, 3, run.stderr);
    assertTrue(!run.stderr.includes("this is a bug"), run.stderr);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("attack: sentinel log on a FIFO never returns", async () => {
  const home = await Deno.makeTempDir({ prefix: "sentinel-adv3-log-" });
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

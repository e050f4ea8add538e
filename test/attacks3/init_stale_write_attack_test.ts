/**
 * `sentinel init` on a terminal reads ~/.aws/config, shows the diff, and waits at "Write these
 * changes? [y/N]" — for as long as the person takes to read it. Whatever happens to the file
 * meanwhile (another terminal runs `aws configure set …` or `aws configure sso`, a second `init`
 * adds its profile, a dotfiles sync lands) is then overwritten without a word: init writes the
 * text it computed from the file as it was before the question (the backup it takes is of the
 * *new* file, so the edit is in the backup, but the live config has silently lost it, and init
 * reports "Wrote"). Two `init --yes` runs for different profiles lose one profile the same way
 * (seen in about one run in four here, without the terminal).
 *
 * Expected (README: init "writes a layout-1 profile (after showing the diff, with a backup of the
 * file)"; src/core/init_config.ts: "Every other line stays as it was"; the diff shown is what is
 * written): a file changed since the diff was shown is not overwritten — init re-reads it before
 * writing and stops (or shows the new diff and asks again); it never drops another profile.
 * At fault: src/app/init.ts:129-132 (applyInit writes plan.after, computed from plan.before,
 * without checking the file still holds plan.before). Fix: in applyInit, re-read the config and
 * compare it with plan.before (and write under a lock file, with a create-new temp + rename);
 * on a difference, refuse with "~/.aws/config changed while you were deciding; run init again".
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { aws } from "../harness/aws_home.ts";
import { baseEnv, sentinelCommand } from "../harness/sentinel.ts";
import { ROOT } from "../harness/tools.ts";

// A person at a terminal: answers init's final question only after `during` has run.
const DRIVER = `
import fcntl, json, os, pty, select, subprocess, sys, termios, time
spec = json.load(sys.stdin)
master, slave = pty.openpty()
def tty():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
child = subprocess.Popen(spec["argv"], env=spec["env"], cwd=spec["cwd"], stdin=slave,
    stdout=subprocess.DEVNULL, stderr=slave, preexec_fn=tty, close_fds=True)
os.close(slave)
seen, asked, store, deadline = b"", False, False, time.time() + 60
while time.time() < deadline and child.poll() is None:
    ready, _, _ = select.select([master], [], [], 0.05)
    if ready:
        try:
            seen += os.read(master, 4096)
        except OSError:
            break
    if not store and b"(store init)?" in seen:
        os.write(master, b"n\\n")
        store = True
    if not asked and b"Write these changes?" in seen:
        subprocess.run(spec["during"], env=spec["env"], check=True)
        os.write(master, b"y\\n")
        asked = True
if child.poll() is None:
    child.kill()
print(json.dumps({"code": child.wait(), "asked": asked, "terminal": seen.decode(errors="replace")}))
`;

Deno.test("attack: init overwrites an edit made to ~/.aws/config while it waited at 'Write these changes?'", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-adv3-stale-" });
  try {
    await Deno.mkdir(`${dir}/.aws`);
    await Deno.writeTextFile(`${dir}/.aws/config`, "[profile base]\nregion = us-east-1\n");
    const env = baseEnv({
      HOME: dir,
      AWS_CONFIG_FILE: `${dir}/.aws/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`,
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    });
    const awsCli = `${ROOT}.tools/venv/bin/aws`;
    const driver = new Deno.Command("python3", {
      args: ["-c", DRIVER],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = driver.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify({
      argv: [
        ...sentinelCommand(),
        "init",
        "--profile",
        "prod",
        "--role-arn",
        "arn:aws:iam::123456789012:role/SentinelProd",
        "--source-profile",
        "base",
        "--source",
        "auto",
        "--region",
        "us-east-1",
        "--policy",
        `${dir}/policy.yaml`,
        "--user",
        "alice",
      ],
      env,
      cwd: ROOT,
      // Meanwhile, in another terminal:
      during: [awsCli, "configure", "set", "region", "eu-west-1", "--profile", "team"],
    })));
    await writer.close();
    const out = await driver.output();
    const run = JSON.parse(new TextDecoder().decode(out.stdout));
    assertEquals(run.asked, true, run.terminal);
    const config = await Deno.readTextFile(`${dir}/.aws/config`);
    const team = await aws(["configure", "get", "region", "--profile", "team"], env);
    if (run.code === 0) {
      // Written: then the other terminal's profile must still be there.
      assertEquals(team.stdout.trim(), "eu-west-1", `[profile team] was lost:\n${config}`);
      assertIncludes(config, "[profile prod]");
    } else {
      // Refused: the other terminal's edit stays, nothing of init's was written.
      assertEquals(team.stdout.trim(), "eu-west-1", config);
      assertEquals(config.includes("[profile prod]"), false, config);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

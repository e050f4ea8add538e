/**
 * scripts/install.sh decides whether `<prefix>/sentinel` is its own by the manifest
 * (`$XDG_DATA_HOME/sentinel/install-manifest`) "or a launcher carrying the mark" (the comment on
 * `ours()`). Both halves are wrong:
 *
 * 1. The mark never matches: the launcher's line is `$MARK on <date>.` but `ours()` looks for a
 *    line that is exactly `$MARK` (`grep -qxF`). Once the manifest is gone — the data folder
 *    (which also holds the SQLite store) was removed to reset Sentinel, or XDG_DATA_HOME differs
 *    between install and uninstall — `--uninstall` refuses the launcher it wrote ("was not
 *    installed by this script", exit 1), and installing again refuses too unless --force.
 * 2. The manifest names a path, not a file: when the person later puts another `sentinel` there
 *    (a release binary, their own wrapper), `--uninstall` deletes it — "removes what it
 *    installed" is not what it does.
 *
 * Expected (README "Install": "`--uninstall` removes what it installed (your config, policy, log
 * and cache stay)"; the script's usage: "remove the `sentinel` this script installed"): the
 * launcher this script wrote is recognised by its mark; a file this script did not write is
 * never removed.
 * At fault: scripts/install.sh:67 (`grep -qxF "$MARK"` against `echo "$MARK on …"` at :161) and
 * :74-76 (uninstall trusts the manifest's path). Fix: match the mark as a line prefix
 * (`grep -q "^$MARK"` with the text escaped, or write the mark on a line of its own), and record
 * the installed file's SHA-256 in the manifest, removing only a file that still has it (or that
 * carries the mark).
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { runProgram } from "../harness/run.ts";
import { ROOT } from "../harness/tools.ts";

const DENO_DIR = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;

async function freshHome() {
  const home = await Deno.makeTempDir({ prefix: "sentinel-adv3-install-" });
  const prefix = `${home}/my bin`;
  const env = { HOME: home, DENO_DIR };
  const install = await runProgram("bash", [
    `${ROOT}scripts/install.sh`,
    "--prefix",
    prefix,
    "--no-compile",
  ], { env });
  assertEquals(install.code, 0, install.stderr);
  return {
    home,
    prefix,
    env,
    uninstall: () =>
      runProgram("bash", [`${ROOT}scripts/install.sh`, "--prefix", prefix, "--uninstall"], {
        env,
      }),
    [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }),
  };
}

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

Deno.test("attack: without its manifest, install.sh --uninstall refuses the launcher it wrote (the mark never matches)", async () => {
  await using h = await freshHome();
  const launcher = await Deno.readTextFile(`${h.prefix}/sentinel`);
  assertTrue(launcher.includes("# sentinel launcher written by scripts/install.sh"), launcher);
  await Deno.remove(`${h.home}/.local/share/sentinel`, { recursive: true });
  const run = await h.uninstall();
  assertEquals(
    { code: run.code, removed: !(await exists(`${h.prefix}/sentinel`)) },
    { code: 0, removed: true },
    run.stderr,
  );
});

Deno.test("attack: install.sh --uninstall deletes a sentinel it did not write, because the manifest only names the path", async () => {
  await using h = await freshHome();
  const mine = '#!/bin/sh\n# my own build of sentinel\nexec /opt/sentinel/bin/sentinel "$@"\n';
  await Deno.remove(`${h.prefix}/sentinel`);
  await Deno.writeTextFile(`${h.prefix}/sentinel`, mine, { mode: 0o755 });
  await h.uninstall();
  assertEquals(
    await Deno.readTextFile(`${h.prefix}/sentinel`).catch(() => "(deleted)"),
    mine,
    "uninstall removed a file it did not install",
  );
});

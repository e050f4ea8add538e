/**
 * `scripts/install.sh --uninstall` removes what it installed, and nothing else.
 *
 * - The launcher the script wrote is recognised by its mark even without the manifest (the data
 *   folder was removed to reset Sentinel, or XDG_DATA_HOME differs between install and uninstall).
 * - A `sentinel` the script did not write (a release binary, the person's own wrapper, put where
 *   the launcher was) is never removed.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { exists } from "../harness/files.ts";
import { runProgram } from "../harness/run.ts";
import { DENO_DIR, ROOT } from "../harness/tools.ts";

/** A home with Sentinel installed into `<home>/my bin` by install.sh; disposing removes it. */
async function freshHome() {
  const home = await Deno.makeTempDir({ prefix: "sentinel-install-" });
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

Deno.test("install.sh --uninstall recognises the launcher it wrote by its mark, even without its manifest", async () => {
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

Deno.test("install.sh --uninstall never removes a sentinel it did not write", async () => {
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

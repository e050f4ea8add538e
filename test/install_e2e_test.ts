/**
 * scripts/install.sh on the machines users have: behind a TLS-inspecting proxy whose CA only the
 * user's npm configuration knows (npm derives its global config from the prefix, so an install
 * into Sentinel's own prefix used to lose it: SELF_SIGNED_CERT_IN_CHAIN), and after the checkout
 * a launcher runs has moved (the launcher then says so in one line instead of Deno's backtrace).
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { networkEnv } from "./harness/network_env.ts";
import { runProgram } from "./harness/run.ts";
import { DENO_DIR, ROOT } from "./harness/tools.ts";

Deno.test("install.sh fetches deno@2.9.6 with the user's npm configuration and CA: an empty npm cache and no NODE_EXTRA_CA_CERTS still install", async () => {
  const home = await Deno.makeTempDir({ prefix: "sentinel-install-npm-" });
  try {
    // PATH without deno, so the installer must fetch one; the user's npm (and its global
    // npmrc, which names the proxy's CA on such machines) is all it has.
    const noDeno = `${home}/path`;
    await Deno.mkdir(noDeno);
    for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
      for (
        const entry of (() => {
          try {
            return [...Deno.readDirSync(dir)];
          } catch {
            return [];
          }
        })()
      ) {
        if (entry.name === "deno") continue;
        await Deno.symlink(`${dir}/${entry.name}`, `${noDeno}/${entry.name}`).catch(() => {});
      }
    }
    const env: Record<string, string> = { ...networkEnv() };
    delete env.NODE_EXTRA_CA_CERTS; // Node's own CA variable: without it npm must be told
    for (const name of Object.keys(env)) if (/^npm_config_/i.test(name)) delete env[name];
    Object.assign(env, {
      HOME: home,
      PATH: noDeno,
      DENO_DIR,
      npm_config_cache: `${home}/npm-cache`, // empty: the package comes from the registry
    });
    const child = await new Deno.Command("bash", {
      args: [`${ROOT}scripts/install.sh`, "--prefix", `${home}/bin`, "--no-compile"],
      cwd: ROOT,
      clearEnv: true,
      env,
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(child.stderr);
    assertEquals(child.code, 0, stderr);
    assertEquals(stderr.includes("SELF_SIGNED_CERT"), false, stderr);
    assertIncludes(
      stderr,
      `Deno 2.9.6: ${home}/.local/share/sentinel/runtime/node_modules/deno/deno`,
    );
    const version = await runProgram(`${home}/bin/sentinel`, ["--version"], {
      env: { HOME: home },
    });
    assertEquals(version.code, 0, version.stderr);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("the installed launcher names the checkout it runs and, once that checkout is gone, fails with one clear line (no Deno backtrace)", async () => {
  const home = await Deno.makeTempDir({ prefix: "sentinel-install-moved-" });
  try {
    // A checkout of its own, to move away after installing.
    const checkout = `${home}/sentinel-checkout`;
    await Deno.mkdir(checkout);
    for (
      const name of ["main.ts", "deno.json", "deno.lock", "src", "plugins", "scripts", "vendor"]
    ) {
      const copied = await runProgram("cp", ["-R", `${ROOT}${name}`, `${checkout}/${name}`]);
      assertEquals(copied.code, 0, copied.stderr);
    }
    const env = { HOME: home, DENO_DIR };
    const install = await runProgram("bash", [
      `${checkout}/scripts/install.sh`,
      "--prefix",
      `${home}/bin`,
      "--no-compile",
      "--deno",
      Deno.execPath(),
    ], { env });
    assertEquals(install.code, 0, install.stderr);
    assertIncludes(install.stderr, `the launcher runs this checkout (${checkout})`);
    const launcher = await Deno.readTextFile(`${home}/bin/sentinel`);
    assertIncludes(launcher, `checkout='${checkout}'`);
    assertEquals((await runProgram(`${home}/bin/sentinel`, ["--version"], { env })).code, 0);

    await Deno.rename(checkout, `${home}/moved`);
    const gone = await runProgram(`${home}/bin/sentinel`, ["--version"], { env });
    assertEquals(gone.code, 1);
    assertEquals(gone.stdout, "");
    assertEquals(
      gone.stderr,
      `sentinel: this launcher runs the Sentinel checkout ${checkout}, which is gone (moved or deleted); run scripts/install.sh from the checkout's new place to point it there\n`,
    );
    assertTrue(!gone.stderr.includes("backtrace"));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

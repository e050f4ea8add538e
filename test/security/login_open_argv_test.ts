/**
 * `sentinel login --open` and the process list (issue 17, robustness): the console sign-in URL
 * signs in whoever opens it within 15 minutes, and every local user can read a process's command
 * line (/proc/<pid>/cmdline). It used to be the opener's argument. Now the opener — here a stand-in
 * browser that records its own /proc/$$/cmdline — gets the `file://` address of a private page
 * (0600 in a new 0700 folder) that leads on to the URL, and the page is removed once read, or
 * after a short wait when no browser reads it.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

const TOKEN = "stand-in-signin-token+/=";

function standInFederation() {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json({ SigninToken: TOKEN }),
  );
  return { url: `http://127.0.0.1:${server.addr.port}/federation`, server };
}

/** A browser that writes down its own command line and, with `read`, reads the page it got. */
async function standInBrowser(dir: string, read: boolean): Promise<string> {
  const browser = `${dir}/browser.sh`;
  await Deno.writeTextFile(
    browser,
    `#!/bin/sh
tr '\\0' '\\n' < /proc/$$/cmdline > '${dir}/argv.txt'
page=$(printf '%s' "$1" | sed 's|^file://||')
printf '%s' "$page" > '${dir}/page-path.txt'
stat -c '%a' "$page" > '${dir}/page-mode.txt'
stat -c '%a' "$(dirname "$page")" > '${dir}/folder-mode.txt'
${read ? `cat "$page" > '${dir}/page.html'` : ""}
exit 0
`,
    { mode: 0o755 },
  );
  return browser;
}

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

Deno.test("login --open never puts the sign-in URL on a command line: the opener gets a private page, removed once read", async () => {
  await using t = await setupScenario("alice");
  const federation = standInFederation();
  try {
    const runtime = `${t.home.dir}/run-user`;
    await Deno.mkdir(runtime, { mode: 0o700 });
    const env = {
      ...t.home.env,
      SENTINEL_FEDERATION_URL: federation.url,
      BROWSER: await standInBrowser(t.home.dir, true),
      XDG_RUNTIME_DIR: runtime,
    };
    const started = Date.now();
    const run = await runSentinel(["login", "prod", "--open"], { env });
    assertEquals(run.code, 0, run.stderr);
    assertTrue(Date.now() - started < 12_000, "Sentinel did not notice the browser read the page");

    const argv = (await Deno.readTextFile(`${t.home.dir}/argv.txt`)).split("\n")
      .filter((a) => a !== "");
    for (const secret of ["stand-in-signin-token", "SigninToken", "federation", "Action=login"]) {
      assertTrue(!argv.some((a) => a.includes(secret)), `${secret} on the command line: ${argv}`);
    }
    assertMatch(argv.at(-1)!, /^file:\/\/.*\/signin\.html$/);
    const page = await Deno.readTextFile(`${t.home.dir}/page-path.txt`);
    assertTrue(page.startsWith(`${runtime}/sentinel-signin-`), page);
    assertEquals(await Deno.readTextFile(`${t.home.dir}/page-mode.txt`), "600\n");
    assertEquals(await Deno.readTextFile(`${t.home.dir}/folder-mode.txt`), "700\n");

    const html = await Deno.readTextFile(`${t.home.dir}/page.html`);
    const target = JSON.parse(/location\.replace\(("[^"]*")\)/.exec(html)![1]);
    assertEquals(new URL(target).searchParams.get("SigninToken"), TOKEN);
    assertIncludes(html, 'http-equiv="refresh"');

    assertEquals(await exists(page), false, "the page outlived the command");
    assertEquals(await exists(page.slice(0, page.lastIndexOf("/"))), false);
  } finally {
    await federation.server.shutdown();
  }
});

Deno.test("login --open removes the sign-in page after a short wait even when no browser reads it", async () => {
  await using t = await setupScenario("alice");
  const federation = standInFederation();
  try {
    const env = {
      ...t.home.env,
      SENTINEL_FEDERATION_URL: federation.url,
      BROWSER: await standInBrowser(t.home.dir, false),
    };
    const run = await runSentinel(["login", "prod", "--open"], { env });
    assertEquals(run.code, 0, run.stderr);
    const page = await Deno.readTextFile(`${t.home.dir}/page-path.txt`);
    assertMatch(page, /\/sentinel-signin-[^/]+\/signin\.html$/);
    assertEquals(await exists(page), false, "an unread sign-in page was left behind");
  } finally {
    await federation.server.shutdown();
  }
});

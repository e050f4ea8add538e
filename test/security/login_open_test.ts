/**
 * `sentinel login --open` hands the browser the sign-in and nothing else.
 *
 * - The console sign-in URL, which signs in whoever opens it within 15 minutes, is never on a
 *   command line (every local user can read /proc/<pid>/cmdline): the opener gets the `file://`
 *   address of a private page (0600 in a new 0700 folder) that leads on to the URL, and the page
 *   is removed once read, or after a short wait when no browser reads it.
 * - The browser's environment holds none of Sentinel's secrets: not the base secret key
 *   (`sentinel_source = env`), not aws-vault's keyring passphrase, not a plugin's `secret_env`.
 *
 * The browser is a stand-in that writes down what it was given.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "../assert.ts";
import { exists } from "../harness/files.ts";
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

const PASSPHRASE = "aws-vault-keyring-passphrase-1234";
const WEBHOOK_SECRET = "whsec_webhook-signing-secret-5678";

Deno.test("login --open gives the browser none of Sentinel's secrets: no base secret key, aws-vault passphrase or plugin secret", async () => {
  await using t = await setupScenario("alice", "file", "sentinel_source = env\n");
  const federation = standInFederation();
  try {
    await Deno.writeTextFile(
      t.home.env.SENTINEL_CONFIG,
      `plugins:
  - name: hook
    plugin: webhook
    allow_net: [hooks.example.com]
    events: [approval_requested]
    settings: { url: "https://hooks.example.com/x", secret_env: SENTINEL_HOOK_SIGNING }
`,
    );
    const dump = `${t.home.dir}/browser-env.txt`;
    const browser = `${t.home.dir}/browser.sh`;
    // It reads the page it is given, as a browser does (else Sentinel waits a while to remove it).
    await Deno.writeTextFile(
      browser,
      `#!/bin/sh\nenv > '${dump}'\ncat "$(printf '%s' "$1" | sed 's|^file://||')" > /dev/null\n`,
      { mode: 0o755 },
    );
    const run = await runSentinel(["login", "prod", "--open"], {
      env: {
        ...t.home.env,
        SENTINEL_FEDERATION_URL: federation.url,
        BROWSER: browser,
        AWS_ACCESS_KEY_ID: t.key.accessKeyId,
        AWS_SECRET_ACCESS_KEY: t.key.secretAccessKey,
        AWS_VAULT_FILE_PASSPHRASE: PASSPHRASE,
        SENTINEL_HOOK_SIGNING: WEBHOOK_SECRET,
      },
    });
    assertEquals(run.code, 0, run.stderr);
    const env = await Deno.readTextFile(dump);
    const leaked = Object.entries({
      "base AWS_SECRET_ACCESS_KEY": t.key.secretAccessKey,
      "AWS_VAULT_FILE_PASSPHRASE": PASSPHRASE,
      "plugin secret_env": WEBHOOK_SECRET,
    }).filter(([, secret]) => env.includes(secret)).map(([name]) => name);
    assertEquals(leaked, [], "secrets in the browser's environment");
  } finally {
    await federation.server.shutdown();
  }
});

/**
 * `sentinel exec` scrubs every secret Sentinel consumed from its child's environment — but
 * `sentinel login --open` starts the browser (`$BROWSER`, xdg-open, open) with Sentinel's whole
 * environment (src/adapters/console_signin.ts open(): no env, no clearEnv). The browser — a
 * long-lived process with extensions, helpers and crash reporters that inherit its environment —
 * gets the base credentials (sentinel_source = env), aws-vault's keyring passphrase and the
 * plugins' secrets (secret_env), none of which it needs to open a URL.
 *
 * Expected (README "secrets go to stdout (or the browser) only" — the sign-in URL, not the base
 * keys; DESIGN §6 exec scrubbing): the browser gets the same scrubbed environment as an exec child,
 * without the session either.
 */
import { assertEquals } from "../assert.ts";
import { setupScenario } from "../harness/scenario.ts";
import { runSentinel } from "../harness/sentinel.ts";

const PASSPHRASE = "aws-vault-keyring-passphrase-1234";
const WEBHOOK_SECRET = "whsec_webhook-signing-secret-5678";

Deno.test("attack: login --open hands the browser Sentinel's whole environment: base secret key, aws-vault passphrase, plugin secrets", async () => {
  await using t = await setupScenario("alice", "file", "sentinel_source = env\n");
  const federation = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json({ SigninToken: "stand-in-signin-token" }),
  );
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
        SENTINEL_FEDERATION_URL: `http://127.0.0.1:${federation.addr.port}/federation`,
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
    await federation.shutdown();
  }
});

/**
 * The console sign-in adapter: `fetch` to the federation endpoint (a GET whose query holds the
 * session, as AWS defines it, so no message here ever quotes the URL), and the browser — the
 * command in `$BROWSER` when set, else `xdg-open` (Linux), `open` (macOS) or the URL handler of
 * Windows.
 *
 * The sign-in URL signs in whoever opens it within 15 minutes, and a command line is readable by
 * every local user (`/proc/<pid>/cmdline`, `ps`) — the opener's and, through it, the browser
 * launcher's. So the URL is never an argument: it goes into a small page (0600, in a new 0700
 * folder of the per-user runtime directory, else the temporary directory) that sends the browser
 * on to it, and the opener gets that page's `file://` address. The page is removed as soon as its
 * access time shows the browser read it, and after {@link PAGE_WAIT_MS} at the latest. A browser
 * confined away from that folder (a snap's private /tmp) cannot open it: then `sentinel login`
 * without `--open` prints the URL to paste.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { signinTokenRequest } from "../core/issuance/console_signin.ts";
import type { IssuedCredentials } from "../core/issuance/credential_process.ts";
import { SentinelError } from "../core/errors.ts";
import type { ConsoleSignin } from "../ports/console_signin.ts";
import { fetchFailureText } from "./aws/failure.ts";

async function signinToken(
  endpoint: URL,
  credentials: IssuedCredentials,
  signal: AbortSignal,
): Promise<string> {
  const where = `${endpoint.origin}${endpoint.pathname}`;
  let response: Response;
  try {
    response = await fetch(signinTokenRequest(endpoint, credentials), {
      signal,
      headers: { accept: "application/json" },
    });
  } catch (error) {
    throw new SentinelError(
      "aws_failure",
      `the federation endpoint ${where} could not be reached: ${
        fetchFailureText(error, signal, endpoint.host)
      }; check the network, or SENTINEL_FEDERATION_URL`,
    );
  }
  const body = await response.text();
  if (!response.ok) {
    throw new SentinelError(
      "aws_failure",
      `the federation endpoint ${where} refused the session (HTTP ${response.status}); check that it is your partition's endpoint (SENTINEL_FEDERATION_URL) and that the role may sign in to the console`,
    );
  }
  let token: unknown;
  try {
    token = JSON.parse(body).SigninToken;
  } catch { /* reported below */ }
  if (typeof token !== "string" || token === "") {
    throw new SentinelError(
      "aws_failure",
      `the federation endpoint ${where} answered without a SigninToken; check SENTINEL_FEDERATION_URL`,
    );
  }
  return token;
}

function opener(url: string): string[] {
  const browser = Deno.env.get("BROWSER");
  if (browser !== undefined && browser.trim() !== "") return [browser.trim(), url];
  if (Deno.build.os === "darwin") return ["open", url];
  if (Deno.build.os === "windows") return ["rundll32", "url.dll,FileProtocolHandler", url];
  return ["xdg-open", url];
}

/**
 * What a browser needs from the environment to find the desktop, and nothing else: Sentinel's
 * own environment may hold base credentials, aws-vault's passphrase or plugin secrets.
 */
const BROWSER_ENV = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "LANG",
  "LC_ALL",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "XDG_RUNTIME_DIR",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_CURRENT_DESKTOP",
  "DBUS_SESSION_BUS_ADDRESS",
  "BROWSER",
  "TMPDIR",
  "SYSTEMROOT",
];

function browserEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of BROWSER_ENV) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return env;
}

/** How long the page that leads to the sign-in URL is kept for the browser to read it. */
export const PAGE_WAIT_MS = 15_000;

/** A page that sends the browser on to `url` at once (meta refresh, script, and a link). */
export function redirectPage(url: string): string {
  const attribute = url.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const script = JSON.stringify(url).replace(/</g, "\\u003c");
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${attribute}">
<title>AWS console sign-in</title>
<script>location.replace(${script});</script></head>
<body><p><a href="${attribute}">Continue to the AWS console</a> (Sentinel)</p></body></html>
`;
}

/** A new private folder (0700) for the page: the per-user runtime directory, else the temp one. */
function privateFolder(): string {
  const runtime = Deno.env.get("XDG_RUNTIME_DIR");
  let dir: string | undefined;
  try {
    if (runtime !== undefined && Deno.statSync(runtime).isDirectory) dir = runtime;
  } catch { /* the temporary directory instead */ }
  const folder = Deno.makeTempDirSync({ prefix: "sentinel-signin-", ...(dir ? { dir } : {}) });
  if (Deno.build.os !== "windows") Deno.chmodSync(folder, 0o700);
  return folder;
}

async function open(url: string): Promise<void> {
  let folder: string;
  let page: string;
  try {
    folder = privateFolder();
    page = `${folder}/signin.html`;
    Deno.writeTextFileSync(page, redirectPage(url), { createNew: true, mode: 0o600 });
    if (Deno.build.os !== "windows") Deno.chmodSync(page, 0o600);
  } catch (error) {
    throw new SentinelError(
      "browser_failed",
      `could not write the private sign-in page for the browser (${
        (error as Error).message
      }); run without --open and open the printed URL yourself`,
    );
  }
  try {
    const written = Deno.statSync(page).atime?.getTime() ?? 0;
    const [command, ...args] = opener(pathToFileURL(page).href);
    let code: number;
    try {
      ({ code } = await new Deno.Command(command, {
        args,
        clearEnv: true,
        env: browserEnv(),
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).output());
    } catch {
      code = -1;
    }
    if (code !== 0) {
      throw new SentinelError(
        "browser_failed",
        `could not open a browser with ${command}; set BROWSER, or run without --open and open the printed URL yourself`,
      );
    }
    await readOrTimeout(page, written, PAGE_WAIT_MS);
  } finally {
    try {
      Deno.removeSync(folder, { recursive: true });
    } catch { /* gone already */ }
  }
}

/** Waits until `page` was read after `written` (its access time moved on), or `ms` passed. */
async function readOrTimeout(page: string, written: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((Deno.statSync(page).atime?.getTime() ?? 0) > written) {
        // Read: give the browser a moment to finish with it before it goes.
        await new Promise((resolve) => setTimeout(resolve, 500));
        return;
      }
    } catch {
      return; // removed by someone else: nothing to wait for
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The adapter behind the {@link ConsoleSignin} port. */
export const consoleSignin: ConsoleSignin = { signinToken, open };

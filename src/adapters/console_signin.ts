/**
 * The console sign-in adapter: `fetch` to the federation endpoint (a GET whose query holds the
 * session, as AWS defines it, so no message here ever quotes the URL), and the browser — the
 * command in `$BROWSER` when set, else `xdg-open` (Linux), `open` (macOS) or the URL handler of
 * Windows. The opener gets the sign-in URL as its argument, where other local users may see it in
 * the process list while it runs; the URL works once, within 15 minutes.
 *
 * @module
 */
import { signinTokenRequest } from "../core/console_login.ts";
import type { IssuedCredentials } from "../core/credential_process.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
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
      ExitCode.AwsFailure,
      `the federation endpoint ${where} could not be reached: ${
        fetchFailureText(error, signal, endpoint.host)
      }; check the network, or SENTINEL_FEDERATION_URL`,
    );
  }
  const body = await response.text();
  if (!response.ok) {
    throw new SentinelError(
      ExitCode.AwsFailure,
      `the federation endpoint ${where} refused the session (HTTP ${response.status}); check that it is your partition's endpoint (SENTINEL_FEDERATION_URL) and that the role may sign in to the console`,
    );
  }
  let token: unknown;
  try {
    token = JSON.parse(body).SigninToken;
  } catch { /* reported below */ }
  if (typeof token !== "string" || token === "") {
    throw new SentinelError(
      ExitCode.AwsFailure,
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

async function open(url: string): Promise<void> {
  const [command, ...args] = opener(url);
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
      ExitCode.Internal,
      `could not open a browser with ${command}; set BROWSER, or run without --open and open the printed URL yourself`,
      { code: "browser_failed" },
    );
  }
}

/** The adapter behind the {@link ConsoleSignin} port. */
export const consoleSignin: ConsoleSignin = { signinToken, open };

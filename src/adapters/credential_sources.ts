/**
 * Base credentials, one provider per source: aws-vault (`aws-vault export --format=json`), the AWS
 * SDK chain for the source profile (static keys, SSO, web identity, credential_process), or the
 * environment; `auto` picks aws-vault when it is installed and the files alone cannot supply the
 * source profile, else the SDK chain. aws-vault's prompts (passphrase, MFA) reach the terminal.
 * Failures are exit code 6 with what to do next.
 *
 * @module
 */
import type { Environment } from "../core/environment.ts";
import { DOCTOR_HINT, SentinelError } from "../core/errors.ts";
import type { AwsCredentials } from "../ports/aws.ts";
import type {
  BaseCredentialProvider,
  BaseCredentialRequest,
  BaseCredentials,
} from "../ports/base_credentials.ts";
import { whichOn } from "./system_probe.ts";

/** The provider for every source; `debug` hears which source ran and how long it took. */
export function baseCredentialProvider(
  env: Environment,
  debug: (message: string) => void = () => {},
): BaseCredentialProvider {
  return {
    async get(request: BaseCredentialRequest, signal: AbortSignal): Promise<BaseCredentials> {
      const awsVault = onPath("aws-vault", env);
      const source = request.source === "auto"
        ? (!request.filesResolve && awsVault ? "aws-vault" : "sdk")
        : request.source;
      if (signal.aborted) throw signal.reason;
      const why = request.source !== "auto"
        ? ""
        : ` (auto: the AWS files ${
          request.filesResolve ? "supply" : "cannot supply"
        } the source profile; aws-vault ${awsVault ? "is" : "is not"} on PATH)`;
      debug(
        `base credentials: source ${source}${why}` +
          (source === "env" ? "" : `, profile ${request.sourceProfile}`),
      );
      const started = performance.now();
      const found = await getFrom(source, request, env, debug);
      debug(
        `base credentials: from ${found.source} in ${Math.round(performance.now() - started)} ms`,
      );
      return found;
    },
  };
}

async function getFrom(
  source: "aws-vault" | "sdk" | "env",
  request: BaseCredentialRequest,
  env: Environment,
  debug: (message: string) => void,
): Promise<BaseCredentials> {
  switch (source) {
    case "aws-vault":
      return {
        credentials: await fromAwsVault(request.sourceProfile!, [...request.awsVaultFlags], {
          env,
          debug,
        }),
        source,
      };
    case "sdk":
      if (request.staticKeys !== undefined) {
        return { credentials: request.staticKeys, source: "credentials-file" };
      }
      try {
        return { credentials: await fromSdkChain(request.sourceProfile!, request.region), source };
      } catch (error) {
        if (!(error instanceof SentinelError) || request.filesResolve) throw error;
        throw new SentinelError(
          "aws_failure",
          await keysElsewhere(request.sourceProfile!, request.source, env),
          { cause: error },
        );
      }
    case "env":
      return { credentials: fromEnvironment(env.get), source };
  }
}

/**
 * What to say when the AWS files cannot supply a source profile's credentials: where the keys
 * probably are (aws-vault, when it holds them) and which setting or command fixes it.
 */
async function keysElsewhere(
  profile: string,
  configured: BaseCredentialRequest["source"],
  env: Environment,
): Promise<string> {
  const what =
    `the sdk source cannot get credentials for profile ${profile}: the AWS files (${env.paths.awsConfig}, ${env.paths.awsCredentials}) hold no keys, SSO, credential_process or role for it`;
  if (!onPath("aws-vault", env)) {
    return `${what}. If its keys live in aws-vault, install aws-vault (https://github.com/99designs/aws-vault) and set sentinel_source = aws-vault; otherwise add them with \`aws configure --profile ${profile}\`; ${DOCTOR_HINT}`;
  }
  const setting = configured === "sdk"
    ? "set sentinel_source = aws-vault for this profile (or remove sentinel_source = sdk: the default, auto, then uses aws-vault)"
    : "set sentinel_source = aws-vault for this profile";
  return await awsVaultHolds(profile)
    ? `${what}, but aws-vault holds its keys: ${setting}; ${DOCTOR_HINT}`
    : `${what}, and aws-vault holds none for it either: add them with \`aws-vault add ${profile}\` and ${setting}; ${DOCTOR_HINT}`;
}

/** Whether `aws-vault list --credentials` (which needs no passphrase) names `profile`. */
async function awsVaultHolds(profile: string): Promise<boolean> {
  const { awsVaultCredentialNames } = await import("./aws_vault_list.ts");
  return (await awsVaultCredentialNames())?.includes(profile) ?? false;
}

/** What {@link onPath} found, per name and PATH: a broker asks once per call, not once per process. */
const found = new Map<string, boolean>();

/** Whether an executable named `name` is on PATH (looked up once per process). */
export function onPath(name: string, env: Environment): boolean {
  const key = `${name}\0${env.get("PATH") ?? ""}`;
  let on = found.get(key);
  if (on === undefined) {
    on = whichOn(name, env.get("PATH")) !== undefined;
    found.set(key, on);
  }
  return on;
}

/**
 * Runs aws-vault with `/dev/tty` as its standard input and error when the terminal can be opened,
 * else as it is. Deno's Command cannot pass an arbitrary descriptor, and Deno itself may open
 * `/dev/tty` only with every permission, so a shell tries the terminal and opens it for aws-vault:
 * its passphrase and MFA prompts then reach the person even under the AWS CLI's credential_process.
 */
const VIA_TERMINAL =
  'if (: </dev/tty) 2>/dev/null; then exec aws-vault "$@" </dev/tty 2>/dev/tty; fi; exec aws-vault "$@"';

/** The command line that runs `aws-vault <args>` (through `sh`, except on Windows). */
export function awsVaultCommand(args: readonly string[], os = Deno.build.os): [string, string[]] {
  return os === "windows" ? ["aws-vault", [...args]] : ["sh", ["-c", VIA_TERMINAL, "sh", ...args]];
}

/**
 * Runs `aws-vault export --format=json <profile>` and reads the credentials it prints. Its
 * prompts go to the terminal when this process has one; otherwise it runs without one.
 */
export async function fromAwsVault(
  profile: string,
  flags: string[],
  options: { env?: Environment; debug?: (message: string) => void } = {},
): Promise<AwsCredentials> {
  if (options.env !== undefined && !onPath("aws-vault", options.env)) throw awsVaultMissing();
  options.debug?.(
    "aws-vault runs with /dev/tty as its input and error when the terminal can be opened, so its prompts reach you",
  );
  const output = await runAwsVault(["export", "--format=json", ...flags, profile]);
  if (!output.success) throw exportFailed(profile, output);
  return exportedCredentials(profile, output.stdout);
}

/** Runs aws-vault (see {@link awsVaultCommand}) and collects what it prints. */
async function runAwsVault(vaultArgs: string[]): Promise<Deno.CommandOutput> {
  const [command, args] = awsVaultCommand(vaultArgs);
  try {
    return await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw awsVaultMissing(error);
    throw new SentinelError("aws_failure", `cannot run aws-vault: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Why `aws-vault export` failed: a locked keyring, or its own last words (if not on the terminal). */
function exportFailed(profile: string, output: Deno.CommandOutput): SentinelError {
  // Empty when aws-vault wrote to the terminal instead.
  const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-3).join(" ");
  const locked = /passphrase|keyring|locked|unlock|ioctl/i.test(stderr);
  return new SentinelError(
    "aws_failure",
    locked
      ? `aws-vault could not open its keyring for profile ${profile} (${stderr}); run Sentinel from a terminal so aws-vault can prompt, unlock it with \`aws-vault exec ${profile} -- true\`, or set AWS_VAULT_FILE_PASSPHRASE for the file backend; ${DOCTOR_HINT}`
      : stderr === ""
      ? `aws-vault export ${profile} failed (exit ${output.code}); its message is above, on the terminal; ${DOCTOR_HINT}`
      : `aws-vault export ${profile} failed (exit ${output.code}): ${
        stderr || "no message"
      }; ${DOCTOR_HINT}`,
  );
}

/** The credentials in what `aws-vault export --format=json` printed. */
function exportedCredentials(profile: string, stdout: Uint8Array): AwsCredentials {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(new TextDecoder().decode(stdout));
  } catch {
    throw new SentinelError(
      "aws_failure",
      `aws-vault export ${profile} did not print JSON; Sentinel needs aws-vault 7 or later (export --format=json)`,
    );
  }
  if (typeof parsed.AccessKeyId !== "string" || typeof parsed.SecretAccessKey !== "string") {
    throw new SentinelError(
      "aws_failure",
      `aws-vault export ${profile} printed no credentials`,
    );
  }
  return {
    accessKeyId: parsed.AccessKeyId,
    secretAccessKey: parsed.SecretAccessKey,
    ...(typeof parsed.SessionToken === "string" && parsed.SessionToken !== ""
      ? { sessionToken: parsed.SessionToken }
      : {}),
    ...(typeof parsed.Expiration === "string" && parsed.Expiration !== ""
      ? { expiration: new Date(parsed.Expiration) }
      : {}),
  };
}

/** The AWS SDK's credential resolution for a named profile, its own STS calls in `region`. */
export async function fromSdkChain(profile: string, region?: string): Promise<AwsCredentials> {
  // Computed: loading this module must not resolve the SDK's packages (see sdk_chain.ts).
  const sdkChain = "./aws/sdk_chain.ts";
  const { fromIni } = await import(sdkChain) as typeof import("./aws/sdk_chain.ts");
  try {
    // fromIni resolves the named profile only (static keys, SSO, web identity, assume-role chains,
    // credential_process), never ambient environment keys.
    return await fromIni({
      profile,
      ...(region === undefined ? {} : { clientConfig: { region } }),
    })();
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    const first = message.split("\n")[0];
    if (/sso/i.test(message) && /expired|invalid|refresh/i.test(message)) {
      throw new SentinelError(
        "aws_failure",
        `the SSO session for profile ${profile} has expired; run \`aws sso login --profile ${profile}\` and try again`,
        { cause: error },
      );
    }
    if (/region/i.test(message)) {
      throw new SentinelError(
        "aws_failure",
        `cannot get base credentials for profile ${profile}: ${first}; add region = <region> (such as eu-central-1) to [profile ${profile}] in ~/.aws/config, or set AWS_REGION; ${DOCTOR_HINT}`,
        { cause: error },
      );
    }
    throw new SentinelError(
      "aws_failure",
      `cannot get base credentials for profile ${profile}: ${first}; ${DOCTOR_HINT}`,
      { cause: error },
    );
  }
}

function awsVaultMissing(cause?: unknown): SentinelError {
  return new SentinelError(
    "aws_failure",
    `aws-vault is not installed or not on PATH; install it (https://github.com/99designs/aws-vault), or set sentinel_source = sdk for this profile; ${DOCTOR_HINT}`,
    { cause },
  );
}

/** `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the environment. */
export function fromEnvironment(env: (key: string) => string | undefined): AwsCredentials {
  const accessKeyId = env("AWS_ACCESS_KEY_ID");
  const secretAccessKey = env("AWS_SECRET_ACCESS_KEY");
  if (!accessKeyId || !secretAccessKey) {
    throw new SentinelError(
      "aws_failure",
      `sentinel_source = env, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set; ${DOCTOR_HINT}`,
    );
  }
  const sessionToken = env("AWS_SESSION_TOKEN");
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/**
 * Base credentials, one provider per source: aws-vault (`aws-vault export --format=json`), the AWS
 * SDK chain for the source profile (static keys, SSO, web identity, credential_process), or the
 * environment; `auto` picks aws-vault when it is installed and the files alone cannot supply the
 * source profile, else the SDK chain. Failures are exit code 6 with what to do next.
 *
 * @module
 */
import type { Environment } from "../core/environment.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { AwsCredentials } from "../ports/aws.ts";
import type {
  BaseCredentialProvider,
  BaseCredentialRequest,
  BaseCredentials,
} from "../ports/base_credentials.ts";

/** The provider for every source. */
export function baseCredentialProvider(env: Environment): BaseCredentialProvider {
  return {
    async get(request: BaseCredentialRequest, signal: AbortSignal): Promise<BaseCredentials> {
      const source = request.source === "auto"
        ? (!request.filesResolve && onPath("aws-vault", env) ? "aws-vault" : "sdk")
        : request.source;
      if (signal.aborted) throw signal.reason;
      switch (source) {
        case "aws-vault":
          return {
            credentials: await fromAwsVault(request.sourceProfile!, [...request.awsVaultFlags]),
            source,
          };
        case "sdk":
          return request.staticKeys === undefined
            ? { credentials: await fromSdkChain(request.sourceProfile!), source }
            : { credentials: request.staticKeys, source: "credentials-file" };
        case "env":
          return { credentials: fromEnvironment(env.get), source };
      }
    },
  };
}

/** Whether an executable named `name` is on PATH. */
export function onPath(name: string, env: Environment): boolean {
  for (const dir of (env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    try {
      const info = Deno.statSync(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return true;
    } catch { /* not here */ }
  }
  return false;
}

/** Runs `aws-vault export --format=json <profile>` and reads the credentials it prints. */
export async function fromAwsVault(profile: string, flags: string[]): Promise<AwsCredentials> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("aws-vault", {
      args: ["export", "--format=json", ...flags, profile],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new SentinelError(
        ExitCode.AwsFailure,
        "aws-vault is not installed or not on PATH; install it, or set sentinel_source = sdk for this profile",
        { cause: error },
      );
    }
    throw new SentinelError(ExitCode.AwsFailure, `cannot run aws-vault: ${String(error)}`, {
      cause: error,
    });
  }
  const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-3).join(" ");
  if (!output.success) {
    const locked = /passphrase|keyring|locked|unlock/i.test(stderr);
    throw new SentinelError(
      ExitCode.AwsFailure,
      locked
        ? `aws-vault could not open its keyring for profile ${profile} (${stderr}); unlock it by running \`aws-vault exec ${profile} -- true\` in a terminal, or set AWS_VAULT_FILE_PASSPHRASE for the file backend`
        : `aws-vault export ${profile} failed (exit ${output.code}): ${stderr || "no message"}`,
    );
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(new TextDecoder().decode(output.stdout));
  } catch {
    throw new SentinelError(
      ExitCode.AwsFailure,
      `aws-vault export ${profile} did not print JSON; Sentinel needs aws-vault 7 or later (export --format=json)`,
    );
  }
  if (typeof parsed.AccessKeyId !== "string" || typeof parsed.SecretAccessKey !== "string") {
    throw new SentinelError(
      ExitCode.AwsFailure,
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

/** The AWS SDK's credential resolution for a named profile. */
export async function fromSdkChain(profile: string): Promise<AwsCredentials> {
  const { fromIni } = await import("@aws-sdk/credential-providers");
  try {
    // fromIni resolves the named profile only (static keys, SSO, web identity, assume-role chains,
    // credential_process), never ambient environment keys.
    const credentials = await fromIni({ profile })();
    return credentials;
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    if (/sso/i.test(message) && /expired|invalid|refresh/i.test(message)) {
      throw new SentinelError(
        ExitCode.AwsFailure,
        `the SSO session for profile ${profile} has expired; run \`aws sso login --profile ${profile}\` and try again`,
        { cause: error },
      );
    }
    throw new SentinelError(
      ExitCode.AwsFailure,
      `cannot get base credentials for profile ${profile}: ${message.split("\n")[0]}`,
      { cause: error },
    );
  }
}

/** `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the environment. */
export function fromEnvironment(env: (key: string) => string | undefined): AwsCredentials {
  const accessKeyId = env("AWS_ACCESS_KEY_ID");
  const secretAccessKey = env("AWS_SECRET_ACCESS_KEY");
  if (!accessKeyId || !secretAccessKey) {
    throw new SentinelError(
      ExitCode.AwsFailure,
      "sentinel_source = env, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set",
    );
  }
  const sessionToken = env("AWS_SESSION_TOKEN");
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

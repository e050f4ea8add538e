/**
 * A throwaway home directory with `~/.aws/config` and `~/.aws/credentials` for end-to-end tests:
 * real IAM users and access keys created in moto through IAM's API, and profiles whose
 * `credential_process` runs Sentinel from source; {@link aws} runs the real AWS CLI.
 *
 * @module
 */
import { iamSetup, xmlField } from "./iam_setup.ts";
import type { MotoServer } from "./moto.ts";
import { sentinelCommand } from "./sentinel.ts";
import { baseEnv } from "./sentinel.ts";
import { DENO_DIR, toolPath } from "./tools.ts";

/** An IAM user's access key, created in moto. */
export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Runs the real AWS CLI against moto with the given environment. */
export async function aws(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(toolPath("aws"), {
    args,
    env: baseEnv(env),
    clearEnv: true,
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/**
 * Creates an IAM user with an access key in moto, as an administrator would (IAM's API called
 * straight, harness/iam_setup.ts: the set-up needs no AWS CLI process).
 */
export async function createIamUser(moto: MotoServer, name: string): Promise<AccessKey> {
  await iamSetup(moto, "CreateUser", { UserName: name });
  const key = await iamSetup(moto, "CreateAccessKey", { UserName: name });
  return {
    accessKeyId: xmlField(key, "AccessKeyId"),
    secretAccessKey: xmlField(key, "SecretAccessKey"),
  };
}

/** The command line a profile's credential_process uses to run Sentinel from source. */
export function credentialProcess(profile: string): string {
  return [...sentinelCommand(), "credentials", profile].join(" ");
}

/** A temporary home with AWS files and Sentinel's log and cache inside it. */
export interface AwsHome extends AsyncDisposable {
  dir: string;
  logFile: string;
  cacheDir: string;
  /** Environment for Sentinel and the AWS CLI: this home, moto's endpoint, no ambient keys. */
  env: Record<string, string>;
  writeConfig(text: string): Promise<void>;
  writeCredentials(text: string): Promise<void>;
  readLog(): Promise<Record<string, unknown>[]>;
}

/** Creates the home; the caller writes config and credentials. */
export async function createAwsHome(moto: MotoServer): Promise<AwsHome> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-home-" });
  await Deno.mkdir(`${dir}/.aws`);
  const logFile = `${dir}/state/decisions.jsonl`;
  const cacheDir = `${dir}/cache`;
  return {
    dir,
    logFile,
    cacheDir,
    env: {
      HOME: dir,
      AWS_CONFIG_FILE: `${dir}/.aws/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_DEFAULT_REGION: "us-east-1",
      SENTINEL_LOG_FILE: logFile,
      SENTINEL_CACHE_DIR: cacheDir,
      SENTINEL_CONFIG: `${dir}/sentinel.yaml`,
      DENO_DIR,
    },
    writeConfig: (text) => Deno.writeTextFile(`${dir}/.aws/config`, text),
    writeCredentials: (text) => Deno.writeTextFile(`${dir}/.aws/credentials`, text),
    async readLog() {
      const text = await Deno.readTextFile(logFile).catch(() => "");
      return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/**
 * Policy documents in SSM Parameter Store, for `sentinel policy pull | push | diff`. Credentials
 * come from the AWS SDK's own resolution (`--profile`, `AWS_PROFILE`, environment, SSO, …).
 *
 * @module
 */
import { getParameter, putParameter } from "../adapters/aws/sdk.ts";
import { fromSdkChain } from "../adapters/credential_sources.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { validatePolicyText } from "./policy_source.ts";
import { ssmParameterNameOf } from "./policy_source_kind.ts";

/** Where to reach SSM. */
export interface SsmTarget {
  parameter: string;
  region: string;
  profile: string;
}

/** Parses `ssm:<name>` with the region and profile to use. */
export function ssmTarget(
  source: string,
  options: { region?: string; profile?: string },
  env: Record<string, string>,
): SsmTarget {
  const parameter = ssmParameterNameOf(source);
  if (parameter === undefined || parameter === "") {
    throw new SentinelError(
      ExitCode.Usage,
      `"${source}" is not an SSM parameter; write ssm:<name>, for example ssm:/sentinel/policy`,
    );
  }
  return {
    parameter,
    region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    profile: options.profile ?? env.AWS_PROFILE ?? "default",
  };
}

async function credentialsFor(target: SsmTarget, env: Record<string, string>) {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && env.AWS_PROFILE === undefined) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return await fromSdkChain(target.profile);
}

/** Reads the policy text stored in SSM. */
export async function pullPolicy(target: SsmTarget, env: Record<string, string>): Promise<string> {
  return await getParameter(await credentialsFor(target, env), target.region, target.parameter);
}

/** Validates, then stores the policy text in SSM; returns the new parameter version. */
export async function pushPolicy(
  target: SsmTarget,
  text: string,
  source: string,
  secure: boolean,
  env: Record<string, string>,
): Promise<number> {
  validatePolicyText(text, source);
  return await putParameter(
    await credentialsFor(target, env),
    target.region,
    target.parameter,
    text,
    secure,
  );
}

/**
 * AWS calls (STS, SSM) through the AWS SDK v3. Each client is imported lazily, on the cold path
 * only: the warm credential path never loads this module's dependencies. Endpoints follow the
 * SDK's own configuration (`AWS_ENDPOINT_URL`, profile settings). Every failure becomes a
 * {@link SentinelError} with exit code 6 that names the call and what to do.
 *
 * @module
 */
import { ExitCode, SentinelError } from "../../core/errors.ts";

import type { AssumeRoleParams, AwsCredentials, SessionCredentials } from "../../ports/aws.ts";

export type { AssumeRoleParams, AwsCredentials, SessionCredentials };

const REQUEST_HANDLER = { connectionTimeout: 3_000, requestTimeout: 10_000 };

function clientConfig(credentials: AwsCredentials, region: string) {
  return { region, credentials, maxAttempts: 2, requestHandler: REQUEST_HANDLER };
}

/** Wraps an SDK failure in a message that names the call. */
export function awsFailure(what: string, error: unknown, hint = ""): SentinelError {
  const e = error as { name?: string; message?: string; Code?: string };
  const name = e?.name ?? e?.Code ?? "Error";
  const message = (e?.message ?? String(error)).split("\n")[0];
  return new SentinelError(
    ExitCode.AwsFailure,
    `${what} failed: ${name}: ${message}${hint ? `; ${hint}` : ""}`,
    { cause: error },
  );
}

/** STS GetCallerIdentity. */
export async function getCallerIdentity(credentials: AwsCredentials, region: string) {
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const client = new STSClient(clientConfig(credentials, region));
  try {
    const out = await client.send(new GetCallerIdentityCommand({}));
    if (!out.Arn || !out.Account) throw new Error("the response has no Arn");
    return { arn: out.Arn, account: out.Account };
  } catch (error) {
    throw awsFailure("STS GetCallerIdentity", error, "check the base credentials");
  } finally {
    client.destroy();
  }
}

/** STS AssumeRole with SourceIdentity. */
export async function assumeRole(
  credentials: AwsCredentials,
  region: string,
  params: AssumeRoleParams,
): Promise<SessionCredentials> {
  const { STSClient, AssumeRoleCommand } = await import("@aws-sdk/client-sts");
  const client = new STSClient(clientConfig(credentials, region));
  try {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: params.roleArn,
        RoleSessionName: params.roleSessionName,
        SourceIdentity: params.sourceIdentity,
        DurationSeconds: params.durationSeconds,
        ...(params.externalId ? { ExternalId: params.externalId } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error("the response has no credentials");
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: new Date(c.Expiration),
    };
  } catch (error) {
    throw awsFailure(
      `STS AssumeRole on ${params.roleArn}`,
      error,
      "check that the role's trust policy admits the base identity and allows sts:SetSourceIdentity",
    );
  } finally {
    client.destroy();
  }
}

/** SSM GetParameter with decryption (String and SecureString). */
export async function getParameter(
  credentials: AwsCredentials,
  region: string,
  name: string,
): Promise<string> {
  const { SSMClient, GetParameterCommand } = await import("@aws-sdk/client-ssm");
  const client = new SSMClient(clientConfig(credentials, region));
  try {
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (value === undefined) throw new Error("the parameter has no value");
    return value;
  } catch (error) {
    const notFound = (error as { name?: string }).name === "ParameterNotFound";
    throw awsFailure(
      `SSM GetParameter ${name} (${region})`,
      error,
      notFound
        ? `create it with \`sentinel policy push ssm:${name} <file>\` or fix sentinel_policy`
        : "check the region, the endpoint and ssm:GetParameter permission",
    );
  } finally {
    client.destroy();
  }
}

/** SSM PutParameter (overwriting), as a String or SecureString. */
export async function putParameter(
  credentials: AwsCredentials,
  region: string,
  name: string,
  value: string,
  secure: boolean,
): Promise<number> {
  const { SSMClient, PutParameterCommand } = await import("@aws-sdk/client-ssm");
  const client = new SSMClient(clientConfig(credentials, region));
  try {
    const out = await client.send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: secure ? "SecureString" : "String",
        Overwrite: true,
      }),
    );
    return out.Version ?? 0;
  } catch (error) {
    throw awsFailure(`SSM PutParameter ${name}`, error, "check ssm:PutParameter permission");
  } finally {
    client.destroy();
  }
}

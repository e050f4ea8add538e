/**
 * AWS calls (STS, SSM, IAM) through the AWS SDK v3, implementing the same ports as the light `fetch`
 * transport (`fetch_transport.ts`) with the same endpoints, deadlines, single retry and failure
 * messages. Each client is imported lazily, on the cold path only: the warm credential path never
 * loads this module's dependencies.
 *
 * Deadlines: the call's signal goes to `client.send` as `abortSignal` (the SDK's socket handler
 * then destroys the request, connecting or waiting), and `runAwsCall` races the call against the
 * signal as well, so a call ends by its deadline even where the SDK would not. The SDK's own
 * retries are off (`maxAttempts: 1`): the shared runner retries once.
 *
 * @module
 */
import type {
  AssumeRoleParams,
  AwsCall,
  AwsCredentials,
  CallerIdentity,
  IamPort,
  ParameterValue,
  RoleDescription,
  SessionCredentials,
  SsmPort,
  StsPort,
} from "../../ports/aws.ts";
import { callSite, runAwsCall, undefinedIfNoSuchEntity } from "./aws_call.ts";
import { policyDocumentText } from "./aws_query.ts";
import { type EndpointLookup, iamRegion, type TransportOptions } from "./endpoints.ts";
import { type AwsCallSite, AwsFaultError } from "./failure.ts";

export type { AssumeRoleParams, AwsCredentials, SessionCredentials } from "../../ports/aws.ts";

function clientConfig(site: AwsCallSite, credentials: AwsCredentials) {
  return {
    region: site.region,
    endpoint: site.endpoint.url.href,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    maxAttempts: 1,
  };
}

function malformed(detail: string): AwsFaultError {
  return new AwsFaultError({ kind: "malformed", detail });
}

/** STS through `@aws-sdk/client-sts`. */
export class SdkSts implements StsPort {
  readonly #endpoints: EndpointLookup;

  /** Endpoints are looked up per call from `options.endpoints`. */
  constructor(options: TransportOptions) {
    this.#endpoints = options.endpoints;
  }

  /** STS GetCallerIdentity of `credentials`. */
  async getCallerIdentity(credentials: AwsCredentials, call: AwsCall): Promise<CallerIdentity> {
    const site = callSite(this.#endpoints, "sts", "GetCallerIdentity", call.region);
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
      const client = new STSClient(clientConfig(site, credentials));
      try {
        const out = await client.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
        if (!out.Arn) throw malformed("no GetCallerIdentityResult/Arn in the answer");
        if (!out.Account) throw malformed("no GetCallerIdentityResult/Account in the answer");
        return { arn: out.Arn, account: out.Account };
      } finally {
        client.destroy();
      }
    });
  }

  /** STS AssumeRole with SourceIdentity, RoleSessionName, DurationSeconds and ExternalId. */
  async assumeRole(
    credentials: AwsCredentials,
    call: AwsCall,
    params: AssumeRoleParams,
  ): Promise<SessionCredentials> {
    const site = callSite(this.#endpoints, "sts", "AssumeRole", call.region, params.roleArn);
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const { STSClient, AssumeRoleCommand } = await import("@aws-sdk/client-sts");
      const client = new STSClient(clientConfig(site, credentials));
      try {
        const out = await client.send(
          new AssumeRoleCommand({
            RoleArn: params.roleArn,
            RoleSessionName: params.roleSessionName,
            SourceIdentity: params.sourceIdentity,
            DurationSeconds: params.durationSeconds,
            ...(params.externalId ? { ExternalId: params.externalId } : {}),
          }),
          { abortSignal: signal },
        );
        const c = out.Credentials;
        for (const field of ["AccessKeyId", "SecretAccessKey", "SessionToken"] as const) {
          if (!c?.[field]) throw malformed(`no Credentials/${field} in the answer`);
        }
        const expiration = new Date(c!.Expiration ?? Number.NaN);
        if (Number.isNaN(expiration.getTime())) {
          throw malformed(`no Credentials/Expiration in the answer`);
        }
        return {
          accessKeyId: c!.AccessKeyId!,
          secretAccessKey: c!.SecretAccessKey!,
          sessionToken: c!.SessionToken!,
          expiration,
        };
      } finally {
        client.destroy();
      }
    });
  }
}

/** SSM Parameter Store through `@aws-sdk/client-ssm`. */
export class SdkSsm implements SsmPort {
  readonly #endpoints: EndpointLookup;

  /** Endpoints are looked up per call from `options.endpoints`. */
  constructor(options: TransportOptions) {
    this.#endpoints = options.endpoints;
  }

  /** SSM GetParameter with decryption (String and SecureString). */
  async getParameter(
    credentials: AwsCredentials,
    call: AwsCall,
    name: string,
  ): Promise<ParameterValue> {
    const site = callSite(this.#endpoints, "ssm", "GetParameter", call.region, name);
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const { SSMClient, GetParameterCommand } = await import("@aws-sdk/client-ssm");
      const client = new SSMClient(clientConfig(site, credentials));
      try {
        const out = await client.send(
          new GetParameterCommand({ Name: name, WithDecryption: true }),
          { abortSignal: signal },
        );
        const { Value: value, Version: version } = out.Parameter ?? {};
        if (typeof value !== "string" || typeof version !== "number") {
          throw malformed("no Parameter.Value in the answer");
        }
        // The SDK decodes answers leniently; U+FFFD is what it puts where bytes were not UTF-8.
        if (value.includes("\uFFFD")) {
          throw malformed("the answer is not valid UTF-8");
        }
        return { value, version };
      } finally {
        client.destroy();
      }
    });
  }

  /** SSM PutParameter, overwriting, as a String or SecureString; returns the new version. */
  async putParameter(
    credentials: AwsCredentials,
    call: AwsCall,
    name: string,
    value: string,
    secure: boolean,
  ): Promise<number> {
    const site = callSite(this.#endpoints, "ssm", "PutParameter", call.region, name);
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const { SSMClient, PutParameterCommand } = await import("@aws-sdk/client-ssm");
      const client = new SSMClient(clientConfig(site, credentials));
      try {
        const out = await client.send(
          new PutParameterCommand({
            Name: name,
            Value: value,
            Type: secure ? "SecureString" : "String",
            Overwrite: true,
          }),
          { abortSignal: signal },
        );
        if (typeof out.Version !== "number") throw malformed("no Version in the answer");
        return out.Version;
      } finally {
        client.destroy();
      }
    });
  }
}

/** IAM through `@aws-sdk/client-iam`, at the global endpoint of the call's partition. */
export class SdkIam implements IamPort {
  readonly #endpoints: EndpointLookup;

  /** Endpoints are looked up per call from `options.endpoints`. */
  constructor(options: TransportOptions) {
    this.#endpoints = options.endpoints;
  }

  /** IAM GetRole: the role's ARN, name and trust policy (decoded). */
  async getRole(
    credentials: AwsCredentials,
    call: AwsCall,
    roleName: string,
  ): Promise<RoleDescription> {
    const site = callSite(this.#endpoints, "iam", "GetRole", iamRegion(call.region), roleName);
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const { IAMClient, GetRoleCommand } = await import("@aws-sdk/client-iam");
      const client = new IAMClient(clientConfig(site, credentials));
      try {
        const out = await client.send(new GetRoleCommand({ RoleName: roleName }), {
          abortSignal: signal,
        });
        const role = out.Role;
        if (!role?.Arn) throw malformed("no Role/Arn in the answer");
        if (!role.RoleName) throw malformed("no Role/RoleName in the answer");
        if (!role.AssumeRolePolicyDocument) {
          throw malformed("no Role/AssumeRolePolicyDocument in the answer");
        }
        return {
          arn: role.Arn,
          name: role.RoleName,
          trustPolicy: policyDocumentText(role.AssumeRolePolicyDocument),
        };
      } finally {
        client.destroy();
      }
    });
  }

  /** IAM GetRolePolicy: the inline policy's document (decoded); `undefined` on NoSuchEntity. */
  async getRolePolicy(
    credentials: AwsCredentials,
    call: AwsCall,
    roleName: string,
    policyName: string,
  ): Promise<string | undefined> {
    const site = callSite(
      this.#endpoints,
      "iam",
      "GetRolePolicy",
      iamRegion(call.region),
      roleName,
    );
    return await runAwsCall(
      site,
      credentials,
      call.signal,
      undefinedIfNoSuchEntity(async (signal) => {
        const { IAMClient, GetRolePolicyCommand } = await import("@aws-sdk/client-iam");
        const client = new IAMClient(clientConfig(site, credentials));
        try {
          const out = await client.send(
            new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }),
            { abortSignal: signal },
          );
          if (!out.PolicyDocument) {
            throw malformed("no GetRolePolicyResult/PolicyDocument in the answer");
          }
          return policyDocumentText(out.PolicyDocument);
        } finally {
          client.destroy();
        }
      }),
    );
  }

  /** IAM PutRolePolicy: creates or replaces the role's inline policy. */
  async putRolePolicy(
    credentials: AwsCredentials,
    call: AwsCall,
    roleName: string,
    policyName: string,
    document: string,
  ): Promise<void> {
    const site = callSite(
      this.#endpoints,
      "iam",
      "PutRolePolicy",
      iamRegion(call.region),
      roleName,
    );
    await runAwsCall(site, credentials, call.signal, async (signal) => {
      const { IAMClient, PutRolePolicyCommand } = await import("@aws-sdk/client-iam");
      const client = new IAMClient(clientConfig(site, credentials));
      try {
        await client.send(
          new PutRolePolicyCommand({
            RoleName: roleName,
            PolicyName: policyName,
            PolicyDocument: document,
          }),
          { abortSignal: signal },
        );
      } finally {
        client.destroy();
      }
    });
  }
}

/** The ports through the AWS SDK. */
export function createSdkTransport(
  options: TransportOptions,
): { sts: StsPort; ssm: SsmPort; iam: IamPort } {
  return { sts: new SdkSts(options), ssm: new SdkSsm(options), iam: new SdkIam(options) };
}

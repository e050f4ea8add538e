/**
 * The light AWS transport: STS, SSM and IAM over `fetch`, signed with `aws4fetch` (WebCrypto SigV4).
 * It implements the same ports as the SDK transport (`sdk.ts`) and passes the same contract
 * tests, but loads in about 2 ms instead of the SDK's ~110 ms, so the cold issuance path can
 * afford it. No AWS SDK module is reachable from here (a test walks the module graph).
 *
 * Endpoints come from the lookup given to the constructor (see `endpoints.ts`); every call ends
 * by the deadline of its {@link AwsCall} signal, is retried at most once, and fails with the
 * shared message of `failure.ts`.
 *
 * @example
 * ```ts
 * const { sts } = createFetchTransport({ endpoints: (name) => Deno.env.get(name) });
 * const who = await sts.getCallerIdentity(credentials, {
 *   region: "eu-central-1",
 *   signal: AbortSignal.timeout(30_000),
 * });
 * ```
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
import { jsonAnswer, jsonRequest, SSM_JSON } from "./aws_json.ts";
import { policyDocumentText, queryAnswer, queryRequest, requiredXmlText } from "./aws_query.ts";
import { type EndpointLookup, iamRegion, type TransportOptions } from "./endpoints.ts";
import { type AwsCallSite, AwsFaultError } from "./failure.ts";
import { type ProtocolRequest, signedPost } from "./signed_fetch.ts";

const STS_VERSION = "2011-06-15";

/** STS over `fetch` (query protocol). */
export class FetchSts implements StsPort {
  readonly #endpoints: EndpointLookup;

  /** Endpoints are looked up per call from `options.endpoints`. */
  constructor(options: TransportOptions) {
    this.#endpoints = options.endpoints;
  }

  /** STS GetCallerIdentity of `credentials`. */
  async getCallerIdentity(credentials: AwsCredentials, call: AwsCall): Promise<CallerIdentity> {
    const site = callSite(this.#endpoints, "sts", "GetCallerIdentity", call.region);
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const xml = queryAnswer(
        await post(site, credentials, queryRequest("GetCallerIdentity", STS_VERSION), signal),
      );
      return {
        arn: requiredXmlText(xml, ["GetCallerIdentityResult", "Arn"]),
        account: requiredXmlText(xml, ["GetCallerIdentityResult", "Account"]),
      };
    });
  }

  /** STS AssumeRole with SourceIdentity, RoleSessionName, DurationSeconds and ExternalId. */
  async assumeRole(
    credentials: AwsCredentials,
    call: AwsCall,
    params: AssumeRoleParams,
  ): Promise<SessionCredentials> {
    const site = callSite(this.#endpoints, "sts", "AssumeRole", call.region, params.roleArn);
    const request = queryRequest("AssumeRole", STS_VERSION, {
      RoleArn: params.roleArn,
      RoleSessionName: params.roleSessionName,
      SourceIdentity: params.sourceIdentity,
      DurationSeconds: params.durationSeconds,
      ExternalId: params.externalId || undefined,
    });
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const xml = queryAnswer(await post(site, credentials, request, signal));
      const field = (name: string) => requiredXmlText(xml, ["Credentials", name]);
      const expiration = new Date(field("Expiration"));
      if (Number.isNaN(expiration.getTime())) {
        throw new AwsFaultError({ kind: "malformed", detail: "Credentials/Expiration is no date" });
      }
      return {
        accessKeyId: field("AccessKeyId"),
        secretAccessKey: field("SecretAccessKey"),
        sessionToken: field("SessionToken"),
        expiration,
      };
    });
  }
}

/** SSM Parameter Store over `fetch` (JSON 1.1 protocol). */
export class FetchSsm implements SsmPort {
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
    const request = jsonRequest(SSM_JSON, "GetParameter", { Name: name, WithDecryption: true });
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const body = jsonAnswer(await post(site, credentials, request, signal));
      const parameter = body.Parameter as { Value?: unknown; Version?: unknown } | undefined;
      if (typeof parameter?.Value !== "string" || typeof parameter.Version !== "number") {
        throw new AwsFaultError({ kind: "malformed", detail: "no Parameter.Value in the answer" });
      }
      return { value: parameter.Value, version: parameter.Version };
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
    const request = jsonRequest(SSM_JSON, "PutParameter", {
      Name: name,
      Value: value,
      Type: secure ? "SecureString" : "String",
      Overwrite: true,
    });
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const body = jsonAnswer(await post(site, credentials, request, signal));
      if (typeof body.Version !== "number") {
        throw new AwsFaultError({ kind: "malformed", detail: "no Version in the answer" });
      }
      return body.Version;
    });
  }
}

const IAM_VERSION = "2010-05-08";

/** IAM over `fetch` (query protocol), at the global endpoint of the call's partition. */
export class FetchIam implements IamPort {
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
    const request = queryRequest("GetRole", IAM_VERSION, { RoleName: roleName });
    return await runAwsCall(site, credentials, call.signal, async (signal) => {
      const xml = queryAnswer(await post(site, credentials, request, signal));
      return {
        arn: requiredXmlText(xml, ["Role", "Arn"]),
        name: requiredXmlText(xml, ["Role", "RoleName"]),
        trustPolicy: policyDocumentText(
          requiredXmlText(xml, ["Role", "AssumeRolePolicyDocument"]),
        ),
      };
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
    const request = queryRequest("GetRolePolicy", IAM_VERSION, {
      RoleName: roleName,
      PolicyName: policyName,
    });
    return await runAwsCall(
      site,
      credentials,
      call.signal,
      undefinedIfNoSuchEntity(async (signal) => {
        const xml = queryAnswer(await post(site, credentials, request, signal));
        return policyDocumentText(
          requiredXmlText(xml, ["GetRolePolicyResult", "PolicyDocument"]),
        );
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
    const request = queryRequest("PutRolePolicy", IAM_VERSION, {
      RoleName: roleName,
      PolicyName: policyName,
      PolicyDocument: document,
    });
    await runAwsCall(site, credentials, call.signal, async (signal) => {
      queryAnswer(await post(site, credentials, request, signal));
    });
  }
}

/** The ports over `fetch`. */
export function createFetchTransport(
  options: TransportOptions,
): { sts: StsPort; ssm: SsmPort; iam: IamPort } {
  return { sts: new FetchSts(options), ssm: new FetchSsm(options), iam: new FetchIam(options) };
}

function post(
  site: AwsCallSite,
  credentials: AwsCredentials,
  request: ProtocolRequest,
  signal: AbortSignal,
) {
  const target = { url: site.endpoint.url, service: site.service, region: site.region };
  return signedPost(credentials, target, request, signal);
}

/**
 * STS, SSM and IAM in memory, for fast tests: the AWS ports (src/ports/aws.ts) answered from a
 * table of known access keys (STS, SSM) and of roles (IAM), with every call recorded. It keeps the
 * cases the real transports keep against moto (test/contracts/aws_transport_contract_test.ts and
 * iam_transport_contract_test.ts run them on it too), and it fails the way they fail: every error
 * is built by the transports' own failure mapping (adapters/aws/failure.ts) from the AWS error AWS
 * would answer — an unknown key, a signature that does not match, a role the caller may not
 * assume, a SourceIdentity STS would reject, a missing parameter, a missing role — or from the
 * call's cancelled signal.
 *
 * @example
 * ```ts
 * const aws = new FakeAws({ clock: () => Date.now() });
 * const alice = aws.addUser("alice");
 * await aws.sts.getCallerIdentity(alice, call); // arn:aws:iam::123456789012:user/alice
 * const iam = new FakeIam();
 * iam.addRole("SentinelProd", trustPolicy);
 * await iam.putRolePolicy(alice, call, "SentinelProd", "SentinelRevocations", document);
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
} from "../../src/ports/aws.ts";
import { type AwsService, iamRegion, resolveEndpoint } from "../../src/adapters/aws/endpoints.ts";
import {
  abortFault,
  type AwsCallSite,
  type AwsFault,
  callFailure,
} from "../../src/adapters/aws/failure.ts";

/** The account fake identities live in. */
export const FAKE_ACCOUNT = "123456789012";

/** One call the fake answered (or refused), in order. */
export interface FakeAwsCall {
  operation: "GetCallerIdentity" | "AssumeRole" | "GetParameter" | "PutParameter";
  accessKeyId: string;
  region: string;
  /** AssumeRole's parameters; the parameter name of SSM calls. */
  params?: AssumeRoleParams | { name: string };
}

interface KnownKey {
  secretAccessKey: string;
  arn: string;
}

/** STS and SSM as issuance and the policy tools see them. */
export class FakeAws {
  readonly sts: StsPort;
  readonly ssm: SsmPort;
  readonly calls: FakeAwsCall[] = [];
  readonly #keys = new Map<string, KnownKey>();
  readonly #parameters = new Map<string, { value: string; version: number; secure: boolean }>();
  /** Role ARN → the principal ARNs its trust policy admits (absent: any known identity). */
  readonly #trust = new Map<string, readonly string[]>();
  /** Operation → the fault every call of it ends with, until cleared. */
  readonly #faults = new Map<FakeAwsCall["operation"], AwsFault>();
  readonly #clock: () => number;
  #issued = 0;

  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? (() => Date.now());
    this.sts = {
      getCallerIdentity: (credentials, call) =>
        this.#answer("sts", "GetCallerIdentity", credentials, call, undefined, (caller) => ({
          arn: caller.arn,
          account: accountOf(caller.arn),
        } satisfies CallerIdentity)),
      assumeRole: (credentials, call, params) =>
        this.#answer(
          "sts",
          "AssumeRole",
          credentials,
          call,
          params,
          (caller) => this.#assumeRole(caller, params),
        ),
    };
    this.ssm = {
      getParameter: (credentials, call, name) =>
        this.#answer("ssm", "GetParameter", credentials, call, { name }, () => {
          const stored = this.#parameters.get(name);
          if (stored === undefined) {
            throw awsError("ParameterNotFound", "", 400);
          }
          return { value: stored.value, version: stored.version } satisfies ParameterValue;
        }),
      putParameter: (credentials, call, name, value, secure) =>
        this.#answer("ssm", "PutParameter", credentials, call, { name }, () => {
          const version = (this.#parameters.get(name)?.version ?? 0) + 1;
          this.#parameters.set(name, { value, version, secure });
          return version;
        }),
    };
  }

  /** An IAM user `name` with keys of its own; returns the keys. */
  addUser(name: string, account = FAKE_ACCOUNT): AwsCredentials {
    const tag = name.toUpperCase().replace(/[^A-Z0-9]/g, "").padEnd(8, "X").slice(0, 12);
    const credentials = {
      accessKeyId: `AKIA${tag}`.padEnd(20, "0"),
      secretAccessKey: `secret-of-${name}`,
    };
    this.addIdentity(credentials, `arn:aws:iam::${account}:user/${name}`);
    return credentials;
  }

  /** Makes `credentials` known to STS as `arn`. */
  addIdentity(credentials: AwsCredentials, arn: string): void {
    this.#keys.set(credentials.accessKeyId, { secretAccessKey: credentials.secretAccessKey, arn });
  }

  /** Admits only `principals` (ARNs) to `roleArn`; without a call, any known identity may. */
  trust(roleArn: string, principals: readonly string[]): void {
    this.#trust.set(roleArn, principals);
  }

  /** Stores a parameter as PutParameter would (version 1, or one more). */
  putParameter(name: string, value: string): void {
    const version = (this.#parameters.get(name)?.version ?? 0) + 1;
    this.#parameters.set(name, { value, version, secure: false });
  }

  /** Every call of `operation` fails with `fault` (AWS's answer) until {@link clearFaults}. */
  fail(operation: FakeAwsCall["operation"], fault: AwsFault): void {
    this.#faults.set(operation, fault);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** AssumeRole's parameters as moto's recorder shows them (AWS's names), in order. */
  assumeRoleCalls(): URLSearchParams[] {
    return this.calls.flatMap((call) => {
      if (call.operation !== "AssumeRole") return [];
      const p = call.params as AssumeRoleParams;
      const query = new URLSearchParams({
        Action: "AssumeRole",
        RoleArn: p.roleArn,
        RoleSessionName: p.roleSessionName,
        SourceIdentity: p.sourceIdentity,
        DurationSeconds: String(p.durationSeconds),
      });
      if (p.externalId !== undefined) query.set("ExternalId", p.externalId);
      return [query];
    });
  }

  /** The endpoint the fake answers as (the regional default, as with no endpoint setting). */
  static endpoint(service: AwsService, region = "us-east-1"): URL {
    return resolveEndpoint(() => undefined, service, region).url;
  }

  /** Records the call, checks the caller and the signal, runs `work`; failures as transports word them. */
  async #answer<T>(
    service: AwsService,
    operation: FakeAwsCall["operation"],
    credentials: AwsCredentials,
    call: AwsCall,
    params: FakeAwsCall["params"],
    work: (caller: KnownKey) => T,
  ): Promise<T> {
    await Promise.resolve(); // an answer is never synchronous
    this.calls.push({
      operation,
      accessKeyId: credentials.accessKeyId,
      region: call.region,
      ...(params === undefined ? {} : { params }),
    });
    const subject = params === undefined
      ? undefined
      : "roleArn" in params
      ? params.roleArn
      : params.name;
    const site = fakeSite(service, operation, call.region, subject);
    return await answerAs(site, credentials, call.signal, () => {
      const fault = this.#faults.get(operation);
      if (fault !== undefined) throw fault;
      const caller = this.#keys.get(credentials.accessKeyId);
      if (caller === undefined) {
        throw awsError(
          "InvalidClientTokenId",
          "The security token included in the request is invalid.",
          403,
        );
      }
      if (caller.secretAccessKey !== credentials.secretAccessKey) {
        throw awsError(
          "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided.",
          403,
        );
      }
      return work(caller);
    });
  }

  #assumeRole(caller: KnownKey, params: AssumeRoleParams): SessionCredentials {
    const admitted = this.#trust.get(params.roleArn);
    if (admitted !== undefined && !admitted.includes(caller.arn)) {
      throw awsError(
        "AccessDenied",
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${params.roleArn}`,
        403,
      );
    }
    if (!/^[\w+=,.@-]{2,64}$/.test(params.sourceIdentity)) {
      throw awsError(
        "ValidationError",
        `1 validation error detected: Value '${params.sourceIdentity}' at 'sourceIdentity' failed to satisfy constraint`,
        400,
      );
    }
    if (!(params.durationSeconds >= 900 && params.durationSeconds <= 43_200)) {
      throw awsError(
        "ValidationError",
        `1 validation error detected: Value '${params.durationSeconds}' at 'durationSeconds' failed to satisfy constraint`,
        400,
      );
    }
    const n = ++this.#issued;
    const credentials = {
      accessKeyId: `ASIAFAKESESSION${String(n).padStart(5, "0")}`,
      secretAccessKey: `session-secret-${n}`,
      sessionToken: `session-token-${n}`,
      expiration: new Date(this.#clock() + params.durationSeconds * 1000),
    };
    const role = params.roleArn.slice(params.roleArn.lastIndexOf("/") + 1);
    this.addIdentity(
      credentials,
      `arn:aws:sts::${accountOf(params.roleArn)}:assumed-role/${role}/${params.roleSessionName}`,
    );
    return credentials;
  }
}

/** One IAM call the fake answered (or refused), in order. */
export interface FakeIamCall {
  operation: "GetRole" | "GetRolePolicy" | "PutRolePolicy";
  roleName: string;
  /** The call's region, as the caller gave it. */
  region: string;
  accessKeyId: string;
}

interface FakeRole {
  arn: string;
  trustPolicy: string;
  /** Inline policies: name → document, as put. */
  policies: Map<string, string>;
}

/**
 * IAM as `enforce plan` and `sentinel revoke` see it: roles with their trust policies and inline
 * policies. Any credentials are taken (IAM's checks are moto's part of the contract); a role
 * that does not exist is IAM's NoSuchEntity, worded by the transports' own failure mapping.
 */
export class FakeIam implements IamPort {
  readonly calls: FakeIamCall[] = [];
  readonly #roles = new Map<string, FakeRole>();
  #puts = 0;

  /** Adds role `name` (under `path`) with `trust` as its trust policy; returns its ARN. */
  addRole(name: string, trust: unknown, path = "/"): string {
    const arn = `arn:aws:iam::${FAKE_ACCOUNT}:role${path}${name}`;
    this.#roles.set(name, { arn, trustPolicy: JSON.stringify(trust), policies: new Map() });
    return arn;
  }

  /** Removes role `name` and its inline policies (later calls get NoSuchEntity). */
  removeRole(name: string): void {
    this.#roles.delete(name);
  }

  /** The inline policy `policyName` of role `roleName` as stored, without a call. */
  policyOf(roleName: string, policyName: string): string | undefined {
    return this.#roles.get(roleName)?.policies.get(policyName);
  }

  /** How many PutRolePolicy calls stored a document. */
  get puts(): number {
    return this.#puts;
  }

  getRole(credentials: AwsCredentials, call: AwsCall, roleName: string) {
    return this.#answer("GetRole", credentials, call, roleName, (): RoleDescription => {
      const role = this.#role(roleName);
      return { arn: role.arn, name: roleName, trustPolicy: role.trustPolicy };
    });
  }

  getRolePolicy(credentials: AwsCredentials, call: AwsCall, roleName: string, policyName: string) {
    return this.#answer(
      "GetRolePolicy",
      credentials,
      call,
      roleName,
      () => this.#roles.get(roleName)?.policies.get(policyName),
    );
  }

  putRolePolicy(
    credentials: AwsCredentials,
    call: AwsCall,
    roleName: string,
    policyName: string,
    document: string,
  ) {
    return this.#answer("PutRolePolicy", credentials, call, roleName, () => {
      const role = this.#role(roleName);
      try {
        JSON.parse(document);
      } catch {
        throw awsError("MalformedPolicyDocument", "Syntax errors in policy.", 400);
      }
      role.policies.set(policyName, document);
      this.#puts++;
    });
  }

  /** The role `name`; IAM's NoSuchEntity when there is none. */
  #role(name: string): FakeRole {
    const role = this.#roles.get(name);
    if (role === undefined) {
      throw awsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
    }
    return role;
  }

  async #answer<T>(
    operation: FakeIamCall["operation"],
    credentials: AwsCredentials,
    call: AwsCall,
    roleName: string,
    work: () => T,
  ): Promise<T> {
    await Promise.resolve(); // an answer is never synchronous
    this.calls.push({
      operation,
      roleName,
      region: call.region,
      accessKeyId: credentials.accessKeyId,
    });
    const site = fakeSite("iam", operation, iamRegion(call.region), roleName);
    return await answerAs(site, credentials, call.signal, work);
  }
}

/** A call as failure messages name it, at the default endpoint (no endpoint setting). */
function fakeSite(
  service: AwsService,
  operation: string,
  region: string,
  subject: string | undefined,
): AwsCallSite {
  const endpoint = { url: FakeAws.endpoint(service, region), source: undefined };
  return { service, operation, region, endpoint, subject };
}

/**
 * `work`'s result, or the failure a transport would end the call with: for the call's cancelled
 * `signal`, or for the AWS error (an {@link AwsFault}) `work` throws.
 */
function answerAs<T>(
  site: AwsCallSite,
  credentials: AwsCredentials,
  signal: AbortSignal,
  work: () => T,
): Promise<T> {
  try {
    if (signal.aborted) throw abortFault(signal);
    return Promise.resolve(work());
  } catch (error) {
    if (!isFault(error)) return Promise.reject(error);
    return Promise.reject(callFailure(site, error, { elapsedMs: 0, attempts: 1 }, credentials));
  }
}

/** An error answer of AWS. */
function awsError(code: string, message: string, status: number): AwsFault {
  return { kind: "service", code, message, status };
}

function isFault(value: unknown): value is AwsFault {
  return typeof value === "object" && value !== null && "kind" in value &&
    !(value instanceof Error);
}

function accountOf(arn: string): string {
  return arn.split(":")[4] ?? FAKE_ACCOUNT;
}

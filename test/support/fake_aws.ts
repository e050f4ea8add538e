/**
 * STS and SSM in memory, for fast tests: the AWS ports (src/ports/aws.ts) answered from a table of
 * known access keys, with every call recorded. It keeps the cases the real transports keep against
 * moto (test/contracts/aws_transport_contract_test.ts runs them on it too), and it fails the way
 * they fail: every error is built by the transports' own failure mapping (adapters/aws/failure.ts)
 * from the AWS error AWS would answer — an unknown key, a signature that does not match, a role
 * the caller may not assume, a SourceIdentity STS would reject, a missing parameter — or from
 * the call's cancelled signal.
 *
 * @example
 * ```ts
 * const aws = new FakeAws({ clock: () => Date.now() });
 * const alice = aws.addUser("alice");
 * await aws.sts.getCallerIdentity(alice, call); // arn:aws:iam::123456789012:user/alice
 * ```
 * @module
 */
import type {
  AssumeRoleParams,
  AwsCall,
  AwsCredentials,
  CallerIdentity,
  ParameterValue,
  SessionCredentials,
  SsmPort,
  StsPort,
} from "../../src/ports/aws.ts";
import { type AwsService, resolveEndpoint } from "../../src/adapters/aws/endpoints.ts";
import { abortFault, type AwsFault, callFailure } from "../../src/adapters/aws/failure.ts";

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
    const site = {
      service,
      operation,
      region: call.region,
      endpoint: { url: FakeAws.endpoint(service, call.region), source: undefined },
      subject: params === undefined
        ? undefined
        : "roleArn" in params
        ? params.roleArn
        : params.name,
    };
    try {
      if (call.signal.aborted) throw abortFault(call.signal);
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
    } catch (error) {
      if (!isFault(error)) throw error;
      return Promise.reject(
        callFailure(site, error, { elapsedMs: 0, attempts: 1 }, credentials),
      );
    }
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

/**
 * The one mapping from a failed AWS call to a {@link SentinelError}, shared by the SDK transport
 * and the `fetch` transport so that the same failure reads the same in both. A failure is first
 * reduced to an {@link AwsFault} (an AWS error code, an HTTP status, a network failure, the
 * deadline), whatever shape the transport threw it in; then {@link callFailure} words it as
 * `<call> failed at <endpoint>: <what happened>; <what to do next>` with exit code 6. Messages
 * never carry the credentials of the call: they are cut from AWS's own text too.
 *
 * @module
 */
import { DOCTOR_HINT, SentinelError } from "../../core/errors.ts";
import type { AwsCredentials } from "../../ports/aws.ts";
import { type AwsService, displayEndpoint, type Endpoint } from "./endpoints.ts";

/** What went wrong in one AWS call, independent of the transport. */
export type AwsFault =
  /** AWS (or an emulator) answered with an error code. */
  | { kind: "service"; code: string; message: string; status: number }
  /** An HTTP error status without a readable AWS error. */
  | { kind: "http"; status: number }
  /** No HTTP answer: the connection failed. */
  | { kind: "network"; reason: NetworkReason; detail: string }
  /** The call's deadline passed first. */
  | { kind: "timeout" }
  /** The call was cancelled for another reason than its deadline (Ctrl-C). */
  | { kind: "interrupted" }
  /** A 2xx answer without the fields the call needs, or one that does not parse. */
  | { kind: "malformed"; detail: string };

/** Why a connection failed. */
export type NetworkReason = "refused" | "dns" | "reset" | "tls" | "other";

/** Carries an {@link AwsFault} through a transport's code to {@link callFailure}. */
export class AwsFaultError extends Error {
  constructor(readonly fault: AwsFault) {
    super(`AWS call failed: ${fault.kind}`);
    this.name = "AwsFaultError";
  }
}

/** One AWS call, as failure messages name it. */
export interface AwsCallSite {
  service: AwsService;
  /** The API operation, e.g. `AssumeRole`. */
  operation: string;
  region: string;
  endpoint: Endpoint;
  /** What the call is about: the role ARN, the parameter name. */
  subject?: string;
}

/** How the call went before it failed. */
export interface CallOutcome {
  /** Milliseconds from the start of the call to the failure. */
  elapsedMs: number;
  /** HTTP attempts made (2 after a retry). */
  attempts: number;
}

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "RequestExpired"]);
const UNKNOWN_KEY = new Set(["InvalidClientTokenId", "UnrecognizedClientException"]);
const BAD_SIGNATURE = new Set([
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "InvalidSignatureException",
]);
const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException"]);
/** IAM's code on the wire, and the SDK's class name should an exception carry no code. */
const NO_SUCH_ENTITY = new Set(["NoSuchEntity", "NoSuchEntityException"]);

/** Whether one more attempt may help: throttling, a 5xx answer, or a failed connection. */
export function isRetryable(fault: AwsFault): boolean {
  switch (fault.kind) {
    case "service":
      return THROTTLING.has(fault.code) || fault.status >= 500;
    case "http":
      return fault.status >= 500 || fault.status === 429;
    case "network":
      return fault.reason !== "dns" && fault.reason !== "tls";
    default:
      return false;
  }
}

/** Whether the fault is IAM's NoSuchEntity: the role (or its inline policy) does not exist. */
export function isNoSuchEntity(fault: AwsFault): boolean {
  return fault.kind === "service" && NO_SUCH_ENTITY.has(fault.code);
}

/** Whether the fault is AWS throttling (retried after a longer pause). */
export function isThrottling(fault: AwsFault): boolean {
  return fault.kind === "service" && THROTTLING.has(fault.code);
}

/**
 * Reduces whatever a transport threw to an {@link AwsFault}: an {@link AwsFaultError}, an AWS SDK
 * service exception, a Node.js socket error (`ECONNREFUSED`, `ENOTFOUND`, …), a `fetch` failure,
 * or the abort of `signal`.
 */
export function faultOf(error: unknown, signal: AbortSignal): AwsFault {
  if (error instanceof AwsFaultError) return error.fault;
  const e = (error ?? {}) as {
    name?: unknown;
    code?: unknown;
    Code?: unknown;
    message?: unknown;
    cause?: unknown;
    $metadata?: { httpStatusCode?: number };
    $fault?: unknown;
    $response?: { statusCode?: unknown };
  };
  if (
    signal.aborted &&
    (error === signal.reason || e.name === "AbortError" || e.name === "TimeoutError")
  ) {
    return abortFault(signal);
  }
  const status = e.$metadata?.httpStatusCode;
  if (
    typeof status === "number" && typeof e.name === "string" &&
    (e.$fault === "client" || e.$fault === "server")
  ) {
    if (e.name === "Unknown" || e.name === "UnknownError" || e.name === "Error") {
      return { kind: "http", status };
    }
    const message = typeof e.message === "string" && e.message !== "UnknownError" ? e.message : "";
    // The code on the wire (IAM's `NoSuchEntity`), which the fetch transport reads too, rather
    // than the SDK's class name for it (`NoSuchEntityException`).
    const code = typeof e.Code === "string" && e.Code !== "" ? e.Code : e.name;
    return { kind: "service", code, message, status };
  }
  // The SDK's deserializer failed on an answer that is no AWS error (an HTML 502 page, …).
  const raw = e.$response?.statusCode;
  if (typeof raw === "number") {
    return raw >= 200 && raw < 300
      ? { kind: "malformed", detail: "the answer does not parse" }
      : { kind: "http", status: raw };
  }
  const network = networkFault(error);
  if (network) return network;
  return { kind: "malformed", detail: firstLine(e.message ?? error) };
}

/** The fault of an aborted call: its deadline, or another cancellation. */
export function abortFault(signal: AbortSignal): AwsFault {
  const reason = signal.reason as { name?: string } | undefined;
  return reason?.name === "TimeoutError" ? { kind: "timeout" } : { kind: "interrupted" };
}

const NODE_CODES: Record<string, NetworkReason> = {
  ECONNREFUSED: "refused",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_NONAME: "dns",
  EAI_FAIL: "dns",
  ECONNRESET: "reset",
  EPIPE: "reset",
  ECONNABORTED: "reset",
  ETIMEDOUT: "other",
  EHOSTUNREACH: "other",
  ENETUNREACH: "other",
};

/** A failed connection, from a Node.js error code or the text of a `fetch` failure. */
function networkFault(error: unknown): AwsFault | undefined {
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  if (typeof e?.code === "string") {
    if (e.code in NODE_CODES) {
      return { kind: "network", reason: NODE_CODES[e.code], detail: e.code };
    }
    if (/CERT|TLS|SSL|SELF_SIGNED/.test(e.code)) {
      return { kind: "network", reason: "tls", detail: e.code };
    }
  }
  if (error instanceof Deno.errors.ConnectionRefused) {
    return { kind: "network", reason: "refused", detail: "refused" };
  }
  // Deno's fetch throws TypeError("fetch failed") whose cause says what happened.
  if (!(error instanceof TypeError) && !(error instanceof Deno.errors.ConnectionReset)) {
    return undefined;
  }
  const text = `${String(e.message)} ${
    String((e.cause as { message?: unknown })?.message ?? e.cause ?? "")
  }`;
  if (/connection refused/i.test(text)) {
    return { kind: "network", reason: "refused", detail: "refused" };
  }
  if (/dns error|failed to lookup address|name or service not known|no address/i.test(text)) {
    return { kind: "network", reason: "dns", detail: "dns" };
  }
  if (/certificate|tls|ssl|handshake/i.test(text)) {
    return { kind: "network", reason: "tls", detail: firstLine(text) };
  }
  if (/reset|broken pipe|connection closed|incomplete ?message|unexpected eof/i.test(text)) {
    return { kind: "network", reason: "reset", detail: "reset" };
  }
  if (error instanceof TypeError && /fetch|request|connect/i.test(text)) {
    return { kind: "network", reason: "other", detail: firstLine(text) };
  }
  return undefined;
}

/** The call's label as messages start it, e.g. `STS AssumeRole on arn:…`. */
export function callLabel(site: AwsCallSite): string {
  const service = serviceName(site.service);
  switch (site.operation) {
    case "AssumeRole":
      return `STS AssumeRole on ${site.subject}`;
    case "GetParameter":
    case "PutParameter":
      return `SSM ${site.operation} ${site.subject} (${site.region})`;
    default:
      return `${service} ${site.operation}${site.subject ? ` ${site.subject}` : ""}`;
  }
}

/**
 * The error a failed call ends with: exit code 6 (130 when it was interrupted), naming the call,
 * the endpoint, what happened and what to do next, with `credentials` cut out of every part.
 */
export function callFailure(
  site: AwsCallSite,
  fault: AwsFault,
  outcome: CallOutcome,
  credentials: AwsCredentials,
  cause?: unknown,
): SentinelError {
  const label = callLabel(site);
  const at = displayEndpoint(site.endpoint.url);
  if (fault.kind === "interrupted") {
    return new SentinelError("interrupted", `${label} at ${at} was interrupted`, { cause });
  }
  const retried = outcome.attempts > 1 ? ` (after ${outcome.attempts} attempts)` : "";
  const what = describe(site, fault, outcome) + retried;
  const message = `${label} failed at ${at}: ${what}; ${nextStep(site, fault)}${
    setupCause(site, fault) ? `; ${DOCTOR_HINT}` : ""
  }`;
  return new SentinelError("aws_failure", redact(message, credentials), { cause });
}

/**
 * Why a plain `fetch` to `host` (not an AWS API call: the console's federation endpoint) failed,
 * in words a person can act on: DNS, refused, timeout, TLS, reset — never just "TypeError".
 */
export function fetchFailureText(error: unknown, signal: AbortSignal, host: string): string {
  const fault = faultOf(error, signal);
  switch (fault.kind) {
    case "network":
      switch (fault.reason) {
        case "refused":
          return `${host} refused the connection`;
        case "dns":
          return `cannot resolve ${host} (DNS: no network, or a wrong name)`;
        case "reset":
          return `${host} closed the connection before answering`;
        case "tls":
          return `TLS with ${host} failed (${fault.detail})`;
        default:
          return `no connection to ${host} (${fault.detail})`;
      }
    case "timeout":
      return `${host} did not answer in time (timeout)`;
    case "interrupted":
      return "interrupted";
    default:
      return firstLine(String((error as Error)?.message ?? error));
  }
}

function describe(site: AwsCallSite, fault: AwsFault, outcome: CallOutcome): string {
  switch (fault.kind) {
    case "service":
      return fault.message ? `${fault.code}: ${firstLine(fault.message)}` : fault.code;
    case "http":
      return `HTTP ${fault.status} without an AWS error in the answer`;
    case "network":
      switch (fault.reason) {
        case "refused":
          return "connection refused";
        case "dns":
          return `cannot resolve ${site.endpoint.url.hostname}`;
        case "reset":
          return "the connection closed before an answer";
        case "tls":
          return `TLS failed (${fault.detail})`;
        default:
          return `no connection (${fault.detail})`;
      }
    case "timeout":
      return outcome.elapsedMs < 50
        ? "no time was left to make the call"
        : `no answer within ${seconds(outcome.elapsedMs)} s`;
    case "malformed":
      return `unexpected answer (${fault.detail})`;
    default:
      return "interrupted";
  }
}

/**
 * Whether the failure most likely comes from the setup (a missing policy parameter or table, keys
 * AWS does not know, a region that does not resolve or is disabled): then `sentinel doctor` helps.
 */
function setupCause(site: AwsCallSite, fault: AwsFault): boolean {
  if (fault.kind === "network") return fault.reason === "dns" && site.endpoint.source === undefined;
  if (fault.kind !== "service") return false;
  return fault.code === "ParameterNotFound" || fault.code === "RegionDisabledException" ||
    UNKNOWN_KEY.has(fault.code) || BAD_SIGNATURE.has(fault.code) ||
    (fault.code === "ResourceNotFoundException" && site.service === "dynamodb");
}

/** How messages name a service: `STS`, `SSM`, `DynamoDB`. */
function serviceName(service: AwsService): string {
  return service === "dynamodb" ? "DynamoDB" : service.toUpperCase();
}

function nextStep(site: AwsCallSite, fault: AwsFault): string {
  const setting = site.endpoint.source;
  const service = serviceName(site.service);
  switch (fault.kind) {
    case "timeout":
      return setting
        ? `check ${setting} and that the endpoint is up, or raise sentinel_timeout (SENTINEL_TIMEOUT)`
        : "check the network (proxy, VPN, firewall), or raise sentinel_timeout (SENTINEL_TIMEOUT)";
    case "network":
      if (fault.reason === "dns") {
        return setting
          ? `check the host name in ${setting}`
          : `check the region "${site.region}" and DNS`;
      }
      return setting
        ? `check ${setting} and that the endpoint is up`
        : "check the network (proxy, VPN, firewall)";
    case "http":
    case "malformed":
      return fault.kind === "http" && fault.status >= 500
        ? "the service failed; try again later"
        : `check that ${setting ?? "the endpoint"} points at AWS ${service}`;
    case "service":
      return serviceNextStep(site, fault.code, fault.status);
    default:
      return "run the command again";
  }
}

function serviceNextStep(site: AwsCallSite, code: string, status: number): string {
  if (THROTTLING.has(code)) return "AWS is throttling these requests; wait a moment and try again";
  if (EXPIRED.has(code)) {
    return "the base credentials have expired; refresh them (aws-vault, `aws sso login`) and try again";
  }
  if (UNKNOWN_KEY.has(code)) {
    return "AWS does not know the base credentials' access key; check the source profile's keys";
  }
  if (BAD_SIGNATURE.has(code)) {
    return "the secret key does not match the access key; check the source profile's keys";
  }
  if (code === "ParameterNotFound" && site.operation === "GetParameter") {
    return `create it with \`sentinel policy push ssm:${site.subject} <file>\` or fix sentinel_policy`;
  }
  if (code === "ResourceNotFoundException" && site.service === "dynamodb") {
    return `create the table with \`sentinel store init\`, or check sentinel_store and the region`;
  }
  if (code === "RegionDisabledException") {
    return `activate STS in ${site.region} (IAM account settings) or use another region`;
  }
  if (status >= 500) return "the service failed; try again later";
  const denied = ACCESS_DENIED.has(code);
  switch (site.operation) {
    case "AssumeRole":
      return "check that the role's trust policy admits the base identity and allows " +
        "sts:SetSourceIdentity";
    case "GetParameter":
      return denied
        ? "grant ssm:GetParameter on the parameter (and kms:Decrypt for a SecureString)"
        : "check the region, the endpoint and ssm:GetParameter permission";
    case "PutParameter":
      return denied
        ? "grant ssm:PutParameter on the parameter (and kms:Encrypt for a SecureString)"
        : "check the region, the endpoint and ssm:PutParameter permission";
    case "GetCallerIdentity":
      return "check the base credentials";
    case "GetRole":
    case "GetRolePolicy":
    case "PutRolePolicy":
      return iamNextStep(site.operation, code, denied);
    default:
      return `check the permissions for ${site.service}:${site.operation}`;
  }
}

function iamNextStep(operation: string, code: string, denied: boolean): string {
  if (operation === "GetRole") {
    return NO_SUCH_ENTITY.has(code)
      ? "check the role's name, and that the credentials (--aws-profile) are of the role's account"
      : denied
      ? "grant iam:GetRole on the role to the identity of --aws-profile (or use a profile that has it)"
      : "check the permissions for iam:GetRole";
  }
  // GetRolePolicy and PutRolePolicy: what the revoker does.
  return NO_SUCH_ENTITY.has(code)
    ? "check the role's name, and that the credentials are of the role's account"
    : denied
    ? `grant iam:${operation} on the role (\`sentinel enforce revocation-policy --print-iam\` prints what the revoker needs)`
    : `check the permissions for iam:${operation}`;
}

/** Removes the call's credentials and anything shaped like an AWS key id from a message. */
export function redact(text: string, credentials: AwsCredentials): string {
  let out = text;
  for (
    const secret of [credentials.secretAccessKey, credentials.sessionToken, credentials.accessKeyId]
  ) {
    if (secret && secret.length >= 8) out = out.split(secret).join("<redacted>");
  }
  return out.replace(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, "<redacted>");
}

function firstLine(value: unknown): string {
  const line = String(value).split("\n")[0].trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function seconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}

/**
 * The broker's API (DESIGN §15), version 1, as both sides read it: the paths, the answers, and
 * how a refusal travels — the CLI's error catalogue code, its exit code and its "what to do next"
 * text, so a client prints it unchanged. How the broker reads a call's body is calls.ts (it loads
 * the policy schema's modes, which a client's cold path does not need).
 *
 * @example
 * ```ts
 * import { refusalBody, refusalFrom, refusalStatus } from "./api.ts";
 * import { SentinelError } from "../errors.ts";
 *
 * const error = new SentinelError("denied", "denied: prod for bob");
 * console.assert(refusalStatus(error) === 403);
 * const back = refusalFrom(403, JSON.stringify(refusalBody(error)), "https://broker.example");
 * console.assert(back.code === "denied" && back.exitCode === 4);
 * ```
 * @module
 */
import { type ErrorCode, ERRORS, ExitCode, SentinelError } from "../errors.ts";

/** The API version every path starts with. */
export const API_VERSION = "v1";

/** The paths of the API. */
export const BROKER_PATHS = {
  health: "/v1/health",
  credentials: "/v1/credentials",
  whoami: "/v1/whoami",
  createRequest: "/v1/requests/create",
  listRequests: "/v1/requests/list",
  showRequest: "/v1/requests/show",
  decideRequest: "/v1/requests/decide",
  sweepRequests: "/v1/requests/sweep",
  invokeBreakglass: "/v1/breakglass/invoke",
  listEvents: "/v1/breakglass/list",
  showEvent: "/v1/breakglass/show",
  actOnEvent: "/v1/breakglass/act",
} as const;

/**
 * The largest request body the broker reads, bytes: a reason or justification of the most
 * characters allowed (2,000), each escaped by JSON at its longest, with room for the rest.
 */
export const MAX_BODY_BYTES = 16 * 1024;

/** A refusal as it travels: the catalogue's shape of a JSON error. */
export interface RefusalBody {
  exit_code: number;
  code: string;
  message: string;
  details: readonly string[];
}

/** The HTTP status of a refusal, from its catalogue code. */
export function refusalStatus(error: SentinelError): number {
  const special: Partial<Record<ErrorCode, number>> = {
    caller_unproven: 401,
    proof_replayed: 401,
    broker_rate_limited: 429,
    broker_busy: 503,
    call_too_large: 413,
    not_found: 404,
    unknown_profile: 404,
  };
  const byExit: Partial<Record<number, number>> = {
    [ExitCode.Usage]: 400,
    [ExitCode.InvalidConfig]: 500,
    [ExitCode.Denied]: 403,
    [ExitCode.ApprovalRequired]: 403,
    [ExitCode.AwsFailure]: 502,
    [ExitCode.PluginFailure]: 502,
    [ExitCode.Conflict]: 409,
  };
  return special[error.code] ?? byExit[error.exitCode] ?? 500;
}

/** The body of a refusal. */
export function refusalBody(error: SentinelError): RefusalBody {
  return {
    exit_code: error.exitCode,
    code: error.code,
    message: error.message,
    details: error.details,
  };
}

/**
 * A refusal read back by a client: the broker's error as the CLI's own. A body that is not a
 * refusal of the catalogue is the broker failing, named by `where`.
 */
export function refusalFrom(status: number, body: string, where: string): SentinelError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch { /* not JSON: below */ }
  const refusal = parsed as Partial<RefusalBody> | undefined;
  if (
    typeof refusal === "object" && refusal !== null && typeof refusal.code === "string" &&
    Object.hasOwn(ERRORS, refusal.code) && typeof refusal.message === "string"
  ) {
    const details = Array.isArray(refusal.details)
      ? refusal.details.filter((line): line is string => typeof line === "string").slice(0, 50)
      : [];
    return new SentinelError(refusal.code as ErrorCode, refusal.message, { details });
  }
  return new SentinelError(
    "broker_unreachable",
    `the broker ${where} answered HTTP ${status} without a Sentinel refusal; check that the URL is a Sentinel broker (sentinel doctor)`,
  );
}

/** The answer to `GET /v1/health`. */
export interface HealthAnswer {
  ok: boolean;
  broker_id: string;
  version: string;
  /** The region proofs must be signed for (the broker's STS). */
  proof_region: string;
  /** The `Host` proofs must be signed for (the broker's pinned STS endpoint). */
  proof_host: string;
  /** The broker's clock, epoch ms (for the client's skew check). */
  time: number;
}

/** The answer to `POST /v1/credentials`: the credential_process shape, and who decided. */
export interface CredentialsAnswer {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  /** ISO 8601. */
  Expiration: string;
  sentinel: {
    broker_id: string;
    decision_id: string;
    user: string;
    source_identity: string;
    session_duration_seconds: number;
  };
}

/** The answer to `POST /v1/whoami`. */
export interface WhoamiAnswer {
  broker_id: string;
  arn: string;
  user_id: string;
  account: string;
}

/**
 * Who heard of what a call did, as the broker tells its caller: the notifiers' names. Why one
 * failed is the operator's (it may name an endpoint): it is in the broker's log.
 */
export interface ReportAnswer {
  delivered: string[];
  failed: { name: string; required: boolean }[];
}

/**
 * The store a record lives in, as a caller learns it: its kind (`dynamodb`, `sqlite`) — its name
 * is the broker's operator's. The caller reaches it only through the broker.
 */
export interface StoreAnswer {
  store: string;
}

/** The answer to `POST /v1/requests/create`; records are as the store holds them. */
export type CreatedAnswer =
  & StoreAnswer
  & (
    | { kind: "created"; request: unknown; approvers: string[]; report: ReportAnswer }
    | { kind: "not_needed"; rule: string | null }
    | { kind: "already_approved"; request: unknown; window_ends_at: number }
  );

/** The answer to a call on one request or event (show, decide, close, review). */
export interface RecordAnswer extends StoreAnswer {
  record: unknown;
  /** Who acted, as the policy names them (absent for show). */
  actor?: string;
  report?: ReportAnswer;
  /** A close under `revoke_on_end`: the sessions issued before `before` (epoch ms) revoked. */
  revoked?: { before: number; role_arns: string[] };
}

/** A page of records, newest first. */
export interface PageAnswer extends StoreAnswer {
  items: unknown[];
  next?: string;
  /** Records the store holds but cannot read (ids and why). */
  damaged?: { id: string; why: string }[];
}

/** The answer to `POST /v1/requests/sweep`. */
export interface SweepAnswer extends StoreAnswer {
  expired: number;
}

/** The answer to `POST /v1/breakglass/invoke`. */
export interface InvokedAnswer extends StoreAnswer {
  record: unknown;
  report: ReportAnswer;
  escalated: boolean;
  resumed: boolean;
}

/**
 * The broker's API (DESIGN §15), version 1, as both sides read it: the paths, the body of each
 * call (read strictly: an unknown field, a wrong type or a profile name outside its alphabet is a
 * refusal, never a guess), the answers, and how a refusal travels — the CLI's error catalogue
 * code, its exit code and its "what to do next" text, so a client prints it unchanged.
 *
 * @example
 * ```ts
 * import { parseCredentialsCall } from "./api.ts";
 *
 * const call = parseCredentialsCall('{"profile":"prod","duration_seconds":3600}');
 * console.assert(call.ok && call.value.profile === "prod");
 * console.assert(!parseCredentialsCall('{"profile":"prod","role_arn":"x"}').ok);
 * ```
 * @module
 */
import { type ErrorCode, ERRORS, ExitCode, SentinelError } from "../errors.ts";
import { isStsDuration } from "../limits.ts";
import { CREDENTIAL_MODES, type CredentialMode } from "../policy/schema.ts";

/** The API version every path starts with. */
export const API_VERSION = "v1";

/** The paths of the API. */
export const BROKER_PATHS = {
  health: "/v1/health",
  credentials: "/v1/credentials",
  whoami: "/v1/whoami",
} as const;

/** The largest request body the broker reads, bytes. */
export const MAX_BODY_BYTES = 8 * 1024;

/** What `POST /v1/credentials` asks for. */
export interface CredentialsCall {
  /** The profile, as the broker's own configuration names it. */
  profile: string;
  /** The session length asked for (900-43200 s); the policy's caps still apply. */
  durationSeconds?: number;
  /** How the client will use the credentials (the policy's `mode` condition). */
  mode: CredentialMode;
}

/** A profile name as AWS config files allow it (no spaces, no brackets), bounded. */
const PROFILE = /^[A-Za-z0-9_.+=,@:\/-]{1,128}$/;

/** The body of a credentials call, or why it is refused. */
export function parseCredentialsCall(
  body: string,
): { ok: true; value: CredentialsCall } | { ok: false; why: string } {
  const object = jsonObject(body);
  if (!object.ok) return object;
  const { profile, duration_seconds: duration, mode, ...rest } = object.value;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    return { ok: false, why: `unknown field(s) in the call: ${unknown.slice(0, 5).join(", ")}` };
  }
  if (typeof profile !== "string" || !PROFILE.test(profile)) {
    return { ok: false, why: "profile must be a profile name (letters, digits, _.+=,@:/-)" };
  }
  if (duration !== undefined && (typeof duration !== "number" || !isStsDuration(duration))) {
    return { ok: false, why: "duration_seconds must be a whole number from 900 to 43200" };
  }
  if (mode !== undefined && !(CREDENTIAL_MODES as readonly unknown[]).includes(mode)) {
    return { ok: false, why: `mode must be one of ${CREDENTIAL_MODES.join(", ")}` };
  }
  return {
    ok: true,
    value: {
      profile,
      mode: (mode ?? "credential_process") as CredentialMode,
      ...(duration === undefined ? {} : { durationSeconds: duration as number }),
    },
  };
}

/** The body of a call that takes no arguments (`whoami`): empty, or an empty JSON object. */
export function parseEmptyCall(body: string): { ok: true } | { ok: false; why: string } {
  if (body.trim() === "") return { ok: true };
  const object = jsonObject(body);
  if (!object.ok) return object;
  const keys = Object.keys(object.value);
  return keys.length === 0
    ? { ok: true }
    : { ok: false, why: `unknown field(s) in the call: ${keys.slice(0, 5).join(", ")}` };
}

function jsonObject(
  body: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, why: "the body is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, why: "the body is not a JSON object" };
  }
  const repeated = repeatedKey(body);
  if (repeated !== undefined) {
    // JSON.parse keeps the last; another reader (a proxy, an audit tool) may keep the first.
    return { ok: false, why: `the field ${JSON.stringify(repeated.slice(0, 40))} appears twice` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The first key some object of `json` (valid JSON) holds twice, at any depth. */
export function repeatedKey(json: string): string | undefined {
  const open: (Set<string> | undefined)[] = []; // one per open object (a Set) or array
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === "{") open.push(new Set());
    else if (c === "[") open.push(undefined);
    else if (c === "}" || c === "]") open.pop();
    else if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      let next = end + 1;
      while (" \t\r\n".includes(json[next] ?? "x")) next++;
      const keys = open.at(-1);
      if (keys !== undefined && json[next] === ":") {
        const key: string = JSON.parse(json.slice(i, end + 1));
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end;
    }
  }
  return undefined;
}

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

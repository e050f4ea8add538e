/**
 * The error catalogue (DESIGN §13): every failure Sentinel reports has a stable code from
 * {@link ERRORS}, and the code fixes the process exit code — so scripts and tests match on codes,
 * not prose, and a kind of failure always ends the same way (a lost race is a conflict, exit 12,
 * never the "internal error" of a bug).
 *
 * Every failure the CLI can report is a {@link SentinelError}; `main.ts` is the only place that
 * turns one into an exit status.
 *
 * @example
 * ```ts
 * import { SentinelError } from "./errors.ts";
 *
 * const error = new SentinelError("invalid_config", "policy.yaml:3:5: unknown key 'efect'");
 * console.assert(error.exitCode === 3 && error.code === "invalid_config");
 * const lost = new SentinelError("conflict", "request 0a1b… is already approved by bob");
 * console.assert(lost.exitCode === 12);
 * ```
 * @module
 */

/** Process exit codes, the one mapping used by every command. */
export const ExitCode = {
  Ok: 0,
  Internal: 1,
  Usage: 2,
  InvalidConfig: 3,
  Denied: 4,
  ApprovalRequired: 5,
  AwsFailure: 6,
  PluginFailure: 7,
  PolicyTestsFailed: 8,
  AuditLogBroken: 9,
  PolicyDiffers: 10,
  ChecksFailed: 11,
  Conflict: 12,
  Interrupted: 130,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable machine-readable names for exit codes (each is also the catalogue's generic code). */
export const exitCodeName = {
  0: "ok",
  1: "internal_error",
  2: "usage",
  3: "invalid_config",
  4: "denied",
  5: "approval_required",
  6: "aws_failure",
  7: "plugin_failure",
  8: "policy_tests_failed",
  9: "audit_log_broken",
  10: "policy_differs",
  11: "checks_failed",
  12: "conflict",
  130: "interrupted",
} as const satisfies Record<ExitCode, string>;

/** What each exit code means, for `--help` and the docs (one table, generated from here). */
export const exitCodeMeaning: Record<ExitCode, string> = {
  0: "ok (check: allow)",
  1: "internal error (a bug: please report it), or a file or program Sentinel needs failed (the message says which); for policy diff --prove: the new policy opens access",
  2: "usage error",
  3: "invalid configuration or policy",
  4: "denied by policy",
  5: "approval required, denied, cancelled, expired or timed out",
  6: "AWS or credential-source failure",
  7: "plugin failure",
  8: "policy tests failed",
  9: "decision log tampered with (audit verify)",
  10:
    "the policy differs (policy diff), or it opens access and --accept-widening was not given (policy push)",
  11: "a setup check failed (doctor; each ✗ says how to fix it)",
  12:
    "conflict: another caller changed the same record or file first (or it has ended); read it again",
  130: "interrupted",
};

/**
 * The error catalogue: each code, the exit code it ends with. The generic code of each exit
 * code (`usage`, `denied`, …) is in it too, for failures that need no name of their own.
 */
export const ERRORS = {
  // One generic code per exit code.
  internal_error: ExitCode.Internal,
  usage: ExitCode.Usage,
  invalid_config: ExitCode.InvalidConfig,
  denied: ExitCode.Denied,
  approval_required: ExitCode.ApprovalRequired,
  aws_failure: ExitCode.AwsFailure,
  plugin_failure: ExitCode.PluginFailure,
  policy_tests_failed: ExitCode.PolicyTestsFailed,
  audit_log_broken: ExitCode.AuditLogBroken,
  policy_differs: ExitCode.PolicyDiffers,
  checks_failed: ExitCode.ChecksFailed,
  conflict: ExitCode.Conflict,
  interrupted: ExitCode.Interrupted,
  // Usage: what was typed cannot be done as typed.
  no_caller_profile: ExitCode.Usage,
  not_found: ExitCode.Usage,
  unknown_profile: ExitCode.Usage,
  window_too_short: ExitCode.Usage,
  call_too_large: ExitCode.Usage,
  // Invalid configuration, policy or stored state.
  no_policy: ExitCode.InvalidConfig,
  front_profile: ExitCode.InvalidConfig,
  rule_window_too_short: ExitCode.InvalidConfig,
  cache_symlink: ExitCode.InvalidConfig,
  store_missing: ExitCode.InvalidConfig,
  store_damaged: ExitCode.InvalidConfig,
  insecure_broker: ExitCode.InvalidConfig,
  revocation_too_large: ExitCode.InvalidConfig,
  proof_too_large: ExitCode.InvalidConfig,
  revocation_unreadable: ExitCode.InvalidConfig,
  revocation_other_account: ExitCode.InvalidConfig,
  // Denied: the policy, or a limit it sets, says no.
  not_an_approver: ExitCode.Denied,
  not_requester: ExitCode.Denied,
  not_a_reviewer: ExitCode.Denied,
  not_allowed_to_close: ExitCode.Denied,
  no_approval_rule: ExitCode.Denied,
  breakglass_not_allowed: ExitCode.Denied,
  breakglass_reason_not_allowed: ExitCode.Denied,
  breakglass_role_denied: ExitCode.Denied,
  breakglass_rate_limited: ExitCode.Denied,
  breakglass_review_pending: ExitCode.Denied,
  breakglass_already_open: ExitCode.Denied,
  breakglass_announcing: ExitCode.Denied,
  clock_skew: ExitCode.Denied,
  proof_replayed: ExitCode.Denied,
  broker_rate_limited: ExitCode.Denied,
  // A policy push that opens access, not accepted.
  widening_not_accepted: ExitCode.PolicyDiffers,
  // AWS or the credential source (in broker mode: the broker) failed or did not prove the caller.
  caller_unproven: ExitCode.AwsFailure,
  broker_unreachable: ExitCode.AwsFailure,
  broker_busy: ExitCode.AwsFailure,
  // Approval required, refused or not decided in time.
  approval_timed_out: ExitCode.ApprovalRequired,
  // Plugins.
  announce_failed: ExitCode.PluginFailure,
  // Conflicts: someone else changed the record or file first; reading again shows how.
  already_approved_by_you: ExitCode.Conflict,
  request_unannounced: ExitCode.Conflict,
  config_changed: ExitCode.Conflict,
  store_busy: ExitCode.Conflict,
  // The machine failed Sentinel (exit 1, like a bug: the message says what to do).
  already_exists: ExitCode.Internal,
  decision_log_unwritable: ExitCode.Internal,
  write_failed: ExitCode.Internal,
  read_only_file: ExitCode.Internal,
  browser_failed: ExitCode.Internal,
} as const satisfies Record<string, ExitCode>;

/** A code of the catalogue. */
export type ErrorCode = keyof typeof ERRORS;

/** The generic code of an exit code (`usage` for 2, …). */
export function genericCode(exitCode: Exclude<ExitCode, 0>): ErrorCode {
  return exitCodeName[exitCode];
}

/** The exit codes as help text lines: `  0  ok …`. */
export function exitCodeHelp(codes: readonly ExitCode[] = allExitCodes()): string {
  return codes.map((code) => `  ${String(code).padStart(3)}  ${exitCodeMeaning[code]}`).join("\n");
}

/** Every exit code, in order. */
export function allExitCodes(): ExitCode[] {
  return (Object.values(ExitCode) as ExitCode[]).sort((a, b) => a - b);
}

/**
 * How an error with a likely setup cause (a credential source, the region, a missing policy, an
 * unwritable log) ends: with the command that checks the whole setup.
 */
export const DOCTOR_HINT = "run `sentinel doctor`";

/** An error meant for a person: what failed, why, and what to do next. */
export class SentinelError extends Error {
  /** The catalogue code: a stable name for this kind of failure. */
  readonly code: ErrorCode;
  /** The exit code the process should end with (the catalogue's, for `code`). */
  readonly exitCode: ExitCode;
  /** Optional extra lines (for example every validation error), printed after the message. */
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: readonly string[]; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = "SentinelError";
    this.code = code;
    this.exitCode = ERRORS[code];
    this.details = options?.details ?? [];
  }
}

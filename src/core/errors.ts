/**
 * Errors that carry the process exit code they should end with (DESIGN §13) and a stable code
 * that scripts and tests can match on instead of prose.
 *
 * Every failure the CLI can report is a {@link SentinelError}; `main.ts` is the only place that
 * turns one into an exit status.
 *
 * @example
 * ```ts
 * import { ExitCode, SentinelError } from "./errors.ts";
 *
 * const error = new SentinelError(ExitCode.InvalidConfig, "policy.yaml:3:5: unknown key 'efect'");
 * console.assert(error.exitCode === 3 && error.code === "invalid_config");
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
  Interrupted: 130,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable machine-readable names for exit codes, used in `--output json` errors. */
export const exitCodeName: Record<ExitCode, string> = {
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
  130: "interrupted",
};

/** What each exit code means, for `--help` and the README (one table, generated from here). */
export const exitCodeMeaning: Record<ExitCode, string> = {
  0: "ok (check: allow)",
  1: "internal error, or a conflict (another caller changed the same request first)",
  2: "usage error",
  3: "invalid configuration or policy",
  4: "denied by policy",
  5: "approval required, denied, cancelled, expired or timed out",
  6: "AWS or credential-source failure",
  7: "plugin failure",
  8: "policy tests failed",
  9: "decision log tampered with (audit verify)",
  10: "policy differs from SSM (policy diff)",
  11: "a setup check failed (doctor; each ✗ says how to fix it)",
  130: "interrupted",
};

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
  /** The exit code the process should end with. */
  readonly exitCode: ExitCode;
  /** A stable name for this kind of failure (default: the exit code's name). */
  readonly code: string;
  /** Optional extra lines (for example every validation error), printed after the message. */
  readonly details: readonly string[];

  constructor(
    exitCode: ExitCode,
    message: string,
    options?: { details?: readonly string[]; cause?: unknown; code?: string },
  ) {
    super(message, { cause: options?.cause });
    this.name = "SentinelError";
    this.exitCode = exitCode;
    this.code = options?.code ?? exitCodeName[exitCode];
    this.details = options?.details ?? [];
  }
}

/**
 * Errors that carry the process exit code they should end with (DESIGN §13).
 *
 * Every failure the CLI can report is a {@link SentinelError}; `main.ts` is the only place that
 * turns one into an exit status.
 *
 * @example
 * ```ts
 * throw new SentinelError(ExitCode.InvalidPolicy, "policy.yaml:3:5 unknown key 'efect'");
 * ```
 * @module
 */

/** Process exit codes, the one mapping used by every command. */
export const ExitCode = {
  Ok: 0,
  Internal: 1,
  Usage: 2,
  InvalidPolicy: 3,
  Denied: 4,
  ApprovalRequired: 5,
  AwsFailure: 6,
  PluginFailure: 7,
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
  130: "interrupted",
};

/** An error meant for a person: what failed, why, and what to do next. */
export class SentinelError extends Error {
  /** The exit code the process should end with. */
  readonly exitCode: ExitCode;
  /** Optional extra lines (for example every validation error), printed after the message. */
  readonly details: readonly string[];

  constructor(
    exitCode: ExitCode,
    message: string,
    options?: { details?: readonly string[]; cause?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = "SentinelError";
    this.exitCode = exitCode;
    this.details = options?.details ?? [];
  }
}

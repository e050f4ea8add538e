/**
 * How a command that failed ends: a {@link SentinelError} on stderr with its exit code, anything
 * else as an internal error (exit 1) that asks to be reported. Shared by the CLI runner and the
 * plain `credentials <profile>` path, which runs without the command tree.
 *
 * @module
 */
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { CliIo, OutputFormat } from "./context.ts";
import { errorText } from "./render.ts";

/** Writes the failure to stderr in `format` and returns the exit code. */
export function renderFailure(error: unknown, format: OutputFormat, io: CliIo): number {
  if (error instanceof SentinelError) {
    io.stderr(errorText(error, format));
    return error.exitCode;
  }
  const message = `internal error: ${error instanceof Error ? error.message : String(error)}` +
    "; this is a bug, please report it with the command you ran";
  io.stderr(
    errorText(
      { exitCode: ExitCode.Internal, code: "internal_error", message, details: [] },
      format,
    ),
  );
  return ExitCode.Internal;
}

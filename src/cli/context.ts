/**
 * What a command needs from the outside world, passed in so that every command runs in tests
 * without exiting the process, touching the real terminal or reading the real clock.
 *
 * @module
 */

/** Output format chosen with `--output`. */
export type OutputFormat = "text" | "json";

/** The process's edges, as commands see them. */
export interface CliIo {
  /** Writes to standard output (the text is written as given). */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Reads a text file, or standard input for `-`; errors are Deno's (`Deno.errors.NotFound`, …). */
  readTextFile(path: string): Promise<string>;
  /** Writes a text file the user named (mode 0644 unless it exists). */
  writeTextFile(path: string, text: string): Promise<void>;
  /** The current time, epoch milliseconds. */
  now(): number;
  /** A snapshot of the environment. */
  env(): Record<string, string>;
  /** Sets an environment variable for child processes of this one. */
  setEnv(key: string, value: string): void;
  /** A fresh random request id: 16 hex digits (64 bits). */
  newRequestId(): string;
}

/** Per-invocation state a command reports back to the runner. */
export class CommandOutcome {
  exitCode = 0;
}

/** Everything a command is built with. */
export interface CommandContext {
  io: CliIo;
  outcome: CommandOutcome;
}

/** Writes a JSON value as one line. */
export function writeJson(write: (text: string) => void, value: unknown): void {
  write(JSON.stringify(value) + "\n");
}

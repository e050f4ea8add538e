/**
 * What a command is built with: the terminal (standard output and error), the process's
 * dependencies, and the chosen output format — passed in, so every command runs in tests without
 * exiting the process or touching the real terminal.
 *
 * @module
 */
import { displaySafeJson } from "../core/text/display.ts";
import type { Deps } from "../ports/deps.ts";
import type { Style } from "./style.ts";

/** Output format chosen with `--output`. */
export type OutputFormat = "text" | "json";

/** The terminal, as commands see it. */
export interface CliIo {
  /** Writes to standard output (the text is written as given). */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Whether standard error is a terminal (progress lines and colour are for terminals only). */
  stderrIsTerminal(): boolean;
  /** Whether standard output is a terminal (colour is for terminals only). */
  stdoutIsTerminal(): boolean;
  /** Whether standard input is a terminal (interactive questions are asked only then). */
  stdinIsTerminal(): boolean;
  /** Reads one line of standard input (without its newline); `undefined` at its end. */
  readLine(): Promise<string | undefined>;
  /**
   * Calls `handler` on Ctrl-C (SIGINT) or SIGTERM instead of letting the signal end the process,
   * until the returned function is called: for commands whose normal end is an interrupt
   * (`log --follow`). Without it the signal ends the process (exit 130).
   */
  onInterrupt?(handler: () => void): () => void;
}

/** Everything a command is built with. */
export interface CommandContext {
  io: CliIo;
  deps: Deps;
  /** The `--output` format of this invocation. */
  output(): OutputFormat;
  /** Writes human text to stdout, made safe for a terminal (names cannot carry escapes). */
  say(text: string): void;
  /** Writes human text to stderr, made safe for a terminal. */
  sayErr(text: string): void;
  /** Colours for standard output: real on a terminal (NO_COLOR and FORCE_COLOR honoured), else none. */
  style: Style;
  /**
   * Wraps a command's action: the action returns its exit code (nothing means 0), which the
   * runner returns.
   */
  // deno-lint-ignore no-explicit-any
  action<A extends any[]>(
    fn: (...args: A) => Promise<number | void> | number | void,
  ): (...args: A) => Promise<void>;
}

/** Writes a JSON value as one line (see {@link displaySafeJson}). */
export function writeJson(write: (text: string) => void, value: unknown): void {
  write(displaySafeJson(value));
}

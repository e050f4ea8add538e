/**
 * What a command is built with: the terminal (standard output and error), the process's
 * dependencies, and the chosen output format — passed in, so every command runs in tests without
 * exiting the process or touching the real terminal.
 *
 * @module
 */
import { displaySafeJson } from "../core/text/display.ts";
import type { Deps } from "../ports/deps.ts";
import { safeText } from "./render.ts";
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

/**
 * What a command answers: one value, written by one renderer ({@link writeAnswer}) as one JSON
 * line with `--output json`, or as text for a person.
 */
export interface Answer {
  /** What `--output json` writes (one line). */
  json: unknown;
  /** What text output writes, made safe for a terminal unless `asIs`. */
  text: () => string;
  /**
   * The text is safe already and must be written as it is: it carries colour from
   * {@link CommandContext.style}, or it is a secret or document that must not be altered.
   */
  asIs?: true;
  /** With text output only: a line for the person on stderr (made safe), written first. */
  notice?: string;
  /** The exit code (default 0). */
  exitCode?: number;
  /** The command fails with this error after the answer is written (its exit code wins). */
  error?: Error;
}

/** What a command's action may return: an answer, an exit code, or nothing (0). */
export type ActionResult = Answer | number | void;

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
   * Wraps a command's action: the action returns its {@link Answer} (written in the chosen
   * format), or its exit code (nothing means 0); the runner returns the exit code.
   */
  // deno-lint-ignore no-explicit-any
  action<A extends any[]>(
    fn: (...args: A) => Promise<ActionResult> | ActionResult,
  ): (...args: A) => Promise<void>;
}

/** Writes `answer` in `format` to standard output and returns its exit code. */
export function writeAnswer(
  io: Pick<CliIo, "stdout" | "stderr">,
  format: OutputFormat,
  answer: Answer,
): number {
  if (format === "json") writeJson(io.stdout, answer.json);
  else {
    if (answer.notice !== undefined) io.stderr(safeText(answer.notice));
    const text = answer.text();
    io.stdout(answer.asIs ? text : safeText(text));
  }
  if (answer.error !== undefined) throw answer.error;
  return answer.exitCode ?? 0;
}

/** Writes a JSON value as one line (see {@link displaySafeJson}). */
export function writeJson(write: (text: string) => void, value: unknown): void {
  write(displaySafeJson(value));
}

/**
 * The terminal for in-process CLI tests (the CliIo of src/cli/context.ts): what a command writes
 * on stdout and stderr, kept as strings; which streams are terminals; standard input as lines.
 *
 * @module
 */
import type { CliIo } from "../../src/cli/context.ts";

/** How the terminal looks to the command. */
export interface TerminalOptions {
  stdoutIsTerminal?: boolean;
  stderrIsTerminal?: boolean;
  stdinIsTerminal?: boolean;
  /** Standard input, one entry per line. */
  input?: string[];
}

/** A CliIo that keeps what was written. */
export interface CapturedIo extends CliIo {
  readonly out: string;
  readonly err: string;
}

export function capturedIo(options: TerminalOptions = {}): CapturedIo {
  let out = "";
  let err = "";
  const input = [...(options.input ?? [])];
  return {
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    stdoutIsTerminal: () => options.stdoutIsTerminal ?? false,
    stderrIsTerminal: () => options.stderrIsTerminal ?? false,
    stdinIsTerminal: () => options.stdinIsTerminal ?? false,
    readLine: () => Promise.resolve(input.shift()),
  };
}

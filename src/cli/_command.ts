/**
 * What a command declares besides its flags: what its help says after the options — prose, the
 * exit codes it can return, examples. The exit codes are a list of catalogue exit codes (each
 * with what it means for this command, or the catalogue's meaning), rendered into `--help` and
 * into the command table of docs/operations.md (scripts/readme_tables.ts) from the same list, so
 * the two cannot drift and no command writes "Exit codes:" by hand.
 *
 * @example
 * ```ts
 * import { Command } from "@commander-js/extra-typings";
 * import { ExitCode } from "../core/errors.ts";
 * import { declare, exitCodesOf } from "./_command.ts";
 *
 * const command = declare(new Command("hello"), {
 *   exits: [[ExitCode.Ok, "greeted"], ExitCode.Usage],
 *   examples: ["sentinel hello"],
 * });
 * console.assert(exitCodesOf(command) === "0 greeted, 2 usage error");
 * ```
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { ExitCode, exitCodeMeaning } from "../core/errors.ts";

/**
 * The child process's own exit code (`exec`), or one of the shell's for a command that cannot
 * start (126, 127).
 */
export type ChildExit = "child" | 126 | 127;

/** One exit code a command can return: the catalogue's meaning, or `[code, what it means here]`. */
export type ExitEntry = ExitCode | readonly [ExitCode | ChildExit, string];

/** What an issuance can end with (`credentials`, `exec`; `export` and `login` say more). */
export const ISSUANCE_EXITS: readonly ExitEntry[] = [
  [ExitCode.Ok, "issued"],
  [ExitCode.InvalidConfig, "invalid config or policy"],
  [ExitCode.Denied, "denied"],
  [ExitCode.ApprovalRequired, "approval required"],
  ExitCode.AwsFailure,
  [ExitCode.PluginFailure, "a required log sink failed"],
];

/** What a command's help says after its options. */
export interface Declaration {
  /** Prose first: what the command does in more words than its description. */
  about?: string;
  /** Every exit code the command can return, in the order help lists them. */
  exits: readonly ExitEntry[];
  /**
   * Example command lines (without the `$ `), in order; a line that starts with a space continues
   * the one before it.
   */
  examples: readonly string[];
}

/** Meanings shorter than the catalogue's, for exit codes listed without one of their own. */
const SHORT: Partial<Record<ExitCode, string>> = {
  0: "ok",
  1: "internal error",
  9: "the chain is broken",
  10: "the policy differs",
  11: "a check failed",
  12: "conflict (someone else changed it first)",
};

const DECLARED = new WeakMap<object, Declaration>();

/** Declares `command`'s help after the options: prose, exit codes, examples. */
// deno-lint-ignore no-explicit-any
export function declare<C extends Command<any, any, any>>(command: C, declared: Declaration): C {
  DECLARED.set(command, declared);
  command.addHelpText("after", helpAfter(declared));
  return command;
}

/** What `command` declared, if it did. */
// deno-lint-ignore no-explicit-any
export function declarationOf(command: Command<any, any, any>): Declaration | undefined {
  return DECLARED.get(command);
}

/** One exit entry as text: `4 denied by policy`, `the command's own (…)`. */
export function exitText(entry: ExitEntry): string {
  if (typeof entry === "number") return `${entry} ${SHORT[entry] ?? exitCodeMeaning[entry]}`;
  const [code, meaning] = entry;
  return code === "child" ? meaning : `${code} ${meaning}`;
}

/** A command's exit codes in one line (`0 issued, 3 invalid …`), or undefined when undeclared. */
// deno-lint-ignore no-explicit-any
export function exitCodesOf(command: Command<any, any, any>): string | undefined {
  return DECLARED.get(command)?.exits.map(exitText).join(", ");
}

/** The help text after the options: prose, `Exit codes:` wrapped at 100 columns, examples. */
export function helpAfter(declared: Declaration): string {
  const parts = [
    ...(declared.about === undefined ? [] : [declared.about.replace(/^\n+|\n+$/g, "")]),
    wrapList("Exit codes: ", declared.exits.map(exitText), 100, " ".repeat(12)) + ".",
    `Examples:\n${
      declared.examples.map((line) => line.startsWith(" ") ? `  ${line}` : `  $ ${line}`).join("\n")
    }`,
  ];
  return `\n${parts.join("\n\n")}`;
}

/**
 * `items` after `prefix`, separated by commas, wrapped at `width` columns between items where an
 * item fits on a line (else between its words), continuation lines indented by `indent`.
 */
export function wrapList(
  prefix: string,
  items: readonly string[],
  width: number,
  indent: string,
): string {
  const lines: string[] = [];
  let line = prefix.trimEnd();
  items.forEach((item, i) => {
    const text = i < items.length - 1 ? `${item},` : item;
    if (line.trim() === "" || line.length + 1 + text.length <= width) {
      line = line.trim() === "" ? indent + text : `${line} ${text}`;
    } else if (indent.length + text.length <= width) {
      lines.push(line);
      line = indent + text;
    } else {
      const wrapped = wrap(text, width - indent.length, "").split("\n").map((l) => indent + l);
      lines.push(line, ...wrapped.slice(0, -1));
      line = wrapped.at(-1)!;
    }
  });
  return [...lines, line].join("\n");
}

/** `text` wrapped at `width` columns on spaces, continuation lines indented by `indent`. */
export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line].join("\n");
}

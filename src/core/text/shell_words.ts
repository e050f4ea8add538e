/**
 * Splits a command line into words as a POSIX shell does without expansions — Python's
 * `shlex.split`, which the AWS CLI uses for profile headers (`[profile "prod"]`) and
 * `credential_process` lines: whitespace separates words; single quotes keep everything; double
 * quotes keep everything but `\"`, `\\`, `\$` and `` \` ``; a backslash outside quotes escapes the
 * next character. Pure.
 *
 * @example
 * ```ts
 * import { shellWords } from "./shell_words.ts";
 *
 * console.assert(shellWords(`profile "my prod"`)?.join("|") === "profile|my prod");
 * console.assert(shellWords(`profile "open`) === undefined);
 * ```
 * @module
 */

const SPACE = /\s/;
const ESCAPED_IN_DOUBLE = new Set(['"', "\\", "$", "`", "\n"]);

/** The words of `text`, or `undefined` when a quote is left open or it ends in a backslash. */
export function shellWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < text.length && ESCAPED_IN_DOUBLE.has(text[i + 1])) {
        word += text[++i];
      } else word += c;
    } else if (c === "\\") {
      if (i + 1 === text.length) return undefined;
      word += text[++i];
      inWord = true;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (SPACE.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) return undefined;
  if (inWord) words.push(word);
  return words;
}

/**
 * Text from people (a request reason, a break-glass justification, a comment) as one line of a
 * notification: every control character, line or paragraph separator, format character (bidi
 * overrides, zero-width) and lone surrogate is written as a visible escape (`\n`, `\x1b`,
 * `\u2028`), so such text can never start a line of its own in a summary or a list of fields
 * that approvers read — a forged "approved by" line, say. The same set as Sentinel's displaySafe,
 * kept here because plugins see only the plugin API and each other.
 *
 * @example
 * ```ts
 * import { oneLine } from "./one_line.ts";
 *
 * console.assert(oneLine("deploy\n*approved by*: bob") === "deploy\\n*approved by*: bob");
 * ```
 * @module
 */

const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** `text` with every character that could break or disguise a line replaced by its escape. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const named = NAMED[character];
    if (named !== undefined) return named;
    const code = character.codePointAt(0)!;
    const hex = code.toString(16);
    if (code < 0x80) return `\\x${hex.padStart(2, "0")}`;
    return code <= 0xffff ? `\\u${hex.padStart(4, "0")}` : `\\u{${hex}}`;
  });
}

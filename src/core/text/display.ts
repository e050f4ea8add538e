/**
 * Text that is safe to show on a terminal. Names and reasons come from policies, AWS profiles,
 * STS identities and command lines, and any of them can carry characters a terminal acts on
 * instead of showing: ANSI escape sequences (recolour, move the cursor, rewrite the title or the
 * clipboard), carriage returns and backspaces that overwrite what was printed, newlines that forge
 * extra output lines, and bidi overrides or invisible characters that make `alice` display like
 * someone else. {@link displaySafe} replaces each such character by a visible escape (`\x1b`,
 * `\u202e`), so what the reader sees is what the text is.
 *
 * Human-readable output uses {@link displaySafe}; JSON output uses {@link displaySafeJson}, which
 * writes the same characters as `\uXXXX` escapes — the exact value for a parser, nothing a
 * terminal acts on for a person reading it.
 * Backslashes are left as they are, so `DOMAIN\user` reads naturally; an escape in the output is
 * therefore either a replaced character or a literal backslash sequence in the name, never a
 * character the terminal interprets.
 *
 * @module
 */

/**
 * Characters that are escaped:
 * - `Cc`: C0 controls (U+0000–U+001F, ESC and newline included), DEL, C1 controls (U+0080–U+009F);
 * - `Cf`: format characters, among them the bidi marks, embeddings, overrides and isolates
 *   (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), zero-width characters (U+200B–U+200D,
 *   U+2060, U+FEFF) and the soft hyphen;
 * - `Zl`, `Zp`: the line and paragraph separators U+2028, U+2029;
 * - `Cs`: lone surrogates, which no terminal can show.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** The visible escape of one character: `\t`, `\n`, `\r`, `\xNN`, `\uNNNN` or `\u{NNNNN}`. */
function escapeCharacter(character: string): string {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const code = character.codePointAt(0)!;
  const hex = code.toString(16);
  if (code < 0x80) return `\\x${hex.padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, "0")}`;
  return `\\u{${hex}}`;
}

/**
 * Returns `text` with every control, format (bidi, zero-width), line-separator and lone-surrogate
 * character replaced by a visible escape. Printable text, letters of any script and emoji without
 * joiners are unchanged.
 *
 * @example
 * ```ts
 * displaySafe("alice\x1b[2J");   // "alice\\x1b[2J"
 * displaySafe("user\u202Egnp.exe"); // "user\\u202egnp.exe"
 * ```
 */
export function displaySafe(text: string): string {
  return text.replace(UNSAFE, escapeCharacter);
}

/**
 * A value as one line of JSON (newline included) in which every character {@link displaySafe}
 * would escape is written as a `\uXXXX` escape: `JSON.parse` gives back exactly the value.
 *
 * @example
 * ```ts
 * import { displaySafeJson } from "./display.ts";
 *
 * console.assert(displaySafeJson({ user: "eve\u202e" }) === '{"user":"eve\\u202e"}\n');
 * ```
 */
export function displaySafeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (c) =>
    Array.from(
      { length: c.length },
      (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`,
    ).join("")) + "\n";
}

/**
 * Strict UTF-8 decoding for configuration and policy files.
 *
 * A lenient decoder turns every invalid byte into U+FFFD: a Latin-1 `pröd` in a deny rule becomes
 * `pr\uFFFDd`, which matches no profile, and the deny silently stops applying. Here invalid input
 * is an error that says where the first bad byte is (line and column, counted in characters as an
 * editor shows them, and the byte offset), so the author can fix the file's encoding.
 *
 * Validity is exactly the WHATWG decoder's (`TextDecoder` with `fatal: true`): overlong forms,
 * surrogates, code points above U+10FFFF, stray continuation bytes and truncated sequences are
 * errors. A leading byte order mark is dropped, as every decoder does.
 *
 * @module
 */

/** Where the first invalid byte is. */
export interface Utf8Problem {
  /** 1-based line of the bad byte. */
  line: number;
  /** 1-based column: characters before it on its line, plus one. */
  column: number;
  /** 0-based offset of the bad byte in the input. */
  byteOffset: number;
  /** The bad byte's value. */
  byte: number;
}

/** The outcome of {@link decodeUtf8Strict}. */
export type Utf8Result =
  | { ok: true; text: string }
  | { ok: false; problem: Utf8Problem };

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
const REPLACEMENT = 0xfffd;

/** UTF-8 length of a code point. */
const utf8Length = (code: number) => code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;

/** Decodes UTF-8, or reports the first invalid byte with its line and column. */
export function decodeUtf8Strict(bytes: Uint8Array): Utf8Result {
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    return { ok: false, problem: locateInvalidByte(bytes) };
  }
}

/**
 * Finds the first invalid byte. The lenient decode agrees with the bytes up to it: every code
 * point before it re-encodes to exactly the bytes it came from, so summing their lengths gives its
 * offset. A U+FFFD there is either an encoded U+FFFD in the input (EF BF BD, valid) or the bad byte.
 */
function locateInvalidByte(bytes: Uint8Array): Utf8Problem {
  const text = lenient.decode(bytes);
  let offset = 0;
  let line = 1;
  let column = 1;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    const genuine = code !== REPLACEMENT ||
      (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd);
    if (!genuine) break;
    const byteOrderMark = offset === 0 && code === 0xfeff;
    offset += utf8Length(code);
    if (byteOrderMark) continue;
    if (code === 0x0a) {
      line += 1;
      column = 1;
    } else {
      column += 1;
    }
  }
  return { line, column, byteOffset: offset, byte: bytes[offset] };
}

/** `line 3, column 7 (byte 0xf6 at offset 42)`, for messages. */
export function describeUtf8Problem(problem: Utf8Problem): string {
  return `line ${problem.line}, column ${problem.column} (byte 0x${
    problem.byte.toString(16).padStart(2, "0")
  } at offset ${problem.byteOffset})`;
}

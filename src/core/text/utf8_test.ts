import { assertEquals } from "../../../test/assert.ts";
import { decodeUtf8Strict, describeUtf8Problem } from "./utf8.ts";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    parts.flatMap((part) => typeof part === "string" ? [...new TextEncoder().encode(part)] : part),
  );

Deno.test("valid UTF-8 decodes unchanged; a leading BOM is dropped", () => {
  const cases: [Uint8Array, string][] = [
    [bytes(""), ""],
    [bytes('version: "1"\n'), 'version: "1"\n'],
    [bytes("profiles: [pröd, ユーザー, 🚀]"), "profiles: [pröd, ユーザー, 🚀]"],
    [bytes([0xef, 0xbb, 0xbf], "a: 1"), "a: 1"],
    [bytes("real \ufffd replacement"), "real \ufffd replacement"],
  ];
  for (const [input, text] of cases) assertEquals(decodeUtf8Strict(input), { ok: true, text });
});

Deno.test("attack: invalid UTF-8 is rejected with the first bad byte's line and column", () => {
  const cases: [string, Uint8Array, [number, number, number, number]][] = [
    // [what, input, [line, column, byteOffset, byte]]
    ["Latin-1 ö", bytes("rules:\n  - profiles: [pr", [0xf6], "d]\n"), [2, 18, 24, 0xf6]],
    ["first byte", bytes([0xff], "abc"), [1, 1, 0, 0xff]],
    ["stray continuation", bytes("ab", [0x80]), [1, 3, 2, 0x80]],
    ["truncated at end", bytes("x: ", [0xe2, 0x82]), [1, 4, 3, 0xe2]],
    ["overlong slash", bytes("a", [0xc0, 0xaf]), [1, 2, 1, 0xc0]],
    ["UTF-16 surrogate", bytes("a\nb", [0xed, 0xa0, 0x80]), [2, 2, 3, 0xed]],
    ["above U+10FFFF", bytes([0xf4, 0x90, 0x80, 0x80]), [1, 1, 0, 0xf4]],
    ["after multi-byte characters", bytes("ü🚀\n\nöx", [0xe9]), [3, 3, 11, 0xe9]],
    ["after a byte order mark", bytes([0xef, 0xbb, 0xbf], "ab", [0xff]), [1, 3, 5, 0xff]],
    ["after a genuine U+FFFD", bytes("\ufffd", [0xa9]), [1, 2, 3, 0xa9]],
  ];
  for (const [what, input, [line, column, byteOffset, byte]] of cases) {
    assertEquals(decodeUtf8Strict(input), {
      ok: false,
      problem: { line, column, byteOffset, byte },
    }, what);
  }
});

Deno.test("describeUtf8Problem names line, column, byte and offset", () => {
  assertEquals(
    describeUtf8Problem({ line: 2, column: 18, byteOffset: 24, byte: 0xf6 }),
    "line 2, column 18 (byte 0xf6 at offset 24)",
  );
  assertEquals(
    describeUtf8Problem({ line: 1, column: 1, byteOffset: 0, byte: 0x0 }),
    "line 1, column 1 (byte 0x00 at offset 0)",
  );
});

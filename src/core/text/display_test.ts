import { assertEquals, assertTrue } from "../../../test/assert.ts";
import { displaySafe, displaySafeJson } from "./display.ts";

Deno.test("displaySafe escapes what a terminal would act on", () => {
  const cases: [string, string, string][] = [
    ["ANSI colour", "alice\x1b[31mred\x1b[0m", "alice\\x1b[31mred\\x1b[0m"],
    ["clear screen", "\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"],
    ["OSC title / clipboard", "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"],
    ["NUL", "a\x00b", "a\\x00b"],
    ["backspace overwrite", "bob\x08\x08\x08eve", "bob\\x08\\x08\\x08eve"],
    ["carriage return", "ALLOW\rDENY", "ALLOW\\rDENY"],
    ["forged line", "alice\n  rule:   admin", "alice\\n  rule:   admin"],
    ["tab", "a\tb", "a\\tb"],
    ["DEL", "a\x7fb", "a\\x7fb"],
    ["C1 CSI", "a\u009b31mb", "a\\u009b31mb"],
    ["C1 NEL", "a\u0085b", "a\\u0085b"],
    ["RLO", "user\u202egnp.exe", "user\\u202egnp.exe"],
    ["LRE, RLE, PDF, LRO", "\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"],
    ["isolates", "\u2066a\u2067b\u2068c\u2069", "\\u2066a\\u2067b\\u2068c\\u2069"],
    ["LRM, RLM, ALM", "\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"],
    [
      "zero-width",
      "al\u200bi\u200cc\u200de\u2060\ufeff",
      "al\\u200bi\\u200cc\\u200de\\u2060\\ufeff",
    ],
    ["line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
    ["soft hyphen", "ad\u00admin", "ad\\u00admin"],
    ["lone surrogate", "a\ud800b", "a\\ud800b"],
    ["tag characters", "a\u{e0041}b", "a\\u{e0041}b"],
  ];
  for (const [what, input, expected] of cases) {
    const shown = displaySafe(input);
    assertEquals(shown, expected, what);
    // deno-lint-ignore no-control-regex -- the point: no raw control character is left
    assertTrue(!/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(shown), what);
  }
});

Deno.test("displaySafe leaves printable text of any script unchanged", () => {
  for (
    const text of [
      "",
      "alice@example.com",
      "arn:aws:iam::123456789012:role/SentinelProd*",
      "DOMAIN\\user",
      "pröd-münchen",
      "ユーザー",
      "עברית ועربي", // right-to-left letters are text; only the controls are escaped
      "emoji 🚀",
      "quotes \"'` and symbols <>&|;$",
      "no-break\u00a0space",
    ]
  ) {
    assertEquals(displaySafe(text), text, text);
  }
});

Deno.test("JSON output escapes what a terminal acts on, and parses back to the same value", () => {
  const value = {
    user: "mallory\u009b2J\u202eevil\u2066\u200b",
    plain: "alice é 😀",
    c0: "\u001b[0m",
    tag: "\u{e0001}x",
  };
  const line = displaySafeJson(value);
  assertEquals(line.endsWith("\n"), true);
  assertEquals(displaySafe(line.trimEnd()), line.trimEnd()); // nothing left to escape
  assertEquals(JSON.parse(line), value);
});

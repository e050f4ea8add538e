import { assertEquals } from "../../../test/assert.ts";
import { compileNameMatcher, globCovers, globMatches, globsMayOverlap } from "./glob.ts";

Deno.test("glob matching edge cases", () => {
  const cases: [string, string, boolean][] = [
    ["*", "", true],
    ["*", "anything at all", true],
    ["?", "", false],
    ["?", "x", true],
    ["?", "é", true], // one code point
    ["??", "😀", false], // an emoji is one character, not two
    ["a*", "a", true],
    ["*a", "ba", true],
    ["*a", "ab", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "acb", false],
    ["prod", "prod", true],
    ["prod", "Prod", false],
    ["prod", "prod ", false],
    ["a.b", "aXb", false],
    ["a+b", "a+b", true],
    ["[x]", "[x]", true],
    ["(a|b)", "a", false],
    ["^$", "^$", true],
    ["a\\b", "a\\b", true],
    ["*@example.com", "alice@example.com", true],
    ["*@example.com", "alice@example.com.evil", false],
    [
      "arn:aws:iam::*:role/*",
      "arn:aws:iam::123456789012:role/path/Admin",
      true,
    ],
    ["line*", "line1\nline2", true],
  ];
  for (const [pattern, name, expected] of cases) {
    assertEquals(
      globMatches(pattern, name),
      expected,
      `${pattern} ~ ${JSON.stringify(name)}`,
    );
    assertEquals(
      compileNameMatcher([pattern])(name),
      expected,
      `compiled ${pattern}`,
    );
  }
});

Deno.test("name matchers combine literals and patterns", () => {
  const matches = compileNameMatcher(["prod", "staging-*", "dev"]);
  assertEquals(["prod", "dev", "staging-eu", "staging", "qa"].map(matches), [
    true,
    true,
    true,
    false,
    false,
  ]);
  assertEquals(compileNameMatcher([])("x"), false);
});

Deno.test("coverage and overlap are exact for literals and conservative for patterns", () => {
  assertEquals(globCovers("*", "a*"), true);
  assertEquals(globCovers("prod*", "prod-eu"), true);
  assertEquals(globCovers("prod*", "prod-*"), true);
  assertEquals(globCovers("prod-*", "prod*"), false);
  assertEquals(globCovers("*b", "a*"), false);
  assertEquals(globCovers("a?", "ab"), true);
  assertEquals(globCovers("a?", "a?"), true);
  assertEquals(globCovers("a?c", "a*c"), false);
  assertEquals(globsMayOverlap("prod", "prod*"), true);
  assertEquals(globsMayOverlap("dev", "prod*"), false);
  assertEquals(globsMayOverlap("a*", "*b"), true);
});

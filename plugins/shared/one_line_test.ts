import { assertEquals } from "../../test/assert.ts";
import { oneLine } from "./one_line.ts";

Deno.test("oneLine leaves ordinary text alone and escapes every way of starting a new line", () => {
  assertEquals(
    oneLine("deploy hotfix 1.2.3 — élan 🚀 DOMAIN\\user"),
    "deploy hotfix 1.2.3 — élan 🚀 DOMAIN\\user",
  );
  const cases: [string, string][] = [
    ["a\nb", "a\\nb"],
    ["a\r\nb", "a\\r\\nb"],
    ["a\u0085b", "a\\u0085b"],
    ["a\u2028b\u2029c", "a\\u2028b\\u2029c"],
    ["a\x0bb\x0cc", "a\\x0bb\\x0cc"],
    ["a\x1b[2Jb", "a\\x1b[2Jb"],
    ["user\u202egnp", "user\\u202egnp"],
  ];
  for (const [text, line] of cases) assertEquals(oneLine(text), line, JSON.stringify(text));
});

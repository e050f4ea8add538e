import { assertEquals } from "../../../test/assert.ts";
import { lineDiff, unifiedHunks } from "./line_diff.ts";

Deno.test("line diff marks removed, added and kept lines", () => {
  assertEquals(lineDiff("a\nb\nc\n", "a\nc\nd\n"), [" a", "-b", " c", "+d"]);
  assertEquals(lineDiff("", "x\n"), ["+x"]);
  assertEquals(lineDiff("same\n", "same"), [" same"]);
});

Deno.test("unified hunks show each change with three lines of context under @@ headers, as diff -u", () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
  const after = before.replace("line 2\n", "line two\n").replace("line 18\n", "");
  assertEquals(unifiedHunks(lineDiff(before, after)), [
    "@@ -1,5 +1,5 @@",
    " line 1",
    "-line 2",
    "+line two",
    " line 3",
    " line 4",
    " line 5",
    "@@ -15,6 +15,5 @@",
    " line 15",
    " line 16",
    " line 17",
    "-line 18",
    " line 19",
    " line 20",
  ]);
  assertEquals(unifiedHunks(lineDiff("a\n", "a\n")), []);
  assertEquals(unifiedHunks(lineDiff("", "x\n")), ["@@ -0,0 +1,1 @@", "+x"]);
});

import { assertEquals } from "../../test/assert.ts";
import { lineDiff } from "./line_diff.ts";

Deno.test("line diff marks removed, added and kept lines", () => {
  assertEquals(lineDiff("a\nb\nc\n", "a\nc\nd\n"), [" a", "-b", " c", "+d"]);
  assertEquals(lineDiff("", "x\n"), ["+x"]);
  assertEquals(lineDiff("same\n", "same"), [" same"]);
});

/** The function-length rule: what it measures, what it leaves alone, and how it counts. */
import { assertEquals } from "../../test/assert.ts";
import plugin, { lineSpan, MAX_FUNCTION_LINES, measured } from "./function_length.ts";

const body = (lines: number) =>
  Array.from({ length: lines - 2 }, (_, i) => `  const a${i} = ${i};`);
const fn = (name: string, lines: number) =>
  [`function ${name}() {`, ...body(lines), "}"].join("\n");

Deno.test("a function of 61 lines in src/ is reported, one of 60 is not", () => {
  const source = `${fn("long", MAX_FUNCTION_LINES + 1)}\n${fn("fits", MAX_FUNCTION_LINES)}\n`;
  const found = Deno.lint.runPlugin(plugin, "/repo/src/app/x.ts", source);
  assertEquals(found.map((d) => d.message), ["long is 61 lines long (at most 60)"]);
});

Deno.test("arrow functions and methods are named after what holds them", () => {
  const arrow = `const run = () => {\n${body(MAX_FUNCTION_LINES + 1).join("\n")}\n};\n`;
  const method = `class C {\n  go() {\n${body(MAX_FUNCTION_LINES + 1).join("\n")}\n  }\n}\n`;
  const found = Deno.lint.runPlugin(plugin, "/repo/src/cli/x.ts", arrow + method);
  assertEquals(found.map((d) => d.message.split(" ")[0]), ["run", "go"]);
});

Deno.test("tests, files outside src/, generated files and folders not yet measured are left alone", () => {
  assertEquals(measured("/repo/src/app/x_test.ts", ""), false);
  assertEquals(measured("/repo/test/x.ts", ""), false);
  assertEquals(measured("/repo/scripts/x.ts", ""), false);
  assertEquals(measured("/repo/src/core/table.ts", "/** The zone table. @generated */"), false);
  assertEquals(measured("/repo/src/core/x.ts", "/** Plain. */"), true);
  const long = fn("long", MAX_FUNCTION_LINES + 5);
  assertEquals(Deno.lint.runPlugin(plugin, "/repo/test/x_test.ts", long).length, 0);
});

Deno.test("lineSpan counts both the first and the last line", () => {
  assertEquals(lineSpan("a\nb\nc", 0, 5), 3);
  assertEquals(lineSpan("abc", 0, 3), 1);
});

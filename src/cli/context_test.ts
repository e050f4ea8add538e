import { assertEquals } from "../../test/assert.ts";
import { jsonLine } from "./context.ts";

Deno.test("JSON lines escape C1 controls and bidi overrides, and parse back to the same value", () => {
  const value = { user: "mallory\u009b2J\u202eevil\u2066", plain: "alice é 😀", c0: "\u001b[0m" };
  const line = jsonLine(value);
  // A raw control, C1 or bidi character anywhere in the line (the escapes are plain ASCII).
  // deno-lint-ignore no-control-regex
  const raw = /[\u0000-\u001f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/.test(line.trimEnd());
  assertEquals(raw, false);
  assertEquals(line.endsWith("\n"), true);
  assertEquals(JSON.parse(line), value);
});

import { assertEquals } from "../../../test/assert.ts";
import { shellWords } from "./shell_words.ts";

Deno.test("shell words split as shlex.split does", () => {
  const cases: [string, string[] | undefined][] = [
    ["profile prod", ["profile", "prod"]],
    ["profile\tprod", ["profile", "prod"]],
    [' profile  "prod" ', ["profile", "prod"]],
    ["profile 'my prod'", ["profile", "my prod"]],
    ['profile "a\\"b"', ["profile", 'a"b']],
    ['profile "a\\nb"', ["profile", "a\\nb"]],
    ["profile a\\ b", ["profile", "a b"]],
    ["profile ''", ["profile", ""]],
    ["sentinel credentials prod # gated", ["sentinel", "credentials", "prod", "#", "gated"]],
    ['profile "open', undefined],
    ["profile 'open", undefined],
    ["profile trailing\\", undefined],
    ["", []],
  ];
  for (const [text, words] of cases) assertEquals(shellWords(text), words, text);
});

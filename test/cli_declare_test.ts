/**
 * Commands declare: every command's help renders its declared exit codes (none are written by
 * hand), a flag that overrides a setting takes its spelling and help from the settings table, and
 * the shared flag helpers live in cli/_flags.ts only.
 */
import type { Command } from "@commander-js/extra-typings";
import { assertEquals, assertMatch, assertTrue as assert } from "./assert.ts";
import { declarationOf, exitText, helpAfter, wrap, wrapList } from "../src/cli/_command.ts";
import { commandTree } from "../src/cli/program.ts";
import { SETTINGS } from "../src/core/settings.ts";
import { allExitCodes } from "../src/core/errors.ts";

// deno-lint-ignore no-explicit-any
type AnyCommand = Command<any, any, any>;

function everyCommand(root: AnyCommand): { path: string; command: AnyCommand }[] {
  const found: { path: string; command: AnyCommand }[] = [];
  const walk = (command: AnyCommand, path: string) => {
    for (const sub of command.commands as AnyCommand[]) {
      found.push({ path: `${path} ${sub.name()}`, command: sub });
      walk(sub, `${path} ${sub.name()}`);
    }
  };
  walk(root, "sentinel");
  return found;
}

Deno.test("every command declares its exit codes, from the catalogue (exec: its child's too)", () => {
  const known = new Set<unknown>([...allExitCodes(), "child", 126, 127]);
  const commands = everyCommand(commandTree());
  assert(commands.length > 40, commands.map((c) => c.path).join(", "));
  for (const { path, command } of commands) {
    const declared = declarationOf(command);
    assert(declared !== undefined, `${path} declares no exit codes`);
    assert(declared.exits.length > 0, path);
    assert(declared.examples.length > 0, path);
    for (const entry of declared.exits) {
      assert(known.has(typeof entry === "number" ? entry : entry[0]), `${path}: ${entry}`);
    }
  }
});

Deno.test("help renders the declared exit codes, wrapped, and the examples", () => {
  const help = helpAfter({
    about: "\nWhat it does.",
    exits: [[0, "done"], 3, [4, "no"]],
    examples: ["sentinel x", "  --more", "sentinel y"],
  });
  assertEquals(
    help,
    "\nWhat it does.\n\nExit codes: 0 done, 3 invalid configuration or policy, 4 no.\n\n" +
      "Examples:\n  $ sentinel x\n    --more\n  $ sentinel y",
  );
  assertEquals(exitText(1), "1 internal error");
  assertEquals(wrap("aa bb cc", 5, "  "), "aa bb\n  cc");
  // Between items where an item fits on a line, else between its words.
  assertEquals(wrapList("L: ", ["a1", "b2 b2", "c3"], 10, "   "), "L: a1,\n   b2 b2,\n   c3");
  assertEquals(wrapList("L: ", ["a1 a1 a1 a1"], 8, "  "), "L:\n  a1 a1\n  a1 a1");
});

Deno.test("a flag that overrides a setting has the setting's help in every command that has it", () => {
  const byFlag = new Map(
    Object.values(SETTINGS).filter((s) => "flag" in s && s.flag).map((s) => [
      (s as { flag: string }).flag,
      s.help,
    ]),
  );
  assertEquals([...byFlag.keys()].sort(), [
    "--log-file",
    "--policy",
    "--region",
    "--server",
    "--store",
  ]);
  let seen = 0;
  for (const { path, command } of everyCommand(commandTree())) {
    // init's --policy and --region say what to write into the new profile, not an override.
    if (path === "sentinel init") continue;
    for (const option of command.options) {
      // exec's --server is the credential endpoint it serves its child, not the broker.
      if (path === "sentinel exec" && option.long === "--server") continue;
      const help = option.long === undefined ? undefined : byFlag.get(option.long);
      if (help === undefined || option.hidden) continue;
      assertEquals(option.description, help, `${path} ${option.long}`);
      seen++;
    }
  }
  assert(seen > 20, `only ${seen} setting flags seen`);
});

Deno.test("flag helpers live in cli/_flags.ts: no other command file exports a parser of a flag", async () => {
  const dir = new URL("../src/cli/", import.meta.url);
  const files: string[] = [];
  const walk = async (url: URL, prefix: string) => {
    for await (const entry of Deno.readDir(url)) {
      if (entry.isDirectory) await walk(new URL(`${entry.name}/`, url), `${prefix}${entry.name}/`);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        files.push(`${prefix}${entry.name}`);
      }
    }
  };
  await walk(dir, "");
  for (const file of files.filter((f) => f !== "_flags.ts" && f !== "_command.ts")) {
    const text = await Deno.readTextFile(new URL(file, dir));
    const helpers = [...text.matchAll(/export function (\w*(Flag|Option|flag|option)\w*)\(/g)]
      .map((m) => m[1]);
    assertEquals(helpers, [], `${file} exports flag helpers`);
    assertEquals(
      /Exit codes:/.test(text) && file !== "program.ts",
      false,
      `${file}: Exit codes by hand`,
    );
  }
  assertMatch(await Deno.readTextFile(new URL("_flags.ts", dir)), /export function limitOf/);
});

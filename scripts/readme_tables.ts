/**
 * The documentation's generated tables — settings, exit codes and commands — rendered from the
 * one place each is declared (src/core/settings.ts, src/core/errors.ts, the command tree of
 * src/cli/program.ts with each command's declared exit codes), and kept in the one document each
 * belongs to ({@link TABLE_FILES}): the settings in docs/configuration.md, the exit codes and the
 * commands in docs/operations.md. `--write` rewrites each between its `<!-- name:begin -->` /
 * `<!-- name:end -->` markers; a test keeps the documents in step.
 *
 *   deno run --allow-read --allow-write scripts/readme_tables.ts --write
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { allExitCodes, exitCodeMeaning, exitCodeName } from "../src/core/errors.ts";
import { settingsTable } from "../src/core/settings.ts";
import { declarationOf, exitText } from "../src/cli/_command.ts";
import { commandTree } from "../src/cli/program.ts";

/** The exit codes as a Markdown table. */
export function exitCodeTable(): string {
  return [
    "| code | name | meaning |",
    "| --- | --- | --- |",
    ...allExitCodes().map((code) =>
      `| ${code} | \`${exitCodeName[code]}\` | ${exitCodeMeaning[code]} |`
    ),
  ].join("\n");
}

/** A Markdown table cell: pipes escaped, on one line. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/\s*\n\s*/g, " ");
}

/** `sentinel breakglass close <id>`: a command's path and arguments. */
// deno-lint-ignore no-explicit-any
function synopsis(command: Command<any, any, any>): string {
  const path: string[] = [];
  // deno-lint-ignore no-explicit-any
  for (let c: Command<any, any, any> | null = command; c !== null; c = c.parent) {
    path.unshift(c.name());
  }
  const args = command.registeredArguments.map((arg) => {
    const name = `${arg.name()}${arg.variadic ? "..." : ""}`;
    return arg.required ? `<${name}>` : `[${name}]`;
  });
  return [...path, ...args].join(" ");
}

/**
 * The commands as a Markdown table, generated from the command tree: each command that runs
 * something (not a group without an action of its own, not the hidden spellings of Sentinel v1),
 * what it does, and the exit codes it declares.
 */
export function commandTable(): string {
  const rows: string[] = [];
  // deno-lint-ignore no-explicit-any
  const walk = (command: Command<any, any, any>) => {
    for (const sub of command.commands) {
      // deno-lint-ignore no-explicit-any
      const runs = (sub as any)._actionHandler !== null;
      // deno-lint-ignore no-explicit-any
      const hidden = (sub as any)._hidden === true;
      const declared = declarationOf(sub);
      if (runs && !hidden) {
        rows.push(
          `| \`${cell(synopsis(sub))}\` | ${cell(sub.description())} | ${
            cell(declared?.exits.map(exitText).join(", ") ?? "")
          } |`,
        );
      }
      if (!hidden) walk(sub);
    }
  };
  walk(commandTree());
  return ["| command | what it does | exit codes |", "| --- | --- | --- |", ...rows].join("\n");
}

/** Every generated table, by marker name. */
export function generatedTables(): Record<string, string> {
  return { settings: settingsTable(), "exit-codes": exitCodeTable(), commands: commandTable() };
}

/** The document (relative to the repository root) that holds each generated table. */
export const TABLE_FILES: Readonly<Record<string, string>> = {
  settings: "docs/configuration.md",
  "exit-codes": "docs/operations.md",
  commands: "docs/operations.md",
};

/** The names of the tables that `file` (root-relative) holds. */
export function tablesOf(file: string): string[] {
  return Object.entries(TABLE_FILES).filter(([, f]) => f === file).map(([name]) => name);
}

/** `text` of `file` with each of its marked blocks replaced by its generated table. */
export function withTables(text: string, file: string): string {
  const tables = generatedTables();
  let out = text;
  for (const name of tablesOf(file)) {
    const pattern = blockPattern(name);
    if (!pattern.test(out)) throw new Error(`${file} has no <!-- ${name}:begin --> block`);
    out = out.replace(pattern, `$1\n${tables[name]}\n$2`);
  }
  return out;
}

function blockPattern(name: string): RegExp {
  return new RegExp(`(<!-- ${name}:begin -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
}

/** A Markdown table with cell padding and dash runs normalised (as `deno fmt` pads them). */
export function normaliseTable(text: string): string {
  return text.trim().split("\n").map((line) =>
    line.split("|").map((cell) => cell.trim().replace(/^-+$/, "---")).join("|")
  ).join("\n");
}

/** The block `name` as it stands in `text`. */
export function blockIn(text: string, name: string): string | undefined {
  const match = blockPattern(name).exec(text);
  return match === null ? undefined : match[0].slice(match[1].length, -match[2].length);
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const write = Deno.args.includes("--write");
  for (const file of new Set(Object.values(TABLE_FILES))) {
    const path = new URL(file, root);
    const text = await Deno.readTextFile(path);
    if (write) await Deno.writeTextFile(path, withTables(text, file));
  }
  if (!write) console.log(Object.values(generatedTables()).join("\n\n"));
}

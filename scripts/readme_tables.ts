/**
 * The documentation's generated tables — settings and exit codes — rendered from the one place
 * each is declared (src/core/settings.ts, src/core/errors.ts), and kept in the one document each
 * belongs to ({@link TABLE_FILES}): the settings in docs/configuration.md, the exit codes in
 * docs/operations.md. `--write` rewrites each between its `<!-- name:begin -->` /
 * `<!-- name:end -->` markers; a test keeps the documents in step.
 *
 *   deno run --allow-read --allow-write scripts/readme_tables.ts --write
 *
 * @module
 */
import { allExitCodes, exitCodeMeaning, exitCodeName } from "../src/core/errors.ts";
import { settingsTable } from "../src/core/settings.ts";

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

/** Every generated table, by marker name. */
export function generatedTables(): Record<string, string> {
  return { settings: settingsTable(), "exit-codes": exitCodeTable() };
}

/** The document (relative to the repository root) that holds each generated table. */
export const TABLE_FILES: Readonly<Record<string, string>> = {
  settings: "docs/configuration.md",
  "exit-codes": "docs/operations.md",
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

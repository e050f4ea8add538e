/**
 * The README's generated tables — settings and exit codes — rendered from the one place each is
 * declared (src/core/settings.ts, src/core/errors.ts). `--write` rewrites them in README.md between
 * their `<!-- name:begin -->` / `<!-- name:end -->` markers; a test keeps the README in step.
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

/** `text` with each marked block replaced by its generated table. */
export function withTables(text: string): string {
  let out = text;
  for (const [name, table] of Object.entries(generatedTables())) {
    const pattern = blockPattern(name);
    if (!pattern.test(out)) throw new Error(`README.md has no <!-- ${name}:begin --> block`);
    out = out.replace(pattern, `$1\n${table}\n$2`);
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
  const path = new URL("../README.md", import.meta.url);
  const text = await Deno.readTextFile(path);
  if (Deno.args.includes("--write")) await Deno.writeTextFile(path, withTables(text));
  else console.log(Object.values(generatedTables()).join("\n\n"));
}

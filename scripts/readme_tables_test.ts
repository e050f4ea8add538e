/**
 * The generated tables say what src/core/settings.ts and src/core/errors.ts declare, each in the
 * one document it belongs to — the settings in docs/configuration.md, the exit codes in
 * docs/operations.md — and nowhere else (regenerate with
 * `deno run -A scripts/readme_tables.ts --write`).
 */
import { assertEquals } from "../test/assert.ts";
import { blockIn, generatedTables, normaliseTable, TABLE_FILES } from "./readme_tables.ts";

const ROOT = new URL("../", import.meta.url);

Deno.test("the documents' generated tables are current", async () => {
  for (const [name, table] of Object.entries(generatedTables())) {
    const file = TABLE_FILES[name];
    assertEquals(typeof file, "string", `${name} has no document`);
    const block = blockIn(await Deno.readTextFile(new URL(file, ROOT)), name);
    assertEquals(
      block === undefined ? undefined : normaliseTable(block),
      normaliseTable(table),
      `${name} in ${file}`,
    );
  }
});

Deno.test("each generated table stands in exactly one document", async () => {
  const documents: string[] = [];
  for (const dir of ["", "docs/"]) {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      if (entry.isFile && entry.name.endsWith(".md")) documents.push(`${dir}${entry.name}`);
    }
  }
  for (const name of Object.keys(generatedTables())) {
    const holders: string[] = [];
    for (const file of documents) {
      const text = await Deno.readTextFile(new URL(file, ROOT));
      if (text.includes(`<!-- ${name}:begin -->`)) holders.push(file);
    }
    assertEquals(holders, [TABLE_FILES[name]], name);
  }
});

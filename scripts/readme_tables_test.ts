/**
 * The README's settings and exit-code tables say what src/core/settings.ts and src/core/errors.ts
 * declare (regenerate with `deno run -A scripts/readme_tables.ts --write`).
 */
import { assertEquals } from "../test/assert.ts";
import { blockIn, generatedTables, normaliseTable } from "./readme_tables.ts";

Deno.test("the README's generated tables are current", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  for (const [name, table] of Object.entries(generatedTables())) {
    const block = blockIn(readme, name);
    assertEquals(
      block === undefined ? undefined : normaliseTable(block),
      normaliseTable(table),
      name,
    );
  }
});

/**
 * The layer check finds each kind of wrong import, and the product tree has none.
 */
import { assertEquals } from "../test/assert.ts";
import { checkFile, checkLayers, importsOf } from "./check_layers.ts";

Deno.test("imports in every form are found, including computed specifiers named by typeof", () => {
  const source = `import { a } from "./a.ts";
import type { B } from "../b.ts";
export { c } from "./c.ts";
const m = await import("./d.ts");
const spec = "./e.ts";
const e = await import(spec) as typeof import("./e.ts");`;
  assertEquals(importsOf(source).sort(), ["../b.ts", "./a.ts", "./c.ts", "./d.ts", "./e.ts"]);
});

Deno.test("each layer rule rejects what it should and admits what it may", () => {
  const cases: [string, string, boolean][] = [
    ["src/core/x.ts", 'import { f } from "../adapters/files.ts";', false],
    ["src/core/x.ts", 'import { z } from "zod";', true],
    ["src/core/x.ts", 'import { parse } from "ini";', false],
    ["src/core/x.ts", 'import { DatabaseSync } from "node:sqlite";', false],
    ["src/ports/x.ts", 'import type { A } from "../app/a.ts";', false],
    ["src/ports/x.ts", 'import type { I } from "../core/identity.ts";', true],
    ["src/app/x.ts", 'import { FileCache } from "../adapters/credential_cache.ts";', false],
    ["src/app/x.ts", 'import type { Deps } from "../ports/deps.ts";', true],
    [
      "src/app/x.ts",
      'const h = await import(s) as typeof import("../adapters/plugin_host/configured_calls.ts");',
      false,
    ],
    ["src/cli/x.ts", 'import { createDeps } from "../adapters/deps.ts";', false],
    ["src/cli/x.ts", 'import { Command } from "@commander-js/extra-typings";', true],
    ["src/adapters/x.ts", 'import { runCli } from "../cli/program.ts";', false],
    ["src/adapters/x.ts", 'import { parse } from "ini";', true],
    // The plugin host takes what it needs as ports from the composition root, and only the
    // composition root imports it.
    ["src/adapters/plugin_host/x.ts", 'import { sha256Hex } from "../files.ts";', false],
    [
      "src/adapters/plugin_host/x.ts",
      'const m = await import(s) as typeof import("../credential_sources.ts");',
      false,
    ],
    ["src/adapters/plugin_host/x.ts", 'import { callPlugin } from "./supervisor.ts";', true],
    ["src/adapters/plugin_host/x.ts", 'import type { Deps } from "../../ports/deps.ts";', true],
    ["src/adapters/plugin_host/x.ts", 'import { sha256Hex } from "../../core/text/hash.ts";', true],
    [
      "src/adapters/sentinel_config.ts",
      'import { s } from "./plugin_host/plugin_config.ts";',
      false,
    ],
    ["src/adapters/stores/x.ts", 'import type { R } from "../plugin_host/runner.ts";', false],
    [
      "src/adapters/deps.ts",
      'lazy<typeof import("./plugin_host/configured_calls.ts")>("./plugin_host/configured_calls.ts");',
      true,
    ],
    ["plugins/webhook/plugin.ts", 'import { x } from "../../src/core/text/hash.ts";', false],
    ["plugins/webhook/plugin.ts", 'import type { NotifierPlugin } from "../api/v1.ts";', true],
  ];
  for (const [file, source, allowed] of cases) {
    assertEquals(checkFile(file, source).length === 0, allowed, `${file}: ${source}`);
  }
});

Deno.test("the product tree crosses no layer the wrong way", async () => {
  assertEquals(await checkLayers(), []);
});

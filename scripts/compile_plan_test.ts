/**
 * The compile plan on small fixture projects (real `deno info`): computed imports followed to a
 * fixed point, and every way a module loaded at run time could be left out reported.
 */
import { assertEquals, assertIncludes, assertTrue } from "../test/assert.ts";
import { compileArgs, compilePlan, missingIncludes, scanSource } from "./compile_plan.ts";

async function fixture(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "compile-plan-" });
  for (const [path, text] of Object.entries(files)) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, text);
  }
  await Deno.writeTextFile(`${dir}/deno.json`, "{}");
  return dir;
}

const LAZY =
  `function lazy<T>(s: string): () => Promise<T> { return () => import(s) as Promise<T>; }\n`;

Deno.test("the plan follows computed imports through lazy modules to a fixed point", async () => {
  const dir = await fixture({
    "main.ts": `const cli = "./src/cli.ts";\nawait import(cli) as typeof import("./src/cli.ts");\n`,
    "src/cli.ts": `import "./deps.ts";\nexport const x = 1;\n`,
    "src/deps.ts": LAZY +
      `export const a = lazy<typeof import("./adapters/a.ts")>("./adapters/a.ts");\n`,
    "src/adapters/a.ts":
      `const b = "./b.ts";\nexport const f = () => import(b) as typeof import("./b.ts");\n`,
    "src/adapters/b.ts": `export const y = 2;\n`,
  });
  try {
    const plan = await compilePlan(dir, { plugins: [], flags: ["--allow-read"] });
    assertEquals(plan.problems, []);
    assertEquals(plan.includes, [
      { path: "src/cli.ts", why: "main.ts:2" },
      { path: "src/adapters/a.ts", why: "src/deps.ts:2" },
      { path: "src/adapters/b.ts", why: "src/adapters/a.ts:2" },
    ]);
    assertTrue(plan.embedded.includes("src/deps.ts"), plan.embedded.join(" "));
    const args = compileArgs(plan, "1.2.3", "x86_64-pc-windows-msvc");
    assertEquals(args.slice(0, 4), ["compile", "--allow-read", "--include", "src/cli.ts"]);
    assertEquals(args.slice(-3), [
      "--output",
      "dist/sentinel-1.2.3-x86_64-pc-windows-msvc.exe",
      "main.ts",
    ]);
    const offline = compileArgs(plan, "1.2.3", "x86_64-unknown-linux-gnu", { cachedOnly: true });
    assertEquals(offline.slice(0, 3), ["compile", "--cached-only", "--allow-read"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a computed import with no typeof import beside it is a problem at its line", async () => {
  const dir = await fixture({
    "main.ts": `import "./src/deps.ts";\n`,
    "src/deps.ts":
      `export const x = 1;\nconst hidden = "./hidden.ts";\nexport const h = () => import(hidden);\n`,
    "src/hidden.ts": `export const y = 2;\n`,
  });
  try {
    const plan = await compilePlan(dir, { plugins: [], flags: [] });
    assertEquals(plan.problems.length, 1);
    assertEquals(plan.problems[0].at, "src/deps.ts:3");
    assertIncludes(plan.problems[0].message, "computed import names no module");
    assertTrue(!plan.includes.some((i) => i.path === "src/hidden.ts"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lazy<typeof import(A)>(B) with A ≠ B, and a typeof import of a missing file, are problems", async () => {
  const dir = await fixture({
    "main.ts": LAZY + `export const a = lazy<typeof import("./a.ts")>("./b.ts");\n` +
      `const g = "./gone.ts";\nexport const c = () => import(g) as typeof import("./gone.ts");\n`,
    "a.ts": "export {};\n",
    "b.ts": "export {};\n",
  });
  try {
    const plan = await compilePlan(dir, { plugins: [], flags: [] });
    const messages = plan.problems.map((p) => `${p.at} ${p.message}`);
    assertEquals(messages.length, 2, messages.join("\n"));
    assertIncludes(
      messages[0],
      'main.ts:2 lazy<typeof import("./a.ts")>("./b.ts") does not name one module',
    );
    assertIncludes(messages[1], "main.ts:4 gone.ts does not exist");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bundled plugin and the shared modules it imports are embedded; a missing one is reported", async () => {
  const dir = await fixture({
    "main.ts": "export {};\n",
    "plugins/sns/plugin.ts":
      `import { sign } from "../shared/aws_sigv4.ts";\nexport default { sign };\n`,
    "plugins/shared/aws_sigv4.ts": "export const sign = 1;\n",
  });
  try {
    const plan = await compilePlan(dir, {
      plugins: ["sns/plugin.ts", "gone/plugin.ts"],
      flags: [],
    });
    assertEquals(plan.includes.map((i) => i.path), [
      "plugins/sns/plugin.ts",
      "plugins/shared/aws_sigv4.ts",
      "plugins/gone/plugin.ts",
    ]);
    assertEquals(plan.problems.map((p) => p.message), ["plugins/gone/plugin.ts does not exist"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("missingIncludes names each required module a hand-written list lacks", () => {
  const problems = missingIncludes(
    [
      { path: "src/cli/program.ts", why: "main.ts:68" },
      { path: "src/adapters/plugin_host/runner.ts", why: "main.ts:37" },
    ],
    ["plugins/", "src/cli/app.ts", "src/adapters/plugin_host/runner.ts"],
  );
  assertEquals(problems, [{
    at: "main.ts:68",
    message: "src/cli/program.ts is loaded at run time but is not in the --include list",
  }]);
});

Deno.test("scanSource finds typeof imports, computed imports and their lines, not template text", () => {
  const scan = scanSource(
    'const s = "./x.ts";\n' +
      "const code = `await import(${JSON.stringify(url)})`;\n" +
      'await import(s) as typeof import("./x.ts");\n',
  );
  assertEquals(scan.targets, [{ line: 3, specifier: "./x.ts" }]);
  assertEquals(scan.unnamed, []);
  assertEquals(scan.mismatches, []);
  const helper = scanSource(
    LAZY +
      'const a = lazy<typeof import("./a.ts")>("./a.ts");\nconst b = lazy<unknown>("./b.ts");\nconst n = "./n.ts";\nimport(n).then(() => {});\n',
  );
  assertEquals(helper.unnamed, [5]);
  assertEquals(helper.mismatches, [{ line: 3, typed: "(no type)", loaded: "./b.ts" }]);
});

/**
 * `scripts/compile.ts --dry-run` on the real project: the commands it prints embed every module
 * the binary loads through a computed specifier, found here by an independent scan of the source;
 * on a copy of the project with one computed import left unnamed, the dry run fails; and
 * `deno compile` itself runs the plan through with a stand-in base runtime.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { compileArgs, compilePlan } from "../scripts/compile_plan.ts";
import { runtimeFlags } from "../scripts/runtime_flags.ts";
import { BUNDLED_PLUGINS } from "../src/core/bundled_plugins.ts";
import { ROOT } from "./harness/tools.ts";

async function dryRun(root: string) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      `${root}scripts/compile.ts`,
      "--dry-run",
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** Product source files (no tests), relative to `root`. */
async function productFiles(root: string): Promise<string[]> {
  const files = ["main.ts"];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(`${root}${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (path.endsWith(".ts") && !path.endsWith("_test.ts")) files.push(path);
    }
  };
  await walk("src");
  return files;
}

/** Every module named in a `typeof import("./…")`, resolved: what computed imports load. */
async function computedSpecifierModules(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const file of await productFiles(root)) {
    const text = await Deno.readTextFile(`${root}${file}`);
    for (const match of text.matchAll(/typeof import\(\s*"(\.[^"]+)"\s*\)/g)) {
      const path = new URL(match[1], `file:///${file}`).pathname.slice(1);
      found.set(path, file);
    }
  }
  return found;
}

Deno.test("compile --dry-run: the --include list holds every computed-specifier module, the runner and the bundled plugins", async () => {
  const run = await dryRun(ROOT);
  assertEquals(run.code, 0, run.stderr + run.stdout);
  const lines = run.stdout.split("\n");
  const targets = lines.filter((l) => /^[a-z0-9_]+-[a-z0-9_]+-[a-z0-9_-]+: deno compile /.test(l));
  assertEquals(targets.map((l) => l.slice(0, l.indexOf(":"))), [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
  ]);
  for (const line of targets) {
    const words = line.slice(line.indexOf(": ") + 2).split(" ");
    // The exact runtime flags, right after `deno compile`.
    assertEquals(words.slice(2, 2 + runtimeFlags().length), runtimeFlags());
    assertEquals(words.at(-1), "main.ts");
    const included = new Set(words.flatMap((w, i) => words[i - 1] === "--include" ? [w] : []));
    const computed = await computedSpecifierModules(ROOT);
    assertTrue(computed.size >= 9, `only ${computed.size} computed-specifier modules found`);
    for (const [module, from] of computed) {
      assertTrue(
        included.has(module),
        `${module} (loaded by a computed import in ${from}) is missing from the --include list:\n${line}`,
      );
    }
    assertTrue(
      included.has("src/adapters/plugin_host/runner.ts"),
      "the plugin runner is not embedded",
    );
    for (const plugin of Object.values(BUNDLED_PLUGINS)) {
      assertTrue(included.has(`plugins/${plugin.file}`), `bundled plugin ${plugin.file} missing`);
    }
    for (const path of included) {
      assertTrue((await Deno.stat(`${ROOT}${path}`)).isFile, `--include ${path} does not exist`);
    }
  }
  assertIncludes(run.stdout, "check: every module loaded at run time is embedded");
  assertIncludes(run.stdout, "fill DENO_DIR for an offline build: deno cache --frozen main.ts ");
});

Deno.test("compile --dry-run fails, naming the line, when a computed import's module would not be embedded", async () => {
  const copy = `${await Deno.makeTempDir({ prefix: "compile-dry-run-" })}/`;
  try {
    for (
      const path of ["main.ts", "deno.json", "deno.lock", "src", "plugins", "scripts", "vendor"]
    ) {
      await new Deno.Command("cp", { args: ["-r", `${ROOT}${path}`, `${copy}${path}`] }).output();
    }
    const deps = `${copy}src/adapters/deps.ts`;
    const text = await Deno.readTextFile(deps);
    const lines = text.split("\n").length;
    // A new lazy module loaded through a computed specifier, without the typeof import that
    // names it: deno compile would not embed it, and the binary would fail when it is first used.
    await Deno.writeTextFile(
      deps,
      text +
        `const extraModule = "./extra.ts";\nexport const loadExtra = () => import(extraModule);\n`,
    );
    await Deno.writeTextFile(`${copy}src/adapters/extra.ts`, "export const extra = 1;\n");
    const run = await dryRun(copy);
    assertEquals(run.code, 1, run.stdout);
    assertIncludes(
      run.stderr,
      `src/adapters/deps.ts:${lines + 1}: a computed import names no module`,
    );
    assertIncludes(run.stderr, "nothing was built");
  } finally {
    await Deno.remove(copy, { recursive: true });
  }
});

Deno.test("deno compile runs the whole plan through (type check, graph, embedding) with a stand-in base runtime", async () => {
  // The real base, denort, is a download this machine cannot make. DENORT_BIN pointed at this
  // deno executable lets every other step of `deno compile` run with the plan's exact flags and
  // --include list; the file it writes is a plain deno (it starts a REPL), not Sentinel, and is
  // deleted. What this shows: the include list and the module graph are accepted and embedded.
  const plan = await compilePlan(ROOT);
  const dir = await Deno.makeTempDir({ prefix: "compile-stand-in-" });
  try {
    const args = compileArgs(plan, "0.0.0-stand-in", "x86_64-unknown-linux-gnu")
      .map((a) => a.startsWith("dist/") ? `${dir}/sentinel` : a);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT,
      env: { DENORT_BIN: Deno.execPath(), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const listing = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assertEquals(code, 0, listing);
    assertIncludes(listing, "Embedded Files");
    for (
      const name of [
        "webhook/*",
        "file_sink/*",
        "credential_server.ts",
        "plugin_host/*",
      ]
    ) {
      assertIncludes(listing, name);
    }
    // The plugins' shared modules, under plugins/shared (the listing shows a folder of one file as
    // `shared/<file>`, of several as a subtree).
    assertMatch(listing, /[─┬] shared\b/);
    for (const name of ["aws_sigv4.ts", "one_line.ts"]) assertIncludes(listing, name);
    // Every locked npm package is embedded, even those only tests and benchmarks load (the SBOM
    // therefore lists them all as required).
    assertIncludes(listing, "fast-check/4.11.0/*");
    assertIncludes(listing, "@cedar-policy/cedar-wasm/*");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

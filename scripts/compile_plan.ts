/**
 * What `deno compile` must embed, derived from the source so that the list cannot drift from the
 * code. `deno compile` embeds a module's static imports and its dynamic imports of string
 * literals; it cannot know what a computed specifier (`import(specifier)`) will load. Sentinel
 * uses computed specifiers on purpose, to keep the AWS SDK and the CLI's packages out of the warm
 * `credentials` path, and names every such module in a type position right beside it:
 *
 *   const { runCli } = await import(cliModule) as typeof import("./src/cli/program.ts");
 *   const configModule = lazy<typeof import("./config_source.ts")>("./config_source.ts");
 *
 * The plan starts at main.ts, asks `deno info --json` what each root loads at run time, scans
 * those files for `typeof import("…")` (each one becomes an `--include` and a new root) and
 * repeats until nothing new appears. It refuses a computed import with no `typeof import` beside
 * it, and a `lazy<typeof import("A")>("B")` whose two names differ. The bundled plugins, which the
 * plugin host reads as text, are embedded from the registry's own list, with the shared modules
 * they import.
 *
 * @module
 */
import { moduleReach } from "./module_graph.ts";
import { runtimeFlags } from "./runtime_flags.ts";
import { BUNDLED_PLUGINS } from "../src/core/bundled_plugins.ts";

/** The five release targets. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** One of {@link TARGETS}. */
export type Target = (typeof TARGETS)[number];

/** A file to embed with `--include`, and why. */
export interface Include {
  /** Relative to the project root, with forward slashes. */
  path: string;
  /** `file:line` of what loads it, or the registry entry. */
  why: string;
}

/** A problem that would make the binary fail at run time. */
export interface PlanProblem {
  /** `file:line`. */
  at: string;
  message: string;
}

/** Everything one `deno compile` per target needs. */
export interface CompilePlan {
  entry: string;
  flags: string[];
  includes: Include[];
  /** Every local module the binary holds (roots and what they load), relative paths. */
  embedded: string[];
  problems: PlanProblem[];
}

/** One module named by a `typeof import("…")`, as found in a file. */
export interface ComputedTarget {
  line: number;
  /** The specifier as written. */
  specifier: string;
}

/** What a scan of one source text found. */
export interface SourceScan {
  targets: ComputedTarget[];
  /** Lines of computed imports (`import(<identifier>)`) that name no module. */
  unnamed: number[];
  /** `lazy<typeof import("A")>("B")` with A ≠ B, or a `lazy(…)` call with no `typeof import`. */
  mismatches: { line: number; typed: string; loaded: string }[];
}

const TYPEOF_IMPORT = /typeof\s+import\(\s*["']([^"']+)["']\s*\)/g;
const COMPUTED_IMPORT = /\bimport\(\s*([A-Za-z_$][\w$]*)\s*\)/g;
const LAZY_CALL = /\blazy(<[^>]*>)?\(\s*(?:["']([^"']+)["'])?/g;

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Scans one source text for computed imports and the modules they name. A computed import names
 * its module in the same statement (`import(s) as typeof import("./m.ts")`), or is the generic
 * loader `lazy<T>` (`import(s) as Promise<T>`), each of whose calls must then read
 * `lazy<typeof import("./m.ts")>("./m.ts")`.
 */
export function scanSource(text: string): SourceScan {
  const targets = [...text.matchAll(TYPEOF_IMPORT)].map((m) => ({
    line: lineAt(text, m.index),
    specifier: m[1],
  }));
  const unnamed: number[] = [];
  let generic = false;
  for (const m of text.matchAll(COMPUTED_IMPORT)) {
    const end = text.indexOf(";", m.index);
    const statement = text.slice(m.index, end === -1 ? undefined : end);
    if (/typeof\s+import\(/.test(statement)) continue;
    if (/\bas\s+Promise<[A-Z]\w*>/.test(statement)) generic = true;
    else unnamed.push(lineAt(text, m.index));
  }
  const mismatches: SourceScan["mismatches"] = [];
  for (const m of text.matchAll(LAZY_CALL)) {
    if (/function\s+$/.test(text.slice(Math.max(0, m.index - 12), m.index))) continue;
    if (!generic) continue;
    const typed = /typeof\s+import\(\s*["']([^"']+)["']\s*\)/.exec(m[1] ?? "")?.[1] ?? "(no type)";
    const loaded = m[2] ?? "(computed)";
    if (typed !== loaded) mismatches.push({ line: lineAt(text, m.index), typed, loaded });
  }
  return { targets, unnamed, mismatches };
}

/** `deno info --json` of a module: the local files it loads at run time (type-only imports not). */
export type ModuleLoader = (root: string, file: string) => Promise<string[]>;

/** The default {@link ModuleLoader}: the root's own files `file` loads, per `deno info`. */
export async function denoInfoLoader(root: string, file: string): Promise<string[]> {
  const rootUrl = new URL(`file://${root.endsWith("/") ? root : `${root}/`}`).href;
  return (await moduleReach(root, file)).modules
    .filter((s) => s.startsWith(rootUrl))
    .map((s) => s.slice(rootUrl.length));
}

/** A root-relative path, resolved from `specifier` as written in `from`. */
function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return new URL(specifier, `file:///${from}`).pathname.slice(1);
}

const SHARED_IMPORT = /from\s+"\.\.\/shared\/([a-z0-9_]+\.ts)"/g;

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * Derives the plan for the project at `root` (an absolute directory path): starts at `entry`,
 * follows every computed import to a fixed point, adds the bundled plugins, and reports problems.
 */
export async function compilePlan(
  root: string,
  options: {
    entry?: string;
    load?: ModuleLoader;
    plugins?: readonly string[];
    flags?: string[];
  } = {},
): Promise<CompilePlan> {
  const dir = root.endsWith("/") ? root : `${root}/`;
  const entry = options.entry ?? "main.ts";
  const load = options.load ?? denoInfoLoader;
  const pluginFiles = options.plugins ?? Object.values(BUNDLED_PLUGINS).map((p) => p.file);
  const includes: Include[] = [];
  const problems: PlanProblem[] = [];
  const embedded = new Set<string>();
  const scanned = new Set<string>();
  const roots = [entry];
  while (roots.length > 0) {
    const next = roots.shift()!;
    for (const file of await load(dir, next)) {
      embedded.add(file);
      if (scanned.has(file) || !/\.(ts|js|mjs)$/.test(file)) continue;
      scanned.add(file);
      const scan = scanSource(await Deno.readTextFile(`${dir}${file}`));
      for (const m of scan.mismatches) {
        problems.push({
          at: `${file}:${m.line}`,
          message:
            `lazy<typeof import("${m.typed}")>("${m.loaded}") does not name one module; write lazy<typeof import("./m.ts")>("./m.ts")`,
        });
      }
      for (const line of scan.unnamed) {
        problems.push({
          at: `${file}:${line}`,
          message:
            'a computed import names no module: add `as typeof import("<the module>")` in the same statement, or deno compile cannot embed what it loads',
        });
      }
      for (const target of scan.targets) {
        const path = resolveRelative(file, target.specifier);
        if (path === undefined) continue; // a package name: embedded through its import map entry
        if (includes.some((i) => i.path === path)) continue;
        includes.push({ path, why: `${file}:${target.line}` });
        if (!(await exists(`${dir}${path}`))) {
          problems.push({
            at: `${file}:${target.line}`,
            message: `${path} does not exist; fix the typeof import("${target.specifier}")`,
          });
          continue;
        }
        roots.push(path);
      }
    }
  }
  for (const file of pluginFiles) {
    const path = `plugins/${file}`;
    includes.push({ path, why: "bundled plugin (src/core/bundled_plugins.ts)" });
    const text = await Deno.readTextFile(`${dir}${path}`).catch(() => undefined);
    if (text === undefined) {
      problems.push({
        at: "src/core/bundled_plugins.ts",
        message: `${path} does not exist`,
      });
      continue;
    }
    for (const [, name] of text.matchAll(SHARED_IMPORT)) {
      const shared = `plugins/shared/${name}`;
      if (!includes.some((i) => i.path === shared)) {
        includes.push({ path: shared, why: `imported by ${path}` });
      }
    }
  }
  for (const include of includes) embedded.add(include.path);
  return {
    entry,
    flags: options.flags ?? runtimeFlags(),
    includes,
    embedded: [...embedded].sort(),
    problems,
  };
}

/**
 * The problems of an `--include` list against what the plan needs: every module in `required`
 * that the list lacks. (The plan derives its list, so this guards hand-edited lists and tests.)
 */
export function missingIncludes(
  required: readonly Include[],
  listed: readonly string[],
): PlanProblem[] {
  const have = new Set(listed);
  return required.filter((r) => !have.has(r.path)).map((r) => ({
    at: r.why,
    message: `${r.path} is loaded at run time but is not in the --include list`,
  }));
}

/** The output file of one target. */
export function outputFile(version: string, target: Target): string {
  return `dist/sentinel-${version}-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/**
 * The `deno compile` arguments for one target; with `cachedOnly`, nothing may be fetched (an
 * offline build from a filled DENO_DIR fails at once instead of waiting for the network).
 */
export function compileArgs(
  plan: CompilePlan,
  version: string,
  target: Target,
  options: { cachedOnly?: boolean } = {},
): string[] {
  return [
    "compile",
    ...(options.cachedOnly === true ? ["--cached-only"] : []),
    ...plan.flags,
    ...plan.includes.flatMap((i) => ["--include", i.path]),
    "--target",
    target,
    "--output",
    outputFile(version, target),
    plan.entry,
  ];
}

/** The `deno cache` arguments that fill a DENO_DIR with everything the build needs. */
export function cacheArgs(plan: CompilePlan): string[] {
  return ["cache", "--frozen", plan.entry, ...plan.includes.map((i) => i.path)];
}

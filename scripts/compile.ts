/**
 * Builds the self-contained `sentinel` executable for every supported target, with SHA-256
 * checksums, using the same permission and unstable flags as `deno task sentinel` and embedding
 * every module the binary loads at run time (see scripts/compile_plan.ts, which derives that list
 * from the source and refuses to build when something would be missing).
 *
 *   deno task compile                 # all five targets into dist/
 *   deno task compile --target x86_64-unknown-linux-gnu
 *   deno task compile --dry-run       # print the plan and the commands, check it, build nothing
 *   deno task compile --cached-only   # offline: fetch nothing (a filled DENO_DIR, or DENORT_BIN)
 *   deno task compile --target x86_64-unknown-linux-gnu --output /tmp/sentinel   # one file, no sums
 *
 * `deno compile` downloads the runtime (denort) for each target once. Where that download is not
 * reachable (air-gapped builds, and this project's build machines), point DENORT_BIN at a local
 * denort binary for the host target, or pre-fill DENO_DIR from a machine that can reach it (see
 * docs/install.md).
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };
import {
  cacheArgs,
  compileArgs,
  compilePlan,
  outputFile,
  type Target,
  TARGETS,
} from "./compile_plan.ts";
import { writeBuildInfo } from "./build_info.ts";

const args = Deno.args;
const dryRun = args.includes("--dry-run");
const cachedOnly = args.includes("--cached-only");
const only = args.includes("--target") ? args[args.indexOf("--target") + 1] : undefined;
const targets: readonly Target[] = only === undefined ? TARGETS : TARGETS.filter((t) => t === only);
const single = args.includes("--output") ? args[args.indexOf("--output") + 1] : undefined;
if (targets.length === 0) {
  console.error(`unknown target ${only}; use one of ${TARGETS.join(", ")}`);
  Deno.exit(2);
}

const root = new URL("..", import.meta.url).pathname;
const plan = await compilePlan(root);
const version = denoConfig.version;
const quote = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
const line = (argv: string[]) => ["deno", ...argv].map(quote).join(" ");

if (dryRun) {
  const out = (text: string) => console.log(text);
  out(`sentinel ${version}: ${targets.length} target(s), entry ${plan.entry}`);
  out(`runtime flags (scripts/runtime_flags.ts): ${plan.flags.join(" ")}`);
  out(`embedded with --include (${plan.includes.length}), each with what loads it:`);
  const width = Math.max(...plan.includes.map((i) => i.path.length));
  for (const include of plan.includes) out(`  ${include.path.padEnd(width)}  ${include.why}`);
  out(`local modules in the binary: ${plan.embedded.length}`);
  out(`fill DENO_DIR for an offline build: ${line(cacheArgs(plan))}`);
  for (const target of targets) {
    out(`${target}: ${line(compileArgs(plan, version, target, { cachedOnly }))}`);
  }
  out(`then: sha256 of each output into dist/SHA256SUMS`);
}

if (plan.problems.length > 0) {
  for (const problem of plan.problems) console.error(`${problem.at}: ${problem.message}`);
  console.error(
    `compile plan: ${plan.problems.length} problem(s); the binary would fail at run time, so nothing was built`,
  );
  Deno.exit(1);
}
if (dryRun) {
  console.log("check: every module loaded at run time is embedded");
  Deno.exit(0);
}

if (single !== undefined && targets.length !== 1) {
  console.error("--output needs exactly one --target");
  Deno.exit(2);
}
await Deno.mkdir(`${root}dist`, { recursive: true });
// The commit `sentinel --version` prints, embedded with the binary.
await writeBuildInfo();
const sums: string[] = [];
for (const target of targets) {
  const output = single ?? outputFile(version, target);
  console.error(`compiling ${output}`);
  const planned = compileArgs(plan, version, target, { cachedOnly });
  const at = planned.indexOf("--output");
  planned.splice(at, 2, "--include", "dist/build_info.json", "--output", output);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: planned,
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(
      `deno compile failed for ${target}; if the runtime download is unreachable, set DENORT_BIN or pre-fill DENO_DIR (docs/install.md)`,
    );
    Deno.exit(code);
  }
  if (single !== undefined) continue;
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(`${root}${output}`));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  sums.push(`${hex}  ${output.slice("dist/".length)}`);
}
if (single === undefined) {
  await Deno.writeTextFile(`${root}dist/SHA256SUMS`, sums.join("\n") + "\n");
  console.error(`wrote dist/SHA256SUMS for ${sums.length} target(s)`);
}

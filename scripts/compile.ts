/**
 * Builds the self-contained `sentinel` executable for every supported target, with SHA-256
 * checksums, using the same permission and unstable flags as `deno task sentinel`.
 *
 *   deno task compile                 # all five targets into dist/
 *   deno task compile --target x86_64-unknown-linux-gnu
 *   deno task compile --target x86_64-unknown-linux-gnu --output /tmp/sentinel   # one file, no sums
 *
 * `deno compile` downloads the runtime (denort) for each target once. Where that download is not
 * reachable (air-gapped builds, and this project's build machines), point DENORT_BIN at a local
 * denort binary for the host target, or pre-fill DENO_DIR from a machine that can reach it.
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };
import { writeBuildInfo } from "./build_info.ts";
import { runtimeFlags } from "./runtime_flags.ts";

const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

const args = Deno.args;
const only = args.includes("--target") ? args[args.indexOf("--target") + 1] : undefined;
const single = args.includes("--output") ? args[args.indexOf("--output") + 1] : undefined;
const targets = only === undefined ? TARGETS : TARGETS.filter((t) => t === only);
if (targets.length === 0) {
  console.error(`unknown target ${only}; use one of ${TARGETS.join(", ")}`);
  Deno.exit(2);
}

if (single !== undefined && targets.length !== 1) {
  console.error("--output needs exactly one --target");
  Deno.exit(2);
}
await Deno.mkdir("dist", { recursive: true });
// The commit `sentinel --version` prints, embedded below.
await writeBuildInfo();
const sums: string[] = [];
for (const target of targets) {
  const exe = target.includes("windows") ? ".exe" : "";
  const output = single ?? `dist/sentinel-${denoConfig.version}-${target}${exe}`;
  console.error(`compiling ${output}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      ...runtimeFlags(),
      // The modules imported through computed specifiers (the CLI, the adapters, the plugin host),
      // the bundled plugins, and the build stamp.
      "--include",
      "src/",
      "--include",
      "plugins/",
      "--include",
      "dist/build_info.json",
      "--target",
      target,
      "--output",
      output,
      "main.ts",
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(
      `deno compile failed for ${target}; if the runtime download is unreachable, set DENORT_BIN or pre-fill DENO_DIR`,
    );
    Deno.exit(code);
  }
  if (single !== undefined) continue;
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(output));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  sums.push(`${hex}  ${output.slice("dist/".length)}`);
}
if (single === undefined) {
  await Deno.writeTextFile("dist/SHA256SUMS", sums.join("\n") + "\n");
  console.error(`wrote dist/SHA256SUMS for ${sums.length} target(s)`);
}

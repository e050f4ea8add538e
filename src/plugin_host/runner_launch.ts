/**
 * How a plugin runner process is started: the runner module under `deno run`, or the compiled
 * binary started as `sentinel __plugin-runner`, or — for tests, since `deno compile` needs a
 * runtime download — an emulation of the binary under `deno run`. No npm imports.
 *
 * @module
 */

/**
 * `deno`: `deno run` the runner module with the plugin's grants and no remote code.
 * `binary`: the compiled Sentinel starts itself with its full compile-time permissions.
 * `emulated-binary`: for tests — `deno run --allow-all main.ts __plugin-runner`, which is what
 * the binary does (full permissions, no `--no-remote`/`--no-npm`/`--no-config`), without
 * needing `deno compile`.
 */
export type RunnerMode = "deno" | "binary" | "emulated-binary";

/** `binary` inside a compiled Sentinel, else `deno`. */
export function defaultRunnerMode(): RunnerMode {
  const exe = Deno.execPath();
  return /^deno(\.exe)?$/.test(exe.slice(exe.lastIndexOf("/") + 1)) ? "deno" : "binary";
}

/** The grants a runner started by `deno run` gets on its command line. */
export interface RunnerGrants {
  net: string[];
  write: string[];
}

/** The command (program and arguments) that starts a runner in `mode`. */
export function runnerCommand(grants: RunnerGrants, mode: RunnerMode): string[] {
  const exe = Deno.execPath();
  if (mode === "binary") return [exe, "__plugin-runner"];
  if (mode === "emulated-binary") {
    const main = new URL("../../main.ts", import.meta.url).pathname;
    return [exe, "run", "--allow-all", "--unstable-worker-options", main, "__plugin-runner"];
  }
  const flags: string[] = [];
  if (grants.net.length > 0) flags.push(`--allow-net=${grants.net.join(",")}`);
  if (grants.write.length > 0) flags.push(`--allow-write=${grants.write.join(",")}`);
  return [
    exe,
    "run",
    "--quiet",
    "--no-remote",
    "--no-config",
    "--unstable-worker-options",
    ...flags,
    new URL("./runner.ts", import.meta.url).pathname,
  ];
}

/**
 * How a plugin runner process is started: the runner module under `deno run`, or the compiled
 * binary started as `sentinel __plugin-runner`, or — for tests, since `deno compile` needs a
 * runtime download — an emulation of the binary under `deno run`; an environment without
 * Sentinel's variables; and an RLIMIT_DATA bound through util-linux `prlimit` where that exists.
 * No npm imports.
 *
 * @module
 */
import { RUNNER_DATA_LIMIT_BYTES, RUNNER_HEAP_MB } from "./limits.ts";

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

/** Where util-linux `prlimit` is, if this system has it. */
function findPrlimit(): string | undefined {
  if (Deno.build.os !== "linux") return undefined;
  for (const path of ["/usr/bin/prlimit", "/bin/prlimit"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* not here */ }
  }
  return undefined;
}

/** Everything needed to spawn one runner. */
export interface RunnerLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The command, under `prlimit` where it exists, and the environment of a runner. */
export function prepareLaunch(grants: RunnerGrants, mode: RunnerMode): RunnerLaunch {
  const env: Record<string, string> = {};
  for (const key of ["HOME", "DENO_DIR", "XDG_CACHE_HOME", "PATH"]) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  // A compiled binary ignores DENO_V8_FLAGS (denoland/deno#19808), so only `deno` mode gets it,
  // and the emulation of the binary does not; the binary relies on RLIMIT_DATA and the watchdog.
  if (mode === "deno") env.DENO_V8_FLAGS = `--max-old-space-size=${RUNNER_HEAP_MB}`;
  const [exe, ...rest] = runnerCommand(grants, mode);
  const prlimit = findPrlimit();
  const [command, args] = prlimit
    ? [prlimit, [`--data=${RUNNER_DATA_LIMIT_BYTES}`, "--", exe, ...rest]]
    : [exe, rest];
  return { command, args, env };
}

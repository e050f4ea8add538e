/**
 * How a plugin runner process is started: the command (the runner module under `deno run`, or
 * the compiled binary started as `sentinel __plugin-runner`), an empty throwaway directory that is
 * its working directory, home and DENO_DIR (so nothing it stores outlives the call and no project
 * or home path shows through `Deno.cwd()`), an environment without Sentinel's variables, and an
 * RLIMIT_DATA bound through util-linux `prlimit` where that exists. No npm imports.
 *
 * @module
 */
import { RUNNER_DATA_LIMIT_BYTES, RUNNER_HEAP_MB } from "./limits.ts";

/**
 * `deno`: `deno run` the runner module with the plugin's grants and no remote or npm code.
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
    const main = new URL("../../../main.ts", import.meta.url).pathname;
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
    "--no-npm",
    "--no-config",
    // The DENO_DIR is new on every run, so a code cache would only cost time to write.
    "--no-code-cache",
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

/** Everything needed to spawn one runner, and to clean up after it. */
export interface RunnerLaunch {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Removes the throwaway directory; call once the runner has exited. */
  cleanup(): Promise<void>;
}

/**
 * An npm registry nobody can serve (no listener can bind port 0), so a runner never downloads npm
 * code, and fails at once rather than after DNS retries.
 */
const NO_NPM_REGISTRY = "http://0.0.0.0:0/";

/** Creates the throwaway directory and assembles the launch. */
export async function prepareLaunch(grants: RunnerGrants, mode: RunnerMode): Promise<RunnerLaunch> {
  const root = await Deno.makeTempDir({ prefix: "sentinel-plugin-" });
  const cleanup = () => Deno.remove(root, { recursive: true }).catch(() => {});
  const work = `${root}/work`;
  const cache = `${root}/deno_dir`;
  try {
    await Deno.mkdir(work, { mode: 0o700 });
    await Deno.mkdir(cache, { mode: 0o700 });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const env: Record<string, string> = {
    HOME: work,
    DENO_DIR: cache,
    NPM_CONFIG_REGISTRY: NO_NPM_REGISTRY,
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PROMPT: "1",
  };
  // A compiled binary ignores DENO_V8_FLAGS (denoland/deno#19808), so only `deno` mode gets it,
  // and the emulation of the binary does not; the binary relies on RLIMIT_DATA and the watchdog.
  if (mode === "deno") env.DENO_V8_FLAGS = `--max-old-space-size=${RUNNER_HEAP_MB}`;
  const [exe, ...rest] = runnerCommand(grants, mode);
  const prlimit = findPrlimit();
  const [command, args] = prlimit
    ? [prlimit, [`--data=${RUNNER_DATA_LIMIT_BYTES}`, "--", exe, ...rest]]
    : [exe, rest];
  return {
    command,
    args,
    cwd: work,
    env,
    cleanup,
  };
}

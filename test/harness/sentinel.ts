/**
 * Runs Sentinel as a real child process, exactly as the compiled binary would run: `deno run`
 * with the permission and unstable flags of the `sentinel` task.
 *
 * @module
 */
import { runtimeFlags } from "../../scripts/runtime_flags.ts";
import { baseEnv, type ProgramRun, runProgram } from "./run.ts";
import { ROOT } from "./tools.ts";

/** What a finished Sentinel process left behind. */
export type SentinelRun = ProgramRun;

/**
 * The command line that runs Sentinel from source: `[deno, run, ...flags, main.ts]`, with
 * `denoFlags` added (a test's `--preload`, for example).
 */
export function sentinelCommand(denoFlags: readonly string[] = []): string[] {
  return [Deno.execPath(), "run", "--quiet", ...runtimeFlags(), ...denoFlags, `${ROOT}main.ts`];
}

/** Runs `sentinel <args>` and waits for it. `env` is added to a minimal clean environment. */
export function runSentinel(
  args: string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    stdin?: string;
    denoFlags?: readonly string[];
  } = {},
): Promise<SentinelRun> {
  const [command, ...baseArgs] = sentinelCommand(options.denoFlags);
  return runProgram(command, [...baseArgs, ...args], options);
}

/** Options of {@link spawnSentinel}: by default no input, and both outputs piped. */
export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: "piped" | "inherit" | "null";
  stdout?: "piped" | "inherit" | "null";
  stderr?: "piped" | "inherit" | "null";
}

/**
 * Starts `sentinel <args>` without waiting for it (to signal it, read it as it runs, or race it),
 * with `env` added to a minimal clean environment.
 */
export function spawnSentinel(args: string[], options: SpawnOptions = {}): Deno.ChildProcess {
  const [command, ...baseArgs] = sentinelCommand();
  return new Deno.Command(command, {
    args: [...baseArgs, ...args],
    cwd: options.cwd ?? ROOT,
    clearEnv: true,
    env: baseEnv(options.env),
    stdin: options.stdin ?? "null",
    stdout: options.stdout ?? "piped",
    stderr: options.stderr ?? "piped",
  }).spawn();
}

export { baseEnv };

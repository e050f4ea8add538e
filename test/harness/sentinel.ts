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

export { baseEnv };

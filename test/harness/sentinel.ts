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

/** The command line that runs Sentinel from source: `[deno, run, ...flags, main.ts]`. */
export function sentinelCommand(): string[] {
  return [Deno.execPath(), "run", "--quiet", ...runtimeFlags(), `${ROOT}main.ts`];
}

/** Runs `sentinel <args>` and waits for it. `env` is added to a minimal clean environment. */
export function runSentinel(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<SentinelRun> {
  const [command, ...baseArgs] = sentinelCommand();
  return runProgram(command, [...baseArgs, ...args], options);
}

export { baseEnv };

/**
 * Runs Sentinel as a real child process, exactly as the compiled binary would run: `deno run`
 * with the permission and unstable flags of the `sentinel` task.
 *
 * @module
 */
import { runtimeFlags } from "../../scripts/runtime_flags.ts";
import { ROOT } from "./tools.ts";

/** What a finished Sentinel process left behind. */
export interface SentinelRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command line that runs Sentinel from source: `[deno, run, ...flags, main.ts]`. */
export function sentinelCommand(): string[] {
  return [Deno.execPath(), "run", "--quiet", ...runtimeFlags(), `${ROOT}main.ts`];
}

/** Runs `sentinel <args>` and waits for it. `env` is added to a minimal clean environment. */
export async function runSentinel(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<SentinelRun> {
  const [command, ...baseArgs] = sentinelCommand();
  const child = new Deno.Command(command, {
    args: [...baseArgs, ...args],
    cwd: options.cwd ?? ROOT,
    clearEnv: true,
    env: baseEnv(options.env),
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** A minimal environment: PATH, HOME, Deno's cache, and whatever the test adds. */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"];
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const key of keep) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * Runs any program as a child process in a clean environment (the harness's minimal one plus what
 * the test adds) and collects its output: Sentinel from source (harness/sentinel.ts), the installed
 * `sentinel`, bash and the installer.
 *
 * @module
 */
import { networkEnv } from "./network_env.ts";
import { ROOT } from "./tools.ts";

/**
 * A minimal environment: PATH, HOME, Deno's cache, the CA and proxy variables this machine needs
 * to reach a registry (harness/network_env.ts), and whatever the test adds.
 */
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"];
  const env: Record<string, string> = { NO_COLOR: "1", ...networkEnv() };
  for (const key of keep) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

/** What a finished process left behind. */
export interface ProgramRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command args…` with `env` added to a minimal clean environment. */
export async function runProgram(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<ProgramRun> {
  const child = new Deno.Command(command, {
    args,
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

/** Installs Sentinel with scripts/install.sh into `prefix` (a launcher: no compile attempt). */
export async function installSentinel(
  prefix: string,
  env: Record<string, string>,
): Promise<string> {
  const run = await runProgram("bash", [
    `${ROOT}scripts/install.sh`,
    "--prefix",
    prefix,
    "--no-compile",
  ], {
    env,
  });
  if (run.code !== 0) throw new Error(`install.sh failed (${run.code}):\n${run.stderr}`);
  return `${prefix}/sentinel`;
}

/**
 * Sentinel's entry point: builds the real dependencies (lazily, see src/adapters/deps.ts), serves
 * a plain `credentials <profile>` from the warm cache when it may, otherwise runs the CLI — and is
 * the only place that exits the process.
 *
 * @module
 */
import { createDeps } from "./src/adapters/deps.ts";
import type { CliIo } from "./src/cli/context.ts";

const encoder = new TextEncoder();

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

const io: CliIo = {
  stdout: (text) => writeAll(Deno.stdout, text),
  stderr: (text) => writeAll(Deno.stderr, text),
  stderrIsTerminal: () => Deno.stderr.isTerminal(),
};

/** The profile of a plain `credentials <profile>` call (the AWS CLI's every call), else undefined. */
function plainCredentialsProfile(args: string[]): string | undefined {
  if (args[0] !== "credentials") return undefined;
  if (args.length === 2 && !args[1].startsWith("-")) return args[1];
  if (args.length === 3 && args[1] === "--profile") return args[2];
  if (args.length === 2 && args[1].startsWith("--profile=")) return args[1].slice(10);
  return undefined;
}

async function main(args: string[]): Promise<number> {
  if (args[0] === "__plugin-runner") {
    // The compiled binary starts itself as a plugin runner (see src/plugin_host/runner_launch.ts).
    const runner = "./src/plugin_host/runner.ts";
    const { runnerMain } = await import(runner) as typeof import("./src/plugin_host/runner.ts");
    return await runnerMain();
  }
  const vars = Deno.env.toObject();
  if (!vars.HOME) {
    // Without HOME (env -i, some cron setups) every per-user path would be relative to the
    // working directory: take the home directory from the user database, as the AWS CLI does.
    const os = "node:os"; // computed: the warm path's module graph stays free of node built-ins
    const { homedir } = await import(os) as typeof import("node:os");
    vars.HOME = homedir();
  }
  const deps = createDeps({
    stderr: io.stderr,
    vars,
    setEnv: (key, value) => Deno.env.set(key, value),
  });
  const profile = plainCredentialsProfile(args);
  if (profile !== undefined) {
    // The warm path loads no npm package and no AWS SDK; on a miss the cold path issues.
    const { warmCredentials } = await import("./src/app/warm_credentials.ts");
    try {
      const warm = await warmCredentials(profile, deps);
      if (warm !== undefined) {
        const { formatCredentialProcess } = await import("./src/core/credential_process.ts");
        io.stdout(formatCredentialProcess(warm.credentials) + "\n");
        return 0;
      }
    } catch (error) {
      const { SentinelError } = await import("./src/core/errors.ts");
      if (!(error instanceof SentinelError)) throw error;
      const { displaySafe } = await import("./src/core/display_text.ts");
      io.stderr(`sentinel: ${displaySafe(error.message)}\n`);
      return error.exitCode;
    }
    // Cold: issued without the command tree (commander and every other command stay unloaded).
    const plainModule = "./src/cli/plain_credentials.ts";
    const { plainCredentials } = await import(
      plainModule
    ) as typeof import("./src/cli/plain_credentials.ts");
    return await plainCredentials(profile, io, deps);
  }
  // A computed specifier keeps the CLI's module graph (commander, zod, yaml, the AWS SDK) out of
  // start-up: Deno would otherwise resolve every statically named dynamic import when it starts.
  // scripts/compile.ts embeds it with --include.
  const cliModule = "./src/cli/program.ts";
  const { runCli } = await import(cliModule) as typeof import("./src/cli/program.ts");
  return await runCli(args, io, deps);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

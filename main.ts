/**
 * Sentinel's entry point: builds the real dependencies, runs the CLI, and is the only place that
 * exits the process.
 *
 * @module
 */
import type { CliIo } from "./src/cli/context.ts";
import { decodeFileText, readTextFileStrict } from "./src/adapters/files.ts";

const encoder = new TextEncoder();

const io: CliIo = {
  stdout: (text) => writeAll(Deno.stdout, text),
  stderr: (text) => writeAll(Deno.stderr, text),
  // Strict UTF-8 (an invalid byte is an error with its line and column, not a silent U+FFFD).
  readTextFile: (path) => path === "-" ? readStdin() : readTextFileStrict(path),
  writeTextFile: (path, text) => Deno.writeTextFile(path, text),
  now: () => Date.now(),
  env: () => Deno.env.toObject(),
  setEnv: (key, value) => Deno.env.set(key, value),
  newRequestId,
};

function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function readStdin(): Promise<string> {
  const bytes = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
  return decodeFileText("<stdin>", bytes);
}

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

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
    // The compiled binary starts itself as a plugin runner (see src/plugin_host/supervisor.ts).
    const runner = "./src/plugin_host/runner.ts";
    const { runnerMain } = await import(runner) as typeof import("./src/plugin_host/runner.ts");
    return await runnerMain();
  }
  const profile = plainCredentialsProfile(args);
  if (profile !== undefined) {
    // The warm path loads no npm package and no AWS SDK; on a miss the full CLI takes over.
    const { warmCredentialProcess } = await import("./src/app/warm_credentials.ts");
    try {
      const warm = await warmCredentialProcess(profile, io.env(), io.now());
      if (warm !== undefined) {
        for (const warning of warm.warnings) io.stderr(`sentinel: warning: ${warning}\n`);
        io.stdout(warm.output + "\n");
        return 0;
      }
    } catch (error) {
      const { SentinelError } = await import("./src/core/errors.ts");
      if (!(error instanceof SentinelError)) throw error;
      io.stderr(`sentinel: ${error.message}\n`);
      return error.exitCode;
    }
  }
  // A computed specifier keeps the CLI's module graph (commander, zod, yaml, the AWS SDK) out of
  // start-up: Deno would otherwise resolve every statically named dynamic import when it starts.
  // scripts/compile.ts embeds it with --include.
  const cliModule = "./src/cli/app.ts";
  const { runCli } = await import(cliModule) as typeof import("./src/cli/app.ts");
  return await runCli(args, io);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

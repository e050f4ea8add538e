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
  stdoutIsTerminal: () => Deno.stdout.isTerminal(),
  stdinIsTerminal: () => Deno.stdin.isTerminal(),
  readLine,
  onInterrupt(handler) {
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    for (const signal of signals) Deno.addSignalListener(signal, handler);
    return () => {
      for (const signal of signals) Deno.removeSignalListener(signal, handler);
    };
  },
};

/** Reads one line of standard input, byte by byte (nothing past the newline is consumed). */
function readLine(): Promise<string | undefined> {
  const bytes: number[] = [];
  const one = new Uint8Array(1);
  for (;;) {
    const n = Deno.stdin.readSync(one);
    if (n === null || n === 0) {
      return Promise.resolve(
        bytes.length === 0 ? undefined : new TextDecoder().decode(new Uint8Array(bytes)),
      );
    }
    if (one[0] === 0x0a) break;
    bytes.push(one[0]);
  }
  return Promise.resolve(new TextDecoder().decode(new Uint8Array(bytes)).replace(/\r$/, ""));
}

/**
 * The profile (and v1's `--policy-parameter`) of a plain `credentials` call — the AWS CLI's every
 * call — else undefined: any other flag goes through the CLI.
 */
function plainCredentialsRequest(args: string[]): { profile: string; policy?: string } | undefined {
  if (args[0] !== "credentials") return undefined;
  let profile: string | undefined;
  let policy: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (flag === "--profile" || flag === "--policy-parameter") {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (!value || value.startsWith("-")) return undefined;
      if (flag === "--profile" && profile === undefined) profile = value;
      else if (flag === "--policy-parameter" && policy === undefined) policy = `ssm:${value}`;
      else return undefined;
    } else if (!arg.startsWith("-") && profile === undefined) profile = arg;
    else return undefined;
  }
  return profile === undefined ? undefined : { profile, ...(policy ? { policy } : {}) };
}

async function main(args: string[]): Promise<number> {
  if (args[0] === "__plugin-runner") {
    // The compiled binary starts itself as a plugin runner (see src/plugin_host/runner_launch.ts).
    const runner = "./src/adapters/plugin_host/runner.ts";
    const { runnerMain } = await import(
      runner
    ) as typeof import("./src/adapters/plugin_host/runner.ts");
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
  const end = args.indexOf("--");
  const deps = createDeps({
    stderr: io.stderr,
    vars,
    setEnv: (key, value) => Deno.env.set(key, value),
    debug: (end === -1 ? args : args.slice(0, end)).includes("--debug"),
    stderrIsTerminal: Deno.stderr.isTerminal(),
  });
  const plain = plainCredentialsRequest(args);
  if (plain !== undefined) {
    // The warm path loads no npm package and no AWS SDK; on a miss the cold path issues.
    const { warmCredentials } = await import("./src/app/issuance/warm_credentials.ts");
    try {
      const warm = await warmCredentials(plain.profile, deps, plain);
      if (warm !== undefined) {
        const { formatCredentialProcess } = await import(
          "./src/core/issuance/credential_process.ts"
        );
        io.stdout(formatCredentialProcess(warm.credentials) + "\n");
        return 0;
      }
    } catch (error) {
      const { SentinelError } = await import("./src/core/errors.ts");
      if (!(error instanceof SentinelError)) throw error;
      const { displaySafe } = await import("./src/core/text/display.ts");
      io.stderr(`sentinel: ${displaySafe(error.message)}\n`);
      return error.exitCode;
    }
    // Cold: issued without the command tree (commander and every other command stay unloaded).
    const plainModule = "./src/cli/plain_credentials.ts";
    const { plainCredentials } = await import(
      plainModule
    ) as typeof import("./src/cli/plain_credentials.ts");
    return await plainCredentials(plain, io, deps);
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

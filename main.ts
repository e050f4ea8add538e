/**
 * Sentinel's entry point: builds the real dependencies, runs the CLI, and is the only place that
 * exits the process.
 *
 * @module
 */
import { runCli } from "./src/cli/app.ts";
import type { CliIo } from "./src/cli/context.ts";

const encoder = new TextEncoder();

const io: CliIo = {
  stdout: (text) => writeAll(Deno.stdout, text),
  stderr: (text) => writeAll(Deno.stderr, text),
  readTextFile: (path) => path === "-" ? readStdin() : Deno.readTextFile(path),
  now: () => Date.now(),
};

async function readStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, io));
}

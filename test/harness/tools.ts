/**
 * Where the test peers live (installed by `scripts/setup_test_env.sh` into `.tools/`).
 *
 * @module
 */

/** The repository root, with a trailing slash. */
export const ROOT = new URL("../../", import.meta.url).pathname;

const TOOLS = `${ROOT}.tools`;

/** Deno's module cache, handed to every Sentinel a test starts so that none downloads again. */
export const DENO_DIR = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;

/** Absolute path of a test peer's executable, failing with the command to install it. */
export function toolPath(name: "moto_server" | "python3" | "aws" | "aws-vault"): string {
  const path = name === "aws-vault" ? `${TOOLS}/bin/aws-vault` : `${TOOLS}/venv/bin/${name}`;
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(`${name} is not installed at ${path}; run \`deno task setup\` first`);
  }
  return path;
}

/** A free TCP port on the loopback interface. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * File helpers for secrets and logs: private (0600) atomic writes, SHA-256, and the standard
 * per-user directories. No npm imports: this module is on the warm credential path.
 *
 * @module
 */
import { ExitCode, SentinelError } from "../core/errors.ts";

export { sha256Hex } from "../core/hash.ts";

/** Creates a directory (and parents) readable only by the owner. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
}

/** Writes a file atomically (temp file, then rename) with mode 0600. */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf("/")) || ".";
  await ensurePrivateDir(dir);
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(temp, text, { mode: 0o600, createNew: true });
    await Deno.chmod(temp, 0o600);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/**
 * Reads a text file, or `undefined` when it does not exist. Synchronous underneath: Sentinel is a
 * one-shot process, and on the warm path each async file op costs a measurable first-use delay.
 */
export function readOptionalText(path: string): Promise<string | undefined> {
  try {
    return Promise.resolve(Deno.readTextFileSync(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return Promise.resolve(undefined);
    return Promise.reject(error);
  }
}

/** Reads a text file the user named (`-` is standard input); file-system errors are exit code 3. */
export async function readUserFile(path: string, what: string): Promise<string> {
  if (path === "-") return await new Response(Deno.stdin.readable).text();
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : error instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : String((error as Error).message ?? error);
    throw new SentinelError(
      ExitCode.InvalidConfig,
      `cannot read ${what} ${path}: ${why}; check the path`,
      { cause: error },
    );
  }
}

/**
 * Small file-system questions tests ask: whether a path exists, and waiting for a child process to
 * create one (its sign that it is ready).
 *
 * @module
 */

/** Whether `path` exists (a symbolic link counts, even one to nothing). */
export function exists(path: string): Promise<boolean> {
  return Deno.lstat(path).then(() => true, () => false);
}

/** Waits until `path` exists, for `ms` at the most; whether it does. */
export async function waitForFile(path: string, ms = 60_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await exists(path)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/**
 * What a runner process does to itself before it loads a plugin: it gives up every permission a
 * plugin's Worker must not have, and it watches its own resident memory. Both matter most in a
 * compiled binary, which starts its runner with all of its own permissions and without V8 heap
 * flags: module loading (`import()`, `new Worker(url)`) is checked against the process's
 * permissions, not the Worker's, so a Worker with `read: false` and `import: false` could otherwise
 * import any local file or remote module the process may reach. No npm imports.
 *
 * @module
 */
import { RUNNER_EXIT_OUT_OF_MEMORY } from "./limits.ts";

/**
 * Revokes, for the whole process, the permissions no plugin gets: file reads and module imports
 * (closing local-file and remote imports), environment, subprocesses, FFI and system information.
 * Network and write stay, narrowed per Worker, because a Worker's grants must be a subset of the
 * process's when it is created.
 */
export function narrowProcess(): void {
  for (const name of ["read", "import", "env", "run", "ffi", "sys"] as const) {
    Deno.permissions.revokeSync({ name });
  }
}

/** How often the watchdog samples the resident set size. */
const WATCH_INTERVAL_MS = 20;

/**
 * Ends the process with {@link RUNNER_EXIT_OUT_OF_MEMORY} once its resident set size exceeds
 * `limitBytes`. The plugin runs in a Worker thread, so this timer fires even while the plugin
 * spins. Returns a function that stops watching.
 */
export function watchMemory(limitBytes: number): () => void {
  const check = () => {
    const rss = Deno.memoryUsage().rss;
    if (rss <= limitBytes) return;
    const mib = (n: number) => Math.round(n / 1048576);
    const message = `sentinel plugin runner: out of memory: resident set ${mib(rss)} MiB ` +
      `exceeds the limit of ${mib(limitBytes)} MiB\n`;
    try {
      Deno.stderr.writeSync(new TextEncoder().encode(message));
    } catch { /* stderr closed */ }
    Deno.exit(RUNNER_EXIT_OUT_OF_MEMORY);
  };
  const timer = setInterval(check, WATCH_INTERVAL_MS);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}

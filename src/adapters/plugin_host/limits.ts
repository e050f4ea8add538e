/**
 * The resource limits of the plugin sandbox, shared by the supervisor (which enforces them from
 * outside the runner process) and the runner (which enforces them from inside). Figures measured
 * with Deno 2.9.6 on x86_64 Linux are in docs/plugins.md ("Sandbox limits"). No npm imports.
 *
 * @module
 */

/** V8 heap of each isolate in a runner started by `deno run` (DENO_V8_FLAGS). */
export const RUNNER_HEAP_MB = 128;

/**
 * Resident memory a runner may use in all (heaps, ArrayBuffers, native): above it the runner's
 * watchdog ends the process, on every platform.
 */
export const RUNNER_RSS_LIMIT_MB = 512;

/**
 * Virtual address space V8 reserves as writable for the code of each isolate on x86_64 Linux.
 * RLIMIT_DATA counts these reservations although they are never resident, so a lower limit stops
 * Deno from starting (measured: 1 GiB fails, 1.2 GiB starts).
 */
export const V8_CODE_RANGE_MB = 512;

/**
 * Isolates a runner may hold at once: its own, the plugin's Worker, and a fresh Worker started
 * while a stopped one (a call that timed out) is still being torn down.
 */
export const RUNNER_ISOLATES = 3;

/**
 * RLIMIT_DATA of a runner, in bytes, where `prlimit` is available (Linux): the isolates' code
 * reservations plus {@link RUNNER_RSS_LIMIT_MB}. A hard bound on writable memory; the watchdog's
 * RSS limit is the tighter one.
 */
export const RUNNER_DATA_LIMIT_BYTES = (RUNNER_ISOLATES * V8_CODE_RANGE_MB + RUNNER_RSS_LIMIT_MB) *
  1024 * 1024;

/** Largest result one call may return, as JSON (UTF-8 bytes). */
export const MAX_RESULT_BYTES = 256 * 1024;

/** Largest reply (all outcomes of a run, as JSON) the supervisor accepts from a runner. */
export const MAX_REPLY_BYTES = 1024 * 1024;

/** How much of a runner's stderr the supervisor keeps (the end of it). */
export const MAX_STDERR_KEPT_BYTES = 64 * 1024;

/** Longest error message kept from a plugin. */
export const MAX_ERROR_CHARS = 1_000;

/** Exit code of a runner whose watchdog saw it exceed {@link RUNNER_RSS_LIMIT_MB}. */
export const RUNNER_EXIT_OUT_OF_MEMORY = 86;

/** `text` cut to `max` characters, marking the cut. */
export function clip(text: string, max = MAX_ERROR_CHARS): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

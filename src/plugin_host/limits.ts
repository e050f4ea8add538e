/**
 * The limits of the plugin sandbox, shared by the supervisor (which enforces them from outside
 * the runner process) and the runner (which enforces them from inside). No npm imports.
 *
 * @module
 */

/** Largest result one call may return, as JSON (UTF-8 bytes). */
export const MAX_RESULT_BYTES = 256 * 1024;

/** Largest reply (all outcomes of a run, as JSON) the supervisor accepts from a runner. */
export const MAX_REPLY_BYTES = 1024 * 1024;

/** How much of a runner's stderr the supervisor keeps (the end of it). */
export const MAX_STDERR_KEPT_BYTES = 64 * 1024;

/** Longest error message kept from a plugin. */
export const MAX_ERROR_CHARS = 1_000;

/** `text` cut to `max` characters, marking the cut. */
export function clip(text: string, max = MAX_ERROR_CHARS): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * Child processes `exec` runs in the foreground.
 *
 * @module
 */

/** Runs commands. */
export interface ChildProcesses {
  /**
   * Runs `command args…` with exactly `env`, the terminal inherited and terminating signals
   * forwarded; resolves to its exit code (128 + signal number when a signal ended it). Throws
   * `Deno.errors.NotFound` when there is no such command.
   */
  runForeground(command: string, args: string[], env: Record<string, string>): Promise<number>;
}

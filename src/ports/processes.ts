/**
 * Child processes `exec` runs in the foreground.
 *
 * @module
 */

/** How a foreground command ended, or why it never started. */
export type ForegroundOutcome =
  | { started: true; exitCode: number }
  /** `exitCode` is what a shell would exit with: 127 not found, 126 not executable. */
  | { started: false; exitCode: number; message: string };

/** Runs commands. */
export interface ChildProcesses {
  /**
   * Runs `command args…` with exactly `env`, the terminal inherited and terminating signals
   * forwarded; its exit code is 128 + the signal number when a signal ended it.
   */
  runForeground(
    command: string,
    args: string[],
    env: Record<string, string>,
  ): Promise<ForegroundOutcome>;
}

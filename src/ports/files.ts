/**
 * Files the user names on the command line or in settings (policies, test files, logs): read
 * whole, as strict UTF-8, only when they are regular files (or `-`, standard input).
 *
 * @module
 */

/** The user's files. */
export interface UserFiles {
  /** Reads a text file; `what` names it in errors ("policy file"). Errors are exit code 3. */
  readText(path: string, what: string): Promise<string>;
  /** Reads it, or `undefined` when it does not exist. */
  readOptional(path: string): Promise<string | undefined>;
  /** Writes a text file the user named. */
  writeText(path: string, text: string): Promise<void>;
}

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
  /**
   * SHA-256 (hex) of the text {@link readOptional} would return, computed without decoding it,
   * or `undefined` when the file does not exist. A file that is not valid UTF-8 gets a hash no
   * valid text has.
   */
  textHash(path: string): Promise<string | undefined>;
  /** Writes a text file the user named. */
  writeText(path: string, text: string): Promise<void>;
  /**
   * Writes a file atomically and privately (0600), creating its folder (0700) when missing: for
   * configuration Sentinel edits on the user's behalf (`init`). Refuses (`read_only_file`) a file
   * its owner made read-only.
   */
  writePrivate(path: string, text: string): Promise<void>;
  /**
   * Whether `path` (through its symbolic links) is a file whose owner removed their own write
   * permission (`chmod u-w`, such as 0444); false when it does not exist.
   */
  isReadOnly(path: string): Promise<boolean>;
  /**
   * Copies `path` to `<path>.bak.<stamp>` (keeping its mode) and returns the copy's path, or
   * `undefined` when `path` does not exist. Never overwrites an existing backup.
   */
  backup(path: string, stamp: string): Promise<string | undefined>;
  /**
   * The text appended to `path` since byte `offset`, and the new end; starts over from 0 when the
   * file became shorter (rotated or truncated). `undefined` while the file does not exist.
   */
  readFrom(path: string, offset: number): Promise<{ text: string; end: number } | undefined>;
}

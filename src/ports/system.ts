/**
 * What `doctor` and `init` ask of the machine itself, as a port: where programs are on PATH, what
 * is at a path and whether a folder takes new files, what aws-vault holds, and what time AWS
 * thinks it is. Nothing here reads a secret.
 *
 * @module
 */

/** What is at a path. */
export type PathKind = "missing" | "file" | "directory" | "other";

/** The machine, as the setup checks see it. */
export interface SystemProbe {
  /** The absolute path `name` resolves to on PATH (an executable file), or `undefined`. */
  which(name: string): string | undefined;
  /** Whether `path` is an executable regular file. */
  isExecutable(path: string): boolean;
  /** What is at `path` (symbolic links followed). */
  pathKind(path: string): PathKind;
  /** Whether this process can create a file in the folder `dir` (tried with a probe file). */
  canCreateIn(dir: string): boolean;
  /**
   * The profiles aws-vault holds credentials for (`aws-vault list --credentials`, which needs no
   * passphrase), or `undefined` when aws-vault is not installed or cannot list them.
   */
  awsVaultCredentials(): Promise<string[] | undefined>;
  /** The time STS's endpoint for `region` reports in its `Date` header, epoch ms. */
  awsServerTime(region: string, signal: AbortSignal): Promise<number>;
}

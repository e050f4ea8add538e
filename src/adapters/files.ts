/**
 * File helpers for secrets and logs: private (0600) atomic writes, SHA-256, and the standard
 * per-user directories; and reading configuration and policy files strictly: text that is not
 * valid UTF-8 is an error with the line and column of the first bad byte (exit 3), never silently
 * repaired. No npm imports: this module is on the warm credential path.
 *
 * @module
 */
import { SentinelError } from "../core/errors.ts";
import { decodeUtf8Strict, describeUtf8Problem } from "../core/text/utf8.ts";

/**
 * A file that exists but cannot serve as configuration or policy (for example it is not valid
 * UTF-8). Exit code 3; `reason` and `advice` let a caller rephrase it for the file it names.
 */
export class UnusableFileError extends SentinelError {
  readonly path: string;
  readonly reason: string;
  readonly advice: string;

  constructor(path: string, reason: string, advice: string) {
    super("invalid_config", `cannot read ${path}: ${reason}; ${advice}`);
    this.name = "UnusableFileError";
    this.path = path;
    this.reason = reason;
    this.advice = advice;
  }
}

/** Decodes a file's bytes as strict UTF-8; throws {@link UnusableFileError} at the first bad byte. */
export function decodeFileText(path: string, bytes: Uint8Array): string {
  const decoded = decodeUtf8Strict(bytes);
  if (decoded.ok) return decoded.text;
  throw new UnusableFileError(
    path,
    `it is not valid UTF-8 at ${describeUtf8Problem(decoded.problem)}`,
    "save it as UTF-8 (for example `iconv -f latin1 -t utf-8`) and fix that character",
  );
}

/** What a file that is not a regular file is, for messages: `a directory`, `a FIFO (named pipe)`. */
export function fileKind(info: Deno.FileInfo): string {
  if (info.isFile) return "a regular file";
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "a special file";
}

function notRegular(path: string, info: Deno.FileInfo): UnusableFileError {
  return new UnusableFileError(
    path,
    `it is ${fileKind(info)}, not a regular file`,
    "use the path of a regular file",
  );
}

/**
 * Reads a whole regular file. Anything else is refused before it is opened: a FIFO would block
 * the open until some writer appears (a hang), a device such as /dev/zero would be read forever,
 * a directory cannot be read. The opened handle is checked again, so a path swapped after the
 * first check is refused too (except a swap to a FIFO in that instant, which blocks the open).
 * NotFound and PermissionDenied come through as Deno's errors.
 */
export function readRegularFileSync(path: string): Uint8Array {
  // The one device people name on purpose (AWS_CONFIG_FILE=/dev/null means "no config").
  if (path === "/dev/null") return new Uint8Array();
  const info = Deno.statSync(path);
  if (!info.isFile) throw notRegular(path, info);
  using file = Deno.openSync(path, { read: true });
  const opened = file.statSync();
  if (!opened.isFile) throw notRegular(path, opened);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(Math.max(opened.size - total, 0) + 4096);
    const n = file.readSync(chunk);
    if (n === null) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Reads a regular text file strictly (see {@link readRegularFileSync} and {@link decodeFileText}).
 * Synchronous underneath.
 */
export function readTextFileStrict(path: string): Promise<string> {
  try {
    return Promise.resolve(decodeFileText(path, readRegularFileSync(path)));
  } catch (error) {
    return Promise.reject(error);
  }
}

import { sha256Hex } from "../core/text/hash.ts";

export { sha256Hex };

/** Creates a directory (and parents) readable only by the owner. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
}

/**
 * Whether `path` (through its links) is a file its owner may not write: its mode lacks u+w.
 * Windows reports no mode: false there.
 */
export async function isOwnerReadOnly(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && info.mode !== null && (info.mode & 0o200) === 0;
  } catch {
    return false;
  }
}

/** The refusal to replace a file its owner made read-only (exit 1, nothing changed). */
function readOnlyRefusal(path: string, mode: number | null): SentinelError {
  const octal = mode === null ? "" : ` (mode 0${(mode & 0o777).toString(8)})`;
  return new SentinelError(
    "read_only_file",
    `${path} is read-only${octal}: its owner removed the write permission, so Sentinel will not replace it; nothing was changed. To let Sentinel write it, run \`chmod u+w ${path}\` and run the command again, or make the change shown above yourself`,
  );
}

/**
 * Writes a file atomically (temp file, then rename) with mode 0600. A symbolic link is written
 * through (its target is replaced, the link stays), as editors do. A file its owner made
 * read-only is refused: a rename would replace it regardless of its mode.
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const target = await linkTarget(path);
  if (await isOwnerReadOnly(target)) {
    throw readOnlyRefusal(path, (await Deno.stat(target)).mode);
  }
  const dir = target.slice(0, target.lastIndexOf("/")) || ".";
  const temp = `${target}.${crypto.randomUUID()}.tmp`;
  try {
    await ensurePrivateDir(dir);
    await Deno.writeTextFile(temp, text, { mode: 0o600, createNew: true });
    await Deno.chmod(temp, 0o600);
    await Deno.rename(temp, target);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw writeFailure(path, error);
  }
}

/** The file a path names: itself, or what its symbolic links lead to. */
async function linkTarget(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw writeFailure(path, error);
    const link = await Deno.lstat(path).catch(() => undefined);
    if (link?.isSymlink) {
      throw new SentinelError(
        "invalid_config",
        `cannot write ${path}: it is a symbolic link to a file that does not exist; nothing was changed. Fix or remove the link`,
      );
    }
    return path;
  }
}

/**
 * A failed write as an error that says why in words (a full disk, a read-only file system, no
 * permission) — exit 1, nothing changed — rather than an OS error reported as a bug.
 */
function writeFailure(path: string, error: unknown): unknown {
  if (error instanceof SentinelError || !(error instanceof Error)) return error;
  const message = error.message;
  const why = /os error 28|No space left/i.test(message)
    ? "the disk is full"
    : /os error 30|Read-only file system/i.test(message)
    ? "the file system is read-only"
    : error instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : /os error 122|quota/i.test(message)
    ? "the disk quota is exceeded"
    : fileSystemReason(error);
  return new SentinelError(
    "write_failed",
    `cannot write ${path}: ${why}; nothing was changed. Free space or fix the permissions, then run the command again`,
    { cause: error },
  );
}

/**
 * Reads a regular text file strictly (see {@link readTextFileStrict}), or `undefined` when it
 * does not exist.
 * Synchronous underneath: Sentinel is a
 * one-shot process, and on the warm path each async file op costs a measurable first-use delay.
 */
export function readOptionalText(path: string): Promise<string | undefined> {
  try {
    return Promise.resolve(decodeFileText(path, readRegularFileSync(path)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return Promise.resolve(undefined);
    return Promise.reject(unusable(path, error));
  }
}

/**
 * A file-system error reading `path` as an {@link UnusableFileError} (exit 3) that says why in
 * words — a symlink loop, a parent that is a file, no permission — instead of a raw OS error.
 */
function unusable(path: string, error: unknown): unknown {
  if (error instanceof SentinelError || !(error instanceof Error)) return error;
  return new UnusableFileError(path, fileSystemReason(error), "check the path and its folders");
}

/** Why a file could not be read, in words. */
function fileSystemReason(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Deno.errors.NotADirectory) return "a folder on its path is a file";
  if (error instanceof Deno.errors.FilesystemLoop) return "a loop of symbolic links";
  const message = String((error as Error).message ?? error);
  if (/ELOOP|too many levels of symbolic links/i.test(message)) return "a loop of symbolic links";
  if (/ENAMETOOLONG|name too long/i.test(message)) return "the path is too long";
  return message;
}

/**
 * SHA-256 (hex) of a regular file's text without decoding it: the hash of its bytes after a
 * leading byte order mark, which for valid UTF-8 is the hash of the text {@link readOptionalText}
 * returns (bytes that are not valid UTF-8 hash to a value no valid text has). `undefined` when
 * the file does not exist. For the warm path, where decoding a large policy costs more than
 * hashing it.
 */
export async function fileTextHash(path: string): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw unusable(path, error);
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return await sha256Hex(bom ? bytes.subarray(3) : bytes);
}

/** How a file argument is named in messages: `-` is standard input. */
function displayName(path: string): string {
  return path === "-" ? "<stdin>" : path;
}

/**
 * Reads a text file the user named (`-` is standard input): a regular file, strict UTF-8.
 * File-system errors are exit code 3 with what to do.
 */
export async function readUserFile(path: string, what: string): Promise<string> {
  try {
    if (path === "-") {
      const bytes = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
      return decodeFileText("<stdin>", bytes);
    }
    return await readTextFileStrict(path);
  } catch (error) {
    if (error instanceof UnusableFileError) {
      throw new SentinelError(
        "invalid_config",
        `cannot read ${what} ${displayName(path)}: ${error.reason}; ${error.advice}`,
        { cause: error },
      );
    }
    throw new SentinelError(
      "invalid_config",
      `cannot read ${what} ${displayName(path)}: ${fileSystemReason(error)}; check the path`,
      { cause: error },
    );
  }
}

/**
 * Copies `path` to `<path>.bak.<stamp>` with the same mode, never overwriting: a name that is
 * taken gets `-2`, `-3`, … Returns the copy's path, or `undefined` when `path` does not exist.
 */
export async function backupFile(path: string, stamp: string): Promise<string | undefined> {
  let info: Deno.FileInfo;
  let bytes: Uint8Array;
  try {
    info = await Deno.stat(path);
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw writeFailure(`${path}.bak.${stamp}`, error);
  }
  const mode = (info.mode ?? 0o600) & 0o777;
  // Written whole under a temporary name, then linked to its final one: a full disk leaves no
  // truncated backup, and an existing backup is never overwritten.
  const temp = `${path}.bak.${stamp}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeFile(temp, bytes, { createNew: true, mode });
    await Deno.chmod(temp, mode);
    for (let n = 1;; n++) {
      const target = `${path}.bak.${stamp}${n === 1 ? "" : `-${n}`}`;
      try {
        await Deno.link(temp, target);
        return target;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
    }
  } catch (error) {
    throw writeFailure(`${path}.bak.${stamp}`, error);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/**
 * The bytes appended to `path` since `offset`, decoded (a partial last line is left for the next
 * read), and the offset to read from next; from 0 again when the file shrank.
 */
export async function readFromOffset(
  path: string,
  offset: number,
): Promise<{ text: string; end: number } | undefined> {
  let file: Deno.FsFile;
  try {
    // Checked before opening: opening a FIFO would wait for a writer for ever.
    const info = await Deno.stat(path);
    if (!info.isFile) throw notRegular(path, info);
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw unusable(path, error);
  }
  using opened = file;
  const info = await opened.stat();
  if (!info.isFile) throw notRegular(path, info);
  const size = info.size;
  const start = size < offset ? 0 : offset;
  await opened.seek(start, Deno.SeekMode.Start);
  const buffer = new Uint8Array(size - start);
  let read = 0;
  while (read < buffer.length) {
    const n = await opened.read(buffer.subarray(read));
    if (n === null) break;
    read += n;
  }
  const lastNewline = buffer.subarray(0, read).lastIndexOf(0x0a);
  const whole = lastNewline + 1;
  return { text: new TextDecoder().decode(buffer.subarray(0, whole)), end: start + whole };
}

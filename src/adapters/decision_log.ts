/**
 * The decision log: JSON Lines, 0600, one object per decision, each line carrying the SHA-256 of
 * the line before it (`prev_hash`), so `sentinel audit verify` finds an edited or deleted line.
 * Appends hold an exclusive lock so concurrent Sentinel processes keep the chain intact, write a
 * record whole or not at all (a full disk leaves no partial line), and repair a torn last line
 * left by a killed writer with a `log_repair` record in the chain.
 * No npm imports: this module is on the warm credential path.
 *
 * @module
 */
import { chainHash, GENESIS_HASH } from "../core/audit/chain.ts";
import { sha256Hex } from "../core/text/hash.ts";
import { fileKind } from "./files.ts";
/** How much of a log's first line is read to see that it starts a chain. */
const FIRST_LINE_BYTES = 64 * 1024;
const TAIL_BYTES = 64 * 1024;
/** How much of the end of the log is read first, to find the last line without a whole chunk. */
const PROBE_BYTES = 4 * 1024;

/**
 * A line longer than this is not a record (records are about a kilobyte): such a file is refused
 * instead of cut, since cutting it could remove much more than a tear.
 */
const TORN_LIMIT = 1024 * 1024;
/** How much of a removed tear a repair record quotes. */
const QUOTE_CHARS = 4096;
const NEWLINE = 0x0a;

/** Seams for tests; the defaults are the real file operations. */
export interface AppendHooks {
  /** Writes some of `bytes` at the end of the log; returns how many. */
  write?: (file: Deno.FsFile, bytes: Uint8Array) => number;
  /** Flushes the log's data to the disk. */
  sync?: (file: Deno.FsFile) => void;
}

/** The append in progress per log path in this process (see {@link appendDecision}). */
const appending = new Map<string, Promise<unknown>>();

/**
 * Appends one record (an object without `prev_hash`) and returns the line written. Appends to
 * one log from this process run one at a time: the file lock is taken with a blocking call,
 * so a second append in the same process (a broker deciding two calls at once) waiting for it
 * while the first awaits its hash would stop the process for good.
 */
export function appendDecision(
  path: string,
  record: Record<string, unknown>,
  hooks: AppendHooks = {},
): Promise<string> {
  const next = (appending.get(path) ?? Promise.resolve()).catch(() => {})
    .then(() => appendLocked(path, record, hooks));
  appending.set(path, next);
  const forget = () => {
    if (appending.get(path) === next) appending.delete(path);
  };
  next.then(forget, forget);
  return next;
}

/**
 * One append, under the log's file lock.
 *
 * Whole or nothing: the record is written as one buffer, flushed, and on any failure (a full
 * disk, an I/O error) the file is cut back to its previous length before the error is thrown, so
 * no partial line is left for the next record to be glued onto. Callers turn the error into
 * "nothing was issued".
 *
 * A log whose last line is torn (no newline, as a writer killed mid-line leaves it, or not valid
 * JSON) is repaired first: the tear is cut off and a `log_repair` record saying how many bytes
 * were removed, their SHA-256 and their text is chained in before the record, so `audit verify`
 * stays intact and the repair is on the record.
 *
 * File operations are synchronous: this runs once per process, on the warm path, where each
 * first async op costs.
 */
async function appendLocked(
  path: string,
  record: Record<string, unknown>,
  hooks: AppendHooks,
): Promise<string> {
  const before = lstatIfExists(path);
  refuseNonRegular(path, before);
  Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")) || ".", { recursive: true, mode: 0o700 });
  using file = Deno.openSync(path, { read: true, append: true, create: true, mode: 0o600 });
  file.lockSync(true);
  try {
    const stat = file.statSync();
    refuseNonRegular(path, stat);
    // The file opened must be the one looked at: no symlink swapped in between.
    const after = lstatIfExists(path);
    refuseNonRegular(path, after);
    if (after?.ino != null && stat.ino != null && after.ino !== stat.ino) {
      throw new Error(`${path} was replaced while it was being opened; try again`);
    }
    refuseForeign(file, stat.size, path);
    if (stat.mode !== null && (stat.mode & 0o077) !== 0) Deno.chmodSync(path, 0o600);
    const tail = inspectTail(file, stat.size, path);
    let prevHash = await chainHash(tail.previous);
    const lines: string[] = [];
    if (tail.torn !== undefined) {
      const repair = JSON.stringify({
        type: "log_repair",
        time: record.time ?? null,
        reason: tail.torn.reason,
        removed_bytes: tail.torn.bytes.length,
        removed_sha256: await sha256Hex(tail.torn.bytes),
        removed_text: new TextDecoder().decode(tail.torn.bytes).slice(0, QUOTE_CHARS),
        prev_hash: prevHash,
      });
      lines.push(repair);
      prevHash = await sha256Hex(repair);
    }
    const line = JSON.stringify({ ...record, prev_hash: prevHash });
    lines.push(line);
    const bytes = new TextEncoder().encode(lines.join("\n") + "\n");
    const write = hooks.write ?? ((f: Deno.FsFile, b: Uint8Array) => f.writeSync(b));
    const sync = hooks.sync ?? ((f: Deno.FsFile) => f.syncDataSync());
    try {
      if (tail.torn !== undefined) file.truncateSync(tail.keep);
      let written = 0;
      while (written < bytes.length) {
        const n = write(file, bytes.subarray(written));
        if (n <= 0) throw new Error("the write made no progress");
        written += n;
      }
      sync(file);
    } catch (error) {
      throw rollBack(file, stat.size, tail, error);
    }
    return line;
  } finally {
    file.unlockSync();
  }
}

/** Refuses a log path that is not a regular file: a FIFO blocks, /dev/null swallows the record. */
function refuseNonRegular(path: string, info: Deno.FileInfo | undefined): void {
  if (info?.isSymlink) {
    throw new Error(
      `${path} is a symbolic link; the decision log must be a regular file of its own (point log_file at the real path)`,
    );
  }
  if (info !== undefined && !info.isFile) {
    throw new Error(`${path} is ${fileKind(info)}, not a regular file`);
  }
}

function startsLikeRecord(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 2)) === '{"';
}

function lstatIfExists(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * A non-empty file must start like a decision log — a JSON record whose `prev_hash` is the
 * genesis hash — before Sentinel appends to it, repairs its last line or changes its mode: a
 * log_file pointed at some other file (say ~/.aws/credentials) is refused, never rewritten.
 */
function refuseForeign(file: Deno.FsFile, size: number, path: string): void {
  if (size === 0) return;
  const head = readRange(file, 0, Math.min(size, FIRST_LINE_BYTES));
  const newline = head.indexOf(10);
  // A first record cut short by a killed writer (no newline yet) is a tear the append repairs.
  if (newline < 0 && size <= FIRST_LINE_BYTES && startsLikeRecord(head)) return;
  const first = newline < 0 ? head : head.subarray(0, newline);
  let record: unknown;
  try {
    record = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(first));
  } catch {
    record = undefined;
  }
  if ((record as { prev_hash?: unknown } | undefined)?.prev_hash !== GENESIS_HASH) {
    throw new Error(
      `${path} is not a decision log (its first line is not a chained Sentinel record), so nothing was appended to it; point log_file at a file of its own, or move this one aside if it is a log whose first line was damaged`,
    );
  }
}

/**
 * Puts the file back as it was before a failed append: its previous length, and a tear that was
 * cut off written back (the space it used was just freed). Returns the error to throw.
 */
function rollBack(file: Deno.FsFile, size: number, tail: Tail, error: unknown): Error {
  const cause = error instanceof Error ? error : new Error(String(error));
  try {
    file.truncateSync(tail.keep);
    if (tail.torn !== undefined) {
      let written = 0;
      while (written < tail.torn.bytes.length) {
        written += file.writeSync(tail.torn.bytes.subarray(written));
      }
    }
    if (file.statSync().size !== size) throw new Error(`length is not back to ${size}`);
    file.syncDataSync();
    return cause;
  } catch (rollBackError) {
    return new Error(
      `${cause.message}; undoing the partial write also failed (${
        (rollBackError as Error).message
      }), so the log may end in a torn line, which the next append repairs and records`,
      { cause },
    );
  }
}

/** What the end of the log looks like before an append. */
interface Tail {
  /** Bytes of the log to keep: everything before a torn last line. */
  keep: number;
  /** The last complete, valid line (without its newline), when there is one. */
  previous?: Uint8Array;
  /** A torn last line to cut off, and why it counts as torn. */
  torn?: { bytes: Uint8Array; reason: string };
}

function inspectTail(file: Deno.FsFile, size: number, path: string): Tail {
  if (size === 0) return { keep: 0 };
  const lastNewline = lineStart(file, size, path) - 1;
  if (lastNewline !== size - 1) {
    // An unterminated last line: a write that was cut short.
    return torn(
      file,
      path,
      lastNewline + 1,
      size,
      "the last line had no newline: a write was cut short",
    );
  }
  const start = lineStart(file, size - 1, path);
  const last = readRange(file, start, size - 1);
  if (!isJsonLine(last)) {
    return torn(file, path, start, size, "the last line was not valid JSON");
  }
  return { keep: size, previous: last };
}

function torn(file: Deno.FsFile, path: string, keep: number, size: number, reason: string): Tail {
  const previous = keep === 0
    ? undefined
    : readRange(file, lineStart(file, keep - 1, path), keep - 1);
  return { keep, previous, torn: { bytes: readRange(file, keep, size), reason } };
}

function isJsonLine(bytes: Uint8Array): boolean {
  try {
    const value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
}

/**
 * Where the line that ends at `end` starts: just after the last newline before `end`, or 0.
 * Reads backwards in chunks; a line longer than any record could be means the file is not a
 * decision log (or is damaged beyond a tear), and it is refused rather than cut.
 */
function lineStart(file: Deno.FsFile, end: number, path: string): number {
  // A record is about a kilobyte: the newline is almost always within the last few. Only when
  // it is not are whole chunks read back from `end`, exactly as without this probe.
  const probeStart = Math.max(0, end - PROBE_BYTES);
  const probe = readRange(file, probeStart, end).lastIndexOf(NEWLINE);
  if (probe !== -1) return probeStart + probe + 1;
  if (probeStart === 0) return 0;
  let chunkEnd = end;
  while (chunkEnd > 0) {
    const chunkStart = Math.max(0, chunkEnd - TAIL_BYTES);
    const index = readRange(file, chunkStart, chunkEnd).lastIndexOf(NEWLINE);
    if (index !== -1) return chunkStart + index + 1;
    if (end - chunkStart > TORN_LIMIT) {
      throw new Error(
        `${path} is not a decision log, or is damaged beyond a torn line: it has a line of more than ${TORN_LIMIT} bytes; move it aside (Sentinel then starts a new log) or point SENTINEL_LOG_FILE elsewhere`,
      );
    }
    chunkEnd = chunkStart;
  }
  return 0;
}

function readRange(file: Deno.FsFile, start: number, end: number): Uint8Array {
  file.seekSync(start, Deno.SeekMode.Start);
  const buffer = new Uint8Array(end - start);
  let read = 0;
  while (read < buffer.length) {
    const n = file.readSync(buffer.subarray(read));
    if (n === null) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

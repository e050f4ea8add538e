/**
 * The decision log: JSON Lines, 0600, one object per decision, each line carrying the SHA-256 of
 * the line before it (`prev_hash`), so `sentinel audit verify` finds an edited or deleted line.
 * Appends hold an exclusive lock so concurrent Sentinel processes keep the chain intact.
 * No npm imports: this module is on the warm credential path.
 *
 * @module
 */
import { sha256Hex } from "./files.ts";

/** `prev_hash` of the first line. */
export const GENESIS_HASH = "0".repeat(64);
const TAIL_BYTES = 64 * 1024;

/**
 * Appends one record (an object without `prev_hash`) and returns the line written. File operations
 * are synchronous: this runs once per process, on the warm path, where each first async op costs.
 */
export async function appendDecision(
  path: string,
  record: Record<string, unknown>,
): Promise<string> {
  Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")) || ".", { recursive: true, mode: 0o700 });
  using file = Deno.openSync(path, { read: true, append: true, create: true, mode: 0o600 });
  file.lockSync(true);
  try {
    const stat = file.statSync();
    if (stat.mode !== null && (stat.mode & 0o077) !== 0) Deno.chmodSync(path, 0o600);
    const previous = lastLine(file, stat.size);
    const prevHash = previous === undefined ? GENESIS_HASH : await sha256Hex(previous);
    const line = JSON.stringify({ ...record, prev_hash: prevHash });
    const bytes = new TextEncoder().encode(line + "\n");
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    file.syncDataSync();
    return line;
  } finally {
    file.unlockSync();
  }
}

function lastLine(file: Deno.FsFile, size: number): string | undefined {
  if (size === 0) return undefined;
  const start = Math.max(0, size - TAIL_BYTES);
  file.seekSync(start, Deno.SeekMode.Start);
  const buffer = new Uint8Array(size - start);
  let read = 0;
  while (read < buffer.length) {
    const n = file.readSync(buffer.subarray(read));
    if (n === null) break;
    read += n;
  }
  const text = new TextDecoder().decode(buffer.subarray(0, read));
  const lines = text.split("\n").filter((line) => line !== "");
  return lines.at(-1);
}

/** The outcome of verifying a log. */
export type VerifyResult =
  | { ok: true; lines: number }
  | { ok: false; lines: number; line: number; problem: string };

/** Checks every line's JSON and chain link; reports the first broken or missing line. */
export async function verifyDecisionLog(text: string): Promise<VerifyResult> {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  let expected = GENESIS_HASH;
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    let record: { prev_hash?: unknown };
    try {
      record = JSON.parse(line);
    } catch {
      return { ok: false, lines: lines.length, line: number, problem: "is not valid JSON" };
    }
    if (record.prev_hash !== expected) {
      return {
        ok: false,
        lines: lines.length,
        line: number,
        problem: number === 1
          ? "does not start the chain: lines before it were deleted, or it was edited"
          : `does not follow line ${number - 1}: line ${
            number - 1
          } was edited, or lines between them were deleted`,
      };
    }
    expected = await sha256Hex(line);
  }
  return { ok: true, lines: lines.length };
}

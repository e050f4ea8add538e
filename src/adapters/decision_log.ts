/**
 * The decision log: JSON Lines, 0600, one object per decision, each line carrying the SHA-256 of
 * the line before it (`prev_hash`), so `sentinel audit verify` finds an edited or deleted line.
 * Appends hold an exclusive lock so concurrent Sentinel processes keep the chain intact.
 * No npm imports: this module is on the warm credential path.
 *
 * @module
 */
import { chainHash } from "../core/audit_chain.ts";
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
    const prevHash = await chainHash(previous);
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

/**
 * Reads a child process's output to its end while keeping only the last bytes of it, so a plugin
 * that writes gigabytes to stdout or stderr costs Sentinel one fixed buffer, not its memory. Reads
 * go into one reused buffer (a BYOB reader), so draining allocates nothing per chunk. No npm
 * imports.
 *
 * @module
 */

/** What was kept of a stream: its last `keep` bytes, and how many bytes it carried in all. */
export interface StreamTail {
  tail: Uint8Array;
  total: number;
}

const READ_SIZE = 64 * 1024;

/** Drains `stream` (a byte stream) to its end, keeping its last `keep` bytes; never rejects. */
export async function readTail(
  stream: ReadableStream<Uint8Array>,
  keep: number,
): Promise<StreamTail> {
  const ring = new Uint8Array(keep);
  let total = 0;
  const append = (bytes: Uint8Array) => {
    const chunk = bytes.length > keep ? bytes.subarray(bytes.length - keep) : bytes;
    const at = (total + bytes.length - chunk.length) % keep;
    const first = Math.min(chunk.length, keep - at);
    ring.set(chunk.subarray(0, first), at);
    ring.set(chunk.subarray(first), 0);
    total += bytes.length;
  };
  const reader = stream.getReader({ mode: "byob" });
  let buffer = new Uint8Array(READ_SIZE);
  try {
    for (;;) {
      const { done, value } = await reader.read(buffer);
      if (done) break;
      append(value);
      buffer = new Uint8Array(value.buffer);
    }
  } catch {
    // The process died mid-write; what was read so far is what there is.
  } finally {
    reader.releaseLock();
  }
  if (total <= keep) return { tail: ring.slice(0, total), total };
  const start = total % keep;
  const tail = new Uint8Array(keep);
  tail.set(ring.subarray(start), 0);
  tail.set(ring.subarray(0, start), keep - start);
  return { tail, total };
}

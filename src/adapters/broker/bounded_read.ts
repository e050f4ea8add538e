/**
 * Reads an HTTP body to its end, but never more than a bound: a peer (a hostile client, a
 * misbehaving endpoint) cannot make Sentinel hold more than `maxBytes` of it in memory.
 *
 * @module
 */

/** What was read, or that the body went past the bound (the rest is cancelled, never read). */
export type BoundedText = { ok: true; text: string } | { ok: false; tooLarge: true };

/** Reads `body` as strict UTF-8 up to `maxBytes`; throws a TypeError when it is not UTF-8. */
export async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<BoundedText> {
  if (body === null) return { ok: true, text: "" };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > maxBytes) {
        await reader.cancel().catch(() => {});
        return { ok: false, tooLarge: true };
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
}

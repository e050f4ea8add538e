/**
 * SHA-256 as lowercase hex (WebCrypto; pure computation, no I/O).
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./hash.ts";
 *
 * console.assert((await sha256Hex("")).startsWith("e3b0c442"));
 * ```
 * @module
 */

/** Hex SHA-256 of a text (UTF-8) or bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

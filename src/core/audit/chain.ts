/**
 * The decision log's hash chain: each JSON line carries the SHA-256 of the line before it
 * (`prev_hash`; the first carries {@link GENESIS_HASH}), so an edited or deleted line breaks the
 * chain at the next one. Pure: verification works on the text.
 *
 * @example
 * ```ts
 * import { GENESIS_HASH, verifyChain } from "./chain.ts";
 *
 * const line = JSON.stringify({ user: "alice", prev_hash: GENESIS_HASH });
 * console.assert((await verifyChain(line + "\n")).ok);
 * ```
 * @module
 */
import { sha256Hex } from "../text/hash.ts";

/** `prev_hash` of the first line. */
export const GENESIS_HASH = "0".repeat(64);

/** The outcome of verifying a log. */
export type ChainResult =
  /** `repairs`: the line numbers of `log_repair` records (torn lines cut off by an append). */
  | { ok: true; lines: number; repairs: number[] }
  | { ok: false; lines: number; line: number; problem: string };

/** The `prev_hash` a line after `previous` must carry. */
export async function chainHash(previous: string | Uint8Array | undefined): Promise<string> {
  return previous === undefined ? GENESIS_HASH : await sha256Hex(previous);
}

/** Checks every line's JSON and chain link; reports the first broken or missing line. */
export async function verifyChain(text: string): Promise<ChainResult> {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  let expected = GENESIS_HASH;
  const repairs: number[] = [];
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    let record: { prev_hash?: unknown; type?: unknown };
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
    if (record.type === "log_repair") repairs.push(number);
    expected = await sha256Hex(line);
  }
  return { ok: true, lines: lines.length, repairs };
}

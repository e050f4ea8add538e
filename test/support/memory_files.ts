/**
 * The user's files in memory (the UserFiles port), and a decision log that appends to them: the
 * same hash-chained JSON lines the real log writes (core/audit/chain.ts), so `sentinel log` and
 * `sentinel audit verify` read back what issuance wrote, in the same process. Errors are the real
 * adapter's: exit 3 for a file that cannot be read, `read_only_file` for a write to a file its
 * owner made read-only.
 *
 * @module
 */
import { chainHash } from "../../src/core/audit/chain.ts";
import { SentinelError } from "../../src/core/errors.ts";
import { sha256Hex } from "../../src/core/text/hash.ts";
import type { DecisionLog } from "../../src/ports/decision_log.ts";
import type { UserFiles } from "../../src/ports/files.ts";

/** Files by absolute path. */
export class MemoryFiles implements UserFiles {
  readonly #texts = new Map<string, string>();
  readonly #readOnly = new Set<string>();

  constructor(files: Record<string, string> = {}) {
    for (const [path, text] of Object.entries(files)) this.#texts.set(path, text);
  }

  /** The text at `path`, or undefined. */
  get(path: string): string | undefined {
    return this.#texts.get(path);
  }

  /** Writes `text` at `path`, as the person (or another program) would. */
  set(path: string, text: string): void {
    this.#texts.set(path, text);
  }

  delete(path: string): void {
    this.#texts.delete(path);
  }

  /** Every path, sorted. */
  paths(): string[] {
    return [...this.#texts.keys()].sort();
  }

  /** Whether `path` is a file, or a folder some file is in. */
  kind(path: string): "file" | "directory" | "missing" {
    if (this.#texts.has(path)) return "file";
    const prefix = path.endsWith("/") ? path : `${path}/`;
    return [...this.#texts.keys()].some((p) => p.startsWith(prefix)) ? "directory" : "missing";
  }

  /** Marks `path` read-only for its owner (`chmod u-w`). */
  makeReadOnly(path: string): void {
    this.#readOnly.add(path);
  }

  readText(path: string, what: string): Promise<string> {
    const text = this.#texts.get(path);
    if (text === undefined) {
      return Promise.reject(
        new SentinelError(
          "invalid_config",
          `cannot read ${what} ${path}: no such file; check the path`,
        ),
      );
    }
    return Promise.resolve(text);
  }

  readOptional(path: string): Promise<string | undefined> {
    return Promise.resolve(this.#texts.get(path));
  }

  async textHash(path: string): Promise<string | undefined> {
    const text = this.#texts.get(path);
    return text === undefined ? undefined : await sha256Hex(text);
  }

  writeText(path: string, text: string): Promise<void> {
    this.#texts.set(path, text);
    return Promise.resolve();
  }

  writePrivate(path: string, text: string): Promise<void> {
    if (this.#readOnly.has(path)) {
      return Promise.reject(
        new SentinelError(
          "read_only_file",
          `${path} is read-only (mode 0444): its owner removed the write permission, so Sentinel will not replace it; nothing was changed. To let Sentinel write it, run \`chmod u+w ${path}\` and run the command again, or make the change shown above yourself`,
        ),
      );
    }
    this.#texts.set(path, text);
    return Promise.resolve();
  }

  isReadOnly(path: string): Promise<boolean> {
    return Promise.resolve(this.#texts.has(path) && this.#readOnly.has(path));
  }

  backup(path: string, stamp: string): Promise<string | undefined> {
    const text = this.#texts.get(path);
    if (text === undefined) return Promise.resolve(undefined);
    let copy = `${path}.bak.${stamp}`;
    for (let n = 2; this.#texts.has(copy); n++) copy = `${path}.bak.${stamp}-${n}`;
    this.#texts.set(copy, text);
    return Promise.resolve(copy);
  }

  readFrom(path: string, offset: number): Promise<{ text: string; end: number } | undefined> {
    const text = this.#texts.get(path);
    if (text === undefined) return Promise.resolve(undefined);
    const bytes = new TextEncoder().encode(text);
    const start = bytes.length < offset ? 0 : offset;
    const whole = bytes.subarray(start).lastIndexOf(0x0a) + 1;
    return Promise.resolve({
      text: new TextDecoder().decode(bytes.subarray(start, start + whole)),
      end: start + whole,
    });
  }
}

/** The decision log, appending chained lines to `files`; `failing` makes every append throw. */
export class MemoryDecisionLog implements DecisionLog {
  failing: string | undefined;

  constructor(private readonly files: MemoryFiles) {}

  async append(path: string, record: Record<string, unknown>): Promise<void> {
    if (this.failing !== undefined) throw new Error(this.failing);
    const before = this.files.get(path) ?? "";
    const lines = before.split("\n").filter((line) => line !== "");
    const line = JSON.stringify({ ...record, prev_hash: await chainHash(lines.at(-1)) });
    this.files.set(path, `${before}${line}\n`);
  }

  /** The records at `path`, as logged. */
  records(path: string): Record<string, unknown>[] {
    return (this.files.get(path) ?? "").split("\n").filter((line) => line !== "")
      .map((line) => JSON.parse(line));
  }
}

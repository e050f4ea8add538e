/**
 * UTC offsets of an IANA time zone, looked up without building a date or a formatter per call.
 *
 * The offsets are read from the runtime's time zone data (`Intl`) once per block of 366 days,
 * sampling each day and bisecting each change down to the minute; a lookup then costs a map read
 * and a scan over that block's (usually zero to two) transitions. Deterministic: no clock is read.
 *
 * @example
 * ```ts
 * const berlin = new ZoneOffsets("Europe/Berlin");
 * berlin.offsetMinutes(Date.UTC(2026, 6, 1)); // 120 (CEST)
 * ```
 * @module
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const BLOCK_MS = 366 * DAY_MS;

interface OffsetBlock {
  /** Start times (epoch ms) of each offset in the block, ascending; the first is the block start. */
  readonly starts: number[];
  /** Offset in minutes east of UTC, parallel to `starts`. */
  readonly offsets: number[];
}

/** Whether the runtime knows the IANA time zone name. */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Offsets of one time zone, computed lazily and kept for the life of the object. */
export class ZoneOffsets {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat | undefined;
  readonly #blocks = new Map<number, OffsetBlock>();

  /** @throws RangeError when the time zone is unknown to the runtime. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = timeZone === "UTC" ? undefined : new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
  }

  /** Offset from UTC in minutes (east positive) at the instant `epochMs`. */
  offsetMinutes(epochMs: number): number {
    if (this.#format === undefined) return 0;
    const index = Math.floor(epochMs / BLOCK_MS);
    let block = this.#blocks.get(index);
    if (block === undefined) {
      block = this.#computeBlock(index * BLOCK_MS);
      this.#blocks.set(index, block);
    }
    const { starts, offsets } = block;
    let i = starts.length - 1;
    while (i > 0 && starts[i] > epochMs) i--;
    return offsets[i];
  }

  #computeBlock(blockStart: number): OffsetBlock {
    const starts = [blockStart];
    const offsets = [this.#readOffset(blockStart)];
    let previous = offsets[0];
    for (let day = 1; day <= 366; day++) {
      const at = blockStart + day * DAY_MS;
      const offset = this.#readOffset(at);
      if (offset !== previous) {
        const change = this.#bisectChange(at - DAY_MS, at, previous);
        if (change < blockStart + BLOCK_MS) {
          starts.push(change);
          offsets.push(this.#readOffset(change));
        }
        previous = offset;
      }
    }
    return { starts, offsets };
  }

  /** First minute in (low, high] whose offset differs from `before`. */
  #bisectChange(low: number, high: number, before: number): number {
    let lo = low / MINUTE_MS;
    let hi = high / MINUTE_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.#readOffset(mid * MINUTE_MS) === before) lo = mid;
      else hi = mid;
    }
    return hi * MINUTE_MS;
  }

  #readOffset(epochMs: number): number {
    const parts = this.#format!.formatToParts(epochMs);
    const field: Record<string, number> = {};
    for (const part of parts) {
      if (part.type !== "literal") field[part.type] = Number(part.value);
    }
    const localAsUtc = Date.UTC(
      field.year,
      field.month - 1,
      field.day,
      field.hour,
      field.minute,
    );
    const utcMinute = Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
    return Math.round((localAsUtc - utcMinute) / MINUTE_MS);
  }
}

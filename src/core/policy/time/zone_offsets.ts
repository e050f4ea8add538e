/**
 * UTC offsets of an IANA time zone, looked up without building a date or a formatter per call.
 *
 * The offsets come from the runtime's `Temporal` time zone data, once per block of 366 days: the
 * offset at the block's start and each transition inside it (`getTimeZoneTransition`). The first
 * zone costs about a millisecond in a process, where the first `Intl.DateTimeFormat` costs about
 * thirteen. The few names Intl knows and Temporal does not (`Factory`, some retired links) are
 * read from Intl instead, sampling each day and bisecting each change down to the minute. A lookup
 * costs a map read and a scan over that block's (usually zero to two) transitions. A span of
 * offsets can be taken out as an {@link OffsetTable}: plain data, kept with a cached policy so that
 * a later process needs no time zone data at all. Offsets are whole minutes (the sub-minute
 * offsets of local mean time, all before 1973, are rounded). Deterministic: no clock is read.
 *
 * @example
 * ```ts
 * const berlin = new ZoneOffsets("Europe/Berlin");
 * berlin.offsetMinutes(Date.UTC(2026, 6, 1)); // 120 (CEST)
 * ```
 * @module
 */

import { offsetIn, type OffsetRun, type OffsetTable } from "./offset_table.ts";

export { type OffsetTable, tableOffset } from "./offset_table.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const BLOCK_MS = 366 * DAY_MS;
const NS_PER_MINUTE = 60_000_000_000;

/**
 * Whether the runtime knows the IANA time zone name: as Intl knows it. A name Temporal knows as a
 * zone is answered without Intl (whose first formatter costs about 13 ms); the rest, known or
 * not, are asked of Intl.
 */
export function isKnownTimeZone(name: string): boolean {
  if (temporalKnows(name)) return true;
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
  readonly #read: ((blockStart: number) => OffsetRun) | undefined;
  readonly #blocks = new Map<number, OffsetRun>();

  /** @throws RangeError when the time zone is unknown to the runtime. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
    if (timeZone === "UTC") this.#read = undefined;
    else if (temporalKnows(timeZone)) this.#read = (start) => temporalBlock(timeZone, start);
    else this.#read = intlBlockReader(timeZone);
  }

  /** Offset from UTC in minutes (east positive) at the instant `epochMs`. */
  offsetMinutes(epochMs: number): number {
    if (this.#read === undefined) return 0;
    return offsetIn(this.#block(Math.floor(epochMs / BLOCK_MS)), epochMs);
  }

  /** The offsets over `[from, to)` as plain data, for {@link tableOffset}. */
  table(from: number, to: number): OffsetTable {
    const starts = [from];
    const offsets = [this.offsetMinutes(from)];
    if (this.#read !== undefined) {
      for (let b = Math.floor(from / BLOCK_MS); b * BLOCK_MS < to; b++) {
        const block = this.#block(b);
        block.starts.forEach((start, i) => {
          if (start > from && start < to && block.offsets[i] !== offsets.at(-1)) {
            starts.push(start);
            offsets.push(block.offsets[i]);
          }
        });
      }
    }
    return { from, to, starts, offsets };
  }

  #block(index: number): OffsetRun {
    let block = this.#blocks.get(index);
    if (block === undefined) {
      block = this.#read!(index * BLOCK_MS);
      this.#blocks.set(index, block);
    }
    return block;
  }
}

/** Whether Temporal knows the name as a time zone (not merely as a date-time string). */
function temporalKnows(timeZone: string): boolean {
  try {
    const zoned = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone);
    // Temporal also reads an ISO date-time ("2026-01-01T00:00Z") as its zone; Intl does not.
    return zoned.timeZoneId.toLowerCase() === timeZone.toLowerCase();
  } catch {
    return false;
  }
}

/** The offset at the block's start and every change within the block, from Temporal. */
function temporalBlock(timeZone: string, blockStart: number): OffsetRun {
  const end = blockStart + BLOCK_MS;
  let at = Temporal.Instant.fromEpochMilliseconds(blockStart).toZonedDateTimeISO(timeZone);
  const starts = [blockStart];
  const offsets = [Math.round(at.offsetNanoseconds / NS_PER_MINUTE)];
  for (;;) {
    const next = at.getTimeZoneTransition("next");
    if (next === null || next.epochMilliseconds >= end) break;
    starts.push(next.epochMilliseconds);
    offsets.push(Math.round(next.offsetNanoseconds / NS_PER_MINUTE));
    at = next;
  }
  return { starts, offsets };
}

/**
 * Reads blocks from Intl, for the names Temporal lacks: the offset of each day of the block, and
 * each change bisected down to the minute. @throws RangeError for a name Intl does not know.
 */
function intlBlockReader(timeZone: string): (blockStart: number) => OffsetRun {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  });
  const read = (epochMs: number): number => {
    const field: Record<string, number> = {};
    for (const part of format.formatToParts(epochMs)) {
      if (part.type !== "literal") field[part.type] = Number(part.value);
    }
    const localAsUtc = Date.UTC(field.year, field.month - 1, field.day, field.hour, field.minute);
    return Math.round((localAsUtc - Math.floor(epochMs / MINUTE_MS) * MINUTE_MS) / MINUTE_MS);
  };
  /** First minute in (low, high] whose offset differs from `before`. */
  const bisect = (low: number, high: number, before: number): number => {
    let lo = low / MINUTE_MS;
    let hi = high / MINUTE_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (read(mid * MINUTE_MS) === before) lo = mid;
      else hi = mid;
    }
    return hi * MINUTE_MS;
  };
  return (blockStart) => {
    const starts = [blockStart];
    const offsets = [read(blockStart)];
    let previous = offsets[0];
    for (let day = 1; day <= 366; day++) {
      const at = blockStart + day * DAY_MS;
      const offset = read(at);
      if (offset !== previous) {
        const change = bisect(at - DAY_MS, at, previous);
        if (change < blockStart + BLOCK_MS) {
          starts.push(change);
          offsets.push(read(change));
        }
        previous = offset;
      }
    }
    return { starts, offsets };
  };
}

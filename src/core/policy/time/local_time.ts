/**
 * Local wall-clock time as one number, and whether it falls inside a window of days and hours —
 * the arithmetic of time windows with no time zone data in it: the caller brings the offset
 * (from `ZoneOffsets` or a cached `OffsetTable`, see zone_offsets.ts). Pure and dependency-free, so the
 * warm credential path can decide time windows without loading the policy compiler.
 *
 * Hours are `[start, end)`. A window whose end is before its start crosses midnight; its
 * after-midnight part belongs to the day it opened on.
 *
 * @example
 * ```ts
 * import { localTime, windowContains } from "./local_time.ts";
 *
 * const monday0930Berlin = localTime(Date.UTC(2026, 2, 2, 8, 30), 60);
 * const weekdays9to18 = { dayMask: 0b0111110, start: 540, end: 1080 };
 * console.assert(windowContains(weekdays9to18, monday0930Berlin));
 * ```
 * @module
 */
import { MINUTES_PER_DAY } from "./clock_time.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** 1970-01-01 was a Thursday. */
const EPOCH_WEEKDAY = 4;

/**
 * The local time at `epochMs` in a zone `offsetMinutes` east of UTC, packed as
 * `weekday * 1440 + minuteOfDay` (Sunday = 0).
 */
export function localTime(epochMs: number, offsetMinutes: number): number {
  const localMs = epochMs + offsetMinutes * MINUTE_MS;
  const dayNumber = Math.floor(localMs / DAY_MS);
  const minute = Math.floor((localMs - dayNumber * DAY_MS) / MINUTE_MS);
  const weekday = ((dayNumber + EPOCH_WEEKDAY) % 7 + 7) % 7;
  return weekday * MINUTES_PER_DAY + minute;
}

/** A window's days and hours as numbers: what deciding needs, in plain data. */
export interface WindowBounds {
  /** Bit `d` set when weekday `d` (Sunday = 0) is allowed. */
  readonly dayMask: number;
  /** Start, minutes after local midnight (inclusive). */
  readonly start: number;
  /** End, minutes after local midnight (exclusive); before `start` when it crosses midnight. */
  readonly end: number;
}

/**
 * Whether a local time (see {@link localTime}) falls inside the window. After midnight, a window
 * that crosses midnight belongs to the day it opened on.
 */
export function windowContains(window: WindowBounds, local: number): boolean {
  const weekday = Math.floor(local / MINUTES_PER_DAY);
  const minute = local - weekday * MINUTES_PER_DAY;
  if (window.end >= window.start) {
    return minute >= window.start && minute < window.end &&
      (window.dayMask & (1 << weekday)) !== 0;
  }
  if (minute >= window.start) return (window.dayMask & (1 << weekday)) !== 0;
  if (minute < window.end) return (window.dayMask & (1 << ((weekday + 6) % 7))) !== 0;
  return false;
}

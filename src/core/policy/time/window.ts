/**
 * Compiled time windows: "is this instant inside the window?" answered with integer arithmetic.
 *
 * Hours are `[start, end)` in the window's time zone (UTC when none is given). A window whose end
 * is before its start crosses midnight; its after-midnight part belongs to the day it opened on,
 * so `days: [friday]` with `22:00`–`06:00` covers Friday 22:00 to Saturday 06:00.
 *
 * @module
 */
import { formatClockTime, MINUTES_PER_DAY, parseClockTime } from "./clock_time.ts";
import { localTime, type WindowBounds, windowContains } from "./local_time.ts";
import type { TimeWindow } from "../schema.ts";
import { WEEKDAY_NAMES, weekdayNumber } from "./weekday.ts";
import { ZoneOffsets } from "./zone_offsets.ts";

const ALL_DAYS = 0b1111111;

/** Local wall-clock time in one zone, remembering the last instant asked for. */
export class ZoneClock {
  readonly offsets: ZoneOffsets;
  #lastMs = Number.NaN;
  #lastLocal = 0;

  constructor(timeZone: string) {
    this.offsets = new ZoneOffsets(timeZone);
  }

  /** Local time packed as `weekday * 1440 + minuteOfDay` (Sunday = 0). */
  local(epochMs: number): number {
    if (epochMs === this.#lastMs) return this.#lastLocal;
    this.#lastMs = epochMs;
    this.#lastLocal = localTime(epochMs, this.offsets.offsetMinutes(epochMs));
    return this.#lastLocal;
  }
}

/** A shared set of zone clocks, one per time zone name. */
export class ZoneClocks {
  readonly #clocks = new Map<string, ZoneClock>();

  get(timeZone: string): ZoneClock {
    let clock = this.#clocks.get(timeZone);
    if (clock === undefined) {
      clock = new ZoneClock(timeZone);
      this.#clocks.set(timeZone, clock);
    }
    return clock;
  }
}

/** A time window compiled for fast checks. */
export class CompiledTimeWindow implements WindowBounds {
  readonly clock: ZoneClock;
  readonly timeZone: string;
  /** Bit `d` set when weekday `d` (Sunday = 0) is allowed. */
  readonly dayMask: number;
  readonly start: number;
  readonly end: number;
  readonly crossesMidnight: boolean;
  readonly #source: TimeWindow;

  constructor(window: TimeWindow, clocks: ZoneClocks) {
    this.#source = window;
    this.timeZone = window.timezone ?? "UTC";
    this.clock = clocks.get(this.timeZone);
    // Absent or empty (`days: []`) means any day, as in Sentinel v1; an empty mask would never match.
    this.dayMask = window.days === undefined || window.days.length === 0
      ? ALL_DAYS
      : window.days.reduce((mask, day) => mask | (1 << weekdayNumber(day)!), 0);
    this.start = window.hours ? parseClockTime(window.hours.start)! : 0;
    this.end = window.hours ? parseClockTime(window.hours.end)! : MINUTES_PER_DAY;
    this.crossesMidnight = this.end < this.start;
  }

  /** Whether the instant falls inside the window. */
  contains(epochMs: number): boolean {
    return windowContains(this, this.clock.local(epochMs));
  }

  /** `monday, friday 09:00-18:00 Europe/Berlin`, or `any day 09:00-18:00 UTC` without days. */
  describe(): string {
    const listed = this.#source.days ?? [];
    const days = listed.length === 0 ? "any day" : listed.join(", ");
    return `${days} ${formatClockTime(this.start)}-${formatClockTime(this.end)} ${this.timeZone}`;
  }

  /** `tuesday 20:15 Europe/Berlin`, the instant as the window sees it. */
  describeInstant(epochMs: number): string {
    const local = this.clock.local(epochMs);
    const weekday = Math.floor(local / MINUTES_PER_DAY);
    return `${WEEKDAY_NAMES[weekday]} ${formatClockTime(local % MINUTES_PER_DAY)} ${this.timeZone}`;
  }
}

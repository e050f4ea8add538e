/**
 * A span of time cut into intervals inside which no time window of a policy pair changes its
 * answer, and those intervals grouped into classes by which windows contain them.
 *
 * Exact, daylight-saving changes included: inside a stretch where a zone's offset is constant,
 * local time runs with UTC, so a window of that zone can change its answer only where local time
 * passes local midnight (the day changes), its start or its end. Those instants, for every zone and
 * every stretch, together with the offset changes themselves, are all the cuts there are; each
 * interval's answer is read from the window itself at the interval's first instant.
 *
 * @example
 * ```ts
 * import { CompiledTimeWindow, ZoneClocks } from "../time/window.ts";
 * import { timeClasses } from "./time_classes.ts";
 *
 * const clocks = new ZoneClocks();
 * const office = new CompiledTimeWindow({ hours: { start: "09:00", end: "17:00" } }, clocks);
 * const day = timeClasses([office], Date.UTC(2027, 0, 4), Date.UTC(2027, 0, 5));
 * console.assert(day.intervals.length === 3 && day.classes.length === 2);
 * ```
 * @module
 */
import { MINUTES_PER_DAY } from "../time/clock_time.ts";
import type { CompiledTimeWindow } from "../time/window.ts";
import { WorkBudget } from "./work_budget.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Instants `[start, end)` (epoch ms) that every window treats alike. */
export interface TimeInterval {
  readonly start: number;
  readonly end: number;
  /** Index into {@link TimePartition.classes}. */
  readonly classIndex: number;
}

/** One combination of windows containing an instant, and where in the span it holds. */
export interface TimeClass {
  /** Parallel to the windows given: whether each contains the instants of this class. */
  readonly inside: readonly boolean[];
  /** The first instant of the class in the span. */
  readonly witness: number;
}

/** The span cut by every window. */
export interface TimePartition {
  readonly from: number;
  readonly to: number;
  readonly intervals: readonly TimeInterval[];
  readonly classes: readonly TimeClass[];
}

/**
 * Cuts `[from, to)` (both rounded down to the minute, as windows read time) by `windows`. With no
 * windows the whole span is one interval of one class.
 */
export function timeClasses(
  windows: readonly CompiledTimeWindow[],
  from: number,
  to: number,
  budget = new WorkBudget(),
): TimePartition {
  const start = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  const end = Math.max(start + MINUTE_MS, Math.floor(to / MINUTE_MS) * MINUTE_MS);
  const cuts = new Set<number>([start, end]);
  const byZone = new Map<string, CompiledTimeWindow[]>();
  for (const window of windows) {
    byZone.set(window.timeZone, [...(byZone.get(window.timeZone) ?? []), window]);
  }
  for (const zoneWindows of byZone.values()) {
    const minutes = new Set<number>([0]);
    for (const window of zoneWindows) minutes.add(window.start).add(window.end % MINUTES_PER_DAY);
    addZoneCuts(cuts, zoneWindows[0], [...minutes], start, end);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const classes: TimeClass[] = [];
  const classOf = new Map<string, number>();
  const intervals: TimeInterval[] = [];
  // Policies repeat windows: each distinct one is asked once per interval.
  const distinct = new Map<string, CompiledTimeWindow>();
  const slotOf = windows.map((window) => {
    const key = `${window.timeZone}|${window.dayMask}|${window.start}|${window.end}`;
    if (!distinct.has(key)) distinct.set(key, window);
    return [...distinct.keys()].indexOf(key);
  });
  const asked = [...distinct.values()];
  budget.spend(
    sorted.length * (asked.length + 1),
    () => `${asked.length} distinct time windows cut the span into ${sorted.length} intervals`,
  );
  for (let i = 0; i + 1 < sorted.length; i++) {
    const answers = asked.map((window) => window.contains(sorted[i]));
    const key = answers.map((yes) => (yes ? "1" : "0")).join("");
    let classIndex = classOf.get(key);
    if (classIndex === undefined) {
      classIndex = classes.length;
      classOf.set(key, classIndex);
      classes.push({ inside: slotOf.map((slot) => answers[slot]), witness: sorted[i] });
    }
    const last = intervals.at(-1);
    if (last !== undefined && last.classIndex === classIndex) {
      intervals[intervals.length - 1] = { ...last, end: sorted[i + 1] };
    } else {
      intervals.push({ start: sorted[i], end: sorted[i + 1], classIndex });
    }
  }
  return { from: start, to: end, intervals, classes };
}

/** Adds every instant in `[start, end)` where the zone's local minute of the day is one of `minutes`. */
function addZoneCuts(
  cuts: Set<number>,
  window: CompiledTimeWindow,
  minutes: readonly number[],
  start: number,
  end: number,
): void {
  const table = window.clock.offsets.table(start, end);
  table.starts.forEach((stretchStart, i) => {
    const stretchEnd = table.starts[i + 1] ?? end;
    const offset = table.offsets[i] * MINUTE_MS;
    cuts.add(stretchStart);
    const firstDay = Math.floor((stretchStart + offset) / DAY_MS) * DAY_MS;
    for (let day = firstDay; day - offset < stretchEnd; day += DAY_MS) {
      for (const minute of minutes) {
        const instant = day + minute * MINUTE_MS - offset;
        if (instant >= stretchStart && instant < stretchEnd) cuts.add(instant);
      }
    }
  });
}

/**
 * Clock times `HH:MM` (24-hour) as minutes after midnight. `24:00` is allowed, as an end of day.
 *
 * @module
 */

const CLOCK_PATTERN = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes in a day; also the value of `24:00`. */
export const MINUTES_PER_DAY = 1440;

/**
 * Parses `HH:MM` into minutes after midnight, or `undefined` when the text is not a clock time.
 * `24:00` parses to 1440; any other `24:xx` is rejected.
 */
export function parseClockTime(text: string): number | undefined {
  const match = CLOCK_PATTERN.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes > MINUTES_PER_DAY ? undefined : minutes;
}

/** Formats minutes after midnight as `HH:MM`. */
export function formatClockTime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

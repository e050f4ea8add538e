/**
 * Weekday names as written in policies. Full lowercase names (as in Sentinel v1) and three-letter
 * abbreviations are accepted. Days are numbered as `Date#getUTCDay` does: Sunday is 0.
 *
 * @module
 */

/** Full weekday names, indexed by day number (Sunday = 0). */
export const WEEKDAY_NAMES = [
  "sunday",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
] as const;

/** A full weekday name. */
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

const DAY_NUMBER_BY_NAME: ReadonlyMap<string, number> = new Map(
  WEEKDAY_NAMES.flatMap((name, day) => [[name, day], [name.slice(0, 3), day]]),
);

/** The day number (Sunday = 0) of a weekday name or abbreviation, or `undefined`. */
export function weekdayNumber(name: string): number | undefined {
  return DAY_NUMBER_BY_NAME.get(name);
}

/** All accepted spellings, for error messages. */
export function weekdaySpellings(): string {
  return WEEKDAY_NAMES.map((name) => `${name} (${name.slice(0, 3)})`).join(
    ", ",
  );
}

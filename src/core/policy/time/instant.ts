/**
 * RFC 3339 instants with an explicit offset (`2026-03-02T10:00:00+01:00`), parsed strictly.
 *
 * `Date.parse` rolls impossible dates over (`2026-02-30` becomes March 2), so a what-if `check`
 * or a policy test could silently decide for another day. Here every field is range-checked
 * against the real calendar first: month 01–12, the month's own number of days (leap years
 * included), hour 00–23, minute and second 00–59, offset up to ±23:59. Leap seconds (`:60`) are
 * refused on purpose: the policy clock has no leap seconds, so `:59` says the same.
 *
 * @module
 */

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** The outcome of {@link parseInstant}: epoch milliseconds, or why the text is not an instant. */
export type InstantResult =
  | { ok: true; epochMs: number }
  | { ok: false; message: string };

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an RFC 3339 time with an offset (`Z` or `±HH:MM`; seconds and fractions optional) to
 * epoch milliseconds. Fractions beyond milliseconds are truncated. Impossible dates and times are
 * rejected with a message that names the field, never normalised.
 */
export function parseInstant(text: string): InstantResult {
  const match = PATTERN.exec(text);
  if (match === null) {
    return {
      ok: false,
      message: `"${text}" is not an RFC 3339 time with an offset, such as "2026-03-02T10:00:00Z"`,
    };
  }
  const [, y, mo, d, h, mi, s = "00", fraction = "", zulu, sign, oh, om] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const impossible = (why: string): InstantResult => ({
    ok: false,
    message: `"${text}" is not a real time: ${why}`,
  });
  if (month < 1 || month > 12) return impossible(`month ${mo} does not exist (01-12)`);
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return impossible(
      `day ${d} does not exist: ${MONTH_NAMES[month - 1]} ${y} has ${days} days`,
    );
  }
  if (hour > 23) return impossible(`hour ${h} does not exist (00-23; midnight is 00:00)`);
  if (minute > 59) return impossible(`minute ${mi} does not exist (00-59)`);
  if (second === 60) {
    return impossible("second 60 (a leap second) is not accepted; write :59 instead");
  }
  if (second > 59) return impossible(`second ${s} does not exist (00-59)`);
  let offsetMinutes = 0;
  if (zulu === undefined) {
    if (Number(oh) > 23 || Number(om) > 59) {
      return impossible(`offset ${sign}${oh}:${om} is out of range (-23:59 to +23:59)`);
    }
    offsetMinutes = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0000-0099 as written.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3).padEnd(3, "0")));
  return { ok: true, epochMs: date.getTime() - offsetMinutes * 60_000 };
}

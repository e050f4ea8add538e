/**
 * RFC 3339 instants with an explicit offset, parsed strictly: a date that does not exist
 * (February 30th, April 31st, month 13, hour 24) is an error, never silently normalised.
 *
 * @example
 * ```ts
 * import { parseInstant } from "./instant.ts";
 *
 * const ok = parseInstant("2026-03-02T10:00:00+01:00");
 * console.assert(ok.ok && ok.value === Date.UTC(2026, 2, 2, 9));
 * console.assert(!parseInstant("2026-02-30T00:00:00Z").ok);
 * ```
 * @module
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))$/i;

/** Epoch milliseconds, or what is wrong with the text. */
export type ParsedInstant = { ok: true; value: number } | { ok: false; message: string };

/** Parses `2026-03-02T10:00:00Z` or `…+01:00` (seconds and fractions optional). */
export function parseInstant(text: string): ParsedInstant {
  const example = 'such as "2026-03-02T10:00:00Z"';
  const match = RFC3339.exec(text);
  if (!match) {
    return { ok: false, message: `"${text}" is not an RFC 3339 time with an offset, ${example}` };
  }
  const [, y, mo, d, h, mi, s = "0", , zone, oh = "0", om = "0"] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const problem = month < 1 || month > 12
    ? `month ${mo} does not exist`
    : day < 1 || day > daysInMonth
    ? `${y}-${mo} has no day ${d}`
    : hour > 23
    ? `hour ${h} does not exist (use 00-23)`
    : minute > 59
    ? `minute ${mi} does not exist`
    : second > 59
    ? `second ${s} does not exist`
    : Number(oh) > 23 || Number(om) > 59
    ? `the offset ${zone} does not exist`
    : undefined;
  if (problem !== undefined) return { ok: false, message: `"${text}": ${problem}; ${example}` };
  return { ok: true, value: Date.parse(text.toUpperCase()) };
}

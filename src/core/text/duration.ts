/**
 * Durations as written in policies and flags: `90s`, `15m`, `1h30m`, `2d`, or plain seconds.
 *
 * @example
 * ```ts
 * parseDuration("1h30m"); // 5400
 * formatDuration(5400); // "1h30m"
 * ```
 * @module
 */

const UNIT_SECONDS: Record<string, number> = {
  d: 86_400,
  h: 3_600,
  m: 60,
  s: 1,
};
const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Parses a duration into whole seconds, or returns `undefined` when the text is not one.
 * A bare non-negative integer (number or digits) is taken as seconds.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const match = DURATION_PATTERN.exec(text);
  if (!match || text === "") return undefined;
  const [, d, h, m, s] = match;
  return (Number(d ?? 0) * UNIT_SECONDS.d) + (Number(h ?? 0) * UNIT_SECONDS.h) +
    (Number(m ?? 0) * UNIT_SECONDS.m) + Number(s ?? 0);
}

/**
 * Formats seconds as the shortest duration text, for example `1h30m` or `45s`. Days appear only
 * from 48 hours on: a day-long window reads `24h`, as policies write it, and `36h` is clearer
 * than `1d12h`.
 */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  let rest = Math.floor(seconds);
  let text = "";
  const units = rest >= 2 * UNIT_SECONDS.d
    ? ["d", "h", "m", "s"] as const
    : ["h", "m", "s"] as const;
  for (const unit of units) {
    const size = UNIT_SECONDS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}

/**
 * How long until something, for people: whole minutes from an hour on (`23h59m`, rounded up so
 * that it is never early), seconds below (`7m54s`).
 */
export function formatWait(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  return whole >= UNIT_SECONDS.h
    ? formatDuration(Math.ceil(whole / 60) * 60)
    : formatDuration(whole);
}

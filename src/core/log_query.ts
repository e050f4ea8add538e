/**
 * Reading the decision log for `sentinel log`: its JSON lines parsed (torn or foreign lines
 * counted, not fatal), the decision records picked by profile, user, effect and time, and the
 * `--since` argument (a duration back from now, such as `1h`, or an RFC 3339 instant). Pure: the
 * text and the current time are arguments.
 *
 * @example
 * ```ts
 * import { parseLogText, parseSince, selectDecisions } from "./log_query.ts";
 *
 * const now = Date.parse("2026-03-02T10:00:00Z");
 * const { records } = parseLogText(
 *   '{"type":"decision","time":"2026-03-02T09:30:00.000Z","user":"alice","profile":"prod","effect":"allow"}\n',
 * );
 * const since = parseSince("1h", now);
 * console.assert(since.ok && selectDecisions(records, { since: since.epochMs }).length === 1);
 * ```
 * @module
 */
import { parseDuration } from "./duration.ts";
import { parseInstant } from "./policy/instant.ts";
import { EFFECTS } from "./policy/schema.ts";

/** Which decisions to show. */
export interface LogFilter {
  profile?: string;
  user?: string;
  effect?: string;
  /** Epoch ms: only decisions at or after it. */
  since?: number;
}

/** The log's lines as records, and how many lines were not JSON objects. */
export function parseLogText(
  text: string,
): { records: Record<string, unknown>[]; skipped: number } {
  const records: Record<string, unknown>[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) records.push(value);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

/** Whether a record is a decision (not a `log_repair` or another kind of line). */
export function isDecision(record: Record<string, unknown>): boolean {
  return (record.type === undefined || record.type === "decision") &&
    typeof record.effect === "string";
}

/** Whether one decision record passes the filter. */
export function matchesFilter(record: Record<string, unknown>, filter: LogFilter): boolean {
  if (!isDecision(record)) return false;
  if (filter.profile !== undefined && record.profile !== filter.profile) return false;
  if (filter.user !== undefined && record.user !== filter.user) return false;
  if (filter.effect !== undefined && record.effect !== filter.effect) return false;
  if (filter.since !== undefined) {
    const time = typeof record.time === "string" ? Date.parse(record.time) : Number.NaN;
    if (Number.isNaN(time) || time < filter.since) return false;
  }
  return true;
}

/** The decisions that pass the filter, oldest first; with `limit`, only the last `limit`. */
export function selectDecisions(
  records: readonly Record<string, unknown>[],
  filter: LogFilter,
  limit?: number,
): Record<string, unknown>[] {
  const selected = records.filter((record) => matchesFilter(record, filter));
  return limit === undefined ? selected : selected.slice(Math.max(0, selected.length - limit));
}

/** `--since`: `1h`, `30m`, `2d` (back from `now`) or an RFC 3339 instant. */
export function parseSince(
  text: string,
  now: number,
): { ok: true; epochMs: number } | { ok: false; message: string } {
  const seconds = parseDuration(text);
  if (seconds !== undefined) return { ok: true, epochMs: now - seconds * 1000 };
  const instant = parseInstant(text);
  if (instant.ok) return instant;
  return {
    ok: false,
    message:
      `"${text}" is neither a duration (such as 1h, 30m, 2d) nor an RFC 3339 time (such as 2026-03-02T09:00:00Z)`,
  };
}

/** Whether `text` is a policy effect, for `--effect`. */
export function isEffect(text: string): boolean {
  return (EFFECTS as readonly string[]).includes(text);
}

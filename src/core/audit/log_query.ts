/**
 * Reading the decision log for `sentinel log`: its JSON lines parsed (torn or foreign lines
 * counted, not fatal), every kind of record it holds — decisions, approval transitions,
 * break-glass steps and log repairs — picked by kind, profile, user, effect and time, and the
 * `--since` argument (a duration back from now, such as `1h`, or an RFC 3339 instant). Pure: the
 * text and the current time are arguments.
 *
 * @example
 * ```ts
 * import { parseLogText, parseSince, selectRecords } from "./log_query.ts";
 *
 * const now = Date.parse("2026-03-02T10:00:00Z");
 * const { records } = parseLogText(
 *   '{"type":"decision","time":"2026-03-02T09:30:00.000Z","user":"alice","profile":"prod","effect":"allow"}\n' +
 *     '{"type":"breakglass","action":"invoked","time":"2026-03-02T09:31:00.000Z","invoker":"alice","actor":"alice","profile":"prod"}\n',
 * );
 * const since = parseSince("1h", now);
 * console.assert(since.ok && selectRecords(records, { since: since.epochMs }).length === 2);
 * console.assert(selectRecords(records, { types: ["breakglass"] }).length === 1);
 * ```
 * @module
 */
import { parseDuration } from "../text/duration.ts";
import { parseInstant } from "../policy/time/instant.ts";
import { EFFECTS } from "../policy/schema.ts";

/** The kinds of record the decision log holds, as `--type` names them. */
export const RECORD_TYPES = [
  "decision",
  "approval",
  "breakglass",
  "revocation",
  "policy_change",
  "log_repair",
] as const;

/** One kind of record. */
export type RecordType = typeof RECORD_TYPES[number];

/** Which records to show. */
export interface LogFilter {
  /** Only these kinds (default: every kind). */
  types?: readonly RecordType[];
  profile?: string;
  /** The person a record is about or who acted in it (requester, invoker, approver, …). */
  user?: string;
  /** Only decisions with this effect (other kinds have none). */
  effect?: string;
  /** Epoch ms: only records at or after it. */
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

/**
 * The kind of a record, or `undefined` for a line Sentinel did not write. Sentinel v1's decision
 * lines have no `type`; they count as decisions when they carry an effect.
 */
export function recordType(record: Record<string, unknown>): RecordType | undefined {
  if (record.type === undefined) return typeof record.effect === "string" ? "decision" : undefined;
  if (record.type === "decision") return typeof record.effect === "string" ? "decision" : undefined;
  return (RECORD_TYPES as readonly unknown[]).includes(record.type)
    ? record.type as RecordType
    : undefined;
}

/** Whether a record is a decision (not an approval, break-glass or `log_repair` line). */
export function isDecision(record: Record<string, unknown>): boolean {
  return recordType(record) === "decision";
}

/** The people a record names: the decision's user; a request's requester and actor; an event's invoker and actor. */
export function recordPeople(record: Record<string, unknown>): string[] {
  return [record.user, record.requester, record.invoker, record.actor].filter(
    (value): value is string => typeof value === "string",
  );
}

/** Whether one record passes the filter. */
export function matchesFilter(record: Record<string, unknown>, filter: LogFilter): boolean {
  const type = recordType(record);
  if (type === undefined) return false;
  if (filter.types !== undefined && !filter.types.includes(type)) return false;
  if (filter.profile !== undefined && record.profile !== filter.profile) return false;
  if (filter.user !== undefined && !recordPeople(record).includes(filter.user)) return false;
  if (filter.effect !== undefined && record.effect !== filter.effect) return false;
  if (filter.since !== undefined) {
    const time = typeof record.time === "string" ? Date.parse(record.time) : Number.NaN;
    if (Number.isNaN(time) || time < filter.since) return false;
  }
  return true;
}

/** `--type`: a comma-separated list of record kinds (`repair` for `log_repair`). */
export function parseTypes(
  text: string,
): { ok: true; types: RecordType[] } | { ok: false; message: string } {
  const types: RecordType[] = [];
  for (const word of text.split(",").map((part) => part.trim()).filter((part) => part !== "")) {
    const type = word === "repair" ? "log_repair" : word;
    if (!(RECORD_TYPES as readonly string[]).includes(type)) {
      return {
        ok: false,
        message: `"${word}" is not a kind of log record: use ${
          RECORD_TYPES.join(", ")
        } (several with commas)`,
      };
    }
    if (!types.includes(type as RecordType)) types.push(type as RecordType);
  }
  if (types.length === 0) {
    return { ok: false, message: `names no kind of record: use ${RECORD_TYPES.join(", ")}` };
  }
  return { ok: true, types };
}

/** The records that pass the filter, oldest first; with `limit`, only the last `limit`. */
export function selectRecords(
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

/**
 * `sentinel log` as a use case: the records in the configured decision log (or a given file) —
 * decisions, approval transitions, break-glass steps, log repairs — filtered, and — with `follow`
 * — each new matching record as it is appended, read by polling the file's end (so it works on
 * every file system and survives rotation).
 *
 * @module
 */
import {
  type LogFilter,
  matchesFilter,
  parseLogText,
  selectRecords,
} from "../core/audit/log_query.ts";
import type { Deps } from "../ports/deps.ts";
import { configuredLogFile } from "./audit.ts";

/** What was read. */
export interface LogView {
  file: string;
  /** Whether the file exists yet. */
  exists: boolean;
  /** The matching records of every kind, oldest first. */
  records: Record<string, unknown>[];
  /** Lines that were not JSON objects (a torn last line, say). */
  skipped: number;
  /** Where a follower continues. */
  end: number;
}

/** The last `limit` records matching `filter` in `file` (default: the configured log). */
export async function readLogRecords(
  deps: Deps,
  options: { file?: string; filter: LogFilter; limit?: number },
): Promise<LogView> {
  const file = options.file ?? await configuredLogFile(deps);
  const read = await deps.files.readFrom(file, 0);
  if (read === undefined) return { file, exists: false, records: [], skipped: 0, end: 0 };
  const { records, skipped } = parseLogText(read.text);
  return {
    file,
    exists: true,
    records: selectRecords(records, options.filter, options.limit),
    skipped,
    end: read.end,
  };
}

/**
 * Calls `onRecord` for each matching record appended to `file` after byte `from`, until `signal`
 * aborts. Polls every `intervalMs`.
 */
export async function followLogRecords(
  deps: Deps,
  file: string,
  from: number,
  filter: LogFilter,
  onRecord: (record: Record<string, unknown>) => void,
  signal: AbortSignal,
  intervalMs = 250,
): Promise<void> {
  let offset = from;
  while (!signal.aborted) {
    const read = await deps.files.readFrom(file, offset);
    if (read !== undefined) {
      for (const record of parseLogText(read.text).records) {
        if (matchesFilter(record, filter)) onRecord(record);
      }
      offset = read.end;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}

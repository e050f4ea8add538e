/**
 * `sentinel log` as a use case: the decisions in the configured decision log (or a given file),
 * filtered, and — with `follow` — each new matching decision as it is appended, read by polling
 * the file's end (so it works on every file system and survives rotation).
 *
 * @module
 */
import { type LogFilter, matchesFilter, parseLogText, selectDecisions } from "../core/log_query.ts";
import type { Deps } from "../ports/deps.ts";
import { configuredLogFile } from "./audit.ts";

/** What was read. */
export interface LogView {
  file: string;
  /** Whether the file exists yet. */
  exists: boolean;
  decisions: Record<string, unknown>[];
  /** Lines that were not JSON objects (a torn last line, say). */
  skipped: number;
  /** Where a follower continues. */
  end: number;
}

/** The last `limit` decisions matching `filter` in `file` (default: the configured log). */
export async function readDecisions(
  deps: Deps,
  options: { file?: string; filter: LogFilter; limit?: number },
): Promise<LogView> {
  const file = options.file ?? await configuredLogFile(deps);
  const read = await deps.files.readFrom(file, 0);
  if (read === undefined) return { file, exists: false, decisions: [], skipped: 0, end: 0 };
  const { records, skipped } = parseLogText(read.text);
  return {
    file,
    exists: true,
    decisions: selectDecisions(records, options.filter, options.limit),
    skipped,
    end: read.end,
  };
}

/**
 * Calls `onDecision` for each matching decision appended to `file` after byte `from`, until
 * `signal` aborts. Polls every `intervalMs`.
 */
export async function followDecisions(
  deps: Deps,
  file: string,
  from: number,
  filter: LogFilter,
  onDecision: (record: Record<string, unknown>) => void,
  signal: AbortSignal,
  intervalMs = 250,
): Promise<void> {
  let offset = from;
  while (!signal.aborted) {
    const read = await deps.files.readFrom(file, offset);
    if (read !== undefined) {
      for (const record of parseLogText(read.text).records) {
        if (matchesFilter(record, filter)) onDecision(record);
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

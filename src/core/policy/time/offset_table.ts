/**
 * Offset tables: a zone's UTC offsets over a span of time as plain data (built by `ZoneOffsets`
 * in zone_offsets.ts, kept in a cached policy slice) and the lookup into one. Its own small
 * module, with no time zone code, for the warm credential path.
 *
 * @example
 * ```ts
 * import { tableOffset } from "./offset_table.ts";
 *
 * const berlin2026 = {
 *   from: Date.UTC(2026, 2, 28),
 *   to: Date.UTC(2026, 2, 31),
 *   starts: [Date.UTC(2026, 2, 28), Date.UTC(2026, 2, 29, 1)],
 *   offsets: [60, 120],
 * };
 * console.assert(tableOffset(berlin2026, Date.UTC(2026, 2, 30)) === 120);
 * console.assert(tableOffset(berlin2026, Date.UTC(2026, 3, 1)) === undefined);
 * ```
 * @module
 */

/** Offsets over a span of time: starts ascending, the first at the span's start. */
export interface OffsetRun {
  /** Start times (epoch ms) of each offset, ascending. */
  readonly starts: readonly number[];
  /** Offset in minutes east of UTC, parallel to `starts`. */
  readonly offsets: readonly number[];
}

/** The offsets of one zone over `[from, to)`, as plain data (JSON-safe). */
export interface OffsetTable extends OffsetRun {
  /** First instant covered, epoch ms. */
  readonly from: number;
  /** First instant no longer covered, epoch ms. */
  readonly to: number;
}

/**
 * The offset a table gives at `epochMs`, or `undefined` outside its span: the caller then asks
 * the time zone data again.
 */
export function tableOffset(table: OffsetTable, epochMs: number): number | undefined {
  if (!(epochMs >= table.from && epochMs < table.to)) return undefined;
  return offsetIn(table, epochMs);
}

/** The offset of a run at `epochMs` (at or after its first start). */
export function offsetIn(run: OffsetRun, epochMs: number): number {
  const { starts, offsets } = run;
  let i = starts.length - 1;
  while (i > 0 && starts[i] > epochMs) i--;
  return offsets[i];
}

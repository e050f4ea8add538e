/**
 * A line diff (longest common subsequence), for `sentinel policy diff`, and its unified form:
 * hunks with `@@ -a,b +c,d @@` headers and a few lines of context, as `diff -u` prints.
 *
 * @example
 * ```ts
 * import { lineDiff, unifiedHunks } from "./line_diff.ts";
 *
 * console.assert(lineDiff("a\nb\n", "a\nc\n").join() === [" a", "-b", "+c"].join());
 * console.assert(unifiedHunks(lineDiff("a\nb\n", "a\nc\n"))[0] === "@@ -1,2 +1,2 @@");
 * ```
 * @module
 */

/** Lines prefixed with ` ` (same), `-` (only in `before`) or `+` (only in `after`). */
export function lineDiff(before: string, after: string): string[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const lcs: number[][] = Array.from(
    { length: a.length + 1 },
    () => new Array(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push(`-${a[i++]}`);
    else out.push(`+${b[j++]}`);
  }
  while (i < a.length) out.push(`-${a[i++]}`);
  while (j < b.length) out.push(`+${b[j++]}`);
  return out;
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * The diff as unified hunks: each change with `context` unchanged lines around it (hunks that
 * would touch are merged), each hunk under its `@@ -start,count +start,count @@` header. No
 * changes: no hunks.
 */
export function unifiedHunks(lines: readonly string[], context = 3): string[] {
  const changed = lines.flatMap((line, i) => line.startsWith(" ") ? [] : [i]);
  if (changed.length === 0) return [];
  // Ranges of line indexes to show, merged when their context overlaps or touches.
  const ranges: [number, number][] = [];
  for (const i of changed) {
    const start = Math.max(0, i - context);
    const end = Math.min(lines.length, i + context + 1);
    const last = ranges.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  // Line numbers in `before` and `after` where each diff line stands.
  const beforeAt: number[] = [];
  const afterAt: number[] = [];
  let a = 1;
  let b = 1;
  for (const line of lines) {
    beforeAt.push(a);
    afterAt.push(b);
    if (!line.startsWith("+")) a++;
    if (!line.startsWith("-")) b++;
  }
  const out: string[] = [];
  for (const [start, end] of ranges) {
    const hunk = lines.slice(start, end);
    const inBefore = hunk.filter((line) => !line.startsWith("+")).length;
    const inAfter = hunk.filter((line) => !line.startsWith("-")).length;
    // As diff -u: an empty side is numbered by the line before it.
    const from = inBefore === 0 ? beforeAt[start] - 1 : beforeAt[start];
    const to = inAfter === 0 ? afterAt[start] - 1 : afterAt[start];
    out.push(`@@ -${from},${inBefore} +${to},${inAfter} @@`, ...hunk);
  }
  return out;
}

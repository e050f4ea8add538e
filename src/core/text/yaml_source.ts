/**
 * YAML documents validated against a zod schema, with every problem placed at its line and column.
 * Shared by the policy, its test files and the config file.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 *
 * const result = parseYaml("a: 1\n", z.strictObject({ a: z.number() }), { what: "config" });
 * if (!result.ok) console.error(result.issues.map((i) => formatIssue(i, "config.yaml")));
 * ```
 * @module
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import type { z } from "zod";

/** A path into the document, as keys and list indexes. */
export type DocumentPath = readonly (string | number)[];

/** A position in the source text, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** One problem found in a document. */
export interface SourceIssue extends SourcePosition {
  path: DocumentPath;
  message: string;
}

/** Finds where a path of the document is written. */
export type Locate = (path: DocumentPath) => SourcePosition;

/** The outcome of {@link parseYaml}. */
export type YamlResult<T> =
  | { ok: true; value: T; locate: Locate }
  | { ok: false; issues: SourceIssue[] };

/** An issue not yet placed in the source. `atKey` places it at a mapping key, not its value. */
export interface UnplacedIssue {
  path: DocumentPath;
  message: string;
  atKey?: boolean;
}

/** Options for {@link parseYaml}. */
export interface ParseYamlOptions {
  /** What the document is, for messages ("the policy is empty"). */
  what: string;
  /** Checks zod cannot express across the raw document (for example unique names). */
  extraIssues?: (raw: unknown) => UnplacedIssue[];
  /** Which keys are allowed at a path, for "unknown key" messages. */
  allowedKeys?: (path: DocumentPath) => string | undefined;
}

/** Guards against alias bombs ("billion laughs") in untrusted YAML. */
const MAX_ALIAS_COUNT = 100;

/** Parses and validates YAML text. Never throws for bad input: problems come back as issues. */
export function parseYaml<S extends z.ZodType>(
  text: string,
  schema: S,
  options: ParseYamlOptions,
): YamlResult<z.output<S>> {
  const lineCounter = new LineCounter();
  // logLevel "error": yaml's own warnings (a key that is a list, say) would otherwise go to the
  // console as raw text; the schema reports such keys, placed and display-safe.
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    logLevel: "error",
  });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const fail = (issues: SourceIssue[]) => ({ ok: false as const, issues });
  if (doc.errors.length > 0) {
    return fail(doc.errors.map((error) => ({
      path: [],
      ...position(error.pos[0]),
      message: `YAML syntax: ${firstLine(error.message)}`,
    })));
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return fail([{ path: [], line: 1, column: 1, message: `YAML: ${firstLine(String(error))}` }]);
  }
  if (raw === null || raw === undefined) {
    return fail([{ path: [], line: 1, column: 1, message: `the ${options.what} is empty` }]);
  }
  const issues = options.extraIssues?.(raw) ?? [];
  const result = schema.safeParse(raw);
  if (!result.success) {
    issues.push(...result.error.issues.flatMap((issue) => describeZodIssue(issue, raw, options)));
  }
  if (issues.length > 0) {
    return fail(
      issues
        .map(({ atKey, ...issue }) => ({ ...issue, ...position(offsetOf(doc, issue.path, atKey)) }))
        .sort((a, b) => a.line - b.line || a.column - b.column),
    );
  }
  return {
    ok: true,
    value: result.data as z.output<S>,
    locate: (path) => position(offsetOf(doc, path)),
  };
}

/** `file:line:col: path: message`, the format every command prints issues in. */
export function formatIssue(issue: SourceIssue, file: string): string {
  const where = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : "";
  return `${file}:${issue.line}:${issue.column}: ${where}${issue.message}`;
}

/** `rules[2].conditions.time` */
export function formatPath(path: DocumentPath): string {
  return path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)
    .join("");
}

/** The path with list indexes replaced by `*`, for lookups such as allowed keys: `rules.*.time`. */
export function pathShape(path: DocumentPath): string {
  return path.map((key) => typeof key === "number" ? "*" : key).join(".");
}

function describeZodIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  options: ParseYamlOptions,
): UnplacedIssue[] {
  const path = issue.path.filter((key): key is string | number => typeof key !== "symbol");
  if (issue.code === "unrecognized_keys") {
    const allowed = options.allowedKeys?.(path);
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown key "${key}"${allowed ? `; allowed here: ${allowed}` : ""}`,
      atKey: true,
    }));
  }
  if (issue.code !== "custom" && !isPresent(raw, path)) {
    return [{ path, message: "is required" }];
  }
  return [{ path, message: issue.message }];
}

function isPresent(raw: unknown, path: DocumentPath): boolean {
  let value = raw;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !(key in value)) return false;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value !== undefined && value !== null;
}

/**
 * The start offset of the deepest node on `path` that exists. A mapping entry is placed at its
 * value when that is a scalar (the message is usually about the value), otherwise at its key;
 * `atKey` always places it at the key (for unknown keys).
 */
function offsetOf(doc: Document, path: DocumentPath, atKey = false): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [depth, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) =>
        isPair(item) && isScalar(item.key) && item.key.value === key
      );
      if (!pair) break;
      const last = depth === path.length - 1;
      const valueIsScalar = isScalar(pair.value) || pair.value === null;
      const preferKey = (last && atKey) || !valueIsScalar;
      offset = (preferKey ? rangeStart(pair.key) : rangeStart(pair.value)) ??
        rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeqLike(node) && typeof key === "number") {
      const item = (node as { items: unknown[] }).items[key];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else break;
  }
  return offset;
}

function isSeqLike(node: unknown): boolean {
  return typeof node === "object" && node !== null &&
    Array.isArray((node as { items?: unknown }).items) && !isMap(node);
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}

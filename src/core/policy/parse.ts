/**
 * Parses policy YAML into a validated {@link PolicyDocument}, reporting every problem at once with
 * its line and column.
 *
 * @example
 * ```ts
 * const result = parsePolicy('version: "1"\nrules:\n  - name: all\n    effect: allow\n');
 * if (!result.ok) console.error(result.issues.map(formatIssue).join("\n"));
 * ```
 * @module
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import type { z } from "zod";
import { NAMED_SECTIONS, type PolicyDocument, policySchema } from "./schema.ts";

/** A path into the document, as keys and list indexes. */
export type DocumentPath = readonly (string | number)[];

/** A position in the source text, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** One problem found in a policy document. */
export interface PolicyIssue extends SourcePosition {
  path: DocumentPath;
  message: string;
}

/** Finds where a path of the document is written; used to place lint warnings. */
export type Locate = (path: DocumentPath) => SourcePosition;

/** The outcome of {@link parsePolicy}. */
export type ParseResult =
  | { ok: true; policy: PolicyDocument; locate: Locate }
  | { ok: false; issues: PolicyIssue[] };

/** Guards against alias bombs ("billion laughs") in untrusted YAML. */
const MAX_ALIAS_COUNT = 100;

/** Parses and validates policy text. Never throws for bad input: problems come back as issues. */
export function parsePolicy(text: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        path: [],
        ...position(error.pos[0]),
        message: `YAML syntax: ${firstLine(error.message)}`,
      })),
    };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return {
      ok: false,
      issues: [{
        path: [],
        line: 1,
        column: 1,
        message: `YAML: ${firstLine(String(error))}`,
      }],
    };
  }
  const locate: Locate = (path) => position(offsetOf(doc, path));
  if (raw === null || raw === undefined) {
    return {
      ok: false,
      issues: [{
        path: [],
        line: 1,
        column: 1,
        message: "the policy is empty",
      }],
    };
  }
  const issues = duplicateNameIssues(raw);
  const result = policySchema.safeParse(raw);
  if (!result.success) {
    issues.push(
      ...result.error.issues.flatMap((issue) => describeZodIssue(issue, raw)),
    );
  }
  if (issues.length > 0) {
    return {
      ok: false,
      issues: issues
        .map(({ atKey, ...issue }) => ({
          ...issue,
          ...position(offsetOf(doc, issue.path, atKey)),
        }))
        .sort((a, b) => a.line - b.line || a.column - b.column),
    };
  }
  return { ok: true, policy: result.data!, locate };
}

/** `file:line:col: path: message`, the format every command prints issues in. */
export function formatIssue(issue: PolicyIssue, file = "<policy>"): string {
  const where = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : "";
  return `${file}:${issue.line}:${issue.column}: ${where}${issue.message}`;
}

/** `rules[2].conditions.time` */
export function formatPath(path: DocumentPath): string {
  return path.map((key, i) =>
    typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`
  )
    .join("");
}

type Unplaced = Omit<PolicyIssue, "line" | "column"> & { atKey?: boolean };

function describeZodIssue(issue: z.core.$ZodIssue, raw: unknown): Unplaced[] {
  const path = issue.path.filter((key): key is string | number =>
    typeof key !== "symbol"
  );
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: `unknown key "${key}"${allowedKeysHint(path)}`,
      atKey: true,
    }));
  }
  if (issue.code !== "custom" && !isPresent(raw, path)) {
    return [{ path, message: "is required" }];
  }
  return [{ path, message: issue.message }];
}

const ALLOWED_KEYS: Record<string, string> = {
  "": "version, rules, approvals, breakglass",
  "rules.*": "name, effect, conditions, reason, max_duration",
  "rules.*.conditions": "profiles, users, roles, time, mode",
  "rules.*.conditions.time": "days, hours, timezone",
  "rules.*.conditions.time.hours": "start, end",
  "approvals.*":
    "name, profiles, approvers, auto_approve, max_duration, request_ttl",
  "approvals.*.auto_approve": "users, time, max_duration",
  "approvals.*.auto_approve.time": "days, hours, timezone",
  "breakglass.*":
    "name, profiles, users, reason_codes, max_duration, cooldown, quota, escalation_threshold, require_review",
  "breakglass.*.quota": "per_user, per_profile",
  "breakglass.*.quota.per_user": "max, window",
  "breakglass.*.quota.per_profile": "max, window",
};

function allowedKeysHint(path: DocumentPath): string {
  const shape = path.map((key) => typeof key === "number" ? "*" : key).join(
    ".",
  );
  const allowed = ALLOWED_KEYS[shape];
  return allowed ? `; allowed here: ${allowed}` : "";
}

function isPresent(raw: unknown, path: DocumentPath): boolean {
  let value = raw;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !(key in value)) {
      return false;
    }
    value = (value as Record<string | number, unknown>)[key];
  }
  return value !== undefined && value !== null;
}

function duplicateNameIssues(raw: unknown): Unplaced[] {
  const issues: Unplaced[] = [];
  if (typeof raw !== "object" || raw === null) return issues;
  for (const section of NAMED_SECTIONS) {
    const items = (raw as Record<string, unknown>)[section];
    if (!Array.isArray(items)) continue;
    const firstIndex = new Map<string, number>();
    items.forEach((item, index) => {
      const name = (item as { name?: unknown } | null)?.name;
      if (typeof name !== "string" || name === "") return;
      const first = firstIndex.get(name);
      if (first === undefined) firstIndex.set(name, index);
      else {
        issues.push({
          path: [section, index, "name"],
          message:
            `duplicate name "${name}" (first used by ${section}[${first}]); names must be unique`,
        });
      }
    });
  }
  return issues;
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

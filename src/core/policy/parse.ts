/**
 * Parses policy YAML into a validated {@link PolicyDocument}, reporting every problem at once with
 * its line and column.
 *
 * @example
 * ```ts
 * const result = parsePolicy('version: "1"\nrules:\n  - name: all\n    effect: allow\n');
 * if (!result.ok) console.error(result.issues.map((i) => formatIssue(i, "policy.yaml")).join("\n"));
 * ```
 * @module
 */
import {
  type DocumentPath,
  type Locate,
  parseYaml,
  pathShape,
  type SourceIssue,
  type UnplacedIssue,
} from "../text/yaml_source.ts";
import { NAMED_SECTIONS, type PolicyDocument, policySchema } from "./schema.ts";

export {
  type DocumentPath,
  formatIssue,
  formatPath,
  type Locate,
  type SourceIssue as PolicyIssue,
  type SourcePosition,
} from "../text/yaml_source.ts";

/** The outcome of {@link parsePolicy}. */
export type ParseResult =
  | { ok: true; policy: PolicyDocument; locate: Locate }
  | { ok: false; issues: SourceIssue[] };

/** Parses and validates policy text. Never throws for bad input: problems come back as issues. */
export function parsePolicy(text: string): ParseResult {
  const result = parseYaml(text, policySchema, {
    what: "policy",
    extraIssues: duplicateNameIssues,
    allowedKeys: (path) => ALLOWED_KEYS[pathShape(path)],
  });
  return result.ok ? { ok: true, policy: result.value, locate: result.locate } : result;
}

const ALLOWED_KEYS: Record<string, string> = {
  "": "version, rules, approvals, breakglass, identity",
  identity: "session_name_roles, accounts",
  "rules.*": "name, effect, conditions, reason, max_duration",
  "rules.*.conditions": "profiles, users, roles, time, mode",
  "rules.*.conditions.time": "days, hours, timezone",
  "rules.*.conditions.time.hours": "start, end",
  "approvals.*":
    "name, profiles, approvers, auto_approve, max_duration, request_ttl, required_approvals",
  "approvals.*.auto_approve": "users, time, max_duration",
  "approvals.*.auto_approve.time": "days, hours, timezone",
  "approvals.*.auto_approve.time.hours": "start, end",
  "breakglass.*":
    "name, profiles, users, reason_codes, max_duration, cooldown, quota, escalation_threshold, require_review, reviewers, roles",
  "breakglass.*.quota": "per_user, per_profile",
  "breakglass.*.quota.per_user": "max, window",
  "breakglass.*.quota.per_profile": "max, window",
};

function duplicateNameIssues(raw: unknown): UnplacedIssue[] {
  const issues: UnplacedIssue[] = [];
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
        const path: DocumentPath = [section, index, "name"];
        issues.push({
          path,
          message:
            `duplicate name "${name}" (first used by ${section}[${first}]); names must be unique`,
        });
      }
    });
  }
  return issues;
}

/**
 * Policy test files: expected decisions for given requests, so a policy change can be reviewed
 * like code (`sentinel policy test policy.yaml policy_test.yaml`).
 *
 * ```yaml
 * tests:
 *   - name: alice may use prod in business hours
 *     profile: prod
 *     user: alice@example.com
 *     at: "2026-03-02T10:00:00+01:00"
 *     expect: allow
 *     rule: prod-business-hours   # optional: the rule that must decide
 * ```
 * @module
 */
import { z } from "zod";
import { type Locate, parseYaml, pathShape, type SourceIssue } from "../text/yaml_source.ts";
import { type CompiledPolicy, type Decision, evaluate } from "./evaluate.ts";
import { parseInstant } from "./time/instant.ts";
import { CREDENTIAL_MODES, EFFECTS } from "./schema.ts";

/**
 * An RFC 3339 time with an explicit offset, parsed to epoch milliseconds. Impossible dates and
 * times (February 30, 24:01, month 13, a leap second) are errors, never rolled over.
 */
export const instantSchema = z.string({
  error: 'must be an RFC 3339 time in quotes, such as "2026-03-02T10:00:00Z"',
}).transform((text, ctx) => {
  const parsed = parseInstant(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  }
  return parsed.epochMs;
});

const testCaseSchema = z.strictObject({
  name: z.string({ error: "must be a text" }).min(1, "must not be empty"),
  profile: z.string({ error: "must be a text" }).min(1, "must not be empty"),
  user: z.string({ error: "must be a text" }).min(1, "must not be empty"),
  at: instantSchema,
  role_arn: z.string({ error: "must be a text" }).optional(),
  mode: z.enum(CREDENTIAL_MODES).optional(),
  expect: z.enum(EFFECTS, { error: `must be one of ${EFFECTS.join(", ")}` }),
  rule: z.string({ error: "must be a text (the name of the deciding rule)" }).optional(),
});

const testFileSchema = z.strictObject({
  tests: z.array(testCaseSchema, { error: "must be a list of test cases" }).min(
    1,
    "must contain at least one test case",
  ),
}, { error: "a policy test file is a mapping with a tests: list" });

/** One validated test case. */
export type PolicyTestCase = z.output<typeof testCaseSchema>;

/** The outcome of parsing a test file. */
export type PolicyTestFile =
  | { ok: true; cases: PolicyTestCase[]; locate: Locate }
  | { ok: false; issues: SourceIssue[] };

const ALLOWED_KEYS: Record<string, string> = {
  "": "tests",
  "tests.*": "name, profile, user, at, role_arn, mode, expect, rule",
};

/** Parses and validates a policy test file. */
export function parsePolicyTests(text: string): PolicyTestFile {
  const result = parseYaml(text, testFileSchema, {
    what: "test file",
    allowedKeys: (path) => ALLOWED_KEYS[pathShape(path)],
  });
  return result.ok ? { ok: true, cases: result.value.tests, locate: result.locate } : result;
}

/** One test's outcome. */
export interface PolicyTestResult {
  index: number;
  name: string;
  passed: boolean;
  decision: Decision;
  /** Why it failed: what was expected against what was decided. */
  failure?: string;
}

/** Runs every case against the policy. */
export function runPolicyTests(
  policy: CompiledPolicy,
  cases: readonly PolicyTestCase[],
): PolicyTestResult[] {
  return cases.map((testCase, index) => {
    const decision = evaluate(policy, {
      user: testCase.user,
      profile: testCase.profile,
      roleArn: testCase.role_arn,
      mode: testCase.mode,
      time: testCase.at,
    });
    const decidedBy = decision.rule ?? "(default deny)";
    const failures: string[] = [];
    if (decision.effect !== testCase.expect) {
      failures.push(`expected ${testCase.expect}, got ${decision.effect} by ${decidedBy}`);
    }
    if (testCase.rule !== undefined && decision.rule !== testCase.rule) {
      failures.push(`expected rule "${testCase.rule}" to decide, got ${decidedBy}`);
    }
    return {
      index,
      name: testCase.name,
      passed: failures.length === 0,
      decision,
      ...(failures.length > 0 ? { failure: failures.join("; ") } : {}),
    };
  });
}

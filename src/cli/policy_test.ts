/**
 * `sentinel policy test <policy> <tests>`: runs expected decisions against a policy. Exit 0 when
 * every case passes, 3 when any fails (or either file is invalid).
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { displayName, loadPolicyFile, readUserFile } from "../app/policy_source.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { compilePolicy } from "../core/policy/evaluate.ts";
import { parsePolicyTests, runPolicyTests } from "../core/policy/policy_tests.ts";
import { formatIssue } from "../core/yaml_source.ts";
import { decisionJson } from "./check.ts";
import { type CommandContext, type OutputFormat, writeJson } from "./context.ts";

/** Builds `policy test`. */
export function policyTestCommand(ctx: CommandContext, output: () => OutputFormat) {
  return new Command("test")
    .description("Check a policy against a file of expected decisions")
    .argument("<policy>", "the policy file")
    .argument("<tests>", "the test file (- for standard input)")
    .addHelpText(
      "after",
      `
Test file format:
  tests:
    - name: alice may use prod in business hours
      profile: prod
      user: alice@example.com
      at: "2026-03-02T10:00:00+01:00"   # RFC 3339, with offset
      role_arn: arn:aws:iam::123456789012:role/Admin   # optional
      mode: cli                                        # optional
      expect: allow                     # allow | deny | require_approval
      rule: prod-business-hours         # optional: the rule that must decide

Exit codes: 0 all passed, 3 a test failed or a file is invalid.

Examples:
  $ sentinel policy test examples/policy.yaml examples/policy_test.yaml
  $ sentinel policy test policy.yaml policy_test.yaml --output json`,
    )
    .action(async (policyFile, testsArgument) => {
      const testsFile = displayName(testsArgument);
      const policy = await loadPolicyFile(ctx.io.readTextFile, policyFile);
      const text = await readUserFile(ctx.io.readTextFile, testsArgument, "test file");
      const parsed = parsePolicyTests(text);
      if (!parsed.ok) {
        throw new SentinelError(
          ExitCode.InvalidPolicy,
          `invalid test file ${testsFile}: ${parsed.issues.length} error(s)`,
          { details: parsed.issues.map((issue) => formatIssue(issue, testsFile)) },
        );
      }
      const results = runPolicyTests(compilePolicy(policy.document), parsed.cases);
      const failed = results.filter((r) => !r.passed).length;
      const passed = results.length - failed;
      if (output() === "json") {
        writeJson(ctx.io.stdout, {
          policy: policyFile,
          tests: testsFile,
          passed,
          failed,
          results: results.map((r) => ({
            name: r.name,
            passed: r.passed,
            failure: r.failure ?? null,
            decision: decisionJson(r.decision),
          })),
        });
      } else {
        for (const r of results) {
          const where = parsed.locate(["tests", r.index]);
          ctx.io.stdout(
            r.passed
              ? `ok   ${r.name}\n`
              : `FAIL ${r.name} (${testsFile}:${where.line}): ${r.failure}\n`,
          );
        }
        ctx.io.stdout(`${passed} passed, ${failed} failed\n`);
      }
      if (failed > 0) ctx.outcome.exitCode = ExitCode.InvalidPolicy;
    });
}

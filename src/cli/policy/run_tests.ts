/**
 * `sentinel policy test <policy> <tests>`: runs expected decisions against a policy. Exit 0 when
 * every case passes, 8 when any fails, 3 when either file is invalid.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { displayName, readPolicy } from "../../app/policy.ts";
import { ExitCode, SentinelError } from "../../core/errors.ts";
import { compilePolicy } from "../../core/policy/evaluate.ts";
import { parsePolicyTests, runPolicyTests } from "../../core/policy/expected_decisions.ts";
import { formatIssue } from "../../core/text/yaml_source.ts";
import { awsAccess, awsProfileOption, misplacedProfileOption, regionOption } from "../_flags.ts";
import { type CommandContext, writeJson } from "../context.ts";
import { SSM_HELP } from "./_ssm_help.ts";
import { decisionJson, human } from "../render.ts";

/** Builds `policy test`. */
export function policyRunTestsCommand(ctx: CommandContext) {
  return new Command("test")
    .description("Check a policy against a file of expected decisions")
    .argument("<policy>", "the policy: a file or ssm:<parameter>")
    .argument("<tests>", "the test file (- for standard input)")
    .addOption(awsProfileOption("reach SSM"))
    .addOption(regionOption("of the parameter"))
    .addOption(misplacedProfileOption())
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
${SSM_HELP}

Exit codes: 0 all passed, 8 a test failed, 3 a file is invalid.

Examples:
  $ sentinel policy test examples/policy.yaml examples/policy_test.yaml
  $ sentinel policy test ssm:/sentinel/policy policy_test.yaml --aws-profile security
  $ sentinel policy test policy.yaml policy_test.yaml --output json`,
    )
    .action(ctx.action(async (policySource, testsArgument, options) => {
      const testsFile = displayName(testsArgument);
      const policy = await readPolicy(ctx.deps, policySource, awsAccess(options));
      const parsed = parsePolicyTests(await ctx.deps.files.readText(testsArgument, "test file"));
      if (!parsed.ok) {
        throw new SentinelError(
          "invalid_config",
          human`invalid test file ${testsFile}: ${parsed.issues.length} error(s)`,
          { details: parsed.issues.map((issue) => formatIssue(issue, testsFile)) },
        );
      }
      const results = runPolicyTests(compilePolicy(policy.document), parsed.cases);
      const failed = results.filter((r) => !r.passed).length;
      const passed = results.length - failed;
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, {
          policy: policy.source,
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
          ctx.say(
            r.passed
              ? human`ok   ${r.name}\n`
              : human`FAIL ${r.name} (${testsFile}:${where.line}): ${r.failure}\n`,
          );
        }
        ctx.say(human`${passed} passed, ${failed} failed\n`);
      }
      return failed > 0 ? ExitCode.PolicyTestsFailed : ExitCode.Ok;
    }));
}

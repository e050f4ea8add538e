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
import { declare } from "../_command.ts";
import type { Answer, CommandContext } from "../context.ts";
import { SSM_HELP } from "./_ssm_help.ts";
import { decisionJson, human } from "../render.ts";

const FORMAT_HELP = `
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
${SSM_HELP}`;

type Parsed = Extract<ReturnType<typeof parsePolicyTests>, { ok: true }>;

/** The tests of `argument`, parsed (an invalid file is invalid configuration, exit 3). */
async function testsOf(ctx: CommandContext, argument: string): Promise<Parsed> {
  const testsFile = displayName(argument);
  const parsed = parsePolicyTests(await ctx.deps.files.readText(argument, "test file"));
  if (!parsed.ok) {
    throw new SentinelError(
      "invalid_config",
      human`invalid test file ${testsFile}: ${parsed.issues.length} error(s)`,
      { details: parsed.issues.map((issue) => formatIssue(issue, testsFile)) },
    );
  }
  return parsed;
}

function resultsAnswer(
  policy: string,
  testsFile: string,
  parsed: Parsed,
  results: ReturnType<typeof runPolicyTests>,
): Answer {
  const failed = results.filter((r) => !r.passed).length;
  const passed = results.length - failed;
  return {
    json: {
      policy,
      tests: testsFile,
      passed,
      failed,
      results: results.map((r) => ({
        name: r.name,
        passed: r.passed,
        failure: r.failure ?? null,
        decision: decisionJson(r.decision),
      })),
    },
    text: () =>
      results.map((r) =>
        r.passed
          ? human`ok   ${r.name}\n`
          : human`FAIL ${r.name} (${testsFile}:${
            parsed.locate(["tests", r.index]).line
          }): ${r.failure}\n`
      ).join("") + human`${passed} passed, ${failed} failed\n`,
    exitCode: failed > 0 ? ExitCode.PolicyTestsFailed : ExitCode.Ok,
  };
}

/** Builds `policy test`. */
export function policyRunTestsCommand(ctx: CommandContext) {
  return declare(
    new Command("test")
      .description("Check a policy against a file of expected decisions")
      .argument("<policy>", "the policy: a file or ssm:<parameter>")
      .argument("<tests>", "the test file (- for standard input)")
      .addOption(awsProfileOption("reach SSM"))
      .addOption(regionOption())
      .addOption(misplacedProfileOption()),
    {
      about: FORMAT_HELP,
      exits: [
        [ExitCode.Ok, "all passed"],
        [ExitCode.PolicyTestsFailed, "a test failed"],
        [ExitCode.InvalidConfig, "a file is invalid"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples: [
        "sentinel policy test examples/policy.yaml examples/policy_test.yaml",
        "sentinel policy test ssm:/sentinel/policy policy_test.yaml --aws-profile security",
        "sentinel policy test policy.yaml policy_test.yaml --output json",
      ],
    },
  ).action(ctx.action(async (policySource, testsArgument, options) => {
    const policy = await readPolicy(ctx.deps, policySource, awsAccess(options));
    const parsed = await testsOf(ctx, testsArgument);
    const results = runPolicyTests(compilePolicy(policy.document), parsed.cases);
    return resultsAnswer(policy.source, displayName(testsArgument), parsed, results);
  }));
}

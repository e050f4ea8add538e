/**
 * `sentinel policy lint <source>`: warnings for valid policies that probably do not say what was
 * meant. Exit 0 with warnings, unless `--strict`, which exits 3 when there are any.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { readPolicy } from "../../app/policy.ts";
import { knownProfiles } from "../../core/aws_config/profile.ts";
import { ExitCode } from "../../core/errors.ts";
import { lintPolicy } from "../../core/policy/lint.ts";
import { human } from "../render.ts";
import { awsAccess, awsProfileOption, misplacedProfileOption, regionOption } from "../_flags.ts";
import { declare } from "../_command.ts";
import type { CommandContext } from "../context.ts";
import { SSM_HELP } from "./_ssm_help.ts";

/** The profiles of the AWS files, when they hold any (a broken file is doctor's business). */
async function awsProfiles(
  ctx: CommandContext,
): Promise<{ names: string[]; where: string } | undefined> {
  try {
    const { aws } = await ctx.deps.config.load();
    const names = knownProfiles(aws);
    return names.length === 0
      ? undefined
      : { names, where: `${aws.configPath} or ${aws.credentialsPath}` };
  } catch {
    return undefined;
  }
}

/** Builds `policy lint`. */
export function policyLintCommand(ctx: CommandContext) {
  return declare(
    new Command("lint")
      .description("Warn about rules that never match, overlaps, missing time zones, duplicates")
      .argument("<source>", "the policy: a file, - for standard input, or ssm:<parameter>")
      .option("--strict", "exit 3 when there is any warning")
      .addOption(awsProfileOption("reach SSM"))
      .addOption(regionOption())
      .addOption(misplacedProfileOption()),
    {
      about: `
Warnings: shadowed-rule, allow-before-deny, no-timezone, duplicate-condition, empty-list,
catch-all-rule (a rule without conditions, other than a final catch-all deny), unknown-profile (a
profile name or pattern that matches no profile of $AWS_CONFIG_FILE or ~/.aws/config and the
credentials file; checked only when they hold profiles, so CI without AWS files is not warned).
${SSM_HELP}`,
      exits: [
        [ExitCode.Ok, "ok (with or without warnings)"],
        [ExitCode.InvalidConfig, "invalid policy or --strict with warnings"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples: [
        "sentinel policy lint examples/policy.yaml",
        "sentinel policy lint policy.yaml --strict     # for CI: fail on any warning",
      ],
    },
  ).action(ctx.action(async (source, options) => {
    const policy = await readPolicy(ctx.deps, source, awsAccess(options));
    const warnings = lintPolicy(policy.document, policy.locate, await awsProfiles(ctx));
    return {
      json: {
        file: policy.source,
        warnings: warnings.map((w) => ({
          code: w.code,
          line: w.line,
          column: w.column,
          message: w.message,
        })),
      },
      text: () =>
        warnings.map((w) =>
          human`${policy.source}:${w.line}:${w.column}: warning[${w.code}]: ${w.message}\n`
        ).join("") + (warnings.length === 0
          ? human`${policy.source}: no warnings\n`
          : human`${warnings.length} ${warnings.length === 1 ? "warning" : "warnings"}\n`),
      exitCode: options.strict && warnings.length > 0 ? ExitCode.InvalidConfig : ExitCode.Ok,
    };
  }));
}

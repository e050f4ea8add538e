/**
 * `sentinel policy validate <source>`: exit 0 for a valid policy, 3 with every error listed.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { readPolicy } from "../../app/policy.ts";
import { human } from "../render.ts";
import { awsAccess, awsProfileOption, misplacedProfileOption, regionOption } from "../_flags.ts";
import { ExitCode } from "../../core/errors.ts";
import { declare } from "../_command.ts";
import type { CommandContext } from "../context.ts";
import { SSM_HELP } from "./_ssm_help.ts";

/** Builds `policy validate`. */
export function policyValidateCommand(ctx: CommandContext) {
  return declare(
    new Command("validate")
      .description("Check that a policy is valid; list every error as file:line:col")
      .argument("<source>", "the policy: a file, - for standard input, or ssm:<parameter>")
      .addOption(awsProfileOption("reach SSM"))
      .addOption(regionOption())
      .addOption(misplacedProfileOption()),
    {
      about: SSM_HELP,
      exits: [
        [ExitCode.Ok, "valid"],
        [ExitCode.InvalidConfig, "invalid (every error is printed on stderr)"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples: [
        "sentinel policy validate examples/policy.yaml",
        "sentinel policy validate ssm:/sentinel/policy --aws-profile security",
        "sentinel policy validate policy.yaml --output json",
      ],
    },
  ).action(ctx.action(async (source, options) => {
    const { document, source: name } = await readPolicy(ctx.deps, source, awsAccess(options));
    const counts = {
      rules: document.rules.length,
      approvals: document.approvals?.length ?? 0,
      breakglass: document.breakglass?.length ?? 0,
    };
    return {
      json: { file: name, valid: true, ...counts },
      text: () =>
        human`${name}: valid (${counts.rules} rules, ${counts.approvals} approval rules, ${counts.breakglass} break-glass rules)\n`,
    };
  }));
}

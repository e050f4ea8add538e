/**
 * `sentinel policy validate <source>`: exit 0 for a valid policy, 3 with every error listed.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { readPolicy } from "../../app/policy.ts";
import { human } from "../render.ts";
import { awsAccess, awsProfileOption, misplacedProfileOption, regionOption } from "../_flags.ts";
import { type CommandContext, writeJson } from "../context.ts";
import { SSM_HELP } from "./_ssm_help.ts";

/** Builds `policy validate`. */
export function policyValidateCommand(ctx: CommandContext) {
  return new Command("validate")
    .description("Check that a policy is valid; list every error as file:line:col")
    .argument("<source>", "the policy: a file, - for standard input, or ssm:<parameter>")
    .addOption(awsProfileOption("reach SSM"))
    .addOption(regionOption("of the parameter"))
    .addOption(misplacedProfileOption())
    .addHelpText(
      "after",
      `${SSM_HELP}

Exit codes: 0 valid, 3 invalid (every error is printed on stderr), 6 AWS failure.

Examples:
  $ sentinel policy validate examples/policy.yaml
  $ sentinel policy validate ssm:/sentinel/policy --aws-profile security
  $ sentinel policy validate policy.yaml --output json`,
    )
    .action(ctx.action(async (source, options) => {
      const { document, source: name } = await readPolicy(ctx.deps, source, awsAccess(options));
      const counts = {
        rules: document.rules.length,
        approvals: document.approvals?.length ?? 0,
        breakglass: document.breakglass?.length ?? 0,
      };
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, { file: name, valid: true, ...counts });
      } else {
        ctx.say(
          human`${name}: valid (${counts.rules} rules, ${counts.approvals} approval rules, ${counts.breakglass} break-glass rules)\n`,
        );
      }
    }));
}

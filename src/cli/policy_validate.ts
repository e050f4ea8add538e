/**
 * `sentinel policy validate <file>`: exit 0 for a valid policy, 3 with every error listed.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { loadPolicyFile } from "../app/policy_source.ts";
import { type CommandContext, type OutputFormat, writeJson } from "./context.ts";

/** Builds `policy validate`. */
export function policyValidateCommand(ctx: CommandContext, output: () => OutputFormat) {
  return new Command("validate")
    .description("Check that a policy file is valid; list every error as file:line:col")
    .argument("<file>", "the policy file (- for standard input)")
    .addHelpText(
      "after",
      `
Exit codes: 0 valid, 3 invalid (every error is printed on stderr).

Examples:
  $ sentinel policy validate examples/policy.yaml
  $ sentinel policy validate policy.yaml --output json`,
    )
    .action(async (file) => {
      const { document, source } = await loadPolicyFile(ctx.io.readTextFile, file);
      const counts = {
        rules: document.rules.length,
        approvals: document.approvals?.length ?? 0,
        breakglass: document.breakglass?.length ?? 0,
      };
      if (output() === "json") {
        writeJson(ctx.io.stdout, { file: source, valid: true, ...counts });
      } else {
        ctx.io.stdout(
          `${source}: valid (${counts.rules} rules, ${counts.approvals} approval rules, ${counts.breakglass} break-glass rules)\n`,
        );
      }
    });
}

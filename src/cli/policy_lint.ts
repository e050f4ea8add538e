/**
 * `sentinel policy lint <file>`: warnings for valid policies that probably do not say what was
 * meant. Exit 0 with warnings, unless `--strict`, which exits 3 when there are any.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { loadPolicyFile } from "../app/policy_source.ts";
import { ExitCode } from "../core/errors.ts";
import { lintPolicy } from "../core/policy/lint.ts";
import { type CommandContext, type OutputFormat, writeJson } from "./context.ts";

/** Builds `policy lint`. */
export function policyLintCommand(ctx: CommandContext, output: () => OutputFormat) {
  return new Command("lint")
    .description("Warn about rules that never match, overlaps, missing time zones, duplicates")
    .argument("<file>", "the policy file (- for standard input)")
    .option("--strict", "exit 3 when there is any warning")
    .addHelpText(
      "after",
      `
Warnings: shadowed-rule, allow-before-deny, no-timezone, duplicate-condition, empty-list,
catch-all-rule (a rule without conditions, other than a final catch-all deny).

Examples:
  $ sentinel policy lint examples/policy.yaml
  $ sentinel policy lint policy.yaml --strict     # for CI: fail on any warning`,
    )
    .action(async (file, options) => {
      const policy = await loadPolicyFile(ctx.io.readTextFile, file);
      const warnings = lintPolicy(policy.document, policy.locate);
      if (output() === "json") {
        writeJson(ctx.io.stdout, {
          file: policy.source,
          warnings: warnings.map((w) => ({
            code: w.code,
            line: w.line,
            column: w.column,
            message: w.message,
          })),
        });
      } else {
        for (const w of warnings) {
          ctx.io.stdout(
            `${policy.source}:${w.line}:${w.column}: warning[${w.code}]: ${w.message}\n`,
          );
        }
        ctx.io.stdout(
          warnings.length === 0
            ? `${policy.source}: no warnings\n`
            : `${warnings.length} ${warnings.length === 1 ? "warning" : "warnings"}\n`,
        );
      }
      if (options.strict && warnings.length > 0) ctx.outcome.exitCode = ExitCode.InvalidPolicy;
    });
}

/**
 * `sentinel audit verify <file>`: checks the decision log's hash chain and reports the first line
 * that was edited, or that follows a deleted one. Exit 0 intact, 3 broken.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { readUserFile } from "../app/policy_source.ts";
import { verifyDecisionLog } from "../adapters/decision_log.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { type CommandContext, type OutputFormat, writeJson } from "./context.ts";

/** Builds `audit verify`. */
export function auditVerifyCommand(ctx: CommandContext, output: () => OutputFormat) {
  return new Command("verify")
    .description("Check that no line of a decision log was edited or deleted")
    .argument("<file>", "the decision log (JSON Lines)")
    .addHelpText(
      "after",
      `
Each line carries the SHA-256 of the line before it (prev_hash); the first carries 64 zeros.
Deleting the last lines leaves a shorter valid chain: ship logs to a sink to guard against that.

Examples:
  $ sentinel audit verify ~/.local/state/sentinel/decisions.jsonl`,
    )
    .action(async (file) => {
      const result = await verifyDecisionLog(await readUserFile(ctx.io.readTextFile, file, "log"));
      if (!result.ok) {
        throw new SentinelError(
          ExitCode.InvalidPolicy,
          `${file}: line ${result.line} ${result.problem} (${result.lines} lines checked)`,
        );
      }
      if (output() === "json") writeJson(ctx.io.stdout, { file, ok: true, lines: result.lines });
      else ctx.io.stdout(`${file}: intact, ${result.lines} lines\n`);
    });
}

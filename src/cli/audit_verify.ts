/**
 * `sentinel audit verify [file]`: checks the decision log's hash chain and reports the first line
 * that was edited, or that follows a deleted one. Exit 0 intact, 9 broken.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { verifyLog } from "../app/audit.ts";
import { ExitCode } from "../core/errors.ts";
import { human } from "./render.ts";
import { type CommandContext, writeJson } from "./context.ts";

/** Builds `audit verify`. */
export function auditVerifyCommand(ctx: CommandContext) {
  return new Command("verify")
    .description("Check that no line of the decision log was edited or deleted")
    .argument("[file]", "the decision log (default: the configured log_file)")
    .addHelpText(
      "after",
      `
Each line carries the SHA-256 of the line before it (prev_hash); the first carries 64 zeros.
Deleting the last lines leaves a shorter valid chain: ship logs to a sink to guard against that.

Exit codes: 0 intact, 9 the chain is broken (the result says where), 3 the file cannot be read.

Examples:
  $ sentinel audit verify
  $ sentinel audit verify ~/.local/state/sentinel/decisions.jsonl --output json`,
    )
    .action(ctx.action(async (file) => {
      const result = await verifyLog(ctx.deps, file);
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, {
          file: result.file,
          intact: result.ok,
          lines: result.lines,
          ...(result.ok
            ? { repairs: result.repairs }
            : { line: result.line, problem: result.problem }),
        });
      } else if (result.ok) {
        ctx.say(human`${result.file}: intact, ${result.lines} lines\n`);
        for (const line of result.repairs) {
          ctx.say(
            human`  line ${line} records a repair: a torn last line (a write cut short) was removed there\n`,
          );
        }
      } else {
        ctx.say(
          human`${result.file}: BROKEN at line ${result.line}: it ${result.problem} (${result.lines} lines checked)\n`,
        );
      }
      return result.ok ? ExitCode.Ok : ExitCode.AuditLogBroken;
    }));
}

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
import { declare } from "./_command.ts";
import type { CommandContext } from "./context.ts";

/** Builds `audit verify`. */
export function auditVerifyCommand(ctx: CommandContext) {
  return declare(
    new Command("verify")
      .description("Check that no line of the decision log was edited or deleted")
      .argument("[file]", "the decision log (default: the configured log_file)"),
    {
      about: `
Each line carries the SHA-256 of the line before it (prev_hash); the first carries 64 zeros.
Deleting the last lines leaves a shorter valid chain: ship logs to a sink to guard against that.`,
      exits: [
        [ExitCode.Ok, "intact"],
        [ExitCode.AuditLogBroken, "the chain is broken (the result says where)"],
        [ExitCode.InvalidConfig, "the file cannot be read"],
      ],
      examples: [
        "sentinel audit verify",
        "sentinel audit verify ~/.local/state/sentinel/decisions.jsonl --output json",
      ],
    },
  ).action(ctx.action(async (file) => {
    const result = await verifyLog(ctx.deps, file);
    return {
      json: {
        file: result.file,
        intact: result.ok,
        lines: result.lines,
        ...(result.ok
          ? { repairs: result.repairs }
          : { line: result.line, problem: result.problem }),
      },
      text: () =>
        result.ok
          ? human`${result.file}: intact, ${result.lines} lines\n` +
            result.repairs.map((line) =>
              human`  line ${line} records a repair: a torn last line (a write cut short) was removed there\n`
            ).join("")
          : human`${result.file}: BROKEN at line ${result.line}: it ${result.problem} (${result.lines} lines checked)\n`,
      exitCode: result.ok ? ExitCode.Ok : ExitCode.AuditLogBroken,
    };
  }));
}

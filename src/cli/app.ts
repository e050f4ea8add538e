/**
 * The command tree and the runner: parses arguments, runs one command, renders errors, and returns
 * the exit code — it never exits, so every command is testable in-process.
 *
 * @example
 * ```ts
 * const code = await runCli(["check", "prod", "--policy", "p.yaml", "--user", "alice"], io);
 * ```
 * @module
 */
import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import denoConfig from "../../deno.json" with { type: "json" };
import { ExitCode, exitCodeName, SentinelError } from "../core/errors.ts";
import { checkCommand } from "./check.ts";
import { credentialsCommand } from "./credentials.ts";
import { execCommand } from "./exec.ts";
import { whoamiCommand } from "./whoami.ts";
import { enforceCommand } from "./enforce.ts";
import { pluginsCommand } from "./plugins.ts";
import { auditVerifyCommand } from "./audit_verify.ts";
import { type CliIo, type CommandContext, CommandOutcome, type OutputFormat } from "./context.ts";
import { policyLintCommand } from "./policy_lint.ts";
import { policyDiffCommand, policyPullCommand, policyPushCommand } from "./policy_remote.ts";
import { policyTestCommand } from "./policy_test.ts";
import { policyValidateCommand } from "./policy_validate.ts";

/** Sentinel's version, from deno.json. */
export const VERSION: string = denoConfig.version;

const OUTPUT_FORMATS = ["text", "json"] as const;

/** Builds the whole command tree for one invocation. */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command("sentinel");
  const output = (): OutputFormat => (program.opts() as { output: OutputFormat }).output;
  program
    .description(
      "A policy gate in front of AWS credentials: decide, stamp with SourceIdentity, log.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .addOption(
      new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS).default("text"),
    )
    .showHelpAfterError("(run with --help for usage and examples)")
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 1 internal error, 2 usage, 3 invalid config or policy, 4 denied,
            5 approval required, 6 AWS or credential-source failure, 7 plugin failure, 130 interrupted.

Examples:
  $ sentinel check prod --policy examples/policy.yaml --user alice@example.com --explain
  $ sentinel policy validate examples/policy.yaml
  $ sentinel policy test examples/policy.yaml examples/policy_test.yaml`,
    );

  program.addCommand(credentialsCommand(ctx));
  program.addCommand(execCommand(ctx));
  program.addCommand(checkCommand(ctx, output));
  program.addCommand(whoamiCommand(ctx, output));

  const policy = new Command("policy")
    .description("Validate, lint and test policy files (offline); pull, push and diff SSM")
    .addHelpText(
      "after",
      `
Examples:
  $ sentinel policy validate examples/policy.yaml
  $ sentinel policy lint examples/policy.yaml --strict
  $ sentinel policy test examples/policy.yaml examples/policy_test.yaml`,
    );
  policy.addCommand(policyValidateCommand(ctx, output));
  policy.addCommand(policyLintCommand(ctx, output));
  policy.addCommand(policyTestCommand(ctx, output));
  policy.addCommand(policyPullCommand(ctx, output));
  policy.addCommand(policyPushCommand(ctx, output));
  policy.addCommand(policyDiffCommand(ctx, output));
  program.addCommand(policy);

  program.addCommand(enforceCommand(ctx));
  program.addCommand(pluginsCommand(ctx, output));

  const audit = new Command("audit").description("Work with the decision log");
  audit.addCommand(auditVerifyCommand(ctx, output));
  program.addCommand(audit);

  applyToTree(program, (command) => {
    if (command !== program && command.commands.length === 0 && command.name() !== "exec") {
      command.addOption(
        new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS),
      );
    }
    command.exitOverride().configureOutput({
      writeOut: ctx.io.stdout,
      writeErr: ctx.io.stderr,
      outputError: () => {}, // rendered by runCli, in the chosen format
    });
  });
  return program;
}

// deno-lint-ignore no-explicit-any
function applyToTree(command: Command<any, any, any>, apply: (c: Command<any, any, any>) => void) {
  apply(command);
  for (const sub of command.commands) applyToTree(sub as Command, apply);
}

/** Runs one invocation and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const outcome = new CommandOutcome();
  const program = buildProgram({ io, outcome });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return outcome.exitCode;
  } catch (error) {
    return renderError(error, requestedFormat(argv), io);
  }
}

/** The `--output` format, read from argv directly so that usage errors honour it too. */
function requestedFormat(argv: readonly string[]): OutputFormat {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") break;
    if ((argv[i] === "--output" || argv[i] === "-o") && argv[i + 1] === "json") return "json";
    if (argv[i] === "--output=json") return "json";
  }
  return "text";
}

function renderError(error: unknown, format: OutputFormat, io: CliIo): number {
  let code: ExitCode;
  let message: string;
  let details: readonly string[] = [];
  if (error instanceof CommanderError) {
    if (
      error.code === "commander.helpDisplayed" || error.code === "commander.version" ||
      error.code === "commander.help"
    ) return ExitCode.Ok;
    code = ExitCode.Usage;
    message = error.message.replace(/^error: /, "");
    if (format === "text") message += "\n(run with --help for usage and examples)";
  } else if (error instanceof SentinelError) {
    code = error.exitCode;
    message = error.message;
    details = error.details;
  } else {
    code = ExitCode.Internal;
    message = `internal error: ${error instanceof Error ? error.message : String(error)}` +
      "; this is a bug, please report it with the command you ran";
  }
  if (format === "json") {
    io.stderr(JSON.stringify({ code, error: exitCodeName[code], message, details }) + "\n");
  } else {
    io.stderr(`sentinel: ${message}\n`);
    for (const line of details) io.stderr(`  ${line}\n`);
  }
  return code;
}

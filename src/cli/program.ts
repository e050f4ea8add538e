/**
 * The command tree and the runner: parses arguments, runs one command, renders errors, and returns
 * the exit code — it never exits, so every command is testable in-process.
 *
 * @example
 * ```ts
 * const code = await runCli(["check", "prod", "--policy", "p.yaml", "--user", "alice"], io, deps);
 * ```
 * @module
 */
import { Command, CommanderError } from "@commander-js/extra-typings";
import { ExitCode, exitCodeHelp } from "../core/errors.ts";
import type { Deps } from "../ports/deps.ts";
import { declare } from "./_command.ts";
import { outputOption } from "./_flags.ts";
import { approveCommand, cancelCommand, denyCommand } from "./approve.ts";
import { revokeCommand } from "./revoke.ts";
import { auditVerifyCommand } from "./audit_verify.ts";
import { breakglassCommand } from "./breakglass.ts";
import { checkCommand } from "./check.ts";
import { type CliIo, type CommandContext, type OutputFormat, writeAnswer } from "./context.ts";
import { credentialsCommand } from "./credentials.ts";
import { enforceCommand } from "./enforce.ts";
import { execCommand } from "./exec.ts";
import { exportCommand } from "./export.ts";
import { loginCommand } from "./login.ts";
import { pluginsCommand } from "./plugins.ts";
import { policyLintCommand } from "./policy/lint.ts";
import { policyPullCommand, policyPushCommand } from "./policy/remote.ts";
import { policyDiffCommand } from "./policy/diff.ts";
import { policyImpactCommand } from "./policy/impact.ts";
import { policyRunTestsCommand } from "./policy/run_tests.ts";
import { policyValidateCommand } from "./policy/validate.ts";
import { profilesCommand } from "./profiles.ts";
import { requestCommand } from "./request.ts";
import { requestsCommand } from "./requests.ts";
import { serveCommand } from "./serve.ts";
import { storeCommand } from "./store.ts";
import { renderFailure } from "./failure.ts";
import { errorText, safeText } from "./render.ts";
import { colourWanted, styleFor } from "./style.ts";
import { VERSION, versionLine } from "./version.ts";
import { whoamiCommand } from "./whoami.ts";
import { cacheCommand } from "./cache.ts";
import { doctorCommand } from "./doctor.ts";
import { initCommand } from "./init.ts";
import { completionsCommand } from "./completions.ts";
import { logCommand } from "./log.ts";

export { VERSION };

/** The root: its flags, and help that lists every exit code (the catalogue's table). */
function root(version: string): Command {
  return new Command("sentinel")
    .description(
      "A policy gate in front of AWS credentials: decide, stamp with SourceIdentity, log.",
    )
    .version(version, "-V, --version", "print the version, the commit and the Deno version")
    .option("--debug", "diagnostics on stderr: config files, settings, source, transport, timings")
    .addOption(outputOption().default("text"))
    .addHelpText(
      "after",
      `
Exit codes:
${exitCodeHelp()}

Examples:
  $ sentinel check prod --policy examples/policy.yaml --user alice@example.com --explain
  $ sentinel policy validate examples/policy.yaml
  $ sentinel policy test examples/policy.yaml examples/policy_test.yaml`,
    );
}

/** `policy` and its subcommands. */
function policyGroup(ctx: CommandContext): Command {
  const policy = declare(
    new Command("policy").description("Validate, lint and test policies; pull, push and diff SSM"),
    {
      exits: [
        ExitCode.Ok,
        [ExitCode.InvalidConfig, "invalid policy"],
        [ExitCode.AwsFailure, "AWS failure"],
        [ExitCode.PolicyTestsFailed, "policy tests failed"],
        [ExitCode.PolicyDiffers, "diff found a change"],
      ],
      examples: [
        "sentinel policy validate examples/policy.yaml",
        "sentinel policy lint examples/policy.yaml --strict",
        "sentinel policy test examples/policy.yaml examples/policy_test.yaml",
        "sentinel policy diff ssm:/sentinel/policy policy.yaml --aws-profile security",
      ],
    },
  );
  policy.addCommand(policyValidateCommand(ctx));
  policy.addCommand(policyLintCommand(ctx));
  policy.addCommand(policyRunTestsCommand(ctx));
  policy.addCommand(policyPullCommand(ctx));
  policy.addCommand(policyPushCommand(ctx));
  policy.addCommand(policyDiffCommand(ctx));
  policy.addCommand(policyImpactCommand(ctx));
  return policy;
}

/** `audit` and `audit verify`. */
function auditGroup(ctx: CommandContext): Command {
  const audit = declare(new Command("audit").description("Work with the decision log"), {
    exits: [
      [ExitCode.Ok, "intact"],
      [ExitCode.InvalidConfig, "the log cannot be read"],
      [ExitCode.AuditLogBroken, "the chain is broken"],
    ],
    examples: [
      "sentinel audit verify",
      "sentinel audit verify ~/.local/state/sentinel/decisions.jsonl --output json",
    ],
  });
  audit.addCommand(auditVerifyCommand(ctx));
  return audit;
}

/** Every command, in the order help lists them; v1's spellings come hidden, after theirs. */
// deno-lint-ignore no-explicit-any
function commands(ctx: CommandContext): (Command<any, any, any> | { hidden: Command })[] {
  const breakglass = breakglassCommand(ctx);
  return [
    credentialsCommand(ctx),
    execCommand(ctx),
    exportCommand(ctx),
    loginCommand(ctx),
    checkCommand(ctx),
    whoamiCommand(ctx),
    profilesCommand(ctx),
    requestCommand(ctx),
    requestsCommand(ctx),
    approveCommand(ctx),
    denyCommand(ctx),
    cancelCommand(ctx),
    breakglass.command,
    ...breakglass.aliases.map((alias) => ({ hidden: alias as Command })),
    revokeCommand(ctx),
    storeCommand(ctx),
    serveCommand(ctx),
    policyGroup(ctx),
    enforceCommand(ctx),
    pluginsCommand(ctx),
    auditGroup(ctx),
    logCommand(ctx),
    cacheCommand(ctx),
    doctorCommand(ctx),
    initCommand(ctx),
    completionsCommand(ctx),
  ];
}

/** What every command gets: `--output`, `--debug`, positional options, the runner's output. */
function finish(program: Command, ctx: CommandContext): void {
  applyToTree(program, (command) => {
    // Options belong to the command they follow: `requests --for-profile p` filters the list,
    // `requests show <id> --aws-profile p` names who asks.
    if (command.commands.length > 0) command.enablePositionalOptions();
    if (command !== program && command.name() !== "exec") command.addOption(outputOption());
    if (command !== program) command.option("--debug", "diagnostics on stderr (never secrets)");
    command.exitOverride().configureOutput({
      writeOut: ctx.io.stdout,
      writeErr: ctx.io.stderr,
      outputError: () => {}, // rendered by runCli, in the chosen format
    });
  });
}

/** Builds the whole command tree for one invocation. */
export function buildProgram(ctx: CommandContext, version: string = VERSION): Command {
  const program = root(version);
  for (const entry of commands(ctx)) {
    if (entry instanceof Command) program.addCommand(entry);
    else program.addCommand(entry.hidden, { hidden: true });
  }
  finish(program, ctx);
  return program;
}

/**
 * The command tree alone, for what is generated from it (the command table of
 * docs/operations.md): built with a context no command may run in.
 */
export function commandTree(): Command {
  const inert = () => {
    throw new Error("the command tree for documentation runs no command");
  };
  const io: CliIo = {
    stdout: inert,
    stderr: inert,
    stderrIsTerminal: () => false,
    stdoutIsTerminal: () => false,
    stdinIsTerminal: () => false,
    readLine: inert,
  };
  return buildProgram({
    io,
    deps: {} as Deps,
    output: () => "text",
    say: inert,
    sayErr: inert,
    style: styleFor(false),
    action: () => inert,
  });
}

// deno-lint-ignore no-explicit-any
function applyToTree(command: Command<any, any, any>, apply: (c: Command<any, any, any>) => void) {
  apply(command);
  for (const sub of command.commands) applyToTree(sub as Command, apply);
}

/** Runs one invocation and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo, deps: Deps): Promise<number> {
  const format = requestedFormat(argv);
  let exitCode: number = ExitCode.Ok;
  const ctx: CommandContext = {
    io,
    deps,
    output: () => format,
    say: (text) => io.stdout(safeText(text)),
    sayErr: (text) => io.stderr(safeText(text)),
    style: styleFor(colourWanted(deps.env.get, io.stdoutIsTerminal())),
    action: (fn) => async (...args) => {
      const result = await fn(...args);
      exitCode = typeof result === "object"
        ? writeAnswer(io, format, result)
        : result ?? ExitCode.Ok;
    },
  };
  try {
    const wantsVersion = argv.includes("--version") || argv.includes("-V");
    const version = wantsVersion ? await versionLine(deps) : VERSION;
    await buildProgram(ctx, version).parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    return renderError(error, format, io);
  }
}

/** The `--output` format, read from argv directly so that usage errors honour it too. */
function requestedFormat(argv: readonly string[]): OutputFormat {
  let format: OutputFormat = "text";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") break;
    const value = argv[i] === "--output" || argv[i] === "-o"
      ? argv[i + 1]
      : argv[i].startsWith("--output=")
      ? argv[i].slice(9)
      : undefined;
    if (value === "json" || value === "text") format = value;
  }
  return format;
}

/**
 * What to run instead of an aws-vault command that Sentinel does not have (`aws-vault clear`,
 * `rotate`, `add`, `remove`): a habit, not a typo.
 */
const AWS_VAULT_HABITS: Record<string, string> = {
  clear: "Sentinel's cached sessions are cleared with: sentinel cache clear [profile]",
  rotate: "Sentinel leaves keys to aws-vault: run aws-vault rotate <profile>",
  add: "Sentinel leaves keys to aws-vault: run aws-vault add <profile>",
  remove: "Sentinel leaves keys to aws-vault: run aws-vault remove <profile>",
};

function renderError(error: unknown, format: OutputFormat, io: CliIo): number {
  if (error instanceof CommanderError) {
    if (
      error.code === "commander.helpDisplayed" || error.code === "commander.version" ||
      error.code === "commander.help"
    ) return ExitCode.Ok;
    // Commander puts its suggestion ("(Did you mean credentials?)") on a line of its own: a
    // detail line, not a newline inside the message (which would be shown escaped).
    const [message, ...more] = error.message.replace(/^error: /, "").trimEnd().split("\n");
    const details = more.map((line) => line.trim()).filter((line) => line !== "");
    const unknown = error.code === "commander.unknownCommand"
      ? /unknown command '([^']*)'/.exec(message)?.[1]
      : undefined;
    if (unknown !== undefined && Object.hasOwn(AWS_VAULT_HABITS, unknown)) {
      details.push(AWS_VAULT_HABITS[unknown]);
    }
    io.stderr(
      errorText({
        exitCode: ExitCode.Usage,
        code: "usage",
        message,
        details,
        hint: "(run with --help for usage and examples)",
      }, format),
    );
    return ExitCode.Usage;
  }
  return renderFailure(error, format, io);
}

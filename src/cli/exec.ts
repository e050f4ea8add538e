/**
 * `sentinel exec <profile> [--] <command> [args…]`: runs a command with credentials the policy
 * allowed, in an environment scrubbed of other AWS credentials. Exits with the command's code.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { issueCredentials } from "../app/issue_credentials.ts";
import { pluginSecretEnvNames } from "../core/plugin_entry.ts";
import { parseDuration } from "../core/duration.ts";
import { isStsDuration } from "../core/limits.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { EXEC_MARKER, execEnvironment } from "../core/exec_env.ts";
import type { CommandContext } from "./context.ts";
import { human } from "./render.ts";

/** Builds `exec`. */
export function execCommand(ctx: CommandContext) {
  return new Command("exec")
    .description("Run a command with policy-approved credentials for a profile")
    .argument("<profile>", "the profile to issue credentials for")
    .argument("[command...]", "the command and its arguments (default: $SHELL)")
    .option("-d, --duration <duration>", "session length, such as 30m or 1h (capped by policy)")
    .option("--policy <source>", "policy to evaluate: a file path or ssm:<parameter>")
    .addHelpText(
      "after",
      `
The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION; other AWS credential, expiry and
profile variables, aws-vault's secrets, secret SENTINEL_* variables and the variables plugins'
*_env settings name are removed. ${EXEC_MARKER} marks the shell, and a nested exec is refused.

Put -- before a command that has options of its own.

Exit codes: the command's own (128+n when signal n ended it); 127 command not found; 126 not
executable or a directory; otherwise as for credentials.

Examples:
  $ sentinel exec prod -- aws sts get-caller-identity
  $ sentinel exec prod --duration 30m -- terraform plan
  $ sentinel exec dev                      # a shell with dev credentials`,
    )
    .action(ctx.action(async (profile, commandLine, options) => {
      const env = ctx.deps.env.vars;
      if (env[EXEC_MARKER] !== undefined) {
        throw new SentinelError(
          ExitCode.Usage,
          `already inside \`sentinel exec ${
            env[EXEC_MARKER]
          }\`; exit that shell first instead of nesting sessions`,
        );
      }
      let durationSeconds: number | undefined;
      if (options.duration !== undefined) {
        durationSeconds = parseDuration(options.duration);
        if (durationSeconds === undefined || !isStsDuration(durationSeconds)) {
          throw new SentinelError(
            ExitCode.Usage,
            human`--duration "${options.duration}" must be a duration from 15m to 12h, such as 30m or 1h`,
          );
        }
      }
      const result = await issueCredentials({
        profile,
        mode: "cli",
        policy: options.policy,
        durationSeconds,
      }, ctx.deps);
      const [command, ...args] = commandLine.length > 0 ? commandLine : [env.SHELL ?? "/bin/sh"];
      // The plugins' *_env secrets are Sentinel's, not the child's.
      const { plugins } = (await ctx.deps.config.load()).sentinel;
      const childEnv = execEnvironment(
        env,
        profile,
        result.credentials,
        result.region,
        pluginSecretEnvNames(plugins),
      );
      const outcome = await (await ctx.deps.processes()).runForeground(command, args, childEnv);
      if (!outcome.started) ctx.sayErr(human`sentinel: ${outcome.message}\n`);
      return outcome.exitCode;
    }));
}

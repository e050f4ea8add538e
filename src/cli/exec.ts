/**
 * `sentinel exec <profile> [--] <command> [args…]`: runs a command with credentials the policy
 * allowed, in an environment scrubbed of other AWS credentials. Exits with the command's code.
 * With `--server` the command gets a loopback credential endpoint instead of keys, and every
 * refresh faces the policy again (see src/app/issuance/serve_credentials.ts). The original Sentinel's
 * spelling works too: `exec --profile dev --policy-parameter /sentinel/policies/dev -- cmd`.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { issueCredentials } from "../app/issuance/issue.ts";
import { startCredentialServing } from "../app/issuance/serve_credentials.ts";
import { pluginSecretEnvNames } from "../core/plugin_entry.ts";
import { parseDuration } from "../core/text/duration.ts";
import { isStsDuration } from "../core/limits.ts";
import { SentinelError } from "../core/errors.ts";
import { EXEC_MARKER, execEnvironment, serverExecEnvironment } from "../core/issuance/exec_env.ts";
import type { CommandContext } from "./context.ts";
import { human } from "./render.ts";

/**
 * The policy flag of `exec` and `export`: `--policy <source>`, or the original Sentinel's
 * `--policy-parameter <name>`, which means `ssm:<name>`.
 */
export function policyOption(
  options: { policy?: string; policyParameter?: string },
): string | undefined {
  if (options.policy !== undefined && options.policyParameter !== undefined) {
    throw new SentinelError(
      "usage",
      "give either --policy or --policy-parameter, not both (--policy-parameter X means --policy ssm:X)",
    );
  }
  if (options.policyParameter === undefined) return options.policy;
  const name = options.policyParameter.replace(/^ssm:/, "");
  if (name === "") {
    throw new SentinelError("usage", "--policy-parameter needs a parameter name");
  }
  return `ssm:${name}`;
}

/** `12:34 CET`: a time of day on the person's clock (the machine's time zone). */
function localClock(epochMs: number): string {
  return new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(epochMs));
}

/** Builds `exec`. */
export function execCommand(ctx: CommandContext) {
  return new Command("exec")
    .description("Run a command with policy-approved credentials for a profile")
    .argument("[profile]", "the profile to issue credentials for (or --profile)")
    .argument("[command...]", "the command and its arguments (default: $SHELL)")
    .option(
      "--profile <profile>",
      "the profile (Sentinel v1 syntax; then every argument is the command)",
    )
    .option("-d, --duration <duration>", "session length, such as 30m or 1h (capped by policy)")
    .option("--policy <source>", "policy to evaluate: a file path or ssm:<parameter>")
    .option(
      "--policy-parameter <name>",
      "policy from SSM Parameter Store (Sentinel v1; = --policy ssm:<name>)",
    )
    .option(
      "--server",
      "serve credentials on a loopback endpoint, refreshed (and the policy decided again) before they expire",
    )
    .addHelpText(
      "after",
      `
The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION; other AWS credential, expiry and
profile variables, aws-vault's secrets, secret SENTINEL_* variables and the variables plugins'
*_env settings name are removed. ${EXEC_MARKER} names the profile in the command's environment
(a prompt can show it, as aws-vault users show $AWS_VAULT:
PS1='\${${EXEC_MARKER}:+[\$${EXEC_MARKER}] }'"$PS1"), and a nested exec is refused.
Without a command, exec starts $SHELL and says so in one line: "subshell with prod until 12:34
CET; exit to leave".

With --server the command gets no keys: AWS_CONTAINER_CREDENTIALS_FULL_URI names an endpoint on
127.0.0.1 and AWS_CONTAINER_AUTHORIZATION_TOKEN its random token; the AWS SDKs and CLI fetch from
it and come back before each session's refresh window (sentinel_refresh_window). Each refresh
evaluates the policy again and is logged; once the policy refuses, the endpoint answers 403 and
the command's next AWS call fails. For jobs that outlive one session.

Put -- before a command that has options of its own.

Exit codes: the command's own (128+n when signal n ended it); 127 command not found; 126 not
executable or a directory; otherwise as for credentials.

Examples:
  $ sentinel exec prod -- aws sts get-caller-identity
  $ sentinel exec prod --duration 30m -- terraform plan
  $ sentinel exec dev                      # a shell with dev credentials
  $ sentinel exec --server prod -- ./nightly-backup.sh    # refreshed while it runs
  $ sentinel exec --profile dev --policy-parameter /sentinel/policies/dev -- make deploy`,
    )
    .action(ctx.action(async (positional, rest, options) => {
      // With --profile (v1 syntax) every positional argument belongs to the command.
      const profile = options.profile ?? positional;
      const commandLine = options.profile !== undefined && positional !== undefined
        ? [positional, ...rest]
        : rest;
      if (profile === undefined) {
        throw new SentinelError(
          "usage",
          "name the profile: sentinel exec <profile> -- <command> (or --profile <profile>)",
        );
      }
      const env = ctx.deps.env.vars;
      if (env[EXEC_MARKER] !== undefined) {
        throw new SentinelError(
          "usage",
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
            "usage",
            `--duration "${options.duration}" must be a duration from 15m to 12h, such as 30m or 1h`,
          );
        }
      }
      const request = {
        profile,
        mode: "cli" as const,
        policy: policyOption(options),
        durationSeconds,
      };
      const [command, ...args] = commandLine.length > 0 ? commandLine : [env.SHELL ?? "/bin/sh"];
      // The plugins' *_env secrets are Sentinel's, not the child's.
      const { plugins } = (await ctx.deps.config.load()).sentinel;
      const secrets = pluginSecretEnvNames(plugins);
      const processes = await ctx.deps.processes();
      if (options.server !== true) {
        const result = await issueCredentials(request, ctx.deps);
        const childEnv = execEnvironment(env, profile, result.credentials, result.region, secrets);
        if (commandLine.length === 0) {
          ctx.sayErr(
            human`subshell with ${profile} until ${
              localClock(result.credentials.expiration)
            }; exit to leave\n`,
          );
        }
        const outcome = await processes.runForeground(command, args, childEnv);
        if (!outcome.started) ctx.sayErr(human`sentinel: ${outcome.message}\n`);
        return outcome.exitCode;
      }
      const started = await startCredentialServing(request, ctx.deps, {
        ended: (error) =>
          ctx.sayErr(
            human`sentinel: ${error.message}; the credential endpoint for ${profile} now refuses, so the command's next AWS call fails\n`,
          ),
        failed: (error) =>
          ctx.sayErr(
            human`sentinel: could not refresh credentials for ${profile} (answered 503, tried again at the next request): ${error.message}\n`,
          ),
      });
      if (started.defaultProfileShadows) {
        ctx.sayErr(
          "sentinel: warning: your AWS files give the default profile credentials of its own; AWS SDKs and the CLI use those before the credential endpoint, so the command may not use this session\n",
        );
      }
      if (commandLine.length === 0) {
        ctx.sayErr(
          human`subshell with ${profile}, sessions refreshed while the policy allows; exit to leave\n`,
        );
      }
      try {
        const childEnv = serverExecEnvironment(
          env,
          profile,
          started.endpoint,
          started.first.region,
          secrets,
        );
        const outcome = await processes.runForeground(command, args, childEnv);
        if (!outcome.started) ctx.sayErr(human`sentinel: ${outcome.message}\n`);
        return outcome.exitCode;
      } finally {
        await started.endpoint.close();
      }
    }));
}

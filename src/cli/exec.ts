/**
 * `sentinel exec <profile> [--] <command> [args…]`: runs a command with credentials the policy
 * allowed, in an environment scrubbed of other AWS credentials (the use case:
 * src/app/exec.ts). Exits with the command's code. With `--server` the command gets a loopback
 * credential endpoint instead of keys, and every refresh faces the policy again. The original
 * Sentinel's spelling works too: `exec --profile dev --policy-parameter /sentinel/policies/dev -- cmd`.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { type ExecNotices, runExec } from "../app/exec.ts";
import { SentinelError } from "../core/errors.ts";
import { EXEC_MARKER } from "../core/issuance/exec_env.ts";
import { declare, ISSUANCE_EXITS } from "./_command.ts";
import {
  policyOf,
  policyOption,
  policyParameterOption,
  sessionDurationOption,
  sessionSeconds,
  v1ProfileOption,
} from "./_flags.ts";
import type { CommandContext } from "./context.ts";
import { human } from "./render.ts";

const ABOUT = `
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

Put -- before a command that has options of its own.`;

/** `12:34 CET`: a time of day on the person's clock (the machine's time zone). */
function localClock(epochMs: number): string {
  return new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(epochMs));
}

/** What exec tells the person, on stderr. */
function notices(ctx: CommandContext, profile: string): ExecNotices {
  return {
    subshell: (until) =>
      ctx.sayErr(
        until === undefined
          ? human`subshell with ${profile}, sessions refreshed while the policy allows; exit to leave\n`
          : human`subshell with ${profile} until ${localClock(until)}; exit to leave\n`,
      ),
    notStarted: (message) => ctx.sayErr(human`sentinel: ${message}\n`),
    defaultProfileShadows: () =>
      ctx.sayErr(
        "sentinel: warning: your AWS files give the default profile credentials of its own; AWS SDKs and the CLI use those before the credential endpoint, so the command may not use this session\n",
      ),
    ended: (error) =>
      ctx.sayErr(
        human`sentinel: ${error.message}; the credential endpoint for ${profile} now refuses, so the command's next AWS call fails\n`,
      ),
    refreshFailed: (error) =>
      ctx.sayErr(
        human`sentinel: could not refresh credentials for ${profile} (answered 503, tried again at the next request): ${error.message}\n`,
      ),
  };
}

/** Builds `exec`. */
export function execCommand(ctx: CommandContext) {
  return declare(
    new Command("exec")
      .description("Run a command with policy-approved credentials for a profile")
      .argument("[profile]", "the profile to issue credentials for (or --profile)")
      .argument("[command...]", "the command and its arguments (default: $SHELL)")
      .addOption(
        v1ProfileOption("the profile (Sentinel v1 syntax; then every argument is the command)"),
      )
      .addOption(sessionDurationOption())
      .addOption(policyOption())
      .addOption(policyParameterOption())
      .option(
        "--server",
        "serve credentials on a loopback endpoint, refreshed (and the policy decided again) before they expire",
      ),
    {
      about: ABOUT,
      exits: [
        ["child", "the command's own (128+n when signal n ended it)"],
        [127, "command not found"],
        [126, "not executable or a directory"],
        ...ISSUANCE_EXITS.slice(1),
      ],
      examples: [
        "sentinel exec prod -- aws sts get-caller-identity",
        "sentinel exec prod --duration 30m -- terraform plan",
        "sentinel exec dev                      # a shell with dev credentials",
        "sentinel exec --server prod -- ./nightly-backup.sh    # refreshed while it runs",
        "sentinel exec --profile dev --policy-parameter /sentinel/policies/dev -- make deploy",
      ],
    },
  ).action(ctx.action(async (positional, rest, options) => {
    // With --profile (v1 syntax) every positional argument belongs to the command.
    const profile = options.profile ?? positional;
    const command = options.profile !== undefined && positional !== undefined
      ? [positional, ...rest]
      : rest;
    if (profile === undefined) {
      throw new SentinelError(
        "usage",
        "name the profile: sentinel exec <profile> -- <command> (or --profile <profile>)",
      );
    }
    return await runExec(ctx.deps, {
      profile,
      command,
      policy: policyOf(options),
      durationSeconds: sessionSeconds(options.duration),
      server: options.server,
    }, notices(ctx, profile));
  }));
}

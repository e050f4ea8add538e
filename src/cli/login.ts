/**
 * `sentinel login <profile> [--open]`: an AWS console sign-in URL for a policy-approved session,
 * printed on stdout (or opened in the browser). The URL is a credential for 15 minutes: it goes to
 * stdout or the browser only, never to stderr or the log.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { consoleSignin, openInBrowser } from "../app/console_signin.ts";
import { ExitCode } from "../core/errors.ts";
import { type Declaration, declare } from "./_command.ts";
import {
  policyOf,
  policyOption,
  policyParameterOption,
  serverOption,
  sessionDurationOption,
  sessionSeconds,
  v1ProfileOption,
} from "./_flags.ts";
import type { CommandContext } from "./context.ts";
import { isoSeconds } from "./render.ts";
import { profileArgument } from "./profile_argument.ts";

const ABOUT = `
The session is decided, stamped and logged exactly as for credentials, then exchanged at the
federation endpoint for a sign-in token. SENTINEL_FEDERATION_URL names another endpoint (default
https://signin.aws.amazon.com/federation; GovCloud and China have their own). The URL signs in
whoever opens it, once, within 15 minutes: do not paste it anywhere shared.`;

const DECLARATION: Declaration = {
  about: ABOUT,
  exits: [
    ExitCode.Ok,
    ExitCode.Usage,
    [ExitCode.InvalidConfig, "invalid config or policy"],
    [ExitCode.Denied, "denied"],
    [ExitCode.ApprovalRequired, "approval required"],
    [ExitCode.AwsFailure, "AWS, credential-source or federation-endpoint failure"],
  ],
  examples: [
    "sentinel login prod",
    "sentinel login prod --open --destination https://console.aws.amazon.com/cloudwatch/",
    "sentinel login prod --output json | jq -r .url",
  ],
};

/** Builds `login`. */
export function loginCommand(ctx: CommandContext) {
  return declare(
    new Command("login")
      .description("Print (or open) an AWS console sign-in URL for a policy-approved session")
      .argument("[profile]", "the profile to issue credentials for (or --profile)")
      .addOption(v1ProfileOption())
      .option(
        "--open",
        "open the URL in the browser ($BROWSER, else the system's) instead of printing it",
      )
      .option("--destination <url>", "the console page to land on (default: the console home)")
      .addOption(sessionDurationOption())
      .addOption(policyOption())
      .addOption(policyParameterOption())
      .addOption(serverOption()),
    DECLARATION,
  ).action(ctx.action(async (positional, options) => {
    const login = await consoleSignin({
      profile: profileArgument("login", positional, options.profile),
      mode: "cli",
      policy: policyOf(options),
      server: options.server,
      durationSeconds: sessionSeconds(options.duration),
      destination: options.destination,
    }, ctx.deps);
    const expires = isoSeconds(login.expiration);
    const opened = options.open === true;
    if (opened) await openInBrowser(ctx.deps, login.url);
    return {
      ...(opened
        ? {
          notice:
            `opened the AWS console for ${login.profile} as ${login.user} (session until ${expires})\n`,
        }
        : {}),
      json: {
        profile: login.profile,
        user: login.user,
        expiration: expires,
        ...(opened ? { opened: true } : { url: login.url }),
      },
      text: () => opened ? "" : login.url + "\n",
      asIs: true,
    };
  }));
}

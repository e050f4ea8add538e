/**
 * `sentinel login <profile> [--open]`: an AWS console sign-in URL for a policy-approved session,
 * printed on stdout (or opened in the browser). The URL is a credential for 15 minutes: it goes to
 * stdout or the browser only, never to stderr or the log.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { consoleSignin, openInBrowser } from "../app/console_signin.ts";
import { type CommandContext, writeJson } from "./context.ts";
import { policyOption } from "./exec.ts";
import { durationFlag } from "./export.ts";
import { isoSeconds } from "./render.ts";
import { profileArgument } from "./profile_argument.ts";

/** Builds `login`. */
export function loginCommand(ctx: CommandContext) {
  return new Command("login")
    .description("Print (or open) an AWS console sign-in URL for a policy-approved session")
    .argument("[profile]", "the profile to issue credentials for (or --profile)")
    .option("--profile <profile>", "the profile (Sentinel v1 syntax)")
    .option(
      "--open",
      "open the URL in the browser ($BROWSER, else the system's) instead of printing it",
    )
    .option("--destination <url>", "the console page to land on (default: the console home)")
    .option("-d, --duration <duration>", "session length, such as 30m or 1h (capped by policy)")
    .option("--policy <source>", "policy to evaluate: a file path or ssm:<parameter>")
    .option("--policy-parameter <name>", "policy from SSM Parameter Store (= --policy ssm:<name>)")
    .addHelpText(
      "after",
      `
The session is decided, stamped and logged exactly as for credentials, then exchanged at the
federation endpoint for a sign-in token. SENTINEL_FEDERATION_URL names another endpoint (default
https://signin.aws.amazon.com/federation; GovCloud and China have their own). The URL signs in
whoever opens it, once, within 15 minutes: do not paste it anywhere shared.

Exit codes: 0, 2 usage, 3 invalid config or policy, 4 denied, 5 approval required,
            6 AWS, credential-source or federation-endpoint failure.

Examples:
  $ sentinel login prod
  $ sentinel login prod --open --destination https://console.aws.amazon.com/cloudwatch/
  $ sentinel login prod --output json | jq -r .url`,
    )
    .action(ctx.action(async (positional, options) => {
      const profile = profileArgument("login", positional, options.profile);
      const login = await consoleSignin({
        profile,
        mode: "cli",
        policy: policyOption(options),
        durationSeconds: durationFlag(options.duration),
        destination: options.destination,
      }, ctx.deps);
      const expires = isoSeconds(login.expiration);
      if (options.open === true) await openInBrowser(ctx.deps, login.url);
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, {
          profile: login.profile,
          user: login.user,
          expiration: expires,
          ...(options.open === true ? { opened: true } : { url: login.url }),
        });
      } else if (options.open === true) {
        ctx.sayErr(
          `opened the AWS console for ${login.profile} as ${login.user} (session until ${expires})\n`,
        );
      } else {
        ctx.io.stdout(login.url + "\n");
      }
    }));
}

/**
 * `sentinel whoami [--profile p]`: the verified identity Sentinel would decide for.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { whoAmI } from "../app/who_am_i.ts";
import { type CommandContext, writeJson } from "./context.ts";

/** Builds `whoami`. */
export function whoamiCommand(ctx: CommandContext) {
  return new Command("whoami")
    .description("Show the verified identity (from STS) that policies are evaluated for")
    .option("--profile <profile>", "the profile whose base credentials to check")
    .addHelpText(
      "after",
      `
Without --profile: AWS_PROFILE, else the default profile, else AWS_ACCESS_KEY_ID in the
environment.

Exit codes: 0 ok, 2 no profile to use, 3 invalid configuration, 6 AWS or credential-source failure.

Examples:
  $ sentinel whoami --profile prod
  $ sentinel whoami --output json`,
    )
    .action(ctx.action(async (options) => {
      const { identity, base, region, settings } = await whoAmI(ctx.deps, options.profile);
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, {
          user: identity.user,
          kind: identity.kind,
          account: identity.account,
          arn: identity.arn,
          profile: options.profile ?? null,
          source: base.source,
          source_profile: settings?.sourceProfile ?? null,
          region,
        });
      } else {
        ctx.say(
          `user:    ${identity.user}\nkind:    ${identity.kind}\naccount: ${identity.account}\narn:     ${identity.arn}\n` +
            `source:  ${base.source}${
              settings?.sourceProfile ? ` (profile ${settings.sourceProfile})` : ""
            }\n`,
        );
      }
    }));
}

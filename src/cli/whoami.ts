/**
 * `sentinel whoami [--profile p]`: the verified identity Sentinel would decide for.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { whoAmI } from "../app/who_am_i.ts";
import { DEFAULT_SESSION_NAME_ROLES, policyUserName } from "../core/identity.ts";
import { human } from "./render.ts";
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
      // The name policies match (with the default identity: section of a policy).
      const user = policyUserName(identity, DEFAULT_SESSION_NAME_ROLES);
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, {
          user,
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
          human`user:    ${user}\nkind:    ${identity.kind}\naccount: ${identity.account}\narn:     ${identity.arn}\n` +
            human`source:  ${base.source}${
              settings?.sourceProfile ? human` (profile ${settings.sourceProfile})` : ""
            }\n`,
        );
      }
    }));
}

/**
 * `sentinel whoami [--profile p]`: the verified identity Sentinel would decide for.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { whoAmI } from "../app/whoami.ts";
import { identityKindText } from "../core/identity.ts";
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
      const { identity, user, accounts, base, region, settings } = await whoAmI(
        ctx.deps,
        options.profile,
      );
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, {
          user,
          kind: identity.kind,
          account: identity.account,
          arn: identity.arn,
          ...(identity.role === undefined ? {} : { role: identity.role }),
          plain_name_accounts: accounts,
          profile: options.profile ?? null,
          source: base.source,
          source_profile: settings?.sourceProfile ?? null,
          region,
        });
      } else {
        ctx.say(
          human`user:    ${user}\nkind:    ${
            identityKindText(identity)
          }\naccount: ${identity.account}\narn:     ${identity.arn}\n` +
            (user === identity.arn
              ? human`note:    named by its ARN: ${
                identity.kind === "federated_user"
                  ? "a federated user's name is self-chosen"
                  : `account ${identity.account} is not one whose identities have plain names here (${
                    accounts.join(", ") || "none"
                  }; identity.accounts in the policy)`
              }; only ARN patterns in a policy match it\n`
              : settings === undefined
              ? human`note:    a policy names it ${user} where its account ${identity.account} has plain names (identity.accounts; by default, for roles in that account), and ${identity.arn} elsewhere\n`
              : "") +
            human`source:  ${base.source}${
              settings?.sourceProfile ? human` (profile ${settings.sourceProfile})` : ""
            }\n`,
        );
      }
    }));
}

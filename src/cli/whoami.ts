/**
 * `sentinel whoami [--profile p]`: the verified identity Sentinel would decide for.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { whoAmI } from "../app/whoami.ts";
import { identityKindText } from "../core/identity.ts";
import { human } from "./render.ts";
import { ExitCode } from "../core/errors.ts";
import { declare } from "./_command.ts";
import { serverOption } from "./_flags.ts";
import type { Answer, CommandContext } from "./context.ts";

type WhoAmI = Awaited<ReturnType<typeof whoAmI>>;

/** The note under a name that is an ARN, or a plain name that is one only in some accounts. */
function nameNote({ identity, user, accounts, settings }: WhoAmI): string {
  if (user === identity.arn) {
    return human`note:    named by its ARN: ${
      identity.kind === "federated_user"
        ? "a federated user's name is self-chosen"
        : `account ${identity.account} is not one whose identities have plain names here (${
          accounts.join(", ") || "none"
        }; identity.accounts in the policy)`
    }; only ARN patterns in a policy match it\n`;
  }
  return settings === undefined
    ? human`note:    a policy names it ${user} where its account ${identity.account} has plain names (identity.accounts; by default, for roles in that account), and ${identity.arn} elsewhere\n`
    : "";
}

function whoamiAnswer(who: WhoAmI, profile: string | undefined): Answer {
  const { identity, user, accounts, base, region, settings } = who;
  return {
    json: {
      user,
      kind: identity.kind,
      account: identity.account,
      arn: identity.arn,
      ...(identity.role === undefined ? {} : { role: identity.role }),
      plain_name_accounts: accounts,
      profile: profile ?? null,
      source: base.source,
      source_profile: settings?.sourceProfile ?? null,
      region,
      broker: who.broker?.server ?? null,
      ...(who.broker === undefined ? {} : { user_id: who.broker.userId }),
    },
    text: () =>
      human`user:    ${user}\nkind:    ${
        identityKindText(identity)
      }\naccount: ${identity.account}\narn:     ${identity.arn}\n` + nameNote(who) +
      human`source:  ${base.source}${
        settings?.sourceProfile ? human` (profile ${settings.sourceProfile})` : ""
      }\n` +
      (who.broker === undefined
        ? ""
        : human`broker:  ${who.broker.server} (proved it; unique id ${who.broker.userId})\n`),
  };
}

/** Builds `whoami`. */
export function whoamiCommand(ctx: CommandContext) {
  return declare(
    new Command("whoami")
      .description("Show the verified identity (from STS) that policies are evaluated for")
      .option("--profile <profile>", "the profile whose base credentials to check")
      .addOption(serverOption()),
    {
      about: `
Without --profile: AWS_PROFILE, else the default profile, else AWS_ACCESS_KEY_ID in the
environment.`,
      exits: [
        ExitCode.Ok,
        [ExitCode.Usage, "no profile to use"],
        [ExitCode.InvalidConfig, "invalid configuration"],
        ExitCode.AwsFailure,
      ],
      examples: [
        "sentinel whoami --profile prod",
        "sentinel whoami --output json",
        "sentinel whoami --profile prod --server https://sentinel.example.com    # as the broker sees you",
      ],
    },
  ).action(
    ctx.action(async (options) =>
      whoamiAnswer(
        await whoAmI(ctx.deps, options.profile, { server: options.server }),
        options.profile,
      )
    ),
  );
}

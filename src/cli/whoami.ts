/**
 * `sentinel whoami [--profile p]`: the verified identity Sentinel would decide for.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { CredentialCache } from "../app/credential_cache.ts";
import { whoAmI } from "../app/who_am_i.ts";
import { cacheDir } from "../adapters/paths.ts";
import { type CommandContext, type OutputFormat, writeJson } from "./context.ts";

/** Builds `whoami`. */
export function whoamiCommand(ctx: CommandContext, output: () => OutputFormat) {
  return new Command("whoami")
    .description("Show the verified identity (from STS) that policies are evaluated for")
    .option("--profile <profile>", "the Sentinel profile whose base credentials to check")
    .addHelpText(
      "after",
      `
Examples:
  $ sentinel whoami --profile prod
  $ sentinel whoami --output json`,
    )
    .action(async (options) => {
      const env = ctx.io.env();
      const { identity, settings } = await whoAmI(
        options.profile,
        env,
        new CredentialCache(cacheDir((key) => env[key])),
        ctx.io.now(),
      );
      if (output() === "json") {
        writeJson(ctx.io.stdout, {
          user: identity.user,
          kind: identity.kind,
          account: identity.account,
          arn: identity.arn,
          profile: options.profile ?? null,
          source: settings?.source ?? null,
          source_profile: settings?.sourceProfile ?? null,
        });
      } else {
        ctx.io.stdout(
          `user:    ${identity.user}\nkind:    ${identity.kind}\naccount: ${identity.account}\narn:     ${identity.arn}\n` +
            (settings
              ? `source:  ${settings.source}${
                settings.sourceProfile ? ` (profile ${settings.sourceProfile})` : ""
              }\n`
              : ""),
        );
      }
    });
}

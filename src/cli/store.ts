/**
 * `sentinel store init [--print-template] [--print-iam <table-arn>]`: creates what the approval
 * and break-glass store needs, or prints the same DynamoDB table as CloudFormation, or the
 * least-privilege IAM policy for using it.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { configuredStore, initStore } from "../app/store_admin.ts";
import { SentinelError } from "../core/errors.ts";
import { isAwsStore, storeKind } from "../core/store/kinds.ts";
import { callerFlags, withCallerFlags } from "./_flags.ts";
import { human } from "./render.ts";
import { type CommandContext, writeJson } from "./context.ts";

/** Builds `store` with `init`. */
export function storeCommand(ctx: CommandContext) {
  const store = new Command("store")
    .description("Set up the store of approval requests and break-glass events")
    .addHelpText(
      "after",
      `
Exit codes: 0 ready, 3 invalid store setting, 6 AWS failure.

Examples:
  $ sentinel store init                                   # the local SQLite file
  $ sentinel store init --store dynamodb:sentinel-state --aws-profile admin --region eu-central-1
  $ sentinel store init --store dynamodb:sentinel-state --print-template > sentinel-state.json`,
    );
  store.addCommand(
    withCallerFlags(
      new Command("init")
        .description("Create the SQLite schema, or the DynamoDB table with its indexes and TTL")
        .option("--print-template", "print the DynamoDB table as CloudFormation instead")
        .option("--print-iam <table-arn>", "print the least-privilege IAM policy for the table"),
    ).addHelpText(
      "after",
      `
The store is --store, else SENTINEL_STORE, the profile's sentinel_store, the config file's
store, else sqlite:$XDG_DATA_HOME/sentinel/sentinel.db. An existing table is left alone.
Whoever can write the table directly can forge approvals: grant the IAM policy below to the
people who use Sentinel and nothing more, and keep write access to the table itself to admins.

Exit codes: 0 ready, 3 invalid store setting, 6 AWS failure.

Examples:
  $ sentinel store init --store dynamodb:sentinel-state
  $ sentinel store init --store dynamodb:sentinel-state --print-iam arn:aws:dynamodb:eu-central-1:123456789012:table/sentinel-state`,
    ).action(ctx.action(async (options) => {
      const flags = callerFlags(options);
      if (options.printTemplate || options.printIam !== undefined) {
        const setting = await configuredStore(ctx.deps, flags);
        const deployment = storeKind(setting).deployment;
        if (deployment === undefined) {
          throw new SentinelError(
            "usage",
            human`the store is ${setting.text}; templates and IAM policies are for DynamoDB stores (--store dynamodb:<table>)`,
          );
        }
        ctx.say(
          options.printTemplate
            ? deployment.template(setting.name)
            : JSON.stringify(deployment.iamPolicy(options.printIam!), null, 2) + "\n",
        );
        return;
      }
      const { store: setting, region, done, by } = await initStore(ctx.deps, flags);
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, {
          store: setting.text,
          region: isAwsStore(setting) ? region : null,
          done,
          created_by: by === undefined
            ? null
            : { arn: by.arn, account: by.account, profile: by.profile ?? null },
        });
      } else {
        ctx.say(
          human`${setting.text}${isAwsStore(setting) ? human` (${region})` : ""}: ready${
            by === undefined
              ? ""
              : human`, as ${by.arn} (account ${by.account}, ${
                by.profile === undefined ? "keys from the environment" : `profile ${by.profile}`
              })`
          }\n`,
        );
        for (const line of done) ctx.say(human`  ${line}\n`);
      }
    })),
  );
  return store;
}

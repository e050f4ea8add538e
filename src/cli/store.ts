/**
 * `sentinel store init [--print-template] [--print-iam <table-arn>]`: creates what the approval
 * and break-glass store needs, or prints the same DynamoDB table as CloudFormation, or the
 * least-privilege IAM policy for using it.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { configuredStore, initStore } from "../app/store_admin.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { declare } from "./_command.ts";
import { isAwsStore, storeKind } from "../core/store/kinds.ts";
import { callerFlags, withCallerFlags } from "./_flags.ts";
import { human } from "./render.ts";
import type { Answer, CommandContext } from "./context.ts";

const STORE_EXITS = [
  [ExitCode.Ok, "ready"],
  [ExitCode.InvalidConfig, "invalid store setting"],
  [ExitCode.AwsFailure, "AWS failure"],
] as const;

const INIT_ABOUT = `
The store is --store, else SENTINEL_STORE, the profile's sentinel_store, the config file's
store, else sqlite:$XDG_DATA_HOME/sentinel/sentinel.db. An existing table is left alone.
Whoever can write the table directly can forge approvals: grant the IAM policy below to the
people who use Sentinel and nothing more, and keep write access to the table itself to admins.`;

/**
 * `--print-template` or `--print-iam`: the document for a DynamoDB store, printed as it is in
 * every output format (it is what CloudFormation or IAM reads).
 */
async function printDocument(
  ctx: CommandContext,
  flags: ReturnType<typeof callerFlags>,
  iamFor: string | undefined,
): Promise<void> {
  const setting = await configuredStore(ctx.deps, flags);
  const deployment = storeKind(setting).deployment;
  if (deployment === undefined) {
    throw new SentinelError(
      "usage",
      human`the store is ${setting.text}; templates and IAM policies are for DynamoDB stores (--store dynamodb:<table>)`,
    );
  }
  ctx.say(
    iamFor === undefined
      ? deployment.template(setting.name)
      : JSON.stringify(deployment.iamPolicy(iamFor), null, 2) + "\n",
  );
}

type Initialised = Awaited<ReturnType<typeof initStore>>;

function initialisedAnswer({ store: setting, region, done, by }: Initialised): Answer {
  return {
    json: {
      store: setting.text,
      region: isAwsStore(setting) ? region : null,
      done,
      created_by: by === undefined
        ? null
        : { arn: by.arn, account: by.account, profile: by.profile ?? null },
    },
    text: () =>
      human`${setting.text}${isAwsStore(setting) ? human` (${region})` : ""}: ready${
        by === undefined
          ? ""
          : human`, as ${by.arn} (account ${by.account}, ${
            by.profile === undefined ? "keys from the environment" : `profile ${by.profile}`
          })`
      }\n` + done.map((line) => human`  ${line}\n`).join(""),
  };
}

/** `store init`. */
function initCommand(ctx: CommandContext) {
  return declare(
    withCallerFlags(
      new Command("init")
        .description("Create the SQLite schema, or the DynamoDB table with its indexes and TTL")
        .option("--print-template", "print the DynamoDB table as CloudFormation instead")
        .option("--print-iam <table-arn>", "print the least-privilege IAM policy for the table"),
      "store only",
    ),
    {
      about: INIT_ABOUT,
      exits: STORE_EXITS,
      examples: [
        "sentinel store init --store dynamodb:sentinel-state",
        "sentinel store init --store dynamodb:sentinel-state --print-iam arn:aws:dynamodb:eu-central-1:123456789012:table/sentinel-state",
      ],
    },
  ).action(ctx.action(async (options) => {
    const flags = callerFlags(options);
    if (options.printTemplate || options.printIam !== undefined) {
      return await printDocument(ctx, flags, options.printTemplate ? undefined : options.printIam);
    }
    return initialisedAnswer(await initStore(ctx.deps, flags));
  }));
}

/** Builds `store` with `init`. */
export function storeCommand(ctx: CommandContext) {
  const store = declare(
    new Command("store")
      .description("Set up the store of approval requests and break-glass events"),
    {
      exits: STORE_EXITS,
      examples: [
        "sentinel store init                                   # the local SQLite file",
        "sentinel store init --store dynamodb:sentinel-state --aws-profile admin --region eu-central-1",
        "sentinel store init --store dynamodb:sentinel-state --print-template > sentinel-state.json",
      ],
    },
  );
  store.addCommand(initCommand(ctx));
  return store;
}

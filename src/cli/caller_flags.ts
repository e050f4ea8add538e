/**
 * The flags every command that acts as the person shares: which AWS profile identifies them (and
 * reaches DynamoDB), the region and the store. Each flag means one thing in every command:
 * `--profile` is the Sentinel profile credentials are issued for, `--aws-profile` the AWS profile
 * whose credentials identify you, `--for-profile` a filter on lists. A `--profile` given where it
 * cannot mean the first is refused with the flag that was meant.
 *
 * @module
 */
import { type Command, Option } from "@commander-js/extra-typings";
import type { CallerFlags } from "../app/acting.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { human } from "./render.ts";

/** Help text for the caller flags. */
export const CALLER_HELP = `
You are identified by STS from the credentials of --aws-profile (default: AWS_PROFILE, then the
default profile; a Sentinel profile lends its base credentials), never by a flag. The store is
--store, else SENTINEL_STORE, the profile's sentinel_store, the config file's store, else the
local SQLite file.`;

/**
 * Adds `--aws-profile`, `--region` and `--store`, and a hidden `--profile` that only explains
 * which flag was meant (there is no `--policy` either: whoever acts is judged by the policy in
 * force, never by one they pick).
 */
// deno-lint-ignore no-explicit-any
export function withCallerFlags<C extends Command<any, any, any>>(command: C): C {
  command
    .option("--aws-profile <profile>", "the AWS profile whose credentials identify you")
    .option("--region <region>", "the AWS region (for a DynamoDB store and an SSM policy)")
    .option("--store <store>", "sqlite:<path> or dynamodb:<table>")
    .addOption(new Option("--profile <profile>").hideHelp());
  return command;
}

/**
 * The caller flags out of a command's parsed options. `filters` says the command lists records,
 * so a misplaced `--profile` may have meant `--for-profile`.
 */
export function callerFlags(
  options: Record<string, unknown>,
  filters = false,
): CallerFlags {
  const text = (key: string) =>
    typeof options[key] === "string" ? options[key] as string : undefined;
  const misplaced = text("profile");
  if (misplaced !== undefined) {
    throw new SentinelError(
      ExitCode.Usage,
      human`--profile names the Sentinel profile credentials are issued for; ${
        filters ? human`to list only ${misplaced}'s records use --for-profile ${misplaced}; ` : ""
      }to be identified by the AWS profile ${misplaced} use --aws-profile ${misplaced}`,
      { code: "usage" },
    );
  }
  return { profile: text("awsProfile"), region: text("region"), store: text("store") };
}

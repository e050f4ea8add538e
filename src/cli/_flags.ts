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
import { SentinelError } from "../core/errors.ts";
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
    .addOption(awsProfileOption())
    .addOption(regionOption())
    .option("--store <store>", "sqlite:<path> or dynamodb:<table>")
    .addOption(misplacedProfileOption());
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
  refuseMisplacedProfile(options, filters ? ["--for-profile", "--aws-profile"] : ["--aws-profile"]);
  const text = (key: string) =>
    typeof options[key] === "string" ? options[key] as string : undefined;
  return { profile: text("awsProfile"), region: text("region"), store: text("store") };
}

const MEANT: Record<string, (profile: string) => string> = {
  "--for-profile": (profile) => `to see only ${profile}'s records use --for-profile ${profile}`,
  "--aws-profile": (profile) =>
    `to be identified by the AWS profile ${profile} use --aws-profile ${profile}`,
};

/**
 * A `--profile` given to a command where it cannot name the Sentinel profile credentials are
 * issued for: a usage error naming the flags that may have been meant.
 */
export function refuseMisplacedProfile(
  options: Record<string, unknown>,
  meant: readonly ("--for-profile" | "--aws-profile")[],
): void {
  const profile = options.profile;
  if (typeof profile !== "string") return;
  throw new SentinelError(
    "usage",
    human`--profile names the Sentinel profile credentials are issued for; ${
      meant.map((flag) => MEANT[flag](profile)).join("; ")
    }`,
  );
}

/** `--aws-profile`: the AWS profile whose credentials `what` (identify you, reach SSM, …). */
export function awsProfileOption(what = "identify you") {
  return new Option("--aws-profile <profile>", `the AWS profile whose credentials ${what}`);
}

/** `--region`. */
export function regionOption(what = "(for a DynamoDB store and an SSM policy)") {
  return new Option("--region <region>", `the AWS region ${what}`);
}

/** A hidden `--profile` whose only use is to say which flag was meant (see {@link callerFlags}). */
export function misplacedProfileOption() {
  return new Option("--profile <profile>").hideHelp();
}

/** `--aws-profile` and `--region` out of a command's parsed options (see {@link callerFlags}). */
export function awsAccess(options: Record<string, unknown>): { profile?: string; region?: string } {
  const { profile, region } = callerFlags(options);
  return { profile, region };
}

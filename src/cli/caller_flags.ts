/**
 * The flags every command that acts as the person shares: which AWS profile identifies them (and
 * reaches DynamoDB), the region, the store, and the policy that says what they may do.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import type { CallerFlags } from "../app/acting.ts";

/** Help text for the caller flags. */
export const CALLER_HELP = `
You are identified by STS from the credentials of --profile (default: AWS_PROFILE, then default;
a Sentinel profile lends its base credentials), never by a flag. The store is --store, else
SENTINEL_STORE, the profile's sentinel_store, the config file's store, else the local SQLite file.`;

/**
 * Adds `--profile` (or `--aws-profile` where `--profile` filters, as in `requests`), `--region`
 * and `--store`. There is no `--policy`: whoever acts is judged by the policy the request or event
 * was made under, never by one they pick.
 */
// deno-lint-ignore no-explicit-any
export function withCallerFlags<C extends Command<any, any, any>>(
  command: C,
  profileFlag: "--profile" | "--aws-profile" = "--profile",
): C {
  command
    .option(`${profileFlag} <profile>`, "the AWS profile whose credentials identify you")
    .option("--region <region>", "the AWS region (for a DynamoDB store and an SSM policy)")
    .option("--store <store>", "sqlite:<path> or dynamodb:<table>");
  return command;
}

/** The caller flags out of a command's parsed options. */
export function callerFlags(options: Record<string, unknown>): CallerFlags {
  const text = (key: string) =>
    typeof options[key] === "string" ? options[key] as string : undefined;
  return {
    profile: text("awsProfile") ?? text("profile"),
    region: text("region"),
    store: text("store"),
  };
}

/**
 * The flags commands share, declared once. A flag that overrides a setting (`--policy`,
 * `--region`, `--store`, `--log-file`) takes its spelling and help from the settings table
 * (src/core/settings.ts), and its value is parsed there too, when the settings are resolved; the
 * others — `--aws-profile`, `--for-profile`, `--profile` (v1's and the misplaced one),
 * `--policy-parameter`, `--duration` (a session's or a window's), `--limit`, `--cursor`,
 * `--output` — are declared and parsed here.
 *
 * Each flag means one thing in every command: `--profile` is the Sentinel profile credentials are
 * issued for, `--aws-profile` the AWS profile whose credentials identify you, `--for-profile` a
 * filter on lists. A `--profile` given where it cannot mean the first is refused with the flag
 * that was meant.
 *
 * @module
 */
import { type Command, Option } from "@commander-js/extra-typings";
import type { CallerFlags } from "../app/acting.ts";
import { SentinelError } from "../core/errors.ts";
import { isStsDuration, MIN_WINDOW_SECONDS } from "../core/limits.ts";
import { SETTINGS, type SettingSpec } from "../core/settings.ts";
import { parseDuration } from "../core/text/duration.ts";
import { human } from "./render.ts";

/** The `--output` formats. */
export const OUTPUT_FORMATS = ["text", "json"] as const;

/** `-o, --output <format>`. */
export function outputOption() {
  return new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS);
}

/**
 * The option of a setting's flag: `usage` (`--region <region>`) must start with the flag the
 * settings table gives the setting, and the help is the table's.
 */
function settingOption<const Usage extends string>(spec: SettingSpec<unknown>, usage: Usage) {
  if (spec.flag === undefined || usage.replace(/^-\w, /, "").split(" ")[0] !== spec.flag) {
    throw new Error(`${usage} is not the flag of the setting ${spec.key} (${spec.flag})`);
  }
  return new Option(usage, spec.help);
}

/** `--policy <source>` (the `policy` setting); `short` adds `-p`. */
export function policyOption(short?: "-p") {
  return short === undefined
    ? settingOption(SETTINGS.policy, "--policy <source>")
    : settingOption(SETTINGS.policy, "-p, --policy <source>");
}

/** `--region <region>` (the `region` setting). */
export function regionOption() {
  return settingOption(SETTINGS.region, "--region <region>");
}

/** `--store <store>` (the `store` setting). */
export function storeOption() {
  return settingOption(SETTINGS.store, "--store <store>");
}

/**
 * `--server <url>` (the `server` setting: the broker). `exec` has no such flag: its `--server`
 * is the credential endpoint it serves its child; there the broker comes from `sentinel_server`
 * or `SENTINEL_SERVER`.
 */
export function serverOption() {
  return settingOption(SETTINGS.server, "--server <url>");
}

/** `--log-file <file>` (the `log_file` setting). */
export function logFileOption() {
  return settingOption(SETTINGS.log_file, "--log-file <file>");
}

/** `--policy-parameter <name>`: Sentinel v1's spelling of `--policy ssm:<name>`. */
export function policyParameterOption() {
  return new Option(
    "--policy-parameter <name>",
    "the policy's SSM parameter (Sentinel v1; = --policy ssm:<name>)",
  );
}

/** `--profile <profile>` where it names the profile as the argument does (Sentinel v1's spelling). */
export function v1ProfileOption(help = "the profile (Sentinel v1 syntax)") {
  return new Option("--profile <profile>", help);
}

/** `--aws-profile`: the AWS profile whose credentials `what` (identify you, reach SSM, …). */
export function awsProfileOption(what = "identify you") {
  return new Option("--aws-profile <profile>", `the AWS profile whose credentials ${what}`);
}

/** `--for-profile`: a filter on a list. */
export function forProfileOption(what = "records") {
  return new Option("--for-profile <profile>", `only ${what} for this profile`);
}

/** A hidden `--profile` whose only use is to say which flag was meant (see {@link callerFlags}). */
export function misplacedProfileOption() {
  return new Option("--profile <profile>").hideHelp();
}

/** `-d, --duration` of a session (15m to 12h; see {@link sessionSeconds}). */
export function sessionDurationOption() {
  return new Option(
    "-d, --duration <duration>",
    "session length, such as 30m or 1h (capped by policy)",
  );
}

/** `-d, --duration` of an approval window or a break-glass event (see {@link windowSeconds}). */
export function windowDurationOption(help: string) {
  return new Option("-d, --duration <duration>", help);
}

/** `--limit <n>`: a page of at most n (1 to 1000; see {@link limitOf}). */
export function limitOption() {
  return new Option("--limit <n>", "at most this many per page").default("50");
}

/** `--cursor <cursor>`: the next page of a list. */
export function cursorOption() {
  return new Option("--cursor <cursor>", "continue after a previous page (its next_cursor)");
}

/** `--limit <n>` of `log`: the last n records (see {@link lastOf}). */
export function lastOption() {
  return new Option("--limit <n>", "show at most the last n records (default 50)");
}

/** `log`'s `--limit` as a number (default 50; 0 shows none). */
export function lastOf(text: string | undefined): number {
  const limit = text === undefined ? 50 : Number(text);
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new SentinelError("usage", `--limit "${text}" must be a whole number`);
  }
  return limit;
}

/** A session's `--duration` as seconds (15m to 12h), or undefined. */
export function sessionSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined || !isStsDuration(seconds)) {
    throw new SentinelError(
      "usage",
      `--duration "${text}" must be a duration from 15m to 12h, such as 30m or 1h`,
    );
  }
  return seconds;
}

/** The `--duration` of an approval window or a break-glass: 20m to 12h. */
export function windowSeconds(text: string | undefined, flag = "--duration"): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined || !isStsDuration(seconds) || seconds < MIN_WINDOW_SECONDS) {
    throw new SentinelError(
      "usage",
      human`${flag} "${text}" must be a duration from 20m to 12h, such as 30m or 1h (sessions need 15 minutes left, so a shorter window could never be used)`,
    );
  }
  return seconds;
}

/** `--limit` as a number. */
export function limitOf(text: string): number {
  const limit = Number(text);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
    throw new SentinelError(
      "usage",
      human`--limit "${text}" must be a whole number from 1 to 1000`,
    );
  }
  return limit;
}

/**
 * The policy of `--policy <source>` or Sentinel v1's `--policy-parameter <name>` (which means
 * `ssm:<name>`); both at once is a usage error.
 */
export function policyOf(
  options: { policy?: string; policyParameter?: string },
): string | undefined {
  if (options.policy !== undefined && options.policyParameter !== undefined) {
    throw new SentinelError(
      "usage",
      "give either --policy or --policy-parameter, not both (--policy-parameter X means --policy ssm:X)",
    );
  }
  if (options.policyParameter === undefined) return options.policy;
  const name = options.policyParameter.replace(/^ssm:/, "");
  if (name === "") {
    throw new SentinelError("usage", "--policy-parameter needs a parameter name");
  }
  return `ssm:${name}`;
}

/** Help text for the caller flags. */
export const CALLER_HELP = `
You are identified by STS from the credentials of --aws-profile (default: AWS_PROFILE, then the
default profile; a Sentinel profile lends its base credentials), never by a flag. The store is
--store, else SENTINEL_STORE, the profile's sentinel_store, the config file's store, else the
local SQLite file. In broker mode (--server, SENTINEL_SERVER, the profile's sentinel_server or
the config file's server) the command goes to the broker, which proves who you are and keeps the
store; --store has no meaning there.`;

/**
 * Adds `--aws-profile`, `--region`, `--store`, `--server` (unless the command only ever works on
 * a store itself, such as `store init`), and a hidden `--profile` that only explains
 * which flag was meant (there is no `--policy` either: whoever acts is judged by the policy in
 * force, never by one they pick).
 */
// deno-lint-ignore no-explicit-any
export function withCallerFlags<C extends Command<any, any, any>>(
  command: C,
  through: "broker or store" | "store only" = "broker or store",
): C {
  command
    .addOption(awsProfileOption())
    .addOption(regionOption())
    .addOption(storeOption());
  if (through === "broker or store") command.addOption(serverOption());
  command.addOption(misplacedProfileOption());
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
  return {
    profile: text("awsProfile"),
    region: text("region"),
    store: text("store"),
    server: text("server"),
  };
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

/** `--aws-profile` and `--region` out of a command's parsed options (see {@link callerFlags}). */
export function awsAccess(options: Record<string, unknown>): { profile?: string; region?: string } {
  const { profile, region } = callerFlags(options);
  return { profile, region };
}

/** Commander's accumulator for a repeatable flag (`--role a --role b`). */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

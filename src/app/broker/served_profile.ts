/**
 * The settings of a profile a broker serves, as a caller asks for it. A caller is not the
 * broker's operator, and any AWS principal anywhere can prove who it is: a profile the broker
 * does not serve (its own credentials' profile, a name it does not have, one with a broken
 * configuration) is refused without the broker's file paths or the names of its other profiles;
 * the reason goes to the operator's stderr.
 *
 * @module
 */
import { ExitCode, SentinelError } from "../../core/errors.ts";
import { resolveProfile, type SettingFlags } from "../../core/issuance/settings.ts";
import type { Deps } from "../../ports/deps.ts";
import { type ProfileSettings, profileSettings } from "../issuance/profile_settings.ts";
import type { BrokerSetup } from "./setup.ts";

/** `profile`'s settings at the broker, or `unknown_profile` (exit 3) for the caller. */
export async function servedProfile(
  deps: Deps,
  setup: Pick<BrokerSetup, "report">,
  asked: { callerArn: string; profile: string },
  flags: SettingFlags,
): Promise<ProfileSettings> {
  try {
    return await profileSettings(deps, asked.profile, flags);
  } catch (error) {
    if (!(error instanceof SentinelError) || error.exitCode !== ExitCode.InvalidConfig) {
      throw error;
    }
    setup.report(`${asked.callerArn} asked for profile ${asked.profile}: ${error.message}`);
    throw new SentinelError(
      "unknown_profile",
      `this broker serves no profile "${asked.profile}" (it has none of that name, or its configuration of it is incomplete: its operators see which in the broker's log); check the name with them`,
    );
  }
}

/** The roles and policies of the Sentinel profiles this host's configuration serves. */
export interface ServedProfiles {
  /** Role ARNs, sorted. */
  roles: string[];
  /** Policy sources (files, `ssm:` names), sorted. */
  policies: string[];
  /** Profiles left out, and why (incomplete, or a client of another broker). */
  skipped: string[];
}

/** A Sentinel profile that decides on this host: its role and policy. */
export interface DecidingProfile {
  profile: string;
  roleArn: string;
  /** A file path or `ssm:<parameter>`. */
  policy: string;
}

/** Every Sentinel profile of the host's AWS config that decides here, read without AWS. */
export async function servedProfiles(deps: Deps): Promise<ServedProfiles> {
  const { deciding, skipped } = await decidingProfiles(deps);
  return {
    roles: [...new Set(deciding.map((p) => p.roleArn))].sort(),
    policies: [...new Set(deciding.map((p) => p.policy))].sort(),
    skipped,
  };
}

/** The host's Sentinel profiles that decide here, and the others with why they were left out. */
export async function decidingProfiles(
  deps: Deps,
): Promise<{ deciding: DecidingProfile[]; skipped: string[] }> {
  const config = await deps.config.load();
  const deciding: DecidingProfile[] = [];
  const skipped: string[] = [];
  for (const [name, section] of config.aws.profiles) {
    if (section.sentinel_role_arn === undefined && section.sentinel_policy === undefined) continue;
    try {
      const route = resolveProfile(name, config.aws, config.sentinel, deps.env);
      if (route.mode === "broker") {
        skipped.push(`${name}: it is a client of the broker ${route.settings.server}`);
        continue;
      }
      deciding.push({
        profile: name,
        roleArn: route.settings.roleArn,
        policy: route.settings.policy,
      });
    } catch (error) {
      skipped.push(`${name}: ${(error as Error).message}`);
    }
  }
  return { deciding, skipped };
}

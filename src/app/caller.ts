/**
 * The caller's own AWS access, for commands that act as the person rather than issue for a
 * profile (policy pull/push/diff, whoami without a profile, approvals): which profile, which base
 * credentials, which region. The profile is `--profile`, else `AWS_PROFILE`, else `default`; for a
 * Sentinel-guarded profile, its base credentials are used (never its credential_process, which
 * would ask Sentinel itself). Keys in the environment are used when no profile is named.
 *
 * @module
 */
import {
  effectiveProfile,
  filesResolve,
  knownProfiles,
  type ProfileSection,
  staticKeysOf,
} from "../core/aws_profile.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { regionOf, settingOr, settingSources } from "../core/issuance/settings.ts";
import { SETTINGS } from "../core/settings.ts";
import type { BaseCredentialRequest } from "../ports/base_credentials.ts";
import type { Deps } from "../ports/deps.ts";

/** What identifies the caller and where to reach AWS. */
export interface CallerSettings {
  /** The profile used, or `undefined` for keys from the environment. */
  profile: string | undefined;
  base: BaseCredentialRequest;
  region: string;
  /** Where the region came from (`region in profile prod`, `--region`, …), for messages. */
  regionFrom: string;
  timeoutSeconds: number;
}

/** Resolves the caller's access from `--profile` / `--region` and the configuration. */
export async function callerSettings(
  deps: Deps,
  flags: { profile?: string; region?: string },
): Promise<CallerSettings> {
  const config = await deps.config.load();
  const env = deps.env;
  const envKeys = env.get("AWS_ACCESS_KEY_ID") !== undefined &&
    env.get("AWS_SECRET_ACCESS_KEY") !== undefined;
  const named = flags.profile ?? env.get("AWS_PROFILE");
  const profile = named ?? (envKeys ? undefined : "default");
  const known = profile !== undefined &&
    (config.aws.profiles.has(profile) || config.aws.credentials.has(profile));
  if (profile !== undefined && !known && named === undefined) {
    const profiles = knownProfiles(config.aws);
    throw new SentinelError(
      ExitCode.Usage,
      `no AWS credentials to identify you: pass --profile <name> or set AWS_PROFILE` +
        (profiles.length > 0
          ? ` (profiles in ${config.aws.configPath}: ${profiles.join(", ")})`
          : "") +
        "; run `sentinel doctor` to check the setup",
    );
  }
  const section: ProfileSection = known ? effectiveProfile(config.aws, profile!) : {};
  const sources = settingSources(
    env,
    config.sentinel,
    profile === undefined ? undefined : { name: profile, section },
    { region: flags.region },
  );
  const region = regionOf(sources);
  const timeoutSeconds = settingOr(SETTINGS.timeout, sources, 30);
  if (profile === undefined) {
    return {
      profile,
      base: { source: "env", awsVaultFlags: [], filesResolve: false },
      region: region.region,
      regionFrom: region.from,
      timeoutSeconds,
    };
  }
  const sourceProfile = section.sentinel_source_profile ?? profile;
  const staticKeys = staticKeysOf(config.aws, sourceProfile);
  return {
    profile,
    base: {
      source: settingOr(SETTINGS.source, sources, "auto"),
      sourceProfile,
      awsVaultFlags: settingOr(SETTINGS.aws_vault_flags, sources, []),
      filesResolve: filesResolve(config.aws, sourceProfile),
      ...(staticKeys === undefined ? {} : { staticKeys }),
    },
    region: region.region,
    regionFrom: region.from,
    timeoutSeconds,
  };
}

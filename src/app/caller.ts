/**
 * The caller's own AWS access, for commands that act as the person rather than issue for a
 * profile (policy pull/push/diff, whoami without a profile, approvals): which profile, which base
 * credentials, which region. The profile is `--aws-profile`, else `AWS_PROFILE`, else `default`; for a
 * Sentinel-guarded profile, its base credentials are used (never its credential_process, which
 * would ask Sentinel itself). Keys in the environment are used when no profile is named.
 *
 * @module
 */
import {
  type AwsConfigFiles,
  effectiveProfile,
  filesResolve,
  knownProfiles,
  type ProfileSection,
  staticKeysOf,
} from "../core/aws_config/profile.ts";
import { SentinelError } from "../core/errors.ts";
import { sentinelInvocation } from "../core/aws_config/front_profile.ts";
import { logFileFrom, regionFrom, settingSources, storeFrom } from "../core/issuance/settings.ts";
import type { StoreSetting } from "../core/store/location.ts";
import { type ResolvedSettings, resolveSettings, settingsReport } from "../core/settings.ts";
import type { LoadedConfig } from "../ports/config.ts";
import type { Identity } from "../core/identity.ts";
import type { AwsCredentials } from "../ports/aws.ts";
import type { BaseCredentialRequest } from "../ports/base_credentials.ts";
import type { Deps } from "../ports/deps.ts";
import { verifiedIdentity } from "./issuance/verified_identity.ts";

/** What identifies the caller and where to reach AWS. */
export interface CallerSettings {
  /** The profile used, or `undefined` for keys from the environment. */
  profile: string | undefined;
  base: BaseCredentialRequest;
  region: string;
  /** Where the region came from (`region in profile prod`, `--region`, …), for messages. */
  regionFrom: string;
  timeoutSeconds: number;
  /** Where approvals and break-glass events live, as this caller's settings say. */
  store: StoreSetting;
  /** The decision log this caller's settings name. */
  logFile: string;
  /** Every setting as resolved for this caller, once. */
  resolved: ResolvedSettings;
}

/**
 * Resolves the caller's access from the profile flag (`profileFlag`: `--aws-profile` for
 * commands that act as the person, `--profile` for whoami) / `--region` and the configuration.
 */
export async function callerSettings(
  deps: Deps,
  flags: { profile?: string; region?: string; store?: string; server?: string },
  profileFlag = "--aws-profile",
): Promise<CallerSettings> {
  const config = await deps.config.load();
  const { profile, section } = callerProfile(deps, config, flags.profile, profileFlag);
  const resolved = resolveSettings(
    settingSources(
      deps.env,
      config.sentinel,
      profile === undefined ? undefined : { name: profile, section },
      { region: flags.region, store: flags.store, server: flags.server },
    ),
    deps.env.paths,
  );
  deps.debug(
    `caller: ${profile === undefined ? "keys from the environment" : `profile ${profile}`}`,
  );
  for (const line of settingsReport(resolved)) deps.debug(`setting ${line}`);
  const region = regionFrom(resolved);
  const common = {
    region: region.region,
    regionFrom: region.from,
    timeoutSeconds: resolved.timeout.value!,
    store: storeFrom(resolved, deps.env),
    logFile: logFileFrom(resolved, deps.env),
    resolved,
  };
  if (profile === undefined) {
    return { profile, base: { source: "env", awsVaultFlags: [], filesResolve: false }, ...common };
  }
  const sourceProfile = baseProfileOf(config.aws, profile, section);
  const staticKeys = staticKeysOf(config.aws, sourceProfile);
  return {
    profile,
    base: {
      source: resolved.source.value!,
      sourceProfile,
      awsVaultFlags: resolved.aws_vault_flags.value!,
      region: region.region,
      filesResolve: filesResolve(config.aws, sourceProfile),
      ...(staticKeys === undefined ? {} : { staticKeys }),
    },
    ...common,
  };
}

/**
 * The caller's profile (`flag`, else AWS_PROFILE, else `default` unless keys are in the
 * environment) and its keys; a named profile must exist.
 */
function callerProfile(
  deps: Deps,
  config: LoadedConfig,
  flag: string | undefined,
  profileFlag: string,
): { profile: string | undefined; section: ProfileSection } {
  const env = deps.env;
  const envKeys = env.get("AWS_ACCESS_KEY_ID") !== undefined &&
    env.get("AWS_SECRET_ACCESS_KEY") !== undefined;
  const named = flag ?? env.get("AWS_PROFILE");
  const profile = named ?? (envKeys ? undefined : "default");
  const known = profile !== undefined &&
    (config.aws.profiles.has(profile) || config.aws.credentials.has(profile));
  if (profile !== undefined && !known && named === undefined) {
    throw noCallerProfile(config.aws, profileFlag);
  }
  // A named profile must exist: effectiveProfile says so, with the near names and the known ones.
  const section: ProfileSection = known || named !== undefined
    ? effectiveProfile(config.aws, profile!)
    : {};
  return { profile, section };
}

/** The usage error when nothing names the caller's credentials, with the profiles to pass. */
function noCallerProfile(aws: AwsConfigFiles, flag: string): SentinelError {
  const profiles = knownProfiles(aws);
  const guarded = profiles.filter((name) => {
    const own = aws.profiles.get(name) ?? {};
    return own.sentinel_role_arn !== undefined || own.sentinel_policy !== undefined;
  });
  return new SentinelError(
    "no_caller_profile",
    `no AWS credentials to identify you: no ${flag}, no AWS_PROFILE, no [default] profile and no AWS_ACCESS_KEY_ID; pass ${flag} <name> or set AWS_PROFILE` +
      (guarded.length > 0
        ? ` (Sentinel profiles in ${aws.configPath}: ${guarded.join(", ")}; for example ${flag} ${
          guarded[0]
        })`
        : profiles.length > 0
        ? ` (profiles in ${aws.configPath}: ${profiles.join(", ")})`
        : ` (${aws.configPath} has no profiles yet: \`sentinel init\` writes one)`) +
      "; run `sentinel doctor` to check the setup",
  );
}

/**
 * The profile whose credentials are the caller's own: a Sentinel profile lends its source profile
 * (never its credential_process, which would ask Sentinel itself), and a front profile whose
 * credential_process runs `sentinel credentials <p>` lends the source profile of `p`.
 */
function baseProfileOf(files: AwsConfigFiles, name: string, section: ProfileSection): string {
  const front = sentinelInvocation(section.credential_process);
  const target = front !== undefined && front.profile !== name &&
      (files.profiles.has(front.profile) || files.credentials.has(front.profile))
    ? { name: front.profile, section: effectiveProfile(files, front.profile) }
    : { name, section };
  const own = target.section;
  if (own.sentinel_source_profile !== undefined) return own.sentinel_source_profile;
  if (own.sentinel_policy !== undefined && own.role_arn !== undefined && own.source_profile) {
    return own.source_profile; // layout 2: the role is Sentinel's to assume, not the caller's
  }
  return target.name;
}

/** The caller, verified: who they are (STS), with their credentials and the command's deadline. */
export interface ActingCaller {
  settings: CallerSettings;
  identity: Identity;
  credentials: AwsCredentials;
  signal: AbortSignal;
}

/** Resolves and verifies the caller (the approver, the reviewer, …): never a flag, always STS. */
export async function actingCaller(
  deps: Deps,
  flags: { profile?: string; region?: string; store?: string },
): Promise<ActingCaller> {
  const settings = await callerSettings(deps, flags);
  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
  const base = await (await deps.baseCredentials()).get(settings.base, signal);
  const identity = await verifiedIdentity(deps, base.credentials, {
    region: settings.region,
    signal,
  });
  return { settings, identity, credentials: base.credentials, signal };
}

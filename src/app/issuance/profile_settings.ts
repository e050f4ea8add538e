/**
 * The settings of one profile for issuance, from the loaded configuration, with the
 * credential_process loop refused before anything runs; and what to ask the base-credential
 * source for.
 *
 * @module
 */
import { filesResolve, staticKeysOf } from "../../core/aws_config/profile.ts";
import { SentinelError } from "../../core/errors.ts";
import {
  type BrokerClientSettings,
  credentialProcessLoop,
  type IssuanceSettings,
  type ResolvedIssuance,
  resolveIssuance,
  resolveProfile,
  type SettingFlags,
} from "../../core/issuance/settings.ts";
import { type ResolvedSettings, settingsReport } from "../../core/settings.ts";
import type { BaseCredentialRequest } from "../../ports/base_credentials.ts";
import type { LoadedConfig } from "../../ports/config.ts";
import type { Deps } from "../../ports/deps.ts";

/** A profile's settings and the configuration they came from: resolved once per invocation. */
export interface ProfileSettings {
  settings: IssuanceSettings;
  config: LoadedConfig;
  /** Every setting as resolved, with where it came from. */
  resolved?: ResolvedSettings;
}

/** A profile a broker serves, and the configuration it came from. */
export interface BrokerProfile {
  settings: BrokerClientSettings;
  config: LoadedConfig;
}

/** How `profile` is issued: here (its settings) or by a broker; resolved once. */
export async function profileRoute(
  deps: Deps,
  profile: string,
  flags: SettingFlags = {},
): Promise<({ mode: "local" } & ProfileSettings) | ({ mode: "broker" } & BrokerProfile)> {
  const config = await deps.config.load();
  const route = resolveProfile(profile, config.aws, config.sentinel, deps.env, flags);
  if (route.mode === "local") {
    return { mode: "local", ...localProfile(deps, profile, config, route) };
  }
  deps.debug(
    `profile ${profile}: decided by the broker ${route.settings.server} (${route.settings.serverFrom})`,
  );
  for (const line of settingsReport(route.resolved)) deps.debug(`setting ${line}`);
  return { mode: "broker", settings: route.settings, config };
}

/** Resolves the settings for `profile` (exit 3 for anything wrong in the configuration). */
export async function profileSettings(
  deps: Deps,
  profile: string,
  flags: SettingFlags = {},
): Promise<ProfileSettings> {
  const config = await deps.config.load();
  return localProfile(
    deps,
    profile,
    config,
    resolveIssuance(profile, config.aws, config.sentinel, deps.env, flags),
  );
}

function localProfile(
  deps: Deps,
  profile: string,
  config: LoadedConfig,
  { settings, resolved }: ResolvedIssuance,
): ProfileSettings {
  deps.debug(
    `profile ${profile}: ${
      settings.layout === "sentinel_keys"
        ? "layout 1 (sentinel_* keys)"
        : "layout 2 (a role profile)"
    }, role ${settings.roleArn}, source profile ${settings.sourceProfile ?? "(none)"}`,
  );
  for (const line of settingsReport(resolved)) deps.debug(`setting ${line}`);
  const source = settings.sourceProfile === undefined
    ? undefined
    : config.aws.profiles.get(settings.sourceProfile);
  if (credentialProcessLoop(profile, source?.credential_process)) {
    throw new SentinelError(
      "invalid_config",
      `credential_process loop: profile ${profile} takes its base credentials from ${settings.sourceProfile}, whose credential_process runs \`sentinel credentials ${profile}\` again; point the source at base credentials (aws-vault, SSO or keys)`,
    );
  }
  return { settings, config, resolved };
}

/** What to ask the base-credential source for. */
export function baseRequest(
  { settings, config }: {
    settings: Pick<IssuanceSettings, "source" | "sourceProfile" | "awsVaultFlags" | "region">;
    config: LoadedConfig;
  },
): BaseCredentialRequest {
  const staticKeys = settings.sourceProfile === undefined
    ? undefined
    : staticKeysOf(config.aws, settings.sourceProfile);
  return {
    source: settings.source,
    sourceProfile: settings.sourceProfile,
    awsVaultFlags: settings.awsVaultFlags,
    region: settings.region,
    filesResolve: settings.sourceProfile !== undefined &&
      filesResolve(config.aws, settings.sourceProfile),
    ...(staticKeys === undefined ? {} : { staticKeys }),
  };
}

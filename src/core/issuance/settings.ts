/**
 * What `credentials` and `exec` need for one profile, resolved from the parsed configuration with
 * the precedence of DESIGN §4 (see ../settings.ts). Two profile layouts are supported:
 *
 * 1. Sentinel's own keys: `sentinel_role_arn`, `sentinel_source_profile`, `sentinel_policy` (the
 *    AWS CLI ignores them, so the profile can carry `credential_process` itself);
 * 2. an ordinary role profile (`role_arn`, `source_profile`) that also carries `sentinel_policy`,
 *    named by another profile's `credential_process = sentinel credentials <it>`.
 *
 * Pure: the parsed files, the environment and the flags are arguments.
 *
 * @module
 */
import {
  type AwsConfigFiles,
  effectiveProfile,
  type ProfileSection,
} from "../aws_config/profile.ts";
import { type Environment, expandHome } from "../environment.ts";
import { SentinelError } from "../errors.ts";
import { isStsDuration } from "../limits.ts";
import {
  DEFAULT_STORE_ORIGIN,
  defaultStoreText,
  parseStoreLocation,
  type StoreSetting,
} from "../store/location.ts";
import type { PluginEntry } from "../plugin_entry.ts";
import { sentinelInvocation } from "../aws_config/front_profile.ts";
import {
  type CredentialSource,
  type ResolvedSettings,
  resolveOnly,
  resolveSetting,
  resolveSettings,
  SETTINGS,
  type SettingSources,
  type SettingSpec,
} from "../settings.ts";

/** The Sentinel config file's values, as the settings see them. */
export interface ConfigFileSettings {
  path: string;
  values: Readonly<Record<string, string>>;
  plugins: readonly PluginEntry[];
}

/** Everything needed to issue credentials for one profile. */
export interface IssuanceSettings {
  profile: string;
  layout: "sentinel_keys" | "role_profile";
  roleArn: string;
  sourceProfile: string | undefined;
  source: CredentialSource;
  awsVaultFlags: string[];
  region: string;
  /** Where the region came from, for messages (`region in profile prod`). */
  regionFrom: string;
  durationSeconds: number | undefined;
  externalId: string | undefined;
  policy: string;
  /** Where the policy setting came from (`SENTINEL_POLICY`, `sentinel_policy in profile prod`, …). */
  policyFrom: string;
  logFile: string;
  policyTtlSeconds: number;
  refreshWindowSeconds: number;
  timeoutSeconds: number;
  /** Where approvals and break-glass events live. */
  store: StoreSetting;
  plugins: PluginEntry[];
}

/** Flags that override everything. */
export interface SettingFlags {
  policy?: string;
  region?: string;
  store?: string;
  durationSeconds?: number;
  /** `--log-file` (Sentinel v1). */
  logFile?: string;
  /** aws-vault flags added by the command line (v1's `--no-session`), after the configured ones. */
  awsVaultFlags?: readonly string[];
  /** `--server`: the broker. */
  server?: string;
}

/**
 * A profile served by a broker (DESIGN §15): the broker decides and issues; this machine only
 * proves who asks, with the base credentials of the source profile.
 */
export interface BrokerClientSettings {
  profile: string;
  /** The broker's origin. */
  server: string;
  /** Where the server setting came from (`sentinel_server in profile prod`, …). */
  serverFrom: string;
  /** A PEM file of extra certificate authorities for the broker's TLS (`server_ca`). */
  serverCa: string | undefined;
  sourceProfile: string | undefined;
  source: CredentialSource;
  awsVaultFlags: string[];
  region: string;
  durationSeconds: number | undefined;
  refreshWindowSeconds: number;
  timeoutSeconds: number;
}

/** How a profile's credentials are issued: decided here, or by a broker. */
export type ResolvedProfile =
  | ({ mode: "local" } & ResolvedIssuance)
  | {
    mode: "broker";
    settings: BrokerClientSettings;
    resolved: ResolvedSettings;
    section: ProfileSection;
  };

/** The sources of settings for one profile (or none). */
export function settingSources(
  env: Environment,
  config: ConfigFileSettings,
  profile?: { name: string; section: ProfileSection },
  flags: SettingFlags = {},
): SettingSources {
  return {
    env: env.get,
    profile: profile?.section,
    profileName: profile?.name,
    config,
    flags: {
      "--policy": flags.policy,
      "--region": flags.region,
      "--store": flags.store,
      "--log-file": flags.logFile,
      "--server": flags.server,
    },
  };
}

/**
 * A setting's value, or `fallback`. Prefer {@link resolveSettings} (once per invocation, with the
 * defaults of the settings table); this stays for callers outside this layer's reach.
 */
export function settingOr<T>(spec: SettingSpec<T>, sources: SettingSources, fallback: T): T {
  return resolveSetting(spec, sources)?.value ?? fallback;
}

/** The region with its origin, from the settings or the default. */
export function regionOf(sources: SettingSources): { region: string; from: string } {
  return regionFrom(resolveOnly(["region"], sources, { defaultLogFile: "", dataDir: "" }));
}

/** The region with its origin, from resolved settings. */
export function regionFrom(
  resolved: Pick<ResolvedSettings, "region">,
): { region: string; from: string } {
  const { value, from } = resolved.region;
  return { region: value!, from: from ?? "the default region" };
}

/** The policy setting (a file path with `~` expanded, or `ssm:<name>`) and where it came from. */
export function policyOf(
  sources: SettingSources,
  env: Environment,
): { source: string; from: string } | undefined {
  const found = resolveSetting(SETTINGS.policy, sources);
  return found === undefined ? undefined : policyFrom({ ...found, from: found.from }, env);
}

function policyFrom(
  found: { value: string | undefined; from: string | undefined },
  env: Environment,
): { source: string; from: string } | undefined {
  if (found.value === undefined) return undefined;
  const source = found.value.startsWith("ssm:")
    ? found.value
    : expandHome(found.value, env.paths.home);
  return { source, from: found.from! };
}

/** The store setting and where it came from, or the default SQLite file in the data directory. */
export function storeOf(sources: SettingSources, env: Environment): StoreSetting {
  return storeFrom(resolveOnly(["store"], sources, env.paths), env);
}

/** The store setting of resolved settings. */
export function storeFrom(
  resolved: Pick<ResolvedSettings, "store">,
  env: Environment,
): StoreSetting {
  const { value, from } = resolved.store;
  return parseStoreLocation(
    value ?? defaultStoreText(env.paths.dataDir),
    env.paths.home,
    from ?? DEFAULT_STORE_ORIGIN,
  );
}

/** The decision log of resolved settings, `~` expanded. */
export function logFileFrom(
  resolved: Pick<ResolvedSettings, "log_file">,
  env: Environment,
): string {
  return expandHome(resolved.log_file.value!, env.paths.home);
}

/** The broker's extra TLS authorities (`server_ca`), its `~/` expanded; none when unset. */
export function serverCaFrom(
  resolved: Pick<ResolvedSettings, "server_ca">,
  env: Environment,
): string | undefined {
  const { value } = resolved.server_ca;
  return value === undefined ? undefined : expandHome(value, env.paths.home);
}

/** A profile's settings, the `--debug` report of where each came from, and the profile's keys. */
export interface ResolvedIssuance {
  settings: IssuanceSettings;
  /** Every setting as resolved (see {@link settingsReport}). */
  resolved: ResolvedSettings;
  section: ProfileSection;
}

/** Resolves the settings for `profile`. Every bad value is a clear error (exit 3). */
export function issuanceSettings(
  profile: string,
  files: AwsConfigFiles,
  config: ConfigFileSettings,
  env: Environment,
  flags: SettingFlags = {},
): IssuanceSettings {
  return resolveIssuance(profile, files, config, env, flags).settings;
}

/**
 * {@link issuanceSettings}, with every setting resolved once and the profile's section; a profile
 * a broker serves is an error that says so (the command works on profiles decided here).
 */
export function resolveIssuance(
  profile: string,
  files: AwsConfigFiles,
  config: ConfigFileSettings,
  env: Environment,
  flags: SettingFlags = {},
): ResolvedIssuance {
  const route = resolveProfile(profile, files, config, env, flags);
  if (route.mode === "broker") {
    throw new SentinelError(
      "invalid_config",
      `profile ${profile} is decided by the broker ${route.settings.server} (${route.settings.serverFrom}); this command needs a profile decided on this machine — ask the broker's operators, or use \`sentinel credentials ${profile}\``,
    );
  }
  return route;
}

/** How `profile`'s credentials are issued, with its settings: resolved once. */
export function resolveProfile(
  profile: string,
  files: AwsConfigFiles,
  config: ConfigFileSettings,
  env: Environment,
  flags: SettingFlags = {},
): ResolvedProfile {
  const section = effectiveProfile(files, profile);
  const resolved = resolveSettings(
    settingSources(env, config, { name: profile, section }, flags),
    env.paths,
  );
  if (resolved.server.value !== undefined) {
    return {
      mode: "broker",
      settings: brokerClient(profile, section, resolved, flags, env),
      resolved,
      section,
    };
  }
  return { mode: "local", ...localIssuance(profile, files, config, env, flags, section, resolved) };
}

/** A broker profile's settings: its source of base credentials and the session's bounds. */
function brokerClient(
  profile: string,
  section: ProfileSection,
  resolved: ResolvedSettings,
  flags: SettingFlags,
  env: Environment,
): BrokerClientSettings {
  const sourceProfile = section.sentinel_source_profile ?? section.source_profile;
  const source = resolved.source.value!;
  refuseIncomplete(profile, section, "sentinel_keys", source, sourceProfile);
  return {
    profile,
    server: resolved.server.value!,
    serverFrom: resolved.server.from ?? "the server setting",
    serverCa: serverCaFrom(resolved, env),
    sourceProfile,
    source,
    awsVaultFlags: [...new Set([...resolved.aws_vault_flags.value!, ...flags.awsVaultFlags ?? []])],
    region: regionFrom(resolved).region,
    durationSeconds: flags.durationSeconds ?? profileDuration(profile, section),
    refreshWindowSeconds: resolved.refresh_window.value!,
    timeoutSeconds: resolved.timeout.value!,
  };
}

function localIssuance(
  profile: string,
  files: AwsConfigFiles,
  config: ConfigFileSettings,
  env: Environment,
  flags: SettingFlags,
  section: ProfileSection,
  resolved: ResolvedSettings,
): ResolvedIssuance {
  const { layout, roleArn, sourceProfile } = targetOf(profile, section, files.configPath);
  const policy = policyFrom(resolved.policy, env);
  if (policy === undefined) {
    throw new SentinelError(
      "invalid_config",
      `no policy for profile ${profile}: add sentinel_policy = ssm:<parameter> (or a file path) to [profile ${profile}] in ${files.configPath}, set SENTINEL_POLICY, or pass --policy`,
    );
  }
  const source = resolved.source.value!;
  refuseIncomplete(profile, section, layout, source, sourceProfile);
  const region = regionFrom(resolved);
  const settings: IssuanceSettings = {
    profile,
    layout,
    roleArn,
    sourceProfile,
    source,
    awsVaultFlags: [...new Set([...resolved.aws_vault_flags.value!, ...flags.awsVaultFlags ?? []])],
    region: region.region,
    regionFrom: region.from,
    durationSeconds: flags.durationSeconds ?? profileDuration(profile, section),
    externalId: section.external_id,
    policy: policy.source,
    policyFrom: policy.from,
    logFile: logFileFrom(resolved, env),
    policyTtlSeconds: resolved.policy_ttl.value!,
    refreshWindowSeconds: resolved.refresh_window.value!,
    timeoutSeconds: resolved.timeout.value!,
    store: storeFrom(resolved, env),
    plugins: [...config.plugins],
  };
  return { settings, resolved, section };
}

/** A profile with no source profile (outside `env`), or with mfa_serial: exit 3. */
function refuseIncomplete(
  profile: string,
  section: ProfileSection,
  layout: IssuanceSettings["layout"],
  source: CredentialSource,
  sourceProfile: string | undefined,
): void {
  if (source !== "env" && sourceProfile === undefined) {
    throw new SentinelError(
      "invalid_config",
      `profile ${profile} names no source profile for its base credentials: add ${
        layout === "sentinel_keys" ? "sentinel_source_profile" : "source_profile"
      } = <profile>, or use sentinel_source = env`,
    );
  }
  if (section.mfa_serial !== undefined) {
    throw new SentinelError(
      "invalid_config",
      `profile ${profile} has mfa_serial: Sentinel's role hop cannot prompt for a code inside credential_process; put mfa_serial on the source profile and use sentinel_source = aws-vault, which prompts`,
    );
  }
}

function profileDuration(profile: string, section: ProfileSection): number | undefined {
  if (section.duration_seconds === undefined) return undefined;
  const seconds = Number(section.duration_seconds);
  if (!isStsDuration(seconds)) {
    throw new SentinelError(
      "invalid_config",
      `duration_seconds in profile ${profile} must be a whole number from 900 to 43200, got "${section.duration_seconds}"`,
    );
  }
  return seconds;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

function targetOf(profile: string, section: ProfileSection, configPath: string) {
  const check = (arn: string, key: string) => {
    if (!ROLE_ARN.test(arn)) {
      throw new SentinelError(
        "invalid_config",
        `${key} in profile ${profile} is not a role ARN (arn:aws:iam::<account>:role/<name>): "${arn}"`,
      );
    }
    return arn;
  };
  if (section.sentinel_role_arn !== undefined) {
    return {
      layout: "sentinel_keys" as const,
      roleArn: check(section.sentinel_role_arn, "sentinel_role_arn"),
      sourceProfile: section.sentinel_source_profile,
    };
  }
  if (section.role_arn !== undefined) {
    return {
      layout: "role_profile" as const,
      roleArn: check(section.role_arn, "role_arn"),
      sourceProfile: section.source_profile,
    };
  }
  const front = sentinelInvocation(section.credential_process);
  if (front !== undefined && front.profile !== profile) {
    throw new SentinelError(
      "front_profile",
      `profile ${profile} only hands out what \`sentinel credentials ${front.profile}\` issues (its credential_process): Sentinel's settings and the role are in profile ${front.profile}, so name that one, as in \`sentinel check ${front.profile}\``,
    );
  }
  throw new SentinelError(
    "invalid_config",
    `profile ${profile} in ${configPath} names no role: add sentinel_role_arn and sentinel_source_profile (or role_arn and source_profile)`,
  );
}

/**
 * The static credential_process loop: the source profile's `credential_process` runs
 * `sentinel credentials <profile>` again (read as {@link sentinelInvocation} reads such lines).
 */
export function credentialProcessLoop(profile: string, sourceProcess: string | undefined): boolean {
  return sentinelInvocation(sourceProcess)?.profile === profile;
}

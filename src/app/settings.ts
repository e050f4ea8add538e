/**
 * Resolves what `credentials` and `exec` need for one profile, with the precedence of DESIGN §4:
 * command-line flags > `SENTINEL_*` environment variables > `sentinel_*` keys of the profile in
 * `~/.aws/config` > the Sentinel config file > defaults.
 *
 * Two profile layouts are supported:
 * 1. Sentinel's own keys: `sentinel_role_arn`, `sentinel_source_profile`, `sentinel_policy`
 *    (the AWS CLI ignores them, so the profile can carry `credential_process` itself);
 * 2. an ordinary role profile (`role_arn`, `source_profile`) that also carries `sentinel_policy`,
 *    named by another profile's `credential_process = sentinel credentials <it>`.
 *
 * @module
 */
import { z } from "zod";
import { parseDuration } from "../core/duration.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { formatIssue, parseYaml, pathShape } from "../core/yaml_source.ts";
import {
  type AwsConfigFiles,
  effectiveProfile,
  type ProfileSection,
} from "../adapters/aws_config.ts";
import { readOptionalText } from "../adapters/files.ts";
import type { PluginEntry } from "../plugin_host/plugin_entry.ts";
import { pluginConfigSchema, pluginEntry } from "../plugin_host/plugin_config.ts";
import { defaultLogFile, expandHome, sentinelConfigPath } from "../adapters/paths.ts";

/** Where base credentials come from. */
export const CREDENTIAL_SOURCES = ["aws-vault", "sdk", "env"] as const;
/** One of {@link CREDENTIAL_SOURCES}. */
export type CredentialSource = (typeof CREDENTIAL_SOURCES)[number];

/** Everything needed to issue credentials for one profile. */
export interface IssuanceSettings {
  profile: string;
  layout: "sentinel_keys" | "role_profile";
  roleArn: string;
  sourceProfile: string | undefined;
  source: CredentialSource;
  awsVaultFlags: string[];
  region: string;
  durationSeconds: number | undefined;
  externalId: string | undefined;
  policy: string;
  logFile: string;
  policyTtlSeconds: number;
  refreshWindowSeconds: number;
  /** Plugins from the Sentinel config file. */
  plugins: PluginEntry[];
}

/** Settings that can be given at every level of the precedence. */
const SETTING_KEYS = [
  "policy",
  "source",
  "log_file",
  "policy_ttl",
  "refresh_window",
  "region",
] as const;
type SettingKey = (typeof SETTING_KEYS)[number];

const configFileSchema = z.strictObject({
  policy: z.string().min(1).optional(),
  source: z.enum(CREDENTIAL_SOURCES).optional(),
  log_file: z.string().min(1).optional(),
  policy_ttl: z.union([z.string(), z.number()]).optional(),
  refresh_window: z.union([z.string(), z.number()]).optional(),
  region: z.string().min(1).optional(),
  plugins: z.array(pluginConfigSchema).optional(),
}, { error: "the Sentinel config file must be a mapping of settings" });

/** The Sentinel config file, parsed. */
export interface SentinelConfigFile {
  path: string;
  text: string;
  values: Partial<Record<SettingKey, string>>;
  plugins: PluginEntry[];
}

/** Reads the Sentinel config file (absent is fine), validating it with line-numbered errors. */
export async function loadSentinelConfig(
  env: (key: string) => string | undefined,
): Promise<SentinelConfigFile> {
  const path = sentinelConfigPath(env);
  const text = (await readOptionalText(path)) ?? "";
  if (text.trim() === "") return { path, text, values: {}, plugins: [] };
  const result = parseYaml(text, configFileSchema, {
    what: "config file",
    allowedKeys: (p) =>
      pathShape(p) === ""
        ? [...SETTING_KEYS, "plugins"].join(", ")
        : pathShape(p) === "plugins.*"
        ? "name, plugin, module, sha256, kind, version, required, timeout, allow_net, allow_write, aws, settings"
        : undefined,
  });
  if (!result.ok) {
    throw new SentinelError(ExitCode.InvalidPolicy, `invalid Sentinel config ${path}`, {
      details: result.issues.map((issue) => formatIssue(issue, path)),
    });
  }
  const values: Partial<Record<SettingKey, string>> = {};
  for (const key of SETTING_KEYS) {
    const value = result.value[key];
    if (value !== undefined) values[key] = String(value);
  }
  const plugins = (result.value.plugins ?? []).map(pluginEntry);
  const names = new Set<string>();
  for (const plugin of plugins) {
    if (names.has(plugin.name)) {
      throw new SentinelError(
        ExitCode.InvalidPolicy,
        `${path}: two plugins are named ${plugin.name}`,
      );
    }
    names.add(plugin.name);
  }
  return { path, text, values, plugins };
}

/** Flags that override everything. */
export interface SettingFlags {
  policy?: string;
  durationSeconds?: number;
}

/** Resolves the settings for `profile`. Every bad value is a clear error (exit 3). */
export function resolveSettings(
  profile: string,
  files: AwsConfigFiles,
  config: SentinelConfigFile,
  env: (key: string) => string | undefined,
  flags: SettingFlags = {},
): IssuanceSettings {
  const section = effectiveProfile(files, profile);
  const setting = (key: SettingKey): { value: string; from: string } | undefined => {
    if (key === "policy" && flags.policy !== undefined) {
      return { value: flags.policy, from: "--policy" };
    }
    const envKey = `SENTINEL_${key.toUpperCase()}`;
    const fromEnv = env(envKey);
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, from: envKey };
    const profileKey = `sentinel_${key}`;
    if (section[profileKey] !== undefined) {
      return { value: section[profileKey], from: `${profileKey} in profile ${profile}` };
    }
    if (config.values[key] !== undefined) return { value: config.values[key]!, from: config.path };
    return undefined;
  };

  const { layout, roleArn, sourceProfile } = targetOf(profile, section, files.configPath);
  const policy = setting("policy");
  if (policy === undefined) {
    throw new SentinelError(
      ExitCode.InvalidPolicy,
      `no policy for profile ${profile}: add sentinel_policy = ssm:<parameter> (or a file path) to [profile ${profile}] in ${files.configPath}, set SENTINEL_POLICY, or pass --policy`,
    );
  }
  const sourceSetting = setting("source");
  const source = (sourceSetting?.value ?? "sdk") as CredentialSource;
  if (!CREDENTIAL_SOURCES.includes(source)) {
    throw new SentinelError(
      ExitCode.InvalidPolicy,
      `${sourceSetting!.from}: unknown credential source "${source}"; use one of ${
        CREDENTIAL_SOURCES.join(", ")
      }`,
    );
  }
  if (source !== "env" && sourceProfile === undefined) {
    throw new SentinelError(
      ExitCode.InvalidPolicy,
      `profile ${profile} names no source profile for its base credentials: add ${
        layout === "sentinel_keys" ? "sentinel_source_profile" : "source_profile"
      } = <profile>, or use sentinel_source = env`,
    );
  }
  if (section.mfa_serial !== undefined) {
    throw new SentinelError(
      ExitCode.InvalidPolicy,
      `profile ${profile} has mfa_serial: Sentinel's role hop cannot prompt for a code inside credential_process; put mfa_serial on the source profile and use sentinel_source = aws-vault, which prompts`,
    );
  }
  const seconds = (key: "policy_ttl" | "refresh_window", fallback: number) => {
    const found = setting(key);
    if (found === undefined) return fallback;
    const parsed = parseDuration(found.value);
    if (parsed === undefined) {
      throw new SentinelError(
        ExitCode.InvalidPolicy,
        `${found.from}: "${found.value}" is not a duration such as 300 or "5m"`,
      );
    }
    return parsed;
  };
  let durationSeconds = flags.durationSeconds;
  if (durationSeconds === undefined && section.duration_seconds !== undefined) {
    durationSeconds = Number(section.duration_seconds);
    if (
      !Number.isSafeInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43_200
    ) {
      throw new SentinelError(
        ExitCode.InvalidPolicy,
        `duration_seconds in profile ${profile} must be a whole number from 900 to 43200, got "${section.duration_seconds}"`,
      );
    }
  }
  const logFile = expandHome(setting("log_file")?.value ?? defaultLogFile(env), env);
  return {
    profile,
    layout,
    roleArn,
    sourceProfile,
    source,
    awsVaultFlags: (section.sentinel_aws_vault_flags ?? "").split(/\s+/).filter((f) => f !== ""),
    region: setting("region")?.value ?? section.region ?? env("AWS_REGION") ??
      env("AWS_DEFAULT_REGION") ?? "us-east-1",
    durationSeconds,
    externalId: section.external_id,
    policy: policy.value.startsWith("ssm:") ? policy.value : expandHome(policy.value, env),
    logFile,
    policyTtlSeconds: seconds("policy_ttl", 300),
    refreshWindowSeconds: seconds("refresh_window", 300),
    plugins: config.plugins,
  };
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

function targetOf(profile: string, section: ProfileSection, configPath: string) {
  const check = (arn: string, key: string) => {
    if (!ROLE_ARN.test(arn)) {
      throw new SentinelError(
        ExitCode.InvalidPolicy,
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
  throw new SentinelError(
    ExitCode.InvalidPolicy,
    `profile ${profile} in ${configPath} names no role: add sentinel_role_arn and sentinel_source_profile (or role_arn and source_profile)`,
  );
}

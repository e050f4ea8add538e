/**
 * Sentinel's settings, declared once: name, environment variable, profile key, config-file key,
 * type, default and help. Precedence (DESIGN §4), validation, error hints and the documentation
 * table are all derived from {@link SETTINGS}:
 *
 *   flag > `SENTINEL_*` variable > `sentinel_*` key of the profile > config file > default.
 *
 * Pure: the sources are arguments.
 *
 * @example
 * ```ts
 * import { resolveSetting, SETTINGS } from "./settings.ts";
 *
 * const ttl = resolveSetting(SETTINGS.policy_ttl, {
 *   env: (key) => key === "SENTINEL_POLICY_TTL" ? "10m" : undefined,
 *   profile: { sentinel_policy_ttl: "1m" },
 *   config: { values: {}, path: "config.yaml" },
 * });
 * console.assert(ttl?.value === 600 && ttl.from === "SENTINEL_POLICY_TTL");
 * ```
 * @module
 */
import { parseDuration } from "./text/duration.ts";
import { SentinelError } from "./errors.ts";
import { DEFAULT_REGION } from "./limits.ts";
import { storeKindsHelp } from "./store/kinds.ts";

/** Where base credentials come from. */
export const CREDENTIAL_SOURCES = ["auto", "aws-vault", "sdk", "env"] as const;
/** One of {@link CREDENTIAL_SOURCES}. */
export type CredentialSource = (typeof CREDENTIAL_SOURCES)[number];

/** The per-user paths defaults are made of (see core/environment.ts). */
export interface DefaultPaths {
  /** `$XDG_STATE_HOME/sentinel/decisions.jsonl`. */
  defaultLogFile: string;
  /** `$XDG_DATA_HOME/sentinel`. */
  dataDir: string;
}

/** How a setting's text becomes a value: the value, or why the text is wrong. */
type Parse<T> = (text: string) => { ok: true; value: T } | { ok: false; expected: string };

/** One setting. */
export interface SettingSpec<T> {
  /** Its name in the config file and in messages (`policy_ttl`). */
  key: string;
  /** `SENTINEL_POLICY_TTL`. */
  env: string;
  /** `sentinel_policy_ttl`, in a profile of `~/.aws/config`. */
  profileKey: string;
  /** The command-line flag that overrides it, when one does. */
  flag?: string;
  parse: Parse<T>;
  /**
   * The value when nothing sets it — the only place a setting's default lives — or a function of
   * the per-user paths for the defaults that are paths; absent: the setting has no default.
   */
  default?: T | ((paths: DefaultPaths) => T);
  /** The default as the docs and `--debug` show it. */
  defaultText: string;
  /** Consulted after the profile, before the config file: other names for the same thing. */
  fallbacks?: { env?: readonly string[]; profileKeys?: readonly string[] };
  help: string;
}

const text: Parse<string> = (value) =>
  value.trim() === "" ? { ok: false, expected: "a non-empty text" } : { ok: true, value };

const seconds = (min: number, max: number): Parse<number> => (value) => {
  const parsed = parseDuration(value);
  return parsed !== undefined && parsed >= min && parsed <= max
    ? { ok: true, value: parsed }
    : { ok: false, expected: `a duration from ${min}s to ${max}s, such as 300 or "5m"` };
};

const oneOf = <T extends string>(values: readonly T[]): Parse<T> => (value) =>
  (values as readonly string[]).includes(value)
    ? { ok: true, value: value as T }
    : { ok: false, expected: `one of ${values.join(", ")}` };

const words: Parse<string[]> = (value) => ({
  ok: true,
  value: value.split(/\s+/).filter((word) => word !== ""),
});

/** A broker's URL: its origin, https (http only on loopback), nothing but scheme, host and port. */
const brokerUrl: Parse<string> = (value) => {
  const expected = {
    ok: false as const,
    expected: "a broker URL such as https://sentinel.example.com (http:// only to 127.0.0.1, " +
      "[::1] or localhost), without a path, user, query or fragment",
  };
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return expected;
  }
  const bare = url.username === "" && url.password === "" && url.search === "" &&
    url.hash === "" && url.pathname === "/";
  const secure = url.protocol === "https:" ||
    (url.protocol === "http:" && isLoopbackHost(url.hostname));
  return bare && secure ? { ok: true, value: url.origin } : expected;
};

/** Whether `hostname` (as URL gives it) is a loopback address or `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function spec<T>(key: string, rest: Omit<SettingSpec<T>, "key" | "env" | "profileKey">) {
  return { key, env: `SENTINEL_${key.toUpperCase()}`, profileKey: `sentinel_${key}`, ...rest };
}

/** Every setting. */
export const SETTINGS = {
  policy: spec("policy", {
    flag: "--policy",
    parse: text,
    defaultText: "(none: required)",
    help: "where the policy comes from: a file path or ssm:<parameter>",
  }),
  source: spec<CredentialSource>("source", {
    parse: oneOf(CREDENTIAL_SOURCES),
    default: "auto",
    defaultText: "auto",
    help: "base credentials: auto (aws-vault when it is installed and the AWS files cannot " +
      "supply the source profile, else sdk), " +
      "aws-vault, sdk (the AWS SDK chain of the source profile) or env",
  }),
  aws_vault_flags: spec<string[]>("aws_vault_flags", {
    parse: words,
    default: [],
    defaultText: "(none)",
    help: "extra flags for `aws-vault export`, such as --no-session",
  }),
  region: spec("region", {
    flag: "--region",
    parse: text,
    default: DEFAULT_REGION,
    defaultText: DEFAULT_REGION,
    fallbacks: { profileKeys: ["region"], env: ["AWS_REGION", "AWS_DEFAULT_REGION"] },
    help: "the AWS region for STS, SSM and the store (after it: the profile's region, " +
      "AWS_REGION, AWS_DEFAULT_REGION)",
  }),
  log_file: spec("log_file", {
    flag: "--log-file",
    parse: text,
    default: (paths) => paths.defaultLogFile,
    defaultText: "$XDG_STATE_HOME/sentinel/decisions.jsonl",
    help: "the hash-chained decision log (JSON Lines, 0600)",
  }),
  policy_ttl: spec("policy_ttl", {
    parse: seconds(0, 86_400),
    default: 300,
    defaultText: "5m",
    help: "how long a policy fetched from SSM is reused before it is fetched again",
  }),
  refresh_window: spec("refresh_window", {
    parse: seconds(0, 3_600),
    default: 300,
    defaultText: "5m",
    help:
      "cached credentials this close to expiry are issued afresh; it must leave at least 5 s of the session",
  }),
  store: spec("store", {
    flag: "--store",
    parse: text,
    default: (paths) => `sqlite:${paths.dataDir}/sentinel.db`,
    defaultText: "sqlite:$XDG_DATA_HOME/sentinel/sentinel.db",
    help: `where approval requests and break-glass events live: ${storeKindsHelp()}`,
  }),
  server: spec("server", {
    flag: "--server",
    parse: brokerUrl,
    defaultText: "(none: local mode)",
    help: "the Sentinel broker that decides and issues (broker mode): https://host[:port] " +
      "(http:// only to a loopback address); unset, Sentinel decides on this machine",
  }),
  server_ca: spec("server_ca", {
    parse: text,
    defaultText: "(none: the system's trust store)",
    help: "a PEM file of the certificate authorities the broker's TLS certificate is checked " +
      "against, when they are not in the system's trust store",
  }),
  revoker_profile: spec("revoker_profile", {
    parse: text,
    defaultText: "(none: the acting person's own credentials)",
    help: "local mode: the AWS profile whose credentials write the protected roles' revocation " +
      "policies when Sentinel revokes by itself (break-glass close and approval windows with " +
      "revoke_on_end, policy push --revoke); a broker always uses its own",
  }),
  timeout: spec("timeout", {
    parse: seconds(1, 600),
    default: 30,
    defaultText: "30s",
    help: "the whole command's budget for AWS calls; past it Sentinel gives up (exit 6)",
  }),
} as const;

/** The name of a setting. */
export type SettingKey = keyof typeof SETTINGS;

/** The type of a setting's value. */
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K] extends SettingSpec<infer T>
  ? T
  : never;

/** A setting's default (see {@link SettingSpec.default}); `undefined`: it has none. */
export function settingDefault<T>(spec: SettingSpec<T>, paths: DefaultPaths): T | undefined {
  return typeof spec.default === "function"
    ? (spec.default as (paths: DefaultPaths) => T)(paths)
    : spec.default;
}

/** The default of a setting that does not depend on paths (`timeout`: 30). */
export function constantDefault<
  K extends "source" | "region" | "policy_ttl" | "refresh_window" | "timeout",
>(
  key: K,
): SettingValue<K> {
  return SETTINGS[key].default as SettingValue<K>;
}

/** Every setting resolved once: its value (or default) and where it came from. */
export type ResolvedSettings = {
  readonly [K in SettingKey]: {
    /** `undefined` only for a setting with no default that nothing sets (`policy`). */
    value: SettingValue<K> | undefined;
    /** Where it came from; `undefined` for the default. */
    from: string | undefined;
  };
};

/**
 * Resolves every setting once, with DESIGN §4's precedence and the defaults of {@link SETTINGS}:
 * the one value the rest of an invocation reads its settings from.
 */
export function resolveSettings(sources: SettingSources, paths: DefaultPaths): ResolvedSettings {
  return resolveOnly(Object.keys(SETTINGS) as SettingKey[], sources, paths) as ResolvedSettings;
}

/**
 * Resolves only `keys` (a command that reads one or two settings is not failed by a bad value
 * of another), as {@link resolveSettings} does.
 */
export function resolveOnly<K extends SettingKey>(
  keys: readonly K[],
  sources: SettingSources,
  paths: DefaultPaths,
): Pick<ResolvedSettings, K> {
  const resolved: Record<string, { value: unknown; from: string | undefined }> = {};
  for (const key of keys) {
    const spec: SettingSpec<unknown> = SETTINGS[key];
    const found = resolveSetting(spec, sources);
    resolved[key] = found ?? { value: settingDefault(spec, paths), from: undefined };
  }
  return resolved as Pick<ResolvedSettings, K>;
}

/**
 * Every setting's value and where it came from (`region = eu-central-1 (region in profile prod)`),
 * for `--debug`; unset settings show their default.
 */
export function settingsReport(resolved: ResolvedSettings): string[] {
  return (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
    const { value, from } = resolved[key];
    if (from === undefined) return `${key} = ${SETTINGS[key].defaultText} (default)`;
    return `${key} = ${Array.isArray(value) ? value.join(" ") : String(value)} (${from})`;
  });
}

/** Where settings are read from, highest precedence first (flags are passed per call). */
export interface SettingSources {
  env: (key: string) => string | undefined;
  /** The effective keys of the profile in use, when there is one. */
  profile?: Readonly<Record<string, string>>;
  /** The profile's name, for messages. */
  profileName?: string;
  /** The Sentinel config file's values (as text) and its path. */
  config: { values: Readonly<Record<string, string>>; path: string };
  /** Flag values by flag name (`--policy`). */
  flags?: Readonly<Record<string, string | undefined>>;
}

/** A resolved setting: its value and where it came from (for messages). */
export interface ResolvedSetting<T> {
  value: T;
  from: string;
}

/**
 * Resolves one setting with DESIGN §4's precedence; `undefined` when nothing sets it. A value that
 * does not parse is an error (exit 3) that names where it came from and what is expected.
 */
export function resolveSetting<T>(
  setting: SettingSpec<T>,
  sources: SettingSources,
): ResolvedSetting<T> | undefined {
  const found = rawSetting(setting, sources);
  if (found === undefined) return undefined;
  const parsed = setting.parse(found.value);
  if (!parsed.ok) {
    throw new SentinelError(
      "invalid_config",
      `${found.from}: "${found.value}" is not valid for ${setting.key}; expected ${parsed.expected}`,
    );
  }
  return { value: parsed.value, from: found.from };
}

function rawSetting(
  setting: SettingSpec<unknown>,
  sources: SettingSources,
): { value: string; from: string } | undefined {
  const profileName = sources.profileName ?? "?";
  const flag = setting.flag === undefined ? undefined : sources.flags?.[setting.flag];
  if (flag !== undefined) return { value: flag, from: setting.flag! };
  const env = sources.env(setting.env);
  if (env !== undefined && env !== "") return { value: env, from: setting.env };
  const own = sources.profile?.[setting.profileKey];
  if (own !== undefined) {
    return { value: own, from: `${setting.profileKey} in profile ${profileName}` };
  }
  for (const key of setting.fallbacks?.profileKeys ?? []) {
    const value = sources.profile?.[key];
    if (value !== undefined) return { value, from: `${key} in profile ${profileName}` };
  }
  for (const key of setting.fallbacks?.env ?? []) {
    const value = sources.env(key);
    if (value !== undefined && value !== "") return { value, from: key };
  }
  const configured = sources.config.values[setting.key];
  if (configured !== undefined) {
    return { value: configured, from: `${setting.key} in ${sources.config.path}` };
  }
  return undefined;
}

/** The settings as a Markdown table, for the README (a test keeps the two equal). */
export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map((s: SettingSpec<unknown>) =>
    `| \`${s.key}\` | \`${s.env}\` | \`${s.profileKey}\` | ${s.flag ? `\`${s.flag}\`` : ""} | ${
      s.defaultText.startsWith("(") ? s.defaultText : `\`${s.defaultText}\``
    } | ${s.help} |`
  );
  return [
    "| config file | environment | profile key | flag | default | what it does |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

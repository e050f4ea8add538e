/**
 * Profiles of `~/.aws/config` with aws-vault-compatible semantics, over already-parsed files:
 * `include_profile` (keys merged from another profile) and `[default]` as the fallback for
 * `region`. Pure: the parsed sections are an argument (the ini parsing is an adapter).
 *
 * @example
 * ```ts
 * import { effectiveProfile } from "./profile.ts";
 *
 * const files = {
 *   configPath: "~/.aws/config", credentialsPath: "~/.aws/credentials",
 *   profiles: new Map<string, Record<string, string>>([["default", { region: "eu-west-1" }],
 *     ["prod", { include_profile: "base" }], ["base", { source_profile: "root" }]]),
 *   credentials: new Map<string, Record<string, string>>(),
 * };
 * const prod = effectiveProfile(files, "prod");
 * console.assert(prod.source_profile === "root" && prod.region === "eu-west-1");
 * ```
 * @module
 */
import { SentinelError } from "../errors.ts";

/** Key/value settings of one profile, section names normalised (`profile x` → `x`). */
export type ProfileSection = Record<string, string>;

/** The parsed AWS config and credentials files. */
export interface AwsConfigFiles {
  configPath: string;
  credentialsPath: string;
  profiles: ReadonlyMap<string, ProfileSection>;
  credentials: ReadonlyMap<string, ProfileSection>;
}

/** Every profile name either file knows, sorted. */
export function knownProfiles(files: AwsConfigFiles): string[] {
  return [...new Set([...files.profiles.keys(), ...files.credentials.keys()])].sort();
}

/**
 * A profile's effective keys: its own, then those of its `include_profile` chain, then `region`
 * from `[default]`. Throws for an unknown profile or an `include_profile` loop.
 */
export function effectiveProfile(files: AwsConfigFiles, name: string): ProfileSection {
  if (!files.profiles.has(name) && !files.credentials.has(name)) {
    throw new SentinelError("invalid_config", unknownProfileMessage(files, name));
  }
  const merged: ProfileSection = {};
  const seen: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined) {
    if (seen.includes(current)) {
      throw new SentinelError(
        "invalid_config",
        `include_profile loop in ${files.configPath}: ${[...seen, current].join(" -> ")}`,
      );
    }
    seen.push(current);
    const section: ProfileSection = files.profiles.get(current) ?? {};
    for (const [key, value] of Object.entries(section)) {
      if (key !== "include_profile" && !(key in merged)) merged[key] = value;
    }
    current = section.include_profile;
    if (current !== undefined && !files.profiles.has(current)) {
      throw new SentinelError(
        "invalid_config",
        `profile "${
          seen.at(-1)
        }" includes profile "${current}", which is not in ${files.configPath}`,
      );
    }
  }
  const defaultRegion = files.profiles.get("default")?.region;
  if (merged.region === undefined && defaultRegion !== undefined) merged.region = defaultRegion;
  return merged;
}

/**
 * "profile x is not in …; known profiles: …", with the closest names when some are near (one
 * contains the other, or they differ in two letters or fewer).
 */
export function unknownProfileMessage(files: AwsConfigFiles, name: string): string {
  const known = knownProfiles(files);
  const near = known.filter((k) =>
    k.startsWith(name) || name.startsWith(k) || k.includes(name) || editDistance(k, name) <= 2
  );
  return `profile "${name}" is not in ${files.configPath} or ${files.credentialsPath}` +
    (near.length > 0 ? `; did you mean ${near.map((k) => `"${k}"`).join(" or ")}?` : "") +
    (known.length > 0 ? ` (known profiles: ${known.join(", ")})` : "");
}

/** How many single-letter insertions, deletions or substitutions turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** Static keys of a profile, as the AWS files hold them. */
export interface StaticKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The static keys the AWS files give `name` without any provider (no role to assume, no SSO, no
 * credential_process, no web identity), or `undefined` — then only aws-vault or the AWS SDK can
 * supply its credentials. Keys in `~/.aws/credentials` win over keys in `~/.aws/config`, as in the
 * AWS SDKs.
 */
export function staticKeysOf(files: AwsConfigFiles, name: string): StaticKeys | undefined {
  const config = files.profiles.get(name) ?? {};
  const providers = [
    "role_arn",
    "credential_process",
    "sso_start_url",
    "sso_session",
    "web_identity_token_file",
  ];
  if (providers.some((key) => config[key] !== undefined)) return undefined;
  for (const section of [files.credentials.get(name), config]) {
    const id = section?.aws_access_key_id;
    const secret = section?.aws_secret_access_key;
    if (id && secret) {
      const token = section.aws_session_token;
      return {
        accessKeyId: id,
        secretAccessKey: secret,
        ...(token ? { sessionToken: token } : {}),
      };
    }
  }
  return undefined;
}

/**
 * Whether the AWS files alone say how to get credentials for `name` — static keys, SSO, a
 * credential_process, web identity, or a role whose source can — so the AWS SDK chain needs no
 * keyring. Otherwise the keys live elsewhere (aws-vault's keyring, typically).
 */
export function filesResolve(files: AwsConfigFiles, name: string, seen: string[] = []): boolean {
  if (seen.includes(name)) return false;
  if (staticKeysOf(files, name) !== undefined) return true;
  const config = files.profiles.get(name) ?? {};
  if (
    [
      "sso_start_url",
      "sso_session",
      "credential_process",
      "web_identity_token_file",
      "credential_source",
    ].some((key) => config[key] !== undefined)
  ) return true;
  return config.role_arn !== undefined && config.source_profile !== undefined &&
    filesResolve(files, config.source_profile, [...seen, name]);
}

/**
 * `~/.aws/config` and `~/.aws/credentials` with aws-vault-compatible semantics: `[profile x]`
 * sections, `include_profile` (keys merged from another profile), `[default]` as the fallback for
 * `region`. `sso-session` sections are left to the AWS SDK, which resolves SSO profiles itself.
 * Parsing is npm's `ini`; only the cold path loads it.
 *
 * @module
 */
import { parse } from "ini";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { readOptionalText } from "./files.ts";
import { awsConfigPaths, type EnvLookup } from "./paths.ts";

/** Key/value settings of one profile, section names normalised (`profile x` → `x`). */
export type ProfileSection = Record<string, string>;

/** The parsed files. */
export interface AwsConfigFiles {
  configPath: string;
  credentialsPath: string;
  configText: string;
  credentialsText: string;
  profiles: Map<string, ProfileSection>;
  credentials: Map<string, ProfileSection>;
}

function sections(text: string, path: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    throw new SentinelError(ExitCode.InvalidPolicy, `cannot parse ${path}: ${String(error)}`);
  }
}

function flatten(section: unknown): ProfileSection {
  const out: ProfileSection = {};
  if (typeof section !== "object" || section === null) return out;
  for (const [key, value] of Object.entries(section)) {
    if (typeof value === "string") out[key.trim()] = value.trim();
    else if (typeof value === "boolean") out[key.trim()] = String(value);
  }
  return out;
}

/** Reads and parses both files; a missing file counts as empty. */
export async function loadAwsConfig(env: EnvLookup): Promise<AwsConfigFiles> {
  const { configPath, credentialsPath } = awsConfigPaths(env);
  const configText = (await readOptionalText(configPath)) ?? "";
  const credentialsText = (await readOptionalText(credentialsPath)) ?? "";
  const profiles = new Map<string, ProfileSection>();
  for (const [name, section] of Object.entries(sections(configText, configPath))) {
    if (name === "default") profiles.set("default", flatten(section));
    else if (name.startsWith("profile ")) profiles.set(name.slice(8).trim(), flatten(section));
  }
  const credentials = new Map<string, ProfileSection>();
  for (const [name, section] of Object.entries(sections(credentialsText, credentialsPath))) {
    credentials.set(name.trim(), flatten(section));
  }
  return {
    configPath,
    credentialsPath,
    configText,
    credentialsText,
    profiles,
    credentials,
  };
}

/**
 * A profile's effective keys: its own, then those of its `include_profile` chain, then `region`
 * from `[default]`. Throws for an unknown profile or an `include_profile` loop.
 */
export function effectiveProfile(files: AwsConfigFiles, name: string): ProfileSection {
  if (!files.profiles.has(name) && !files.credentials.has(name)) {
    const known = [...new Set([...files.profiles.keys(), ...files.credentials.keys()])].sort();
    throw new SentinelError(
      ExitCode.InvalidPolicy,
      `profile "${name}" is not in ${files.configPath} or ${files.credentialsPath}` +
        (known.length > 0 ? `; known profiles: ${known.join(", ")}` : ""),
    );
  }
  const merged: ProfileSection = {};
  const seen: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined) {
    if (seen.includes(current)) {
      throw new SentinelError(
        ExitCode.InvalidPolicy,
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
        ExitCode.InvalidPolicy,
        `profile "${
          seen.at(-1)
        }" includes profile "${current}", which is not in ${files.configPath}`,
      );
    }
  }
  if (merged.region === undefined && files.profiles.get("default")?.region !== undefined) {
    merged.region = files.profiles.get("default")!.region;
  }
  return merged;
}

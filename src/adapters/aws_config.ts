/**
 * Reads and parses `~/.aws/config` and `~/.aws/credentials` (as npm's `ini` reads them, through
 * the port in ini_decode.ts) into the sections {@link effectiveProfile} in core works on.
 * `sso-session` sections are left to the AWS SDK, which resolves SSO profiles itself.
 *
 * @module
 */
import type { AwsConfigFiles, ProfileSection } from "../core/aws_profile.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { SentinelPaths } from "../core/environment.ts";
import { readOptionalText } from "./files.ts";
import { decodeIni } from "./ini_decode.ts";

function sections(text: string, path: string): Record<string, unknown> {
  try {
    return decodeIni(text);
  } catch (error) {
    throw new SentinelError(ExitCode.InvalidConfig, `cannot parse ${path}: ${String(error)}`);
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
export async function loadAwsConfig(paths: SentinelPaths): Promise<AwsConfigFiles> {
  const configPath = paths.awsConfig;
  const credentialsPath = paths.awsCredentials;
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
  return { configPath, credentialsPath, profiles, credentials };
}

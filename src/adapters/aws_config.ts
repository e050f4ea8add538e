/**
 * Reads and parses `~/.aws/config` and `~/.aws/credentials` (as the AWS CLI reads them: see
 * core/aws_ini.ts) into the sections {@link effectiveProfile} in core works on.
 * `sso-session` sections are left to the AWS SDK, which resolves SSO profiles itself.
 *
 * @module
 */
import type { AwsConfigFiles, ProfileSection } from "../core/aws_config/profile.ts";
import { configProfileName, parseAwsIni } from "../core/aws_config/ini.ts";
import type { SentinelPaths } from "../core/environment.ts";
import { readOptionalText } from "./files.ts";

/** Reads and parses both files; a missing file counts as empty. */
export async function loadAwsConfig(paths: SentinelPaths): Promise<AwsConfigFiles> {
  const configPath = paths.awsConfig;
  const credentialsPath = paths.awsCredentials;
  const configText = (await readOptionalText(configPath)) ?? "";
  const credentialsText = (await readOptionalText(credentialsPath)) ?? "";
  const profiles = new Map<string, ProfileSection>();
  for (const [name, section] of parseAwsIni(configText, configPath)) {
    const profile = configProfileName(name);
    if (profile !== undefined) profiles.set(profile, section);
  }
  const credentials = new Map<string, ProfileSection>();
  for (const [name, section] of parseAwsIni(credentialsText, credentialsPath)) {
    credentials.set(name, section);
  }
  return { configPath, credentialsPath, profiles, credentials };
}

/**
 * The AWS access of a plugin granted `aws:`: credentials, region and endpoint. A plugin whose
 * `aws.profile` names a profile gets that profile's credentials as Sentinel gets base credentials
 * (aws-vault, the SDK chain, the environment; `aws.source`, default auto; `aws_vault_flags` as
 * configured), through the ports the composition root hands the host, and the profile's region
 * when `aws.region` is not given; without a profile, the environment's keys. Loaded only for a
 * plugin with `aws:`. No npm imports.
 *
 * @module
 */
import { effectiveProfile, filesResolve, staticKeysOf } from "../../core/aws_config/profile.ts";
import { settingOr, settingSources } from "../../core/issuance/settings.ts";
import type { PluginEntry } from "../../core/plugin_entry.ts";
import { SETTINGS } from "../../core/settings.ts";
import type { AwsCredentials } from "../../ports/aws.ts";
import type { LoadedConfig } from "../../ports/config.ts";
import { pluginError, type PluginHostNeeds } from "./configured_calls.ts";

/** The services whose own endpoint variable (`AWS_ENDPOINT_URL_<name>`) a plugin may use. */
const ENDPOINT_ENV: Record<string, string> = { sns: "SNS", logs: "CLOUDWATCH_LOGS" };

/** How long getting a profile's credentials may take. */
const CREDENTIALS_TIMEOUT_MS = 30_000;

/** What the plugin's context carries, and the `host:port` its sandbox may reach. */
export interface PluginAwsAccess {
  access: AwsCredentials & { region: string; endpoint: string };
  host: string;
}

/** The credentials, region and endpoint of a plugin granted `aws:`. */
export async function awsAccess(
  entry: PluginEntry,
  needs: PluginHostNeeds,
): Promise<PluginAwsAccess> {
  const { credentials, region } = entry.aws!.profile !== undefined
    ? await profileAccess(entry, entry.aws!.profile, needs)
    : environmentAccess(entry, needs.env.vars);
  const url = new URL(endpointOf(entry.aws!.service, region, needs.env.vars));
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return {
    access: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      region,
      endpoint: url.origin,
    },
    host: `${url.hostname}:${port}`,
  };
}

/** The service's endpoint: its own variable, else `AWS_ENDPOINT_URL`, else the regional one. */
function endpointOf(service: string, region: string, env: Readonly<Record<string, string>>) {
  const specific = ENDPOINT_ENV[service];
  return (specific && env[`AWS_ENDPOINT_URL_${specific}`]) || env.AWS_ENDPOINT_URL ||
    `https://${service}.${region}.amazonaws.com`;
}

/** The environment's keys, in the region `aws.region` names (required without a profile). */
function environmentAccess(
  entry: PluginEntry,
  env: Readonly<Record<string, string>>,
): { credentials: AwsCredentials; region: string } {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    throw pluginError(
      entry,
      "aws: names no profile and AWS_ACCESS_KEY_ID is not set; set aws.profile (its keys may live in aws-vault)",
    );
  }
  const credentials = {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
  if (entry.aws!.region === undefined) {
    throw pluginError(entry, "aws.region is required when aws.profile is not given");
  }
  return { credentials, region: entry.aws!.region };
}

/** The credentials and region of the profile `aws.profile` names, as Sentinel gets base credentials. */
async function profileAccess(
  entry: PluginEntry,
  profile: string,
  needs: PluginHostNeeds,
): Promise<{ credentials: AwsCredentials; region: string }> {
  let config: LoadedConfig;
  let section: Record<string, string>;
  try {
    config = await needs.config.load();
    section = effectiveProfile(config.aws, profile);
  } catch (error) {
    throw pluginError(entry, `aws.profile ${profile}: ${(error as Error).message}`);
  }
  const region = profileRegion(entry, profile, section, config, needs);
  const source = entry.aws!.source ?? "auto";
  const sources = settingSources(needs.env, config.sentinel, { name: profile, section });
  const staticKeys = staticKeysOf(config.aws, profile);
  try {
    const found = await (await needs.baseCredentials()).get({
      source,
      sourceProfile: profile,
      awsVaultFlags: settingOr(SETTINGS.aws_vault_flags, sources, []),
      region,
      filesResolve: filesResolve(config.aws, profile),
      ...(staticKeys === undefined ? {} : { staticKeys }),
    }, AbortSignal.timeout(CREDENTIALS_TIMEOUT_MS));
    return { credentials: found.credentials, region };
  } catch (error) {
    throw pluginError(
      entry,
      `cannot get the credentials of aws.profile ${profile} (aws.source ${source}): ${
        (error as Error).message
      }`,
    );
  }
}

/** `aws.region`, else the profile's (or `[default]`'s), else `AWS_REGION` or `AWS_DEFAULT_REGION`. */
function profileRegion(
  entry: PluginEntry,
  profile: string,
  section: Record<string, string>,
  config: LoadedConfig,
  needs: PluginHostNeeds,
): string {
  const region = entry.aws!.region ?? section.region ?? needs.env.get("AWS_REGION") ??
    needs.env.get("AWS_DEFAULT_REGION");
  if (region === undefined) {
    throw pluginError(
      entry,
      `aws.region is not set and profile ${profile} has no region in ${config.aws.configPath} (nor does [default], AWS_REGION or AWS_DEFAULT_REGION); set region in [profile ${profile}] or aws.region in ${config.sentinel.path}`,
    );
  }
  return region;
}

/**
 * Turns a configured plugin into something the supervisor can run: its code (bundled, or an
 * external file whose SHA-256 must match the pin), its grants, and the context its calls carry
 * (`*_env` settings resolved, AWS credentials when granted). A plugin whose `aws:` names a profile
 * gets that profile's credentials through the base-credential sources Sentinel itself uses
 * (aws-vault, the SDK chain, the environment; `aws.source`, default auto; `aws_vault_flags` as
 * configured), and the profile's region when `aws.region` is not given. No npm imports; the
 * credential sources (and with them the AWS SDK) are loaded only for such a plugin.
 *
 * @module
 */
import type { PluginContext, PluginMethod } from "../../../plugins/api/v1.ts";
import { SentinelError } from "../../core/errors.ts";
import { sha256Hex } from "../files.ts";
import { envReference, type PluginEntry } from "../../core/plugin_entry.ts";
import type { AwsCredentials } from "../../ports/aws.ts";
import { BUNDLED_PLUGINS, bundledSource } from "./registry.ts";
import { callPlugin, type PluginSpec } from "./supervisor.ts";

/** What a call to the plugin carries. */
export interface ResolvedPlugin {
  spec: PluginSpec;
  context: PluginContext;
}

const ENDPOINT_ENV: Record<string, string> = { sns: "SNS", logs: "CLOUDWATCH_LOGS" };

function pluginError(entry: PluginEntry, message: string): SentinelError {
  return new SentinelError("plugin_failure", `plugin ${entry.name}: ${message}`);
}

/** The plugin's code, checked against its pin when it is external. */
export async function pluginSource(
  entry: PluginEntry,
): Promise<{ source: string; typescript: boolean }> {
  if (entry.origin.type === "bundled") {
    const bundled = BUNDLED_PLUGINS[entry.origin.plugin];
    if (!bundled) throw pluginError(entry, `no bundled plugin "${entry.origin.plugin}"`);
    return { source: await bundledSource(bundled.file), typescript: true };
  }
  const { path, sha256 } = entry.origin;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw pluginError(entry, `cannot read ${path}: ${(error as Error).message}`);
  }
  const actual = await sha256Hex(bytes);
  if (actual !== sha256) {
    throw pluginError(
      entry,
      `${path} has sha256 ${actual}, but the config pins ${sha256}; refusing to load it (update the pin only after reviewing the new file)`,
    );
  }
  return { source: new TextDecoder().decode(bytes), typescript: path.endsWith(".ts") };
}

/** Settings with every `<name>_env: VAR` replaced by `<name>: <value of VAR>`. */
export function resolveSettings(
  entry: PluginEntry,
  env: Record<string, string>,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry.settings)) {
    const name = envReference(key, value);
    if (name !== undefined) {
      const resolved = env[name];
      if (resolved === undefined) {
        throw pluginError(entry, `settings.${key} names ${name}, which is not set`);
      }
      settings[key.slice(0, -4)] = resolved;
    } else settings[key] = value;
  }
  return settings;
}

/** The credentials and region of the profile `aws.profile` names, as Sentinel gets base credentials. */
async function profileAccess(
  entry: PluginEntry,
  profile: string,
  env: Record<string, string>,
): Promise<{ credentials: AwsCredentials; region: string }> {
  const aws = entry.aws!;
  // Computed specifiers keep the config loader and the AWS SDK out of the warm path's module graph.
  const modules = {
    config: "../config_source.ts",
    sources: "../credential_sources.ts",
    environment: "../../core/environment.ts",
    profiles: "../../core/aws_config/profile.ts",
    settings: "../../core/issuance/settings.ts",
    names: "../../core/settings.ts",
  };
  const { loadConfig } = await import(
    modules.config
  ) as typeof import("../config_source.ts");
  const { baseCredentialProvider } = await import(
    modules.sources
  ) as typeof import("../credential_sources.ts");
  const { environmentOf } = await import(
    modules.environment
  ) as typeof import("../../core/environment.ts");
  const { effectiveProfile, filesResolve, staticKeysOf } = await import(
    modules.profiles
  ) as typeof import("../../core/aws_config/profile.ts");
  const { settingOr, settingSources } = await import(
    modules.settings
  ) as typeof import("../../core/issuance/settings.ts");
  const { SETTINGS } = await import(modules.names) as typeof import("../../core/settings.ts");
  const environment = environmentOf(env);
  let config;
  let section;
  try {
    config = await loadConfig(environment.paths);
    section = effectiveProfile(config.aws, profile);
  } catch (error) {
    throw pluginError(entry, `aws.profile ${profile}: ${(error as Error).message}`);
  }
  const region = aws.region ?? section.region ?? environment.get("AWS_REGION") ??
    environment.get("AWS_DEFAULT_REGION");
  if (region === undefined) {
    throw pluginError(
      entry,
      `aws.region is not set and profile ${profile} has no region in ${config.aws.configPath} (nor does [default], AWS_REGION or AWS_DEFAULT_REGION); set region in [profile ${profile}] or aws.region in ${config.sentinel.path}`,
    );
  }
  const sources = settingSources(environment, config.sentinel, { name: profile, section });
  const staticKeys = staticKeysOf(config.aws, profile);
  try {
    const found = await baseCredentialProvider(environment).get({
      source: aws.source ?? "auto",
      sourceProfile: profile,
      awsVaultFlags: settingOr(SETTINGS.aws_vault_flags, sources, []),
      region,
      filesResolve: filesResolve(config.aws, profile),
      ...(staticKeys === undefined ? {} : { staticKeys }),
    }, AbortSignal.timeout(30_000));
    return { credentials: found.credentials, region };
  } catch (error) {
    throw pluginError(
      entry,
      `cannot get the credentials of aws.profile ${profile} (aws.source ${aws.source ?? "auto"}): ${
        (error as Error).message
      }`,
    );
  }
}

async function awsAccess(entry: PluginEntry, env: Record<string, string>) {
  const aws = entry.aws!;
  let credentials: AwsCredentials;
  let region: string;
  if (aws.profile !== undefined) {
    ({ credentials, region } = await profileAccess(entry, aws.profile, env));
  } else if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
    if (aws.region === undefined) {
      throw pluginError(entry, "aws.region is required when aws.profile is not given");
    }
    region = aws.region;
  } else {
    throw pluginError(
      entry,
      "aws: names no profile and AWS_ACCESS_KEY_ID is not set; set aws.profile (its keys may live in aws-vault)",
    );
  }
  const specific = ENDPOINT_ENV[aws.service];
  const endpoint = (specific && env[`AWS_ENDPOINT_URL_${specific}`]) || env.AWS_ENDPOINT_URL ||
    `https://${aws.service}.${region}.amazonaws.com`;
  const url = new URL(endpoint);
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

/** Everything needed to call the plugin. */
export async function resolvePlugin(
  entry: PluginEntry,
  env: Record<string, string>,
): Promise<ResolvedPlugin> {
  const { source, typescript } = await pluginSource(entry);
  const settings = resolveSettings(entry, env);
  const aws = entry.aws ? await awsAccess(entry, env) : undefined;
  return {
    spec: {
      name: entry.name,
      kind: entry.kind,
      version: entry.version,
      source,
      typescript,
      net: aws ? [...entry.net, aws.host] : entry.net,
      write: entry.write,
      timeoutMs: entry.timeoutMs,
      required: entry.required,
    },
    context: { settings, ...(aws ? { aws: aws.access } : {}) },
  };
}

/** The outcome of one call to a configured plugin. */
export type ConfiguredCallOutcome =
  | { ok: true; result: unknown; ms: number }
  | { ok: false; error: string; ms: number };

/**
 * Resolves a configured plugin and makes one call; any failure (bad config, unreadable or
 * tampered code, missing secret, or the call itself) comes back as `{ ok: false }`.
 */
export async function callConfigured(
  entry: PluginEntry,
  method: PluginMethod,
  payload: unknown,
  env: Record<string, string>,
): Promise<ConfiguredCallOutcome> {
  const started = performance.now();
  try {
    const { spec, context } = await resolvePlugin(entry, env);
    const [outcome] = await callPlugin(spec, [{ method, payload, context }]);
    return outcome;
  } catch (error) {
    return { ok: false, error: (error as Error).message, ms: performance.now() - started };
  }
}

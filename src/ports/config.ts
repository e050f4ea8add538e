/**
 * The configuration Sentinel reads: the AWS config and credentials files and the Sentinel config
 * file, parsed and validated once per process.
 *
 * @module
 */
import type { AwsConfigFiles } from "../core/aws_config/profile.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";

/** The Sentinel config file, validated. */
export interface SentinelConfig {
  path: string;
  /** Setting values as text, by config-file key. */
  values: Record<string, string>;
  plugins: PluginEntry[];
}

/** Both, loaded. */
export interface LoadedConfig {
  aws: AwsConfigFiles;
  sentinel: SentinelConfig;
}

/** Loads the configuration (once; later calls return the same result). */
export interface ConfigSource {
  load(): Promise<LoadedConfig>;
}

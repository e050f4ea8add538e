/**
 * The configuration Sentinel reads: the AWS config and credentials files and the Sentinel config
 * file, parsed and validated once per process.
 *
 * @module
 */
import type { AwsConfigFiles } from "../core/aws_config/profile.ts";
import type { SentinelConfig } from "../core/config/sentinel_config.ts";

/** The Sentinel config file, validated (its schema is core/config/sentinel_config.ts). */
export type { SentinelConfig };

/** Both, loaded. */
export interface LoadedConfig {
  aws: AwsConfigFiles;
  sentinel: SentinelConfig;
}

/** Loads the configuration (once; later calls return the same result). */
export interface ConfigSource {
  load(): Promise<LoadedConfig>;
}

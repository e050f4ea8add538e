/**
 * Loads the configuration once: `~/.aws/config` and `~/.aws/credentials` (ini) and the Sentinel
 * config file (YAML), validated. Only the cold path imports this; `yaml` and `zod` load only for a
 * Sentinel config file with content.
 *
 * @module
 */
import type { SentinelPaths } from "../core/environment.ts";
import type { LoadedConfig } from "../ports/config.ts";
import { loadAwsConfig } from "./aws_config.ts";
import { loadSentinelConfig } from "./sentinel_config.ts";

/** Both files, parsed and validated. */
export async function loadConfig(paths: SentinelPaths): Promise<LoadedConfig> {
  const [aws, sentinel] = await Promise.all([loadAwsConfig(paths), loadSentinelConfig(paths)]);
  return { aws, sentinel };
}

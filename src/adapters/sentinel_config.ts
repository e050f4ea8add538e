/**
 * The Sentinel config file (`$SENTINEL_CONFIG` or `~/.config/sentinel/config.yaml`), read: absent
 * or blank means defaults; otherwise it is parsed and validated by its schema in the core
 * (core/config/sentinel_config.ts), which is imported only then — it brings `yaml` and `zod`,
 * which a cold `credentials` call without a config file never needs.
 *
 * ```yaml
 * policy: ssm:/sentinel/policy
 * source: aws-vault
 * timeout: 20s
 * plugins:
 *   - { name: audit-copy, plugin: file_sink, allow_write: [/var/log/sentinel] }
 * ```
 * @module
 */
import type { SentinelPaths } from "../core/environment.ts";
import type { SentinelConfig } from "../ports/config.ts";
import { readOptionalText } from "./files.ts";

/** Reads the Sentinel config file (absent is fine), validating it. */
export async function loadSentinelConfig(paths: SentinelPaths): Promise<SentinelConfig> {
  const path = paths.sentinelConfig;
  const text = (await readOptionalText(path)) ?? "";
  if (text.trim() === "") return { path, values: {}, plugins: [] };
  const schema = "../core/config/sentinel_config.ts";
  const { parseSentinelConfig } = await import(
    schema
  ) as typeof import("../core/config/sentinel_config.ts");
  return parseSentinelConfig(text, path);
}

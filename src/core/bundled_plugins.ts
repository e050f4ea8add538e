/**
 * The plugins bundled with Sentinel, as data: what each is, the grants its configuration may give
 * and its defaults. The config file's `plugin: <name>` is checked against it (config/
 * plugin_config.ts); the plugin host reads each one's code from `plugins/<file>`, and the compile
 * plan embeds those files. Pure; no npm imports.
 *
 * @module
 */
import type { PluginKind } from "../../plugins/api/v1.ts";

/** What a bundled plugin is and what it may be granted. */
export interface BundledPlugin {
  kind: PluginKind;
  version: string;
  description: string;
  /** Path under plugins/. */
  file: string;
  /** Grants its configuration may give: network, file writes, AWS credentials. */
  accepts: readonly ("net" | "write" | "aws")[];
  /** For `aws`: the service whose endpoint the plugin calls (and may reach). */
  awsService?: string;
  defaultTimeoutMs: number;
}

/** Bundled plugins by name. */
export const BUNDLED_PLUGINS: Readonly<Record<string, BundledPlugin>> = {
  webhook: {
    kind: "notifier",
    version: "1.0.0",
    description: "POSTs signed JSON (or Slack blocks) to a URL, with retries",
    file: "webhook/plugin.ts",
    accepts: ["net"],
    defaultTimeoutMs: 10_000,
  },
  sns: {
    kind: "notifier",
    version: "1.0.0",
    description: "publishes events to an SNS topic with an event_type attribute",
    file: "sns/plugin.ts",
    accepts: ["aws"],
    awsService: "sns",
    defaultTimeoutMs: 10_000,
  },
  file_sink: {
    kind: "log_sink",
    version: "1.0.0",
    description: "appends decision records to a JSON Lines file",
    file: "file_sink/plugin.ts",
    accepts: ["write"],
    defaultTimeoutMs: 5_000,
  },
  cloudwatch_logs: {
    kind: "log_sink",
    version: "1.0.0",
    description: "sends decision records to a CloudWatch Logs group",
    file: "cloudwatch_logs/plugin.ts",
    accepts: ["aws"],
    awsService: "logs",
    defaultTimeoutMs: 10_000,
  },
  static_router: {
    kind: "approval_router",
    version: "1.0.0",
    description: "routes approval requests to approvers by profile pattern",
    file: "static_router/plugin.ts",
    accepts: [],
    defaultTimeoutMs: 5_000,
  },
};

/** The bundled plugin called `name`, if there is one (never a property every object has). */
export function bundledPlugin(name: string): BundledPlugin | undefined {
  return Object.hasOwn(BUNDLED_PLUGINS, name) ? BUNDLED_PLUGINS[name] : undefined;
}

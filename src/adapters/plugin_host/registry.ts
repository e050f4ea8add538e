/**
 * The plugins bundled with Sentinel (embedded in the binary with `--include plugins/`).
 * No npm imports.
 *
 * @module
 */
import type { PluginKind } from "../../../plugins/api/v1.ts";
import { moduleDataUrl } from "./bootstrap.ts";

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

const SHARED_IMPORT = /from\s+"\.\.\/shared\/([a-z0-9_]+\.ts)"/g;

/**
 * The source of a bundled plugin, its `../shared/` imports linked in as `data:` URLs (a plugin
 * runs from a `data:` URL and cannot resolve relative files). Type-only imports are left alone:
 * they are erased when the module is transpiled.
 */
export async function bundledSource(file: string): Promise<string> {
  const root = new URL("../../../plugins/", import.meta.url);
  const source = await Deno.readTextFile(new URL(file, root));
  const shared = new Map<string, string>();
  for (const [, name] of source.matchAll(SHARED_IMPORT)) {
    if (!shared.has(name)) {
      const text = await Deno.readTextFile(new URL(`shared/${name}`, root));
      shared.set(name, moduleDataUrl(text, true));
    }
  }
  return source.replace(SHARED_IMPORT, (_, name) => `from ${JSON.stringify(shared.get(name))}`);
}

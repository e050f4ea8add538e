/**
 * The `plugins:` section of the Sentinel config file, validated and normalised into
 * {@link PluginEntry} values. Pure: the bundled plugins it checks `plugin:` against are data
 * (../bundled_plugins.ts).
 *
 * ```yaml
 * plugins:
 *   - name: security-webhook          # how commands and logs refer to it
 *     plugin: webhook                 # a bundled plugin…
 *     allow_net: [hooks.example.com]
 *     settings: { url: https://hooks.example.com/sentinel, secret_env: SENTINEL_WEBHOOK_SECRET }
 *   - name: pager
 *     module: /etc/sentinel/pager.js  # …or one pre-bundled JavaScript file,
 *     sha256: 3b4c…                   #    pinned by its SHA-256
 *     kind: notifier
 *     version: 2.1.0
 *     required: true                  # issuance fails closed when it fails
 *     timeout: 5s
 * ```
 * @module
 */
import { z } from "zod";
import { PLUGIN_KINDS } from "../../../plugins/api/v1.ts";
import { BUNDLED_PLUGINS, type BundledPlugin, bundledPlugin } from "../bundled_plugins.ts";
import { NOTIFICATION_EVENTS } from "../notification_events.ts";
import type { PluginEntry } from "../plugin_entry.ts";
import { CREDENTIAL_SOURCES } from "../settings.ts";
import { parseDuration } from "../text/duration.ts";

const hostPattern = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/;

/** One entry of `plugins:`, before the checks that look at several keys at once. */
const pluginShape = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "must be lowercase letters, digits, - and _"),
  plugin: z.string().optional(),
  module: z.string().min(1).optional(),
  sha256: z.string({ error: "must be 64 lowercase hex digits, in quotes" })
    .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits").optional(),
  kind: z.enum(PLUGIN_KINDS).optional(),
  version: z.string().min(1).optional(),
  required: z.boolean().optional(),
  timeout: z.union([z.string(), z.number()]).optional(),
  allow_net: z.array(z.string().regex(hostPattern, "must be host or host:port")).optional(),
  allow_write: z.array(z.string().min(1)).optional(),
  aws: z.strictObject({
    region: z.string().min(1).optional(),
    profile: z.string().min(1).optional(),
    source: z.enum(CREDENTIAL_SOURCES, {
      error: `must be one of ${CREDENTIAL_SOURCES.join(", ")}`,
    }).optional(),
    service: z.string().min(1).optional(),
  }).optional(),
  events: z.array(z.enum([...NOTIFICATION_EVENTS, "test"], {
    error: `must be one of ${NOTIFICATION_EVENTS.join(", ")}`,
  })).min(1, "name at least one event, or leave events out to take them all").optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

type PluginShape = z.output<typeof pluginShape>;

/** Reports one problem at a key of the entry. */
type Issue = (path: string, message: string) => void;

/** One entry of `plugins:`. */
export const pluginConfigSchema = pluginShape.superRefine((entry, ctx) => {
  const issue: Issue = (path, message) => ctx.addIssue({ code: "custom", path: [path], message });
  if ((entry.plugin === undefined) === (entry.module === undefined)) {
    issue("plugin", "give either plugin: <bundled name> or module: <file> with sha256:");
    return;
  }
  if (entry.plugin !== undefined) {
    const bundled = bundledPlugin(entry.plugin);
    if (bundled === undefined) {
      issue(
        "plugin",
        `unknown bundled plugin "${entry.plugin}"; bundled: ${
          Object.keys(BUNDLED_PLUGINS).join(", ")
        }`,
      );
      return;
    }
    checkGrants(entry, bundled, issue);
  } else checkModule(entry, issue);
  checkAwsWithoutProfile(entry, issue);
  const kind = entry.plugin === undefined ? entry.kind : bundledPlugin(entry.plugin)?.kind;
  if (entry.events !== undefined && kind !== "notifier") {
    issue("events", "only notifiers take events");
  }
  if (entry.timeout !== undefined) {
    const seconds = parseDuration(entry.timeout);
    if (seconds === undefined || seconds < 1 || seconds > 300) {
      issue("timeout", "must be a duration from 1s to 5m");
    }
  }
});

/** A bundled plugin takes only the grants it accepts. */
function checkGrants(entry: PluginShape, bundled: BundledPlugin, issue: Issue): void {
  const grants = [
    ["allow_net", "net", entry.allow_net?.length],
    ["allow_write", "write", entry.allow_write?.length],
    ["aws", "aws", entry.aws],
  ] as const;
  for (const [key, grant, given] of grants) {
    if (given && !bundled.accepts.includes(grant)) {
      issue(key, `plugin ${entry.plugin} does not take ${key}`);
    }
  }
}

/** An external module is pinned, says its kind, and names the service of its `aws:`. */
function checkModule(entry: PluginShape, issue: Issue): void {
  if (entry.sha256 === undefined) issue("sha256", "an external module must be pinned by sha256");
  if (entry.kind === undefined) {
    issue("kind", `an external module needs kind: ${PLUGIN_KINDS.join(" | ")}`);
  }
  if (entry.aws !== undefined && entry.aws.service === undefined) {
    issue("aws", "an external module with aws: needs aws.service (for example sns)");
  }
}

/** Without `aws.profile`, `aws:` needs a region and takes no source. */
function checkAwsWithoutProfile(entry: PluginShape, issue: Issue): void {
  if (entry.aws === undefined || entry.aws.profile !== undefined) return;
  if (entry.aws.region === undefined) {
    issue(
      "aws",
      "aws.region is required when aws.profile is not given (with a profile, its region is the default)",
    );
  }
  if (entry.aws.source !== undefined) {
    issue("aws", "aws.source needs aws.profile: the source supplies that profile's credentials");
  }
}

/** Normalises one validated entry. */
export function pluginEntry(config: z.output<typeof pluginConfigSchema>): PluginEntry {
  const bundled = config.plugin === undefined ? undefined : bundledPlugin(config.plugin);
  return {
    name: config.name,
    origin: bundled
      ? { type: "bundled", plugin: config.plugin! }
      : { type: "module", path: config.module!, sha256: config.sha256! },
    kind: bundled?.kind ?? config.kind!,
    version: bundled?.version ?? config.version ?? "0.0.0",
    required: config.required ?? false,
    timeoutMs: config.timeout === undefined
      ? bundled?.defaultTimeoutMs ?? 10_000
      : parseDuration(config.timeout)! * 1000,
    net: config.allow_net ?? [],
    write: config.allow_write ?? [],
    ...(config.aws === undefined ? {} : {
      aws: {
        ...(config.aws.region ? { region: config.aws.region } : {}),
        service: bundled?.awsService ?? config.aws.service!,
        ...(config.aws.profile ? { profile: config.aws.profile } : {}),
        ...(config.aws.source ? { source: config.aws.source } : {}),
      },
    }),
    ...(config.events === undefined ? {} : { events: config.events }),
    settings: config.settings ?? {},
  };
}

/**
 * `sentinel plugins list | test`: what plugins are configured, with what grants, and whether one
 * works — by sending it a sample (or given) event through the real sandbox (the use cases:
 * src/app/plugins.ts).
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { listPlugins, type PluginTestOutcome, testPlugin } from "../app/plugins.ts";
import { ExitCode } from "../core/errors.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import { declare } from "./_command.ts";
import { human } from "./render.ts";
import type { Answer, CommandContext } from "./context.ts";

function source(entry: PluginEntry): string {
  return entry.origin.type === "bundled" ? `bundled:${entry.origin.plugin}` : entry.origin.path;
}

function permissions(entry: PluginEntry): string {
  const parts = [
    ...entry.net.map((host) => `net:${host}`),
    ...entry.write.map((path) => `write:${path}`),
    ...(entry.aws
      ? [
        `aws:${entry.aws.service}@${
          entry.aws.region ?? `(the region of profile ${entry.aws.profile})`
        }${entry.aws.profile === undefined ? "" : ` as profile ${entry.aws.profile}`}`,
      ]
      : []),
  ];
  return parts.length > 0 ? parts.join(" ") : "none";
}

/** The configured plugins as an answer. */
export function pluginsAnswer(entries: readonly PluginEntry[]): Answer {
  return {
    json: {
      plugins: entries.map((e) => ({
        name: e.name,
        kind: e.kind,
        version: e.version,
        source: source(e),
        sha256: e.origin.type === "module" ? e.origin.sha256 : null,
        required: e.required,
        timeout_seconds: e.timeoutMs / 1000,
        permissions: { net: e.net, write: e.write, aws: e.aws ?? null },
      })),
    },
    text: () =>
      entries.length === 0
        ? "no plugins configured (add plugins: to the Sentinel config file)\n"
        : entries.map((e) =>
          human`${e.name}  ${e.kind} ${e.version}${e.required ? " (required)" : ""}\n` +
          human`  source:      ${source(e)}\n` +
          human`  sha256:      ${e.origin.type === "module" ? e.origin.sha256 : "(bundled)"}\n` +
          human`  permissions: ${permissions(e)}\n` +
          human`  timeout:     ${e.timeoutMs / 1000}s\n`
        ).join(""),
  };
}

/** A test call's outcome as an answer (a failure is said on stderr in text, and exits 7). */
function testAnswer(name: string, outcome: PluginTestOutcome): Answer {
  return {
    ...(outcome.ok ? {} : { notice: human`sentinel: plugin ${name} failed: ${outcome.error}\n` }),
    json: {
      plugin: name,
      ok: outcome.ok,
      ...(outcome.ok ? { result: outcome.result } : { error: outcome.error }),
      ms: Math.round(outcome.ms),
    },
    text: () =>
      outcome.ok
        ? human`${name}: ok in ${Math.round(outcome.ms)} ms: ${JSON.stringify(outcome.result)}\n`
        : "",
    exitCode: outcome.ok ? ExitCode.Ok : ExitCode.PluginFailure,
  };
}

const INVALID_PLUGINS = [ExitCode.InvalidConfig, "invalid plugin configuration"] as const;

/** Builds `plugins` with `list` and `test`. */
export function pluginsCommand(ctx: CommandContext) {
  const plugins = declare(
    new Command("plugins").description("List and test configured plugins"),
    {
      exits: [ExitCode.Ok, INVALID_PLUGINS, [ExitCode.PluginFailure, "a tested plugin failed"]],
      examples: ["sentinel plugins list", "sentinel plugins test security-webhook"],
    },
  );
  plugins.addCommand(
    declare(
      new Command("list")
        .description("Show configured plugins: kind, version, grants, source and pinned hash"),
      {
        about: `
Plugins are configured under plugins: in the Sentinel config file ($SENTINEL_CONFIG or
~/.config/sentinel/config.yaml). See docs/plugins.md.`,
        exits: [ExitCode.Ok, INVALID_PLUGINS],
        examples: ["sentinel plugins list", "sentinel plugins list --output json"],
      },
    ).action(ctx.action(async () => pluginsAnswer(await listPlugins(ctx.deps)))),
  );
  plugins.addCommand(
    declare(
      new Command("test")
        .description("Send a plugin a sample event (or one from a file) and show the result")
        .argument("<name>", "the plugin's name in the config")
        .option("--event <file>", "JSON payload to send instead of the sample (- for stdin)"),
      {
        about: `
A log sink gets one record of type "plugin_test" (no effect, no outcome), so a test never reads
as an issuance in the log it writes to.`,
        exits: [
          [ExitCode.Ok, "the plugin answered"],
          [ExitCode.PluginFailure, "it failed (error, timeout, crash)"],
          [ExitCode.InvalidConfig, "bad config"],
          [ExitCode.Usage, "the event file is not JSON"],
        ],
        examples: [
          "sentinel plugins test security-webhook",
          "sentinel plugins test audit-file --event record.json",
        ],
      },
    ).action(
      ctx.action(async (name, options) =>
        testAnswer(name, await testPlugin(ctx.deps, name, options.event))
      ),
    ),
  );
  return plugins;
}

/**
 * Records a decision: to the configured log sinks and to the local hash-chained log, before any
 * credentials leave the process. A required sink that fails turns an issuance into a denial
 * (logged as such, exit 7); a best-effort sink that fails becomes a warning; a local log that
 * cannot be written stops everything (nothing is issued). No npm imports: the warm path uses this.
 *
 * @module
 */
import { SentinelError } from "../core/errors.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { Deps } from "../ports/deps.ts";

/** Where one decision goes. */
export interface DecisionDestinations {
  logFile: string;
  /** Configured plugins; the log sinks among them get the record. */
  plugins: readonly PluginEntry[];
  /** Also hands each record, as logged, to this (v1's `--log-stderr`). */
  echo?: (record: Record<string, unknown>) => void;
}

/** The error for a decision log that cannot be written: nothing is issued. */
export function logFailure(path: string, error: unknown): SentinelError {
  return new SentinelError(
    "decision_log_unwritable",
    `cannot write the decision log ${path}: ${
      (error as Error)?.message ?? error
    }; nothing was issued. Fix the file's permissions or free space, or point SENTINEL_LOG_FILE elsewhere (run \`sentinel doctor\`)`,
    { cause: error },
  );
}

/**
 * Records the decision: first in the local hash-chained log (when that fails, nothing is issued
 * and no sink hears of it), then in the log sinks. When a required sink fails for an issuance,
 * nothing is issued after all: a corrective record (`outcome: denied`, `corrects: <request id>`)
 * follows in the local log, and the call fails with exit 7. Best-effort sink failures become
 * warnings.
 */
export async function recordDecision(
  deps: Pick<Deps, "decisionLog" | "plugins" | "warn">,
  record: Record<string, unknown>,
  to: DecisionDestinations,
): Promise<void> {
  await appendLocal(deps, to.logFile, record);
  to.echo?.(record);
  const sinks = to.plugins.filter((plugin) => plugin.kind === "log_sink");
  // The plugin host, and the delivery code, load only when sinks are configured, keeping them
  // off the plain warm path.
  if (sinks.length === 0) return;
  const failures = await (await sinkDelivery()).deliverToSinks(await deps.plugins(), record, sinks);
  for (const f of failures) deps.warn(`log sink ${f.name} failed: ${f.error}`);
  const blocking = failures.find((f) => f.required);
  if (blocking === undefined || record.outcome !== "issued") return;
  const failure = `required log sink ${blocking.name} failed: ${blocking.error}`;
  const correction = { ...record, outcome: "denied", failure, corrects: record.request_id ?? null };
  await appendLocal(deps, to.logFile, correction);
  to.echo?.(correction);
  throw new SentinelError(
    "plugin_failure",
    `the required log sink ${blocking.name} failed (${blocking.error}); nothing was issued. ${
      sinkAdvice(blocking.name, to.plugins)
    }`,
  );
}

async function appendLocal(
  deps: Pick<Deps, "decisionLog">,
  logFile: string,
  record: Record<string, unknown>,
): Promise<void> {
  try {
    await deps.decisionLog.append(logFile, record);
  } catch (error) {
    throw logFailure(logFile, error);
  }
}

/** plugin_calls.ts, imported through a computed specifier: only decisions with sinks need it. */
async function sinkDelivery() {
  const specifier = "./plugin_calls.ts";
  return await import(specifier) as typeof import("./plugin_calls.ts");
}

/** How to fix a required log sink: for a file sink, the folder its file must be in. */
function sinkAdvice(name: string, plugins: readonly PluginEntry[]): string {
  const entry = plugins.find((plugin) => plugin.name === name);
  const path = entry?.settings.path;
  if (
    entry?.origin.type === "bundled" && entry.origin.plugin === "file_sink" &&
    typeof path === "string" && path.includes("/")
  ) {
    const folder = path.slice(0, path.lastIndexOf("/")) || "/";
    return `Its file ${path} must be in an existing folder you can write: create ${folder} (mkdir -p ${folder}) and list it in allow_write, or change settings.path; run \`sentinel doctor\``;
  }
  return `Fix the plugin (\`sentinel plugins test ${name}\`), or set required: false for it; run \`sentinel doctor\``;
}

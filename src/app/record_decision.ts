/**
 * Records a decision: to the configured log sinks and to the local hash-chained log, before any
 * credentials leave the process. A required sink that fails turns an issuance into a denial
 * (logged as such, exit 7); a best-effort sink that fails becomes a warning; a local log that
 * cannot be written stops everything (nothing is issued). No npm imports: the warm path uses this.
 *
 * @module
 */
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { PluginEntry } from "../core/plugin_entry.ts";
import type { Deps } from "../ports/deps.ts";
import { deliverToSinks } from "./plugin_calls.ts";

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
    ExitCode.Internal,
    `cannot write the decision log ${path}: ${
      (error as Error)?.message ?? error
    }; nothing was issued. Fix the file's permissions or free space, or point SENTINEL_LOG_FILE elsewhere (run \`sentinel doctor\`)`,
    { cause: error, code: "decision_log_unwritable" },
  );
}

/**
 * Records the decision. Best-effort sink failures become warnings; throws when the local log
 * cannot be written, or when a required sink failed for an issuance.
 */
export async function recordDecision(
  deps: Pick<Deps, "decisionLog" | "plugins" | "warn">,
  record: Record<string, unknown>,
  to: DecisionDestinations,
): Promise<void> {
  const sinks = to.plugins.filter((plugin) => plugin.kind === "log_sink");
  // The plugin host is loaded only when sinks are configured, keeping it off the plain warm path.
  const failures = sinks.length === 0
    ? []
    : await deliverToSinks(await deps.plugins(), record, sinks);
  const blocking = failures.find((f) => f.required);
  const issued = record.outcome === "issued";
  const final = blocking && issued
    ? {
      ...record,
      outcome: "denied",
      failure: `required log sink ${blocking.name} failed: ${blocking.error}`,
    }
    : record;
  try {
    await deps.decisionLog.append(to.logFile, final);
  } catch (error) {
    throw logFailure(to.logFile, error);
  }
  to.echo?.(final);
  if (blocking && issued) {
    throw new SentinelError(
      ExitCode.PluginFailure,
      `the required log sink ${blocking.name} failed (${blocking.error}); nothing was issued. ${
        sinkAdvice(blocking.name, to.plugins)
      }`,
    );
  }
  for (const f of failures) deps.warn(`log sink ${f.name} failed: ${f.error}`);
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

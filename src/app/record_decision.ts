/**
 * Records a decision: to the configured log sinks (plugins) and to the local hash-chained log,
 * before any credentials leave the process. A required sink that fails turns an issuance into a
 * denial (logged as such); a best-effort sink that fails becomes a warning. No npm imports: the
 * warm path uses this too.
 *
 * @module
 */
import { appendDecision } from "../adapters/decision_log.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { PluginEntry } from "../plugin_host/plugin_entry.ts";

/** Where decisions go. */
export interface DecisionSinks {
  logFile: string;
  plugins: readonly PluginEntry[];
  env: Record<string, string>;
}

/** The error for a decision log that cannot be written: nothing is issued. */
export function logFailure(path: string, error: unknown): SentinelError {
  return new SentinelError(
    ExitCode.Internal,
    `cannot write the decision log ${path}: ${
      (error as Error)?.message ?? error
    }; nothing was issued. Fix the file's permissions or point SENTINEL_LOG_FILE elsewhere`,
    { cause: error },
  );
}

/** Sends one record to every log sink; returns the failures. */
export async function deliverToSinks(
  record: Record<string, unknown>,
  plugins: readonly PluginEntry[],
  env: Record<string, string>,
): Promise<{ name: string; required: boolean; error: string }[]> {
  const sinks = plugins.filter((plugin) => plugin.kind === "log_sink");
  if (sinks.length === 0) return [];
  // Loaded only when sinks are configured, keeping the plugin host off the plain warm path.
  const host = "../plugin_host/resolve.ts";
  const { callConfigured } = await import(host) as typeof import("../plugin_host/resolve.ts");
  const results = await Promise.all(sinks.map(async (entry) => {
    const outcome = await callConfigured(entry, "write", [record], env);
    return outcome.ok ? undefined : outcome.error;
  }));
  return sinks.flatMap((entry, i) =>
    results[i] === undefined
      ? []
      : [{ name: entry.name, required: entry.required, error: results[i]! }]
  );
}

/**
 * Records the decision. Returns warnings for best-effort sinks that failed; throws when the local
 * log cannot be written, or when a required sink failed for an issuance.
 */
export async function recordDecision(
  record: Record<string, unknown>,
  sinks: DecisionSinks,
): Promise<string[]> {
  const failures = await deliverToSinks(record, sinks.plugins, sinks.env);
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
    await appendDecision(sinks.logFile, final);
  } catch (error) {
    throw logFailure(sinks.logFile, error);
  }
  if (blocking && issued) {
    throw new SentinelError(
      ExitCode.PluginFailure,
      `the required log sink ${blocking.name} failed (${blocking.error}); nothing was issued`,
    );
  }
  return failures.map((f) => `log sink ${f.name} failed: ${f.error}`);
}

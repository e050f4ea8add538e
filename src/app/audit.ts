/**
 * Reading the decision log: where it is (the configured `log_file` unless a path is given) and
 * whether its hash chain is intact.
 *
 * @module
 */
import { type ChainResult, verifyChain } from "../core/audit/chain.ts";
import { logFileFrom, settingSources } from "../core/issuance/settings.ts";
import { resolveOnly } from "../core/settings.ts";
import type { Deps } from "../ports/deps.ts";

/** The configured decision log: `SENTINEL_LOG_FILE`, the config file's `log_file`, or the default. */
export async function configuredLogFile(deps: Deps, profile?: string): Promise<string> {
  const config = await deps.config.load();
  const section = profile === undefined ? undefined : config.aws.profiles.get(profile);
  const sources = settingSources(
    deps.env,
    config.sentinel,
    section === undefined ? undefined : { name: profile!, section },
  );
  return logFileFrom(resolveOnly(["log_file"], sources, deps.env.paths), deps.env);
}

/** The verdict on one log file. */
export type AuditResult = ChainResult & { file: string };

/** Verifies the hash chain of `file` (default: the configured log). */
export async function verifyLog(deps: Deps, file?: string): Promise<AuditResult> {
  const path = file ?? await configuredLogFile(deps);
  return { file: path, ...await verifyChain(await deps.files.readText(path, "decision log")) };
}

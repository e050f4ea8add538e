/**
 * `sentinel policy impact` as a use case (issue 22): the decision logs read (the configured one,
 * or the files given: a log and its rotated copies), and every decision in them decided again by
 * the new policy (core/policy/impact.ts). Reads files and, for an `ssm:` policy, SSM; runs no
 * plugin or notifier and calls nothing else.
 *
 * @module
 */
import { parseLogText } from "../core/audit/log_query.ts";
import { compilePolicy } from "../core/policy/evaluate.ts";
import { type ImpactReport, replayDecisions } from "../core/policy/impact.ts";
import { SentinelError } from "../core/errors.ts";
import type { Deps } from "../ports/deps.ts";
import { configuredLogFile } from "./audit.ts";
import { type CallerAccess, readPolicy } from "./policy.ts";

/** What to replay, against what. */
export interface ImpactRequest {
  /** The new policy: a file or `ssm:<parameter>`. */
  policy: string;
  /** Decision logs, oldest first (default: the configured log). */
  logs?: readonly string[];
  /** Only decisions from this instant on (epoch ms). */
  since?: number;
  access?: CallerAccess;
}

/** The report, and what it was made from. */
export interface PolicyImpact extends ImpactReport {
  policy: string;
  files: { path: string; lines: number; skipped: number }[];
}

/** Replays the logs of `request` under its policy. */
export async function policyImpact(deps: Deps, request: ImpactRequest): Promise<PolicyImpact> {
  const loaded = await readPolicy(deps, request.policy, request.access);
  const logs = request.logs?.length ? request.logs : [await configuredLogFile(deps)];
  const files: PolicyImpact["files"] = [];
  const records: Record<string, unknown>[] = [];
  for (const path of logs) {
    const read = await deps.files.readFrom(path, 0);
    if (read === undefined) {
      throw new SentinelError(
        "usage",
        `no decision log at ${path}; name the logs to replay with --log <file> (a log and its rotated copies, oldest first)`,
      );
    }
    const parsed = parseLogText(read.text);
    files.push({ path, lines: parsed.records.length, skipped: parsed.skipped });
    records.push(...parsed.records);
  }
  const report = replayDecisions(records, compilePolicy(loaded.document), request.since);
  return { ...report, policy: loaded.source, files };
}

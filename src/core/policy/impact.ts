/**
 * Policy impact by replay (issue 22): every decision in a decision log decided again by a new
 * policy, with the inputs recorded then (user, profile, role, time, mode). A decision that flips
 * (allow → deny, deny → allow, to or from require_approval) or is now made by another rule is
 * reported; a decision whose outcome depended on the store (issued under an approval or a
 * break-glass event) is counted and named, never guessed. Pure: no plugin, notifier or AWS call.
 *
 * @example
 * ```ts
 * import { replayDecisions } from "./impact.ts";
 * import { compilePolicy } from "./evaluate.ts";
 *
 * const policy = compilePolicy({ version: "1", rules: [] });
 * const report = replayDecisions([
 *   { type: "decision", time: "2026-12-07T09:00:00Z", user: "alice", profile: "prod", effect: "allow", rule: "ops" },
 * ], policy);
 * console.assert(report.flips.length === 1 && report.flips[0].now.effect === "deny");
 * ```
 * @module
 */
import { type CompiledPolicy, evaluate } from "./evaluate.ts";
import { isDecision } from "../audit/log_query.ts";
import { CREDENTIAL_MODES, type CredentialMode, type Effect, EFFECTS } from "./schema.ts";

/** A decision as the log recorded it. */
export interface RecordedDecision {
  time: number;
  user: string;
  profile: string;
  roleArn?: string;
  mode?: CredentialMode;
  effect: Effect;
  rule: string | null;
  /** The log's id of the decision (`request_id`), when it has one. */
  id?: string;
}

/** A decision and what the new policy decides instead. */
export interface Flip {
  decision: RecordedDecision;
  now: { effect: Effect; rule: string | null };
  /** `allow→deny`, `deny→require_approval`, … or `rule` (same effect, another rule decides). */
  change: string;
}

/** A decision that was not replayed, and why. */
export interface Unreplayed {
  decision: RecordedDecision;
  why: string;
}

/** One group of flips (by the change of deciding rule, or by person). */
export interface FlipGroup {
  key: string;
  flips: number;
}

/** What replaying a log under a new policy found. */
export interface ImpactReport {
  /** Decision records read (of every kind of record in the log, only decisions count). */
  decisions: number;
  replayed: number;
  unchanged: number;
  flips: Flip[];
  /** Issued under an approval or a break-glass event: the outcome depended on the store. */
  unreplayed: Unreplayed[];
  /** Decision lines without the inputs a replay needs (user, profile, time, effect). */
  incomplete: number;
  byRule: FlipGroup[];
  byPerson: FlipGroup[];
}

/** Replays every decision of `records` (oldest first) from `since` (epoch ms) under `policy`. */
export function replayDecisions(
  records: readonly Record<string, unknown>[],
  policy: CompiledPolicy,
  since = Number.NEGATIVE_INFINITY,
): ImpactReport {
  const report: ImpactReport = {
    decisions: 0,
    replayed: 0,
    unchanged: 0,
    flips: [],
    unreplayed: [],
    incomplete: 0,
    byRule: [],
    byPerson: [],
  };
  for (const record of records) {
    if (!isDecision(record)) continue;
    const decision = recordedDecision(record);
    if (decision !== undefined && decision.time < since) continue;
    report.decisions++;
    if (decision === undefined) {
      report.incomplete++;
      continue;
    }
    const grant = grantOf(record);
    if (grant !== undefined) {
      report.unreplayed.push({ decision, why: grant });
      continue;
    }
    report.replayed++;
    const now = evaluate(policy, {
      user: decision.user,
      profile: decision.profile,
      roleArn: decision.roleArn,
      time: decision.time,
      mode: decision.mode,
    });
    const change = changeOf(decision, now);
    if (change === undefined) report.unchanged++;
    else report.flips.push({ decision, now: { effect: now.effect, rule: now.rule }, change });
  }
  report.byRule = groups(
    report.flips,
    (f) => `${ruleName(f.decision.rule)} → ${ruleName(f.now.rule)}`,
  );
  report.byPerson = groups(report.flips, (f) => f.decision.user);
  return report;
}

function changeOf(
  was: RecordedDecision,
  now: { effect: Effect; rule: string | null },
): string | undefined {
  if (was.effect !== now.effect) return `${was.effect}→${now.effect}`;
  return was.rule === now.rule ? undefined : "rule";
}

function ruleName(rule: string | null): string {
  return rule ?? "(default deny)";
}

function groups(flips: readonly Flip[], keyOf: (flip: Flip) => string): FlipGroup[] {
  const counts = new Map<string, number>();
  for (const flip of flips) counts.set(keyOf(flip), (counts.get(keyOf(flip)) ?? 0) + 1);
  return [...counts].map(([key, flips]) => ({ key, flips }))
    .sort((a, b) => b.flips - a.flips || a.key.localeCompare(b.key));
}

/** Why a decision's outcome depended on the store, or `undefined` when it did not. */
function grantOf(record: Record<string, unknown>): string | undefined {
  if (typeof record.breakglass_event_id === "string") {
    return `issued under break-glass event ${record.breakglass_event_id}`;
  }
  if (typeof record.approval_request_id === "string") {
    return `issued under approval request ${record.approval_request_id}`;
  }
  return undefined;
}

/** The inputs and verdict a decision line recorded, or `undefined` when it lacks one it needs. */
function recordedDecision(record: Record<string, unknown>): RecordedDecision | undefined {
  const time = typeof record.time === "string" ? Date.parse(record.time) : Number.NaN;
  const { user, profile, effect } = record;
  if (
    Number.isNaN(time) || typeof user !== "string" || typeof profile !== "string" ||
    !(EFFECTS as readonly unknown[]).includes(effect)
  ) return undefined;
  const mode = (CREDENTIAL_MODES as readonly unknown[]).includes(record.mode)
    ? record.mode as CredentialMode
    : undefined;
  return {
    time,
    user,
    profile,
    ...(typeof record.role_arn === "string" ? { roleArn: record.role_arn } : {}),
    ...(mode === undefined ? {} : { mode }),
    effect: effect as Effect,
    rule: typeof record.rule === "string" ? record.rule : null,
    ...(typeof record.request_id === "string" ? { id: record.request_id } : {}),
  };
}

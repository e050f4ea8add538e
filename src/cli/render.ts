/**
 * Pure renderers: decisions, traces and errors as text for people and as JSON for scripts. No
 * I/O; commands write what these return.
 *
 * @module
 */
import { formatDuration } from "../core/duration.ts";
import type { ExitCode } from "../core/errors.ts";
import type { Decision, Explanation } from "../core/policy/evaluate.ts";
import type { CheckResult } from "../app/check.ts";

/** RFC 3339 UTC without milliseconds when they are zero: `2026-03-02T09:00:00Z`. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(".000Z", "Z");
}

/** A decision as snake_case JSON. */
export function decisionJson(decision: Decision) {
  return {
    effect: decision.effect,
    rule: decision.rule,
    rule_index: decision.ruleIndex,
    reason: decision.reason,
    max_duration_seconds: decision.maxDurationSeconds ?? null,
  };
}

/** A trace as snake_case JSON. */
export function traceJson(explanation: Explanation) {
  return explanation.trace.map((step) => ({
    rule_index: step.index,
    rule: step.rule,
    effect: step.effect,
    matched: step.matched,
    failed_condition: step.failed?.condition ?? null,
    detail: step.failed?.detail ?? null,
  }));
}

/** `check`'s JSON document. */
export function checkJson(result: CheckResult, withTrace: boolean) {
  return {
    request: {
      profile: result.profile,
      user: result.user,
      role_arn: result.roleArn ?? null,
      mode: result.mode ?? null,
      at: isoSeconds(result.at),
    },
    policy: result.policySource,
    decision: decisionJson(result.explanation),
    ...(withTrace ? { trace: traceJson(result.explanation) } : {}),
  };
}

/** `check`'s text. */
export function checkText(result: CheckResult, withTrace: boolean): string {
  const { explanation } = result;
  const lines = [
    `${explanation.effect.toUpperCase()}: ${result.profile} for ${result.user} at ${
      isoSeconds(result.at)
    }`,
    explanation.rule === null
      ? "  rule:   none matched (default deny)"
      : `  rule:   ${explanation.rule} (rules[${explanation.ruleIndex}])`,
    `  reason: ${explanation.reason}`,
  ];
  if (explanation.maxDurationSeconds !== undefined) {
    lines.push(`  max session: ${formatDuration(explanation.maxDurationSeconds)}`);
  }
  if (withTrace) {
    lines.push("  trace:");
    for (const step of explanation.trace) {
      lines.push(
        step.matched
          ? `    rules[${step.index}] ${step.rule} (${step.effect}): matched`
          : `    rules[${step.index}] ${step.rule} (${step.effect}): skipped, ${
            step.failed!.detail
          }`,
      );
    }
    if (explanation.rule === null) lines.push("    no rule matched: default deny");
  }
  return lines.join("\n") + "\n";
}

/** An error as the CLI reports it. */
export interface RenderedError {
  exitCode: ExitCode;
  /** The stable code (`invalid_config`, `conflict`, …). */
  code: string;
  message: string;
  details: readonly string[];
}

/** An error on stderr: JSON `{code, error, message, details}` or `sentinel: …` lines. */
export function errorText(error: RenderedError, format: "text" | "json"): string {
  if (format === "json") {
    return JSON.stringify({
      code: error.exitCode,
      error: error.code,
      message: error.message,
      details: error.details,
    }) + "\n";
  }
  return `sentinel: ${error.message}\n` + error.details.map((line) => `  ${line}\n`).join("");
}

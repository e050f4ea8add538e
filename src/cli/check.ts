/**
 * `sentinel check <profile>`: a what-if decision, with `--explain` for the trace of why.
 * Exits 0 for allow, 4 for deny, 5 for require_approval, 3 for an invalid policy.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { loadPolicyFile } from "../app/policy_source.ts";
import { CredentialCache } from "../app/credential_cache.ts";
import {
  baseCredentials,
  resolveIssuanceSettings,
  verifiedIdentity,
} from "../app/issue_credentials.ts";
import { loadIssuancePolicy } from "../app/policy_loader.ts";
import { cacheDir } from "../adapters/paths.ts";
import type { AwsCredentials } from "../adapters/aws/sdk.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import {
  compilePolicy,
  type Decision,
  explain,
  type Explanation,
} from "../core/policy/evaluate.ts";
import { instantSchema } from "../core/policy/policy_tests.ts";
import { CREDENTIAL_MODES, type Effect } from "../core/policy/schema.ts";
import { type CommandContext, type OutputFormat, writeJson } from "./context.ts";
import { formatDuration } from "../core/duration.ts";
import { displaySafe } from "../core/display_text.ts";

/** The exit code `check` ends with for each effect. */
export const EXIT_CODE_BY_EFFECT: Record<Effect, ExitCode> = {
  allow: ExitCode.Ok,
  deny: ExitCode.Denied,
  require_approval: ExitCode.ApprovalRequired,
};

/** Builds the `check` command. */
export function checkCommand(ctx: CommandContext, output: () => OutputFormat) {
  return new Command("check")
    .description("Decide what the policy says for a profile and user, without issuing anything")
    .argument("<profile>", "the AWS profile being asked for")
    .option("-p, --policy <file>", "the policy file to evaluate (default: the profile's policy)")
    .option("-u, --user <name>", "the identity to decide for (default: verified from STS)")
    .option("--role-arn <arn>", "the role ARN the profile resolves to (for rules with roles:)")
    .option("--at <time>", "decide as of this RFC 3339 time instead of now")
    .addOption(
      new Option("--mode <mode>", "how credentials are asked for").choices(CREDENTIAL_MODES),
    )
    .option("--explain", "show why each rule did or did not match")
    .addHelpText(
      "after",
      `
Exit codes: 0 allow, 4 deny, 5 require_approval, 3 invalid policy.

Examples:
  $ sentinel check prod --policy examples/policy.yaml --user alice@example.com
  $ sentinel check prod -p examples/policy.yaml -u bob@example.com --at 2026-03-07T23:00:00+01:00 --explain
  $ sentinel check prod                # user from STS, policy and role from the profile
  $ sentinel check prod -p policy.yaml -u alice --role-arn arn:aws:iam::123456789012:role/Admin --output json`,
    )
    .action(async (profile, options) => {
      const time = options.at === undefined ? ctx.io.now() : parseInstant(options.at);
      const subject = await resolveSubject(ctx, profile, options);
      const policy = subject.policy;
      const request = {
        user: subject.user,
        profile,
        roleArn: subject.roleArn,
        mode: options.mode,
        time,
      };
      const explanation = explain(compilePolicy(policy.document), request);
      if (output() === "json") {
        writeJson(ctx.io.stdout, {
          request: {
            profile,
            user: subject.user,
            role_arn: subject.roleArn ?? null,
            mode: options.mode ?? null,
            at: isoSeconds(time),
          },
          policy: policy.source,
          decision: decisionJson(explanation),
          ...(options.explain ? { trace: traceJson(explanation) } : {}),
        });
      } else {
        ctx.io.stdout(renderDecision(explanation, profile, subject.user, time, options.explain));
      }
      ctx.outcome.exitCode = EXIT_CODE_BY_EFFECT[explanation.effect];
    });
}

/**
 * The user, role and policy to decide with: from the flags, else from the profile's settings
 * (the user verified by STS from its base credentials, the policy it names, its role).
 */
async function resolveSubject(
  ctx: CommandContext,
  profile: string,
  options: { user?: string; policy?: string; roleArn?: string },
): Promise<
  { user: string; roleArn?: string; policy: { source: string; document: PolicyDocument } }
> {
  if (options.user !== undefined && options.policy !== undefined) {
    return {
      user: options.user,
      roleArn: options.roleArn,
      policy: await loadPolicyFile(ctx.io.readTextFile, options.policy),
    };
  }
  const env = ctx.io.env();
  const cache = new CredentialCache(cacheDir((key) => env[key]));
  const settings = await resolveIssuanceSettings({ profile, policy: options.policy }, env);
  let user = options.user;
  let base: AwsCredentials | undefined;
  if (user === undefined) {
    base = await baseCredentials(settings, env);
    user = (await verifiedIdentity(base, settings.region, cache, ctx.io.now())).user;
  }
  const policy = await loadIssuancePolicy({
    source: settings.policy,
    region: settings.region,
    ttlSeconds: settings.policyTtlSeconds,
    now: ctx.io.now(),
    cache,
    credentials: async () => base ?? await baseCredentials(settings, env),
  });
  return { user, roleArn: options.roleArn ?? settings.roleArn, policy };
}

function parseInstant(text: string): number {
  const parsed = instantSchema.safeParse(text);
  if (!parsed.success) {
    throw new SentinelError(
      ExitCode.Usage,
      `--at ${parsed.error.issues[0].message}`,
    );
  }
  return parsed.data;
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

function traceJson(explanation: Explanation) {
  return explanation.trace.map((step) => ({
    rule_index: step.index,
    rule: step.rule,
    effect: step.effect,
    matched: step.matched,
    failed_condition: step.failed?.condition ?? null,
    detail: step.failed?.detail ?? null,
  }));
}

function renderDecision(
  explanation: Explanation,
  profile: string,
  user: string,
  time: number,
  withTrace = false,
): string {
  const lines = [
    `${explanation.effect.toUpperCase()}: ${profile} for ${user} at ${isoSeconds(time)}`,
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
  // Names, reasons and details come from the policy and the command line: escape what a terminal
  // would act on (ANSI escapes, bidi overrides). The JSON output stays exact.
  return lines.map(displaySafe).join("\n") + "\n";
}

/** RFC 3339 UTC without milliseconds when they are zero: `2026-03-02T09:00:00Z`. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(".000Z", "Z");
}

/**
 * `sentinel policy impact --policy NEW [--log FILE…] [--since 30d]`: every decision in the
 * decision log decided again by a new policy, and what would change (app/policy_impact.ts).
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { type PolicyImpact, policyImpact } from "../../app/policy_impact.ts";
import { parseSince } from "../../core/audit/log_query.ts";
import { ExitCode, SentinelError } from "../../core/errors.ts";
import type { Flip } from "../../core/policy/impact.ts";
import { declare } from "../_command.ts";
import {
  awsAccess,
  awsProfileOption,
  misplacedProfileOption,
  policyOption,
  regionOption,
} from "../_flags.ts";
import type { Answer, CommandContext } from "../context.ts";
import { human, isoSeconds } from "../render.ts";

const ABOUT = `
--policy is the new policy. Reads the decision log (the configured one, or the files of --log: a log and its rotated copies,
oldest first) and decides every recorded decision again under the new policy, with the inputs
recorded then: user, profile, role, time and mode. Reported: how many decisions flip (allow to
deny, deny to allow, to or from require_approval) or are now made by another rule, grouped by
the change of deciding rule and by person, then each flip. Decisions whose outcome depended on the
store (issued under an approval or a break-glass event) are not replayed: they are counted and
named. No plugin, notifier or AWS call runs (an ssm: policy is read from SSM).`;

const SHOWN_FLIPS = 50;

/** Builds `policy impact`. */
export function policyImpactCommand(ctx: CommandContext) {
  return declare(
    new Command("impact")
      .description("Replay the decision log under a new policy: what would flip, for whom")
      .addOption(policyOption().makeOptionMandatory())
      .option(
        "--log <files...>",
        "decision logs to replay, oldest first (default: the configured log)",
      )
      .option("--since <when>", "only decisions since a duration ago (30d) or an RFC 3339 time")
      .option("--all", "list every flip (text output shows the first 50)")
      .addOption(awsProfileOption("reach SSM"))
      .addOption(regionOption())
      .addOption(misplacedProfileOption()),
    {
      about: ABOUT,
      exits: [
        [ExitCode.Ok, "replayed (also when decisions flip)"],
        [ExitCode.Usage, "usage (a bad --since, a log that does not exist)"],
        [ExitCode.InvalidConfig, "the new policy is invalid"],
        [ExitCode.AwsFailure, "AWS failure (an ssm: policy)"],
      ],
      examples: [
        "sentinel policy impact --policy new-policy.yaml",
        "sentinel policy impact --policy new-policy.yaml --since 30d --output json",
        "sentinel policy impact --policy new.yaml --log decisions.jsonl.1 decisions.jsonl",
      ],
    },
  ).action(ctx.action(async (options): Promise<Answer> => {
    let since: number | undefined;
    if (options.since !== undefined) {
      const parsed = parseSince(options.since, ctx.deps.clock.now());
      if (!parsed.ok) throw new SentinelError("usage", `--since ${parsed.message}`);
      since = parsed.epochMs;
    }
    const impact = await policyImpact(ctx.deps, {
      policy: options.policy,
      ...(options.log === undefined ? {} : { logs: options.log }),
      ...(since === undefined ? {} : { since }),
      access: awsAccess(options),
    });
    return { json: impactJson(impact), text: () => impactText(impact, options.all === true) };
  }));
}

function flipJson(flip: Flip) {
  return {
    time: new Date(flip.decision.time).toISOString(),
    user: flip.decision.user,
    profile: flip.decision.profile,
    role_arn: flip.decision.roleArn ?? null,
    mode: flip.decision.mode ?? null,
    request_id: flip.decision.id ?? null,
    change: flip.change,
    was: { effect: flip.decision.effect, rule: flip.decision.rule },
    now: flip.now,
  };
}

function impactJson(impact: PolicyImpact) {
  return {
    policy: impact.policy,
    files: impact.files,
    decisions: impact.decisions,
    replayed: impact.replayed,
    unchanged: impact.unchanged,
    flipped: impact.flips.length,
    incomplete: impact.incomplete,
    by_rule: impact.byRule,
    by_person: impact.byPerson,
    flips: impact.flips.map(flipJson),
    not_replayed: impact.unreplayed.map((u) => ({
      time: new Date(u.decision.time).toISOString(),
      user: u.decision.user,
      profile: u.decision.profile,
      request_id: u.decision.id ?? null,
      why: u.why,
    })),
  };
}

function impactText(impact: PolicyImpact, all: boolean): string {
  const lines = [
    human`${impact.replayed} of ${impact.decisions} decisions replayed under ${impact.policy}: ${impact.flips.length} would change, ${impact.unchanged} would not`,
  ];
  if (impact.unreplayed.length > 0) {
    lines.push(
      `${impact.unreplayed.length} not replayed (their outcome depended on the store):`,
      ...impact.unreplayed.slice(0, all ? undefined : 10).map((u) =>
        human`  ${
          isoSeconds(u.decision.time)
        } ${u.decision.user} on ${u.decision.profile}: ${u.why}`
      ),
    );
  }
  if (impact.incomplete > 0) {
    lines.push(`${impact.incomplete} decision line(s) lack the inputs a replay needs`);
  }
  if (impact.flips.length > 0) {
    lines.push("by deciding rule (was → now):");
    lines.push(...impact.byRule.map((g) => human`  ${g.flips}  ${g.key}`));
    lines.push("by person:");
    lines.push(...impact.byPerson.map((g) => human`  ${g.flips}  ${g.key}`));
    const shown = all ? impact.flips : impact.flips.slice(0, SHOWN_FLIPS);
    lines.push("flips:");
    lines.push(
      ...shown.map((f) =>
        human`  ${isoSeconds(f.decision.time)} ${f.decision.user} on ${f.decision.profile}${
          f.decision.mode === undefined ? "" : ` (${f.decision.mode})`
        }: ${f.decision.effect} by ${f.decision.rule ?? "(default deny)"} → ${f.now.effect} by ${
          f.now.rule ?? "(default deny)"
        }`
      ),
    );
    if (shown.length < impact.flips.length) {
      lines.push(`  … ${impact.flips.length - shown.length} more (--all, or --output json)`);
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * `sentinel policy diff OLD NEW [--prove]`: how two policies differ — as text (a unified diff), or
 * with `--prove` as every request they decide differently over a horizon (app/policy_prove.ts),
 * each region with a `sentinel check` command that shows it.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { readPolicyText } from "../../app/policy.ts";
import {
  DEFAULT_HORIZON_SECONDS,
  type PolicyChangeProof,
  provePolicyFiles,
} from "../../app/policy_prove.ts";
import { ExitCode, SentinelError } from "../../core/errors.ts";
import type { ProofRegion } from "../../core/policy/prove/prove.ts";
import {
  checkCommand,
  decisionWords,
  describeRegion,
  type RegionWords,
} from "../../core/policy/prove/summary.ts";
import { parseDuration } from "../../core/text/duration.ts";
import { lineDiff, unifiedHunks } from "../../core/text/line_diff.ts";
import { declare } from "../_command.ts";
import { awsAccess, awsProfileOption, misplacedProfileOption, regionOption } from "../_flags.ts";
import type { Answer, CommandContext } from "../context.ts";
import { human, isoSeconds } from "../render.ts";
import { SSM_HELP } from "./_ssm_help.ts";

const SHOWN_REGIONS = 20;
const MAX_HORIZON_DAYS = 3660;

const ABOUT = `Each policy is a file (- for standard input) or ssm:<name>. ${SSM_HELP}

Without --prove the texts are compared: a unified diff (as diff -u), lines only in OLD as -,
only in NEW as +; exit 0 when identical, 10 when not.

With --prove the decisions are compared, exactly: every request — any user, profile, role (or
none), mode and minute from now to the end of the horizon, daylight-saving changes included —
that the two policies decide differently. Glob patterns are regular languages, so the regions
are exact intersections and complements of the patterns, not samples. Each region is one line:
+ where NEW gives more (allow or require_approval where OLD gave less, or a longer session),
- where it gives less; with the rule that decided before and after, and a sentinel check
command that shows the region's example request. Entries of approvals:, breakglass: and
identity: are not in the proof: an added or changed one is listed and counts as opening access.
Exit 0 when NEW opens nothing OLD did not, 1 when it does (also for CI: --output json).`;

/** Builds `policy diff`. */
export function policyDiffCommand(ctx: CommandContext) {
  return declare(
    new Command("diff")
      .description("Compare two policies: their text, or with --prove every decision")
      .argument("<old>", "the policy now: a file or ssm:<name>")
      .argument("<new>", "the new policy: a file (- for standard input) or ssm:<name>")
      .option("--prove", "compare decisions exactly, over every request in the horizon")
      .option("--horizon <duration>", "with --prove: how far ahead from now (default 400d)")
      .option(
        "--all",
        `with --prove: list every region (text output shows the first ${SHOWN_REGIONS})`,
      )
      .addOption(regionOption())
      .addOption(awsProfileOption("to use"))
      .addOption(misplacedProfileOption()),
    {
      about: ABOUT,
      exits: [
        [ExitCode.Ok, "identical; with --prove, the new policy opens no access"],
        [ExitCode.Internal, "with --prove: the new policy opens access the old one did not"],
        [ExitCode.Usage, "usage (a bad --horizon, a file that does not exist)"],
        [ExitCode.InvalidConfig, "a policy is invalid"],
        [ExitCode.AwsFailure, "AWS failure (an ssm: policy)"],
        [ExitCode.PolicyDiffers, "without --prove: the texts differ"],
      ],
      examples: [
        "sentinel policy diff ssm:/sentinel/policy policy.yaml",
        "sentinel policy diff old.yaml new.yaml --prove",
        "sentinel policy diff ssm:/sentinel/policy policy.yaml --prove --horizon 30d --output json",
      ],
    },
  ).action(ctx.action(async (old, next, options): Promise<Answer> => {
    const access = awsAccess(options);
    if (old === "-" && next === "-") {
      throw new SentinelError(
        "usage",
        "only one of the two policies can be read from standard input (-); name the other's file",
      );
    }
    if (options.prove !== true) {
      if (options.horizon !== undefined || options.all !== undefined) {
        throw new SentinelError("usage", "--horizon and --all go with --prove");
      }
      return await textDiff(ctx, old, next, access);
    }
    const proved = await provePolicyFiles(ctx.deps, {
      old,
      next,
      horizonSeconds: horizonOf(options.horizon),
      access,
    });
    const shown = { ...proved, flags: ssmAccessArguments(access) };
    return {
      json: proofJson(shown),
      text: () => proofText(shown, options.all === true),
      exitCode: proved.opensAccess ? ExitCode.Internal : ExitCode.Ok,
    };
  }));
}

async function textDiff(
  ctx: CommandContext,
  old: string,
  next: string,
  access: ReturnType<typeof awsAccess>,
): Promise<Answer> {
  const [before, after] = [
    await readPolicyText(ctx.deps, old, access, "policy diff"),
    await readPolicyText(ctx.deps, next, access, "policy diff"),
  ];
  const lines = lineDiff(before.text, after.text);
  const changed = lines.some((line) => !line.startsWith(" "));
  return {
    json: { old: before.name, new: after.name, changed, diff: lines },
    text: () =>
      changed
        ? human`--- ${before.name}\n+++ ${after.name}\n` + unifiedHunks(lines).join("\n") + "\n"
        : human`${after.name} matches ${before.name}\n`,
    exitCode: changed ? ExitCode.PolicyDiffers : ExitCode.Ok,
  };
}

function horizonOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_HORIZON_SECONDS;
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds < 86_400 || seconds > MAX_HORIZON_DAYS * 86_400) {
    throw new SentinelError(
      "usage",
      human`--horizon "${text}" is not a span from 1d to ${MAX_HORIZON_DAYS}d; write days, such as 400d`,
    );
  }
  return seconds;
}

/** What a printed `sentinel check` needs to reach an `ssm:` policy as `policy diff` did. */
export function ssmAccessArguments(access: { profile?: string; region?: string }): string[] {
  return [
    ...(access.profile === undefined ? [] : [`--aws-profile=${access.profile}`]),
    ...(access.region === undefined ? [] : [`--region=${access.region}`]),
  ];
}

/** How a printed `sentinel check` names a policy: standard input as `-` (pipe the file in). */
function policyArgument(source: string): string {
  return source === "<stdin>" ? "-" : source;
}

/** A proof as shown: the policies' names, and the flags that reach them. */
export type ShownProof = PolicyChangeProof & { old: string; next: string; flags?: string[] };

/** A proven region as words, in the zone that tells its times best. */
function wordsOf(proved: PolicyChangeProof, region: ProofRegion): RegionWords {
  return describeRegion(proved.proof, region, proved.zones);
}

/** The proof as JSON: every region with every interval, its example and its check commands. */
export function proofJson(proved: ShownProof) {
  const { proof } = proved;
  return {
    old: proved.old,
    new: proved.next,
    from: isoSeconds(proof.from),
    to: isoSeconds(proof.to),
    opens_access: proved.opensAccess,
    regions: proof.regions.map((region) => {
      const words = wordsOf(proved, region);
      return {
        kind: region.kind,
        line: words.line,
        users: words.users,
        profiles: words.profiles,
        roles: words.roles ?? null,
        modes: region.modes.map((mode) => mode ?? null),
        when: words.when,
        zone: words.zone,
        was: region.was,
        now: region.now,
        intervals: region.times.map((t) => ({
          start: isoSeconds(t.start),
          end: isoSeconds(t.end),
        })),
        example: { ...region.example, time: words.exampleAt },
        check_old: checkCommand(region, policyArgument(proved.old), words.exampleAt, proved.flags),
        check_new: checkCommand(region, policyArgument(proved.next), words.exampleAt, proved.flags),
      };
    }),
    not_proven: proved.sections.map((change) => ({
      section: change.section,
      name: change.name,
      change: change.change,
      may_open_access: change.mayOpen,
    })),
  };
}

/** The proof as text: widening regions, then narrowing ones, then what the proof does not cover. */
export function proofText(proved: ShownProof, all: boolean): string {
  const { proof } = proved;
  const days = Math.round((proof.to - proof.from) / 86_400_000);
  const lines = [
    human`${proved.old} → ${proved.next}, every request from ${isoSeconds(proof.from)} to ${
      isoSeconds(proof.to)
    } (${days} days):`,
  ];
  const widening = proof.regions.filter((region) => region.kind === "widens");
  const narrowing = proof.regions.filter((region) => region.kind === "narrows");
  const shown = (regions: readonly ProofRegion[]) =>
    all ? regions : regions.slice(0, SHOWN_REGIONS);
  for (
    const [regions, title] of [
      [widening, "the new policy opens access the old one did not give"],
      [narrowing, "the new policy takes access away"],
    ] as const
  ) {
    if (regions.length === 0) continue;
    lines.push("", `${title} (${regions.length} region${regions.length === 1 ? "" : "s"}):`);
    for (const region of shown(regions)) {
      const words = wordsOf(proved, region);
      lines.push(
        human`${words.line}`,
        human`    ${decisionWords(region.was)} → ${decisionWords(region.now)}`,
        human`    e.g. ${
          checkCommand(region, policyArgument(proved.next), words.exampleAt, proved.flags)
        }${proved.next === "<stdin>" ? "   (the new policy on standard input)" : ""}`,
      );
    }
    if (shown(regions).length < regions.length) {
      lines.push(`  … ${regions.length - SHOWN_REGIONS} more (--all, or --output json)`);
    }
  }
  if (proved.sections.length > 0) {
    lines.push("", "not covered by the proof (review these yourself):");
    for (const change of proved.sections) {
      lines.push(
        human`  ${change.section} ${change.name}: ${change.change}${
          change.mayOpen ? " (may open access)" : ""
        }`,
      );
    }
  }
  if (proof.regions.length === 0) lines.push("", "no request is decided differently");
  lines.push(
    "",
    proved.opensAccess
      ? "result: the new policy OPENS ACCESS the old one did not give (exit 1)"
      : "result: no new access (exit 0)",
  );
  return lines.join("\n") + "\n";
}

/**
 * `sentinel policy pull | push | diff`: the policy in SSM Parameter Store against a local file.
 * Each names the region it used.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { adminSsmLocation, displayName, pullPolicy } from "../../app/policy.ts";
import { describeRegion } from "../../core/policy/prove/summary.ts";
import { proofJson, ssmAccessArguments } from "./diff.ts";
import { type PushOutcome, pushWithImpact } from "../../app/policy_push.ts";
import type { LostAccess, PolicyChangeImpact } from "../../core/revocation/policy_change.ts";
import { commandLine } from "../../core/text/advice.ts";
import { ExitCode, SentinelError } from "../../core/errors.ts";
import { policySourceOf } from "../../core/policy/source.ts";
import { human, isoSeconds } from "../render.ts";
import {
  awsAccess,
  awsProfileOption,
  misplacedProfileOption,
  regionOption,
  storeOption,
} from "../_flags.ts";
import { declare } from "../_command.ts";
import type { Answer, CommandContext } from "../context.ts";
import { SSM_HELP } from "./_ssm_help.ts";

/** The parameter name of `ssm:<name>`, or a usage error. */
function parameterOf(source: string): string {
  const parsed = policySourceOf(source);
  if (parsed.kind !== "ssm") {
    throw new SentinelError(
      "usage",
      human`"${source}" is not an SSM parameter; write ssm:<name>, for example ssm:/sentinel/policy`,
    );
  }
  return parsed.parameter;
}

/** Builds `policy pull`. */
export function policyPullCommand(ctx: CommandContext) {
  return declare(
    new Command("pull")
      .description("Print (or save) the policy stored in SSM")
      .argument("<parameter>", "ssm:<name>")
      .argument("[file]", "write it here instead of standard output")
      .addOption(regionOption())
      .addOption(awsProfileOption("to use"))
      .addOption(misplacedProfileOption()),
    {
      about: SSM_HELP,
      exits: [ExitCode.Ok, [ExitCode.AwsFailure, "AWS failure (for example no such parameter)"]],
      examples: [
        "sentinel policy pull ssm:/sentinel/policy",
        "sentinel policy pull ssm:/sentinel/policy policy.yaml --aws-profile security-admin",
      ],
    },
  ).action(ctx.action(async (parameter, file, options): Promise<Answer> => {
    const at = await adminSsmLocation(
      ctx.deps,
      parameterOf(parameter),
      awsAccess(options),
      "policy pull",
    );
    const text = await pullPolicy(ctx.deps, at);
    if (file === undefined) {
      return {
        json: { parameter, region: at.region, text },
        text: () => text.endsWith("\n") ? text : text + "\n",
        asIs: true,
      };
    }
    await ctx.deps.files.writeText(file, text);
    return {
      json: { parameter, region: at.region, file, bytes: text.length },
      text: () => "",
      notice: human`wrote ${parameter} (${at.region}) to ${file}\n`,
    };
  }));
}

const PUSH_ABOUT = `${SSM_HELP}
An invalid policy is never pushed (exit 3, every error listed). After a push, this machine's
cached copy of the old policy is dropped, so the next issuance here uses the new one.

Before pushing, the new policy is compared with the one in SSM for every person a rule names, on
this host's profiles that use the parameter: who it allowed and no longer does (denied, or now
needing approval) is listed, with the rule that allowed and the one that decides now. Their
sessions already issued stay valid until they expire unless revoked: --revoke revokes them after
the push (as \`sentinel revoke --user\` does, with your credentials and store); on a terminal you
are asked; otherwise the command to run is printed. The decisions are compared now (a rule for
other hours is not seen). People a rule names by pattern (dev-*), or who match a rule that names no
users, are not listed: they are named as unchecked. If the policy now in SSM cannot be read,
--revoke refuses to push.

The change is also proven over every request of the next 400 days (as \`sentinel policy diff
--prove\` does). A change that opens access the old policy did not give — or one that cannot be
proven: the policy in SSM unreadable, invalid here, or too large to prove — is refused (exit 10,
nothing pushed) unless
--accept-widening is given; then the decision log records who accepted it, and what it opens,
before the push (\`sentinel log --type policy_change\`). The first policy pushed to a parameter is
not compared.`;

/** Builds `policy push`. */
export function policyPushCommand(ctx: CommandContext) {
  return declare(
    new Command("push")
      .description("Validate a policy file and store it in SSM")
      .argument("<parameter>", "ssm:<name>")
      .argument("<file>", "the policy file (- for standard input)")
      .option("--secure", "store it as a SecureString (encrypted with KMS)")
      .option("--revoke", "revoke the sessions of everyone the new policy no longer allows")
      .option(
        "--accept-widening",
        "push even though the new policy opens access (recorded in the decision log)",
      )
      .addOption(regionOption())
      .addOption(awsProfileOption("to use"))
      .addOption(storeOption())
      .addOption(misplacedProfileOption()),
    {
      about: PUSH_ABOUT,
      exits: [
        [ExitCode.Ok, "pushed"],
        [ExitCode.InvalidConfig, "invalid policy"],
        [ExitCode.AwsFailure, "AWS failure"],
        [
          ExitCode.PolicyDiffers,
          "the new policy opens access, and --accept-widening was not given",
        ],
      ],
      examples: [
        "sentinel policy push ssm:/sentinel/policy policy.yaml --aws-profile security",
        "sentinel policy push ssm:/sentinel/policy policy.yaml --secure --region eu-central-1",
        "sentinel policy push ssm:/sentinel/policy policy.yaml --revoke --aws-profile security",
        "sentinel policy push ssm:/sentinel/policy policy.yaml --accept-widening --aws-profile security",
      ],
    },
  ).action(ctx.action(async (parameter, file, options): Promise<Answer> => {
    const name = parameterOf(parameter);
    const text = await ctx.deps.files.readText(file, "policy file");
    const access = awsAccess(options);
    const at = await adminSsmLocation(ctx.deps, name, access, "policy push");
    const pushed = await pushWithImpact(ctx.deps, at, text, file, options.secure ?? false, {
      decide: (impact) => decideRevocation(ctx, impact, options.revoke === true),
      required: options.revoke === true,
      acceptWidening: options.acceptWidening === true,
      flags: { ...access, store: options.store },
    });
    return {
      json: {
        parameter,
        region: at.region,
        ...pushJson(pushed, parameter, file, ssmAccessArguments(access)),
      },
      text: () =>
        human`pushed ${file} to ${parameter} in ${at.region} (${at.regionFrom}), version ${pushed.version}\n` +
        proofSummary(pushed) + pushText(pushed),
    };
  }));
}

function pushJson(pushed: PushOutcome, parameter: string, file: string, flags: string[]) {
  return {
    version: pushed.version,
    proof: pushed.proof === undefined
      ? null
      : proofJson({ ...pushed.proof, old: parameter, next: displayName(file), flags }),
    widening_accepted_by: pushed.acceptedBy ?? null,
    lost_access: pushed.impact.lost.map(lostJson),
    unchecked_user_patterns: pushed.impact.unlisted,
    revoked: pushed.revoked.map((outcome) => ({
      user: outcome.scope.user,
      role_arns: outcome.roles.map((role) => role.roleArn),
      issued_before: new Date(outcome.before).toISOString(),
    })),
  };
}

/** The proof's result in a few lines: what the change opens (and who accepted it), what it takes. */
function proofSummary(pushed: PushOutcome): string {
  if (pushed.proof === undefined) {
    return pushed.acceptedBy === undefined
      ? "no policy was in SSM before: nothing to compare\n"
      : human`the change could not be proven; accepted by ${pushed.acceptedBy}\n`;
  }
  const { proof, zones } = pushed.proof;
  const widening = proof.regions.filter((region) => region.kind === "widens");
  const narrowing = proof.regions.length - widening.length;
  const days = Math.round((proof.to - proof.from) / 86_400_000);
  if (!pushed.proof.opensAccess) {
    return `proven over ${days} days: no new access${
      narrowing === 0 ? "" : `; access taken away in ${narrowing} region(s)`
    }\n`;
  }
  return human`proven over ${days} days: the change opens access (accepted by ${
    pushed.acceptedBy ?? "?"
  }):\n` +
    widening.slice(0, 5).map((region) => human`  ${describeRegion(proof, region, zones).line}\n`)
      .join("") +
    (widening.length > 5 ? `  … ${widening.length - 5} more\n` : "") +
    pushed.proof.sections.filter((section) => section.mayOpen).map((section) =>
      human`  ${section.section} ${section.name}: ${section.change} (not proven)\n`
    ).join("");
}

function lostJson(lost: LostAccess) {
  return {
    user: lost.user,
    profile: lost.profile,
    role_arn: lost.roleArn,
    allowed_by: lost.was.rule ?? null,
    now: lost.now.effect,
    now_by: lost.now.rule ?? null,
  };
}

function lostLines(impact: PolicyChangeImpact): string {
  return impact.lost.map((lost) =>
    human`  ${lost.user} on ${lost.profile}: allowed by rule ${lost.was.rule ?? "?"}, now ${
      lost.now.effect === "deny" ? "denied" : "requires approval"
    } (${lost.now.rule ?? "no rule matches"})\n`
  ).join("");
}

/** --revoke, else a question on a terminal (text output), else no. */
async function decideRevocation(
  ctx: CommandContext,
  impact: PolicyChangeImpact,
  revoke: boolean,
): Promise<boolean> {
  if (revoke) return true;
  if (!ctx.io.stdinIsTerminal() || ctx.output() !== "text") return false;
  ctx.sayErr(`the new policy no longer allows:\n${lostLines(impact)}`);
  ctx.io.stderr("revoke their sessions already issued? [y/N] ");
  return /^y(es)?$/i.test((await ctx.io.readLine())?.trim() ?? "");
}

function pushText(pushed: PushOutcome): string {
  const { impact, revoked } = pushed;
  let text = "";
  if (impact.lost.length > 0) {
    text += `the new policy no longer allows:\n${lostLines(impact)}`;
    if (revoked.length > 0) {
      for (const outcome of revoked) {
        text += human`revoked ${outcome.scope.user}'s sessions issued before ${
          isoSeconds(outcome.before)
        } on ${outcome.roles.map((role) => role.roleArn).join(", ")}\n`;
      }
    } else {
      const users = [...new Set(impact.lost.map((lost) => lost.user))];
      text += "their sessions already issued stay valid until they expire; to cut them off:\n" +
        users.map((user) => {
          const profiles = [
            ...new Set(impact.lost.filter((l) => l.user === user).map((l) => l.profile)),
          ];
          return `  ${
            commandLine(["sentinel", "revoke", "--user", user, "--profiles", profiles.join(",")])
          }\n`;
        }).join("");
    }
  }
  if (impact.unlisted.length > 0) {
    text += human`not checked: ${impact.unlisted.join("; ")}\n`;
  }
  return text;
}

/**
 * `sentinel check <profile>`: a what-if decision, with `--explain` for the trace of why, and for
 * `require_approval` whether an approved request covers the user (as `credentials` would judge).
 * Exits 0 for allow (or require_approval covered by an approved request), 4 for deny, 5 for
 * require_approval, 3 for an invalid policy.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { checkAccess } from "../app/check.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { parseInstant } from "../core/policy/time/instant.ts";
import { CREDENTIAL_MODES, type Effect } from "../core/policy/schema.ts";
import { declare } from "./_command.ts";
import { awsProfileOption, policyOption, regionOption } from "./_flags.ts";
import type { Answer, CommandContext } from "./context.ts";
import { checkJson, checkText } from "./render.ts";

/** The exit code `check` ends with for each effect. */
export const EXIT_CODE_BY_EFFECT: Record<Effect, ExitCode> = {
  allow: ExitCode.Ok,
  deny: ExitCode.Denied,
  require_approval: ExitCode.ApprovalRequired,
};

const ABOUT = `
For require_approval on a profile (its store known), check looks for an approved request that
covers the user then, as credentials does, and says "approved request <id> covers <user> until
<time>". --at is echoed as typed, with its UTC instant.`;

/** Builds the `check` command. */
export function checkCommand(ctx: CommandContext) {
  return declare(
    new Command("check")
      .description("Decide what the policy says for a profile and user, without issuing anything")
      .argument("<profile>", "the AWS profile being asked for")
      .addOption(policyOption("-p"))
      .option("-u, --user <name>", "the identity to decide for (default: verified from STS)")
      .option("--role-arn <arn>", "the role ARN the profile resolves to (for rules with roles:)")
      .option("--at <time>", "decide as of this RFC 3339 time instead of now")
      .addOption(
        new Option("--mode <mode>", "how credentials are asked for").choices(CREDENTIAL_MODES),
      )
      .option("--explain", "show why each rule did or did not match")
      .addOption(awsProfileOption("read an SSM policy"))
      .addOption(regionOption()),
    {
      about: ABOUT,
      exits: [
        [ExitCode.Ok, "allow (or require_approval covered by an approved request)"],
        [ExitCode.Denied, "deny"],
        [ExitCode.ApprovalRequired, "require_approval"],
        [ExitCode.InvalidConfig, "invalid policy or configuration"],
        [ExitCode.AwsFailure, "AWS failure (reading an SSM policy or verifying the user)"],
      ],
      examples: [
        "sentinel check prod --policy examples/policy.yaml --user alice@example.com",
        "sentinel check prod -p examples/policy.yaml -u bob@example.com --at 2026-03-07T23:00:00+01:00 --explain",
        "sentinel check prod                # user from STS, policy and role from the profile",
        "sentinel check prod -p ssm:/sentinel/policy -u alice --aws-profile security --region eu-central-1",
        "sentinel check prod -p policy.yaml -u alice --role-arn arn:aws:iam::123456789012:role/Admin --output json",
      ],
    },
  ).action(ctx.action(async (profile, options): Promise<Answer> => {
    const result = await checkAccess(ctx.deps, {
      profile,
      user: options.user,
      policy: options.policy,
      roleArn: options.roleArn,
      ...(options.at === undefined ? {} : { at: atFlag(options.at), atText: options.at }),
      mode: options.mode,
      awsProfile: options.awsProfile,
      region: options.region,
    });
    const explain = options.explain === true;
    return {
      json: checkJson(result, explain),
      text: () => checkText(result, explain, (effect, text) => ctx.style.effect(effect, text)),
      asIs: true,
      exitCode: result.approval?.cover !== undefined
        ? ExitCode.Ok
        : EXIT_CODE_BY_EFFECT[result.explanation.effect],
    };
  }));
}

function atFlag(text: string): number {
  const parsed = parseInstant(text);
  if (!parsed.ok) throw new SentinelError("usage", `--at ${parsed.message}`);
  return parsed.epochMs;
}

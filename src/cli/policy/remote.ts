/**
 * `sentinel policy pull | push | diff`: the policy in SSM Parameter Store against a local file.
 * Each names the region it used.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { adminSsmLocation, pullPolicy, pushPolicy } from "../../app/policy.ts";
import { ExitCode, SentinelError } from "../../core/errors.ts";
import { lineDiff, unifiedHunks } from "../../core/text/line_diff.ts";
import { policySourceOf } from "../../core/policy/source.ts";
import { human } from "../render.ts";
import { awsAccess, awsProfileOption, misplacedProfileOption, regionOption } from "../_flags.ts";
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

/** Builds `policy push`. */
export function policyPushCommand(ctx: CommandContext) {
  return declare(
    new Command("push")
      .description("Validate a policy file and store it in SSM")
      .argument("<parameter>", "ssm:<name>")
      .argument("<file>", "the policy file (- for standard input)")
      .option("--secure", "store it as a SecureString (encrypted with KMS)")
      .addOption(regionOption())
      .addOption(awsProfileOption("to use"))
      .addOption(misplacedProfileOption()),
    {
      about: `${SSM_HELP}
An invalid policy is never pushed (exit 3, every error listed). After a push, this machine's
cached copy of the old policy is dropped, so the next issuance here uses the new one.`,
      exits: [
        [ExitCode.Ok, "pushed"],
        [ExitCode.InvalidConfig, "invalid policy"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples: [
        "sentinel policy push ssm:/sentinel/policy policy.yaml --aws-profile security",
        "sentinel policy push ssm:/sentinel/policy policy.yaml --secure --region eu-central-1",
      ],
    },
  ).action(ctx.action(async (parameter, file, options): Promise<Answer> => {
    const name = parameterOf(parameter);
    const text = await ctx.deps.files.readText(file, "policy file");
    const at = await adminSsmLocation(ctx.deps, name, awsAccess(options), "policy push");
    const version = await pushPolicy(ctx.deps, at, text, file, options.secure ?? false);
    return {
      json: { parameter, region: at.region, version },
      text: () =>
        human`pushed ${file} to ${parameter} in ${at.region} (${at.regionFrom}), version ${version}\n`,
    };
  }));
}

/** Builds `policy diff`. */
export function policyDiffCommand(ctx: CommandContext) {
  return declare(
    new Command("diff")
      .description("Show how a local policy file differs from the one in SSM")
      .argument("<parameter>", "ssm:<name>")
      .argument("<file>", "the local policy file (- for standard input)")
      .addOption(regionOption())
      .addOption(awsProfileOption("to use"))
      .addOption(misplacedProfileOption()),
    {
      about: `${SSM_HELP}

The differences are printed as a unified diff (as diff -u): each change with three lines of
context, lines only in SSM as -, only in the file as +. --output json gives every line.`,
      exits: [
        [ExitCode.Ok, "identical"],
        [ExitCode.PolicyDiffers, "different"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples: ["sentinel policy diff ssm:/sentinel/policy policy.yaml"],
    },
  ).action(ctx.action(async (parameter, file, options): Promise<Answer> => {
    const at = await adminSsmLocation(
      ctx.deps,
      parameterOf(parameter),
      awsAccess(options),
      "policy diff",
    );
    const remote = await pullPolicy(ctx.deps, at);
    const local = await ctx.deps.files.readText(file, "policy file");
    const lines = lineDiff(remote, local);
    const changed = lines.some((line) => !line.startsWith(" "));
    return {
      json: { parameter, region: at.region, file, changed, diff: lines },
      text: () =>
        changed
          ? human`--- ${parameter} (${at.region})\n+++ ${file}\n` +
            unifiedHunks(lines).join("\n") + "\n"
          : human`${file} matches ${parameter} (${at.region})\n`,
      exitCode: changed ? ExitCode.PolicyDiffers : ExitCode.Ok,
    };
  }));
}

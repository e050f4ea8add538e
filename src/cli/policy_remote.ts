/**
 * `sentinel policy pull | push | diff`: the policy in SSM Parameter Store against a local file.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { pullPolicy, pushPolicy, ssmTarget } from "../app/policy_store.ts";
import { readUserFile } from "../app/policy_source.ts";
import { lineDiff } from "../core/line_diff.ts";
import { type CommandContext, type OutputFormat, writeJson } from "./context.ts";

const SSM_HELP = `
Credentials come from --profile, AWS_PROFILE, or the environment; the region from --region,
AWS_REGION or AWS_DEFAULT_REGION (default us-east-1).`;

/** Builds `policy pull`. */
export function policyPullCommand(ctx: CommandContext, output: () => OutputFormat) {
  return new Command("pull")
    .description("Print (or save) the policy stored in SSM")
    .argument("<parameter>", "ssm:<name>")
    .argument("[file]", "write it here instead of standard output")
    .option("--region <region>", "the AWS region")
    .option("--profile <profile>", "the AWS profile whose credentials to use")
    .addHelpText(
      "after",
      `${SSM_HELP}

Examples:
  $ sentinel policy pull ssm:/sentinel/policy
  $ sentinel policy pull ssm:/sentinel/policy policy.yaml --profile security-admin`,
    )
    .action(async (parameter, file, options) => {
      const env = ctx.io.env();
      const target = ssmTarget(parameter, options, env);
      const text = await pullPolicy(target, env);
      if (file !== undefined) {
        await ctx.io.writeTextFile(file, text);
        if (output() === "json") writeJson(ctx.io.stdout, { parameter, file, bytes: text.length });
        else ctx.io.stderr(`wrote ${parameter} to ${file}\n`);
      } else if (output() === "json") writeJson(ctx.io.stdout, { parameter, text });
      else ctx.io.stdout(text.endsWith("\n") ? text : text + "\n");
    });
}

/** Builds `policy push`. */
export function policyPushCommand(ctx: CommandContext, output: () => OutputFormat) {
  return new Command("push")
    .description("Validate a policy file and store it in SSM")
    .argument("<parameter>", "ssm:<name>")
    .argument("<file>", "the policy file (- for standard input)")
    .option("--secure", "store it as a SecureString (encrypted with KMS)")
    .option("--region <region>", "the AWS region")
    .option("--profile <profile>", "the AWS profile whose credentials to use")
    .addHelpText(
      "after",
      `${SSM_HELP}
An invalid policy is never pushed (exit 3, every error listed).

Examples:
  $ sentinel policy push ssm:/sentinel/policy policy.yaml
  $ sentinel policy push ssm:/sentinel/policy policy.yaml --secure --region eu-central-1`,
    )
    .action(async (parameter, file, options) => {
      const env = ctx.io.env();
      const target = ssmTarget(parameter, options, env);
      const text = await readUserFile(ctx.io.readTextFile, file, "policy file");
      const version = await pushPolicy(target, text, file, options.secure ?? false, env);
      if (output() === "json") writeJson(ctx.io.stdout, { parameter, version });
      else ctx.io.stdout(`pushed ${file} to ${parameter} (version ${version})\n`);
    });
}

/** Builds `policy diff`. */
export function policyDiffCommand(ctx: CommandContext, output: () => OutputFormat) {
  return new Command("diff")
    .description("Show how a local policy file differs from the one in SSM")
    .argument("<parameter>", "ssm:<name>")
    .argument("<file>", "the local policy file (- for standard input)")
    .option("--region <region>", "the AWS region")
    .option("--profile <profile>", "the AWS profile whose credentials to use")
    .addHelpText(
      "after",
      `${SSM_HELP}
Exit codes: 0 identical, 1 different (lines from SSM are -, from the file +).

Examples:
  $ sentinel policy diff ssm:/sentinel/policy policy.yaml`,
    )
    .action(async (parameter, file, options) => {
      const env = ctx.io.env();
      const remote = await pullPolicy(ssmTarget(parameter, options, env), env);
      const local = await readUserFile(ctx.io.readTextFile, file, "policy file");
      const lines = lineDiff(remote, local);
      const changed = lines.some((line) => !line.startsWith(" "));
      if (output() === "json") {
        writeJson(ctx.io.stdout, { parameter, file, changed, diff: lines });
      } else if (changed) {
        ctx.io.stdout(`--- ${parameter}\n+++ ${file}\n${lines.join("\n")}\n`);
      } else ctx.io.stdout(`${file} matches ${parameter}\n`);
      if (changed) ctx.outcome.exitCode = 1;
    });
}

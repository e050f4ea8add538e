/**
 * `sentinel enforce trust-policy | scp`: print the IAM JSON that requires Sentinel's
 * SourceIdentity on protected roles.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { serviceControlPolicy, trustPolicy } from "../core/trust_policy.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { declare } from "./_command.ts";
import type { CommandContext } from "./context.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Prints an IAM document, as it is in every output format (it is what IAM reads). */
function printer(ctx: CommandContext) {
  return (value: unknown) => ctx.say(JSON.stringify(value, null, 2) + "\n");
}

/** `enforce trust-policy`. */
function trustPolicyCommand(ctx: CommandContext) {
  return declare(
    new Command("trust-policy")
      .description("A role trust policy requiring a Sentinel SourceIdentity")
      .option("--principal <account-or-arn>", "who may assume the role (repeatable)", collect)
      .option("--user <name>", "admit only this Sentinel user (repeatable)", collect)
      .option("--external-id <id>", "also require this ExternalId")
      .option("--migration", "also admit sessions without any SourceIdentity, during rollout"),
    {
      exits: [[ExitCode.Ok, "printed"], [ExitCode.Usage, "usage (no --principal)"]],
      examples: [
        "sentinel enforce trust-policy --principal 123456789012 > trust.json",
        "aws iam update-assume-role-policy --role-name SentinelProd --policy-document file://trust.json",
        "sentinel enforce trust-policy --principal 123456789012 --user alice@example.com --migration",
      ],
    },
  ).action(ctx.action((options) => {
    if (!options.principal?.length) {
      throw new SentinelError(
        "usage",
        "name who may assume the role: --principal <account id or principal ARN>",
      );
    }
    printer(ctx)(trustPolicy({
      principals: options.principal,
      users: options.user,
      migration: options.migration,
      externalId: options.externalId,
    }));
  }));
}

/** `enforce scp`. */
function scpCommand(ctx: CommandContext) {
  return declare(
    new Command("scp")
      .description("A service control policy requiring a Sentinel SourceIdentity org-wide")
      .option("--role <arn-pattern>", "protected role ARN, globs allowed (repeatable)", collect)
      .option("--user <name>", "admit only this Sentinel user (repeatable)", collect)
      .option("--migration", "only deny SourceIdentities that are not Sentinel's, during rollout"),
    {
      exits: [[ExitCode.Ok, "printed"], [ExitCode.Usage, "usage (no --role)"]],
      examples: [
        "sentinel enforce scp --role 'arn:aws:iam::*:role/SentinelProd*' > scp.json",
        "sentinel enforce scp --role 'arn:aws:iam::*:role/*' --migration",
      ],
    },
  ).action(ctx.action((options) => {
    if (!options.role?.length) {
      throw new SentinelError(
        "usage",
        "name the protected roles: --role 'arn:aws:iam::*:role/<name or pattern>'",
      );
    }
    printer(ctx)(serviceControlPolicy({
      roles: options.role,
      users: options.user,
      migration: options.migration,
    }));
  }));
}

/** Builds `enforce` with its two subcommands. */
export function enforceCommand(ctx: CommandContext) {
  const enforce = declare(
    new Command("enforce").description(
      "Print IAM policies that admit only Sentinel-stamped sessions",
    ),
    {
      exits: [[ExitCode.Ok, "printed"], [ExitCode.Usage, "usage (a missing flag)"]],
      examples: [
        "sentinel enforce trust-policy --principal 123456789012",
        "sentinel enforce scp --role 'arn:aws:iam::*:role/SentinelProd*' --migration",
      ],
    },
  );
  enforce.addCommand(trustPolicyCommand(ctx));
  enforce.addCommand(scpCommand(ctx));
  return enforce;
}

/**
 * `sentinel enforce trust-policy | scp | plan | broker-iam | revocation-policy`: print the IAM JSON that requires
 * Sentinel's SourceIdentity on protected roles — or, in broker mode, admits only the broker role —
 * report which real roles still admit someone besides the broker, print the broker role's and
 * its users' identity policies, and the role policy that revokes sessions already issued.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { brokerIamFacts } from "../app/broker_iam.ts";
import { revocationPolicy, revokedRoles } from "../app/revocation_policy.ts";
import { revokerIamPolicy, ROLE_INLINE_POLICY_LIMIT } from "../core/revocation/role_policy.ts";
import { brokerRolePolicy, brokerUsersPolicy } from "../core/broker/iam.ts";
import { storeNamed } from "../core/store/location.ts";
import { type EnforcementPlan, planEnforcement, type RolePlan } from "../app/enforce_plan.ts";
import {
  brokerTrustPolicy,
  isRoleArn,
  serviceControlPolicy,
  trustPolicy,
} from "../core/trust_policy.ts";
import type { Opening } from "../core/trust_analysis.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { declare } from "./_command.ts";
import {
  awsAccess,
  awsProfileOption,
  callerFlags,
  collect,
  misplacedProfileOption,
  regionOption,
  storeOption,
} from "./_flags.ts";
import type { Answer, CommandContext } from "./context.ts";
import { counted, human, table } from "./render.ts";

/** Prints an IAM document, as it is in every output format (it is what IAM reads). */
function printer(ctx: CommandContext) {
  return (value: unknown) => ctx.say(JSON.stringify(value, null, 2) + "\n");
}

/** An example broker role ARN for help texts. */
const EXAMPLE_BROKER = "arn:aws:iam::123456789012:role/SentinelBroker";

/** `--broker-role`, checked: an IAM role ARN. */
function brokerRoleOf(value: string | undefined): string | undefined {
  if (value === undefined || isRoleArn(value)) return value;
  throw new SentinelError(
    "usage",
    human`--broker-role "${value}" is not an IAM role ARN; write the ARN of the role sentinel serve ` +
      `runs as, like ${EXAMPLE_BROKER} (arn:aws:iam::<12-digit account>:role/[path/]<name>)`,
  );
}

/** `enforce trust-policy`. */
function trustPolicyCommand(ctx: CommandContext) {
  return declare(
    new Command("trust-policy")
      .description("A role trust policy requiring a Sentinel SourceIdentity")
      .option(
        "--broker-role <arn>",
        "broker mode: admit only this role, the one sentinel serve runs as",
      )
      .option("--principal <account-or-arn>", "who may assume the role (repeatable)", collect)
      .option("--user <name>", "admit only this Sentinel user (repeatable)", collect)
      .option("--external-id <id>", "also require this ExternalId")
      .option("--migration", "also admit sessions without any SourceIdentity, during rollout"),
    {
      about: `
With --broker-role (broker mode) the policy admits only the broker role, with sts:AssumeRole and
sts:SetSourceIdentity and a Sentinel SourceIdentity; --user and --external-id narrow it further.
--principal (local mode: your users' own principals) and --migration do not combine with it.`,
      exits: [
        [ExitCode.Ok, "printed"],
        [ExitCode.Usage, "usage (no --broker-role or --principal, both, or not a role ARN)"],
      ],
      examples: [
        `sentinel enforce trust-policy --broker-role ${EXAMPLE_BROKER} > trust.json`,
        "aws iam update-assume-role-policy --role-name SentinelProd --policy-document file://trust.json",
        "sentinel enforce trust-policy --principal 123456789012 --user alice@example.com --migration",
      ],
    },
  ).action(ctx.action((options) => {
    const brokerRole = brokerRoleOf(options.brokerRole);
    if (brokerRole === undefined) {
      if (!options.principal?.length) {
        throw new SentinelError(
          "usage",
          "name who may assume the role: --broker-role <the broker's role ARN> (broker mode), " +
            "or --principal <account id or principal ARN>",
        );
      }
      return printer(ctx)(trustPolicy({
        principals: options.principal,
        users: options.user,
        migration: options.migration,
        externalId: options.externalId,
      }));
    }
    refuseWithBroker(options);
    printer(ctx)(
      brokerTrustPolicy({ brokerRole, users: options.user, externalId: options.externalId }),
    );
  }));
}

/** What --broker-role does not combine with, refused with why. */
function refuseWithBroker(options: { principal?: string[]; migration?: true }): void {
  if (options.principal?.length) {
    throw new SentinelError(
      "usage",
      "give either --broker-role or --principal, not both: in broker mode the broker role is the " +
        "only principal the role trusts",
    );
  }
  if (options.migration) {
    throw new SentinelError(
      "usage",
      "--migration admits unstamped sessions of --principal while local mode rolls out; the broker " +
        "stamps every session, so it has no use with --broker-role",
    );
  }
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

/** Role names and ARNs from `--roles` (repeatable, comma-separated), checked, without repeats. */
export function rolesOf(values: readonly string[] | undefined): string[] {
  const roles = [
    ...new Set((values ?? []).flatMap((v) => v.split(",")).map((r) => r.trim()).filter(Boolean)),
  ];
  if (roles.length === 0) {
    throw new SentinelError(
      "usage",
      "name the roles to check: --roles <role name or ARN>[,<role name or ARN>…] (repeatable)",
    );
  }
  for (const role of roles) {
    if (role.startsWith("arn:") ? isRoleArn(role) : /^[\w+=.@-]{1,64}$/.test(role)) continue;
    throw new SentinelError(
      "usage",
      human`--roles "${role}" is neither a role name nor a role ARN; write SentinelProd or ` +
        "arn:aws:iam::123456789012:role/SentinelProd",
    );
  }
  return roles;
}

/** `enforce plan`. */
function planCommand(ctx: CommandContext) {
  return declare(
    new Command("plan")
      .description(
        "Who besides the broker can still assume each role (reads them with IAM GetRole)",
      )
      .option(
        "--roles <names-or-arns>",
        "the roles to check, comma-separated (repeatable)",
        collect,
      )
      .option(
        "--broker-role <arn>",
        "the broker's role ARN: the one principal the roles should trust",
      )
      .addOption(awsProfileOption("read the roles (iam:GetRole)"))
      .addOption(regionOption())
      .addOption(misplacedProfileOption()),
    {
      about: `
Reads each role's trust policy with IAM GetRole, with your own credentials, and lists every
principal besides the broker that an Allow statement lets assume it: everyone, an account (any
principal of it whose IAM policies allow sts:AssumeRole on the role), users, roles, services and
identity providers. Conditions are listed but never counted as closing a statement: a Sentinel
SourceIdentity is chosen by the caller. Only the broker role named as the principal counts as
closed; a Deny counts only where it surely refuses. Without --broker-role, everyone who can
assume a role is listed. IAM is global: --region only chooses the partition (aws-cn, aws-us-gov).`,
      exits: [
        [ExitCode.Ok, "every role admits only the broker"],
        ExitCode.Usage,
        [ExitCode.InvalidConfig, "the config files cannot be read"],
        [ExitCode.AwsFailure, "GetRole failed (the message names the role)"],
        [ExitCode.ChecksFailed, "a role admits someone besides the broker (or not the broker)"],
      ],
      examples: [
        `sentinel enforce plan --roles SentinelProd,SentinelAdmin --broker-role ${EXAMPLE_BROKER}`,
        `sentinel enforce plan --roles SentinelProd --broker-role ${EXAMPLE_BROKER} --output json ` +
        "| jq '.roles[] | select(.ok == false)'",
      ],
    },
  ).action(ctx.action(async (options): Promise<Answer> => {
    const roles = rolesOf(options.roles);
    const brokerRole = brokerRoleOf(options.brokerRole);
    const plan = await planEnforcement(ctx.deps, { roles, brokerRole, access: awsAccess(options) });
    return {
      json: planJson(plan),
      text: () => planText(plan),
      exitCode: plan.ok ? ExitCode.Ok : ExitCode.ChecksFailed,
    };
  }));
}

/** The plan as `--output json` writes it. */
function planJson(plan: EnforcementPlan) {
  return {
    ok: plan.ok,
    broker_role: plan.brokerRole,
    roles: plan.roles.map((role) => ({
      role: role.requested,
      role_arn: role.arn,
      ok: role.analysis.ok,
      broker_admitted: role.analysis.broker?.admitted ?? null,
      broker: role.analysis.broker?.detail ?? null,
      others: role.analysis.others.map((o) => ({
        statement: statementLabel(o),
        sid: o.sid,
        index: o.index,
        principal: o.principal,
        kind: o.kind,
        actions: o.actions,
        conditions: o.conditions,
        why: o.why,
      })),
      notes: role.analysis.notes,
    })),
  };
}

function statementLabel(opening: Opening): string {
  if (opening.index < 0) return "(document)";
  return opening.sid === null ? `#${opening.index}` : `${opening.sid} (#${opening.index})`;
}

/** The plan as a table: one row per role that is closed, one per opening of the others. */
function planText(plan: EnforcementPlan): string {
  const rows = plan.roles.flatMap((role) => roleRows(role, plan.brokerRole !== null));
  const open = plan.roles.filter((role) => !role.analysis.ok).length;
  const notes = plan.roles.flatMap((role) =>
    role.analysis.notes.map((n) => `note: ${role.name}: ${n}`)
  );
  const head = plan.brokerRole === null
    ? "No --broker-role: every principal that can assume a role is listed.\n"
    : `Broker role: ${plan.brokerRole}\n`;
  return `${head}\n${table(["ROLE", "OK", "WHO ELSE CAN ASSUME IT", "STATEMENT", "WHY"], rows)}\n${
    [...notes, verdict(plan, open)].join("\n")
  }\n`;
}

/** The last line: all closed, or how many are not and what to do. */
function verdict(plan: EnforcementPlan, open: number): string {
  const all = plan.roles.length;
  if (open === 0) {
    if (plan.brokerRole === null) return "No one can assume these roles.";
    return all === 1 ? "The role admits only the broker." : "Every role admits only the broker.";
  }
  if (plan.brokerRole === null) {
    return `${open} of ${counted(all, "role", "roles")} can be assumed.`;
  }
  return `${open} of ${counted(all, "role", "roles")} ${
    open === 1 ? "admits" : "admit"
  } someone besides the broker (or not the broker); ` +
    "`sentinel enforce trust-policy --broker-role <arn>` prints a trust policy that admits only it.";
}

function roleRows(role: RolePlan, withBroker: boolean): string[][] {
  const { analysis, name } = role;
  const rows = analysis.others.map((o) => [name, "open", o.principal, statementLabel(o), o.why]);
  if (analysis.broker !== null && !analysis.broker.admitted) {
    rows.push([name, "open", "(the broker cannot)", "", analysis.broker.detail]);
  }
  if (rows.length > 0) return rows;
  const who = withBroker ? "no one: only the broker" : "no one";
  return [[name, "ok", who, "", analysis.broker?.detail ?? ""]];
}

const BROKER_IAM_ABOUT = `
Reads this host's configuration as \`sentinel serve\` would (run it where the broker runs, with
its --aws-profile/--store): the store's DynamoDB table, the role of every Sentinel profile here, the
SSM parameters of their policies and the SNS topics of the sns notifiers. Nothing is read from AWS.
  --for broker  the broker role's identity policy: the table and its indexes (read and conditional
                writes only), AssumeRole and SetSourceIdentity on the protected roles,
                ssm:GetParameter on the policies, sns:Publish on the topics
                (and logs:CreateLogStream, PutLogEvents for cloudwatch_logs sinks); a SecureString
                policy under a customer-managed KMS key also needs kms:Decrypt on that key
  --for users   for every user's group or permission set (not the policy's owners): an explicit
                Deny of the table, of assuming the protected roles and of writing the policies'
                parameters, so no other grant lets them forge an approval, skip the broker or
                rewrite what it enforces (they need no AWS permission at all: proofs need none)`;

/** `enforce broker-iam`. */
function brokerIamCommand(ctx: CommandContext) {
  return declare(
    new Command("broker-iam")
      .description("The IAM policies of broker mode: the broker role's, and its users'")
      .addOption(
        new Option("--for <whom>", "whose policy").choices(["broker", "users"]).default("broker"),
      )
      .option("--account <id>", "the broker's account (default: that of the protected roles)")
      .addOption(awsProfileOption())
      .addOption(regionOption())
      .addOption(storeOption())
      .addOption(misplacedProfileOption()),
    {
      about: BROKER_IAM_ABOUT,
      exits: [[ExitCode.Ok, "printed"], [ExitCode.Usage, "usage (the account is unknown)"], [
        ExitCode.InvalidConfig,
        "invalid configuration",
      ]],
      examples: [
        "sentinel enforce broker-iam --aws-profile broker > broker-role-policy.json",
        "sentinel enforce broker-iam --for users --aws-profile broker > users-policy.json",
      ],
    },
  ).action(ctx.action(async (options) => {
    const facts = await brokerIamFacts(ctx.deps, {
      ...callerFlags(options),
      account: options.account,
    });
    for (const skipped of facts.skipped) ctx.deps.warn(`profile ${skipped}; left out`);
    if (facts.store.kind !== "dynamodb") {
      ctx.deps.warn(
        human`the store ${
          storeNamed(facts.store)
        } is a file of the broker's host: no table in the policy; a fleet of brokers needs a DynamoDB store`,
      );
    }
    const { resources } = facts;
    printer(ctx)(
      options.for === "users" ? brokerUsersPolicy(resources) : brokerRolePolicy(resources),
    );
  }));
}

const REVOCATION_ABOUT = `
Prints the inline role policy (named SentinelRevocations) that denies everything to sessions whose
SourceIdentity names these people and that were issued before now — sessions Sentinel issued and
roles chained from them, which keep the stamp. Their next session, issued after it, is not
affected, nor is anyone else's. With --merge-into, the role's current policy is kept: a person
revoked again moves to the new time, statements older than the longest session (12 h) are dropped,
and when the document would pass IAM's 10,240 characters (for all of a role's inline policies
together) it is consolidated into one statement at the latest time (which denies more, never less;
stderr says so). Apply it to each protected role:
  aws iam get-role-policy --role-name SentinelProd --policy-name SentinelRevocations \\
    --query PolicyDocument > current.json       # skip when the role has none yet
  sentinel enforce revocation-policy --user alice --merge-into current.json > next.json
  aws iam put-role-policy --role-name SentinelProd --policy-name SentinelRevocations \\
    --policy-document file://next.json
Two administrators doing this at once on one role can lose one's revocation: one at a time.
--print-iam prints what that administrator needs: iam:GetRolePolicy, PutRolePolicy and
DeleteRolePolicy on the protected roles (--role, else the roles of this host's Sentinel profiles).
Calls already in flight finish, and services that cached the credentials (an SDK's client) keep
them until they next call AWS.`;

/** `enforce revocation-policy`. */
function revocationPolicyCommand(ctx: CommandContext) {
  return declare(
    new Command("revocation-policy")
      .description("A role policy denying sessions already issued to these people")
      .option("--user <name>", "the person, as the policy names them (repeatable)", collect)
      .option("--breakglass", "only their sessions issued under break-glass")
      .option("--merge-into <file>", "the role's current SentinelRevocations policy document")
      .option(
        "--print-iam",
        "print instead what a revoker needs: Get/Put/DeleteRolePolicy on the protected roles",
      )
      .option(
        "--role <arn>",
        "with --print-iam: a protected role (repeatable; default: this host's)",
        collect,
      ),
    {
      about: REVOCATION_ABOUT,
      exits: [[ExitCode.Ok, "printed"], [ExitCode.Usage, "usage (no --user)"], [
        ExitCode.InvalidConfig,
        "the file is not a Sentinel revocation policy, or the result would not fit",
      ]],
      examples: [
        "sentinel enforce revocation-policy --user alice > revoke.json",
        "sentinel enforce revocation-policy --user alice --breakglass --merge-into current.json",
        "sentinel enforce revocation-policy --print-iam > revoker-policy.json",
      ],
    },
  ).action(ctx.action(async (options) => {
    if (options.printIam) {
      return printer(ctx)(revokerIamPolicy(await revokedRoles(ctx.deps, options.role)));
    }
    const merged = await revocationPolicy(ctx.deps, {
      users: options.user ?? [],
      breakglass: options.breakglass,
      mergeInto: options.mergeInto,
    });
    if (merged.collected > 0) {
      ctx.deps.warn(
        `${merged.collected} expired statement(s) dropped: no session they match is left`,
      );
    }
    if (merged.consolidated) {
      ctx.deps.warn(
        "consolidated into one statement at the latest time to fit IAM's limit: people revoked earlier who got a session since need a new one",
      );
    }
    ctx.deps.debug(`revocation policy: ${merged.size} of ${ROLE_INLINE_POLICY_LIMIT} characters`);
    printer(ctx)(merged.document);
  }));
}

/** Builds `enforce` with its subcommands. */
export function enforceCommand(ctx: CommandContext) {
  const enforce = declare(
    new Command("enforce").description(
      "IAM policies that admit only Sentinel-stamped sessions (or only the broker), and a check of the roles",
    ),
    {
      exits: [
        [ExitCode.Ok, "printed, or every role admits only the broker"],
        [ExitCode.Usage, "usage (a missing flag)"],
        [ExitCode.AwsFailure, "plan: GetRole failed"],
        [ExitCode.ChecksFailed, "plan: a role admits someone besides the broker"],
      ],
      examples: [
        `sentinel enforce trust-policy --broker-role ${EXAMPLE_BROKER}`,
        "sentinel enforce trust-policy --principal 123456789012",
        "sentinel enforce scp --role 'arn:aws:iam::*:role/SentinelProd*' --migration",
        `sentinel enforce plan --roles SentinelProd --broker-role ${EXAMPLE_BROKER}`,
        "sentinel enforce broker-iam --for users --aws-profile broker",
      ],
    },
  );
  enforce.addCommand(trustPolicyCommand(ctx));
  enforce.addCommand(scpCommand(ctx));
  enforce.addCommand(planCommand(ctx));
  enforce.addCommand(brokerIamCommand(ctx));
  enforce.addCommand(revocationPolicyCommand(ctx));
  return enforce;
}

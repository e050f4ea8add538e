/**
 * `sentinel init`: sets Sentinel up for one profile. On a terminal it asks for what the flags did
 * not give (the credential source with what `auto` picks here), shows the change to
 * `~/.aws/config` as a diff and asks before writing; with `--yes` (for scripts) it asks nothing.
 * It backs the config up first (`config.bak.<timestamp>`), refuses to replace an existing profile
 * without `--force`, writes a starter policy (a file, or pushed to SSM), can run `store init`, and
 * writes the trust policy the role needs to a file, printing it with the command that applies it.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { applyInit, autoSourceFor, type InitRequest, planInit } from "../app/init.ts";
import { shellQuote } from "../core/issuance/credential_formats.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { displaySafe } from "../core/text/display.ts";
import { configValueProblem } from "../core/aws_config/init_config.ts";
import { constantDefault, CREDENTIAL_SOURCES, type CredentialSource } from "../core/settings.ts";
import { declare } from "./_command.ts";
import type { Answer, CommandContext } from "./context.ts";

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;
const PROFILE_NAME = /^[A-Za-z0-9_.+@-]+$/;

const ABOUT = `
Writes layout 1 (Sentinel's own keys) into $AWS_CONFIG_FILE or ~/.aws/config:
  [profile prod]
  credential_process = sentinel credentials prod
  sentinel_role_arn = <role>
  sentinel_source_profile = base
  sentinel_policy = <policy>
  region = <region>
  sentinel_source = <source>     (only when not auto)
The file is backed up to config.bak.<timestamp> first; an existing profile is only replaced
with --force. On a terminal init asks where your base credentials come from (auto, aws-vault, sdk
or env) and says what auto picks here. Asking STS who you are goes through that source, with
aws_vault_flags (SENTINEL_AWS_VAULT_FLAGS, the config file) as every command uses them. The starter
policy allows you (as STS names you) to use the profile for up to an hour; an existing policy is
kept unless --force. Then the role's trust policy (only sessions with a Sentinel SourceIdentity
may assume it) is written to trust-<profile>.json beside the Sentinel config (0600) and printed
with the aws iam command that applies it.`;

const EXITS = [
  [ExitCode.Ok, "done (or nothing written at your answer)"],
  [ExitCode.Conflict, "~/.aws/config changed while you were deciding"],
  [ExitCode.Internal, "a write failed (nothing was changed either way)"],
  [
    ExitCode.Usage,
    "usage (a missing flag with --yes, an existing profile without --force, a profile as its own source, a value with a line break, no terminal to ask on)",
  ],
  [ExitCode.InvalidConfig, "invalid config"],
  ExitCode.AwsFailure,
] as const;

type Plan = Awaited<ReturnType<typeof planInit>>;
type Applied = Awaited<ReturnType<typeof applyInit>>;

/** The change about to be made, before asking (text output only). */
function planText(request: InitRequest, plan: Plan): string {
  return `${
    plan.replacesProfile ? "Replacing" : "Adding"
  } [profile ${request.profile}] in ${plan.configPath}:\n${
    plan.diff.map((line) => `  ${line}`).join("\n")
  }\n` + (
    plan.policyExists && !request.force
      ? `Keeping the existing policy ${request.policy}.\n`
      : `${
        plan.policyTarget.kind === "ssm" ? "Pushing" : "Writing"
      } a starter policy to ${request.policy}: ${plan.user} (${plan.userFrom}) may use ${request.profile} for up to 1h.\n`
  );
}

/** What was done, and the trust policy with the command that applies it. */
function doneText(request: InitRequest, plan: Plan, result: Applied): string {
  return [
    `Wrote ${plan.configPath}${result.backup ? ` (backup: ${result.backup})` : ""}.`,
    result.policy === "kept"
      ? `Kept the policy ${request.policy}.`
      : `${result.policy === "pushed" ? "Pushed" : "Wrote"} the starter policy ${request.policy}${
        result.policyBackup ? ` (backup: ${result.policyBackup})` : ""
      }.`,
    ...(result.store ? [`Store ${result.store.text}: ready.`] : []),
    "",
    `The role ${request.roleArn} must admit only Sentinel's sessions. Its trust policy, written to ${result.trustPolicyPath}:`,
    JSON.stringify(plan.trustPolicy, null, 2),
    `Apply it (as someone allowed to change the role) with:`,
    `  aws iam update-assume-role-policy --role-name ${
      shellQuote(request.roleArn.split("/").at(-1)!)
    } --policy-document ${shellQuote(`file://${result.trustPolicyPath}`)}`,
    "",
    "Next:",
    `  aws sts get-caller-identity --profile ${request.profile}`,
    `  sentinel doctor ${request.profile}`,
    "",
  ].join("\n");
}

function doneAnswer(request: InitRequest, plan: Plan, result: Applied): Answer {
  return {
    ...(plan.sentinelOnPath ? {} : {
      notice:
        "sentinel: warning: `sentinel` is not on PATH, so credential_process cannot start it; run scripts/install.sh\n",
    }),
    json: {
      profile: request.profile,
      config: plan.configPath,
      backup: result.backup ?? null,
      policy: request.policy,
      policy_action: result.policy,
      user: plan.user,
      store: result.store ?? null,
      trust_policy: plan.trustPolicy,
      trust_policy_file: result.trustPolicyPath,
    },
    text: () => doneText(request, plan, result),
  };
}

function refuseWithoutTerminal(ctx: CommandContext): void {
  if (ctx.io.stdinIsTerminal()) return;
  throw new SentinelError(
    "usage",
    "init asks its questions on a terminal; here there is none: pass --yes with the flags, e.g. sentinel init --yes --profile prod --role-arn arn:aws:iam::123456789012:role/SentinelProd --source-profile base",
  );
}

/** Builds `init`. */
export function initCommand(ctx: CommandContext) {
  return declare(
    new Command("init")
      .description(
        "Set up a profile for Sentinel: ~/.aws/config, a starter policy, the trust policy",
      )
      .option("--profile <name>", "the profile to write (default prod)")
      .option("--role-arn <arn>", "the role Sentinel assumes for it")
      .option(
        "--source-profile <name>",
        "the profile holding your base credentials (default base)",
      )
      .addOption(
        new Option("--source <source>", "where the base credentials come from (default auto)")
          .choices(CREDENTIAL_SOURCES),
      )
      .option("--region <region>", "the profile's region (default: the source profile's)")
      .option(
        "--policy <source>",
        "the policy: a file, or ssm:<parameter> to push it to SSM (default ~/.config/sentinel/policy.yaml)",
      )
      .option("--user <identity>", "who the starter policy allows (default: what STS says you are)")
      .option("--store-init", "also create the approval store (sentinel store init)")
      .option("-y, --yes", "ask nothing: use the flags and defaults (for scripts)")
      .option("--force", "replace an existing profile and policy (each is backed up first)"),
    {
      about: ABOUT,
      exits: EXITS,
      examples: [
        "sentinel init",
        "sentinel init --yes --profile prod --role-arn arn:aws:iam::123456789012:role/SentinelProd --source-profile base",
        "sentinel init --yes --profile prod --role-arn arn:aws:iam::123456789012:role/SentinelProd \\",
        "    --source-profile base --policy ssm:/sentinel/policy --store-init",
      ],
    },
  ).action(ctx.action(async (options) => {
    const interactive = options.yes !== true;
    if (interactive) refuseWithoutTerminal(ctx);
    const ask = interactive ? asker(ctx) : undefined;
    const request = await initRequest(ctx, options, ask);
    const plan = await planInit(ctx.deps, request);
    if (ctx.output() === "text") ctx.say(planText(request, plan));
    if (ask !== undefined && !(await ask.yesNo("Write these changes?", false))) {
      ctx.say("Nothing was written.\n");
      return;
    }
    return doneAnswer(request, plan, await applyInit(ctx.deps, plan));
  }));
}

/** Questions on the terminal (stderr), answers from standard input. */
interface Asker {
  text(question: string, fallback?: string): Promise<string>;
  yesNo(question: string, fallback: boolean): Promise<boolean>;
}

function asker(ctx: CommandContext): Asker {
  const line = async (prompt: string): Promise<string> => {
    ctx.sayErr(prompt);
    const answer = await ctx.io.readLine();
    if (answer === undefined) throw new SentinelError("usage", "init stopped: no answer");
    return answer.trim();
  };
  return {
    async text(question, fallback) {
      for (;;) {
        const answer = await line(`${question}${fallback ? ` [${fallback}]` : ""}: `);
        if (answer !== "") return answer;
        if (fallback !== undefined) return fallback;
      }
    },
    async yesNo(question, fallback) {
      const answer = (await line(`${question} [${fallback ? "Y/n" : "y/N"}] `)).toLowerCase();
      return answer === "" ? fallback : answer === "y" || answer === "yes";
    },
  };
}

interface InitOptions {
  profile?: string;
  roleArn?: string;
  sourceProfile?: string;
  source?: CredentialSource;
  region?: string;
  policy?: string;
  user?: string;
  storeInit?: boolean;
  force?: boolean;
}

/** A value from its flag (checked), else asked for (until valid), else its default. */
type ValueOf = (
  given: string | undefined,
  question: string,
  fallback: string | undefined,
  valid: (text: string) => string | undefined,
) => Promise<string>;

function valueOf(ctx: CommandContext, ask: Asker | undefined): ValueOf {
  return async (given, question, fallback, valid) => {
    if (given !== undefined) {
      const problem = valid(given);
      if (problem !== undefined) throw new SentinelError("usage", problem);
      return given;
    }
    if (ask === undefined) {
      if (fallback !== undefined) return fallback;
      throw new SentinelError("usage", `${question}: pass it as a flag with --yes`);
    }
    for (;;) {
      const answer = await ask.text(question, fallback);
      const problem = valid(answer);
      if (problem === undefined) return answer;
      ctx.sayErr(`  ${displaySafe(problem)}\n`);
    }
  };
}

const profileName = (flag: string) => (text: string) =>
  PROFILE_NAME.test(text) ? undefined : `${flag} "${text}" is not a profile name`;

/** The profile, its role and its source profile. */
async function whoAndWhat(value: ValueOf, options: InitOptions) {
  const profile = await value(
    options.profile,
    "Profile to set up",
    "prod",
    profileName("--profile"),
  );
  const roleArn = await value(
    options.roleArn,
    "Role ARN Sentinel assumes (--role-arn)",
    undefined,
    (text) =>
      ROLE_ARN.test(text)
        ? undefined
        : `--role-arn "${text}" is not a role ARN (arn:aws:iam::<account>:role/<name>)`,
  );
  const sourceProfile = await value(
    options.sourceProfile,
    "Profile with your base credentials (--source-profile)",
    "base",
    (text) =>
      text === profile
        ? `--source-profile cannot be ${profile} itself: name the profile with your base credentials`
        : profileName("--source-profile")(text),
  );
  return { profile, roleArn, sourceProfile };
}

/** The credential source: the flag, else asked for (saying what auto picks), else auto. */
async function sourceOf(
  ctx: CommandContext,
  value: ValueOf,
  given: CredentialSource | undefined,
  sourceProfile: string,
  ask: Asker | undefined,
): Promise<CredentialSource> {
  if (given !== undefined || ask === undefined) return given ?? constantDefault("source");
  const auto = await autoSourceFor(ctx.deps, sourceProfile);
  return await value(
    undefined,
    `Where your base credentials come from: auto, aws-vault, sdk or env (auto picks ${auto.picks} here: ${auto.why})`,
    constantDefault("source"),
    (text) =>
      (CREDENTIAL_SOURCES as readonly string[]).includes(text)
        ? undefined
        : `"${text}" is not a credential source: answer auto, aws-vault, sdk or env`,
  ) as CredentialSource;
}

/** The region to suggest: the source profile's, the default profile's, the environment's. */
async function suggestedRegion(ctx: CommandContext, sourceProfile: string): Promise<string> {
  const config = await ctx.deps.config.load();
  return config.aws.profiles.get(sourceProfile)?.region ??
    config.aws.profiles.get("default")?.region ?? ctx.deps.env.get("AWS_REGION") ??
    ctx.deps.env.get("AWS_DEFAULT_REGION") ?? constantDefault("region");
}

/** The request from the flags, asking for what they leave out when `ask` is given. */
async function initRequest(
  ctx: CommandContext,
  options: InitOptions,
  ask: Asker | undefined,
): Promise<InitRequest> {
  await ctx.deps.config.load();
  const value = valueOf(ctx, ask);
  const { profile, roleArn, sourceProfile } = await whoAndWhat(value, options);
  const source = await sourceOf(ctx, value, options.source, sourceProfile, ask);
  const region = await value(
    options.region,
    "Region",
    await suggestedRegion(ctx, sourceProfile),
    (text) => /^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(text) ? undefined : `"${text}" is not a region`,
  );
  const policy = await value(
    options.policy,
    "Policy: a file, or ssm:<parameter> (--policy)",
    "~/.config/sentinel/policy.yaml",
    (text) => {
      const problem = configValueProblem(text);
      return problem === undefined ? undefined : `--policy ${JSON.stringify(text)}: ${problem}`;
    },
  );
  const storeInit = options.storeInit === true ||
    (ask !== undefined && await ask.yesNo("Create the approval store now (store init)?", false));
  return {
    profile,
    roleArn,
    sourceProfile,
    source,
    region,
    policy,
    ...(options.user === undefined ? {} : { user: options.user }),
    force: options.force === true,
    storeInit,
  };
}

/**
 * `sentinel init` as a use case, in two steps so the person sees everything before anything is
 * written: {@link planInit} works out the new `~/.aws/config` (with its diff), the starter policy
 * (for the identity STS names for the source profile, asked through the credential source with the
 * `aws_vault_flags` the rest of Sentinel uses) and the trust policy the role needs;
 * {@link applyInit} backs the config up (`config.bak.<timestamp>`), writes it, writes the policy
 * file or pushes it to SSM (never over an existing one without `force`), writes the trust policy
 * as a 0600 JSON file beside the Sentinel config (for `aws iam update-assume-role-policy`), and
 * optionally runs `store init`. {@link autoSourceFor} says what `auto` would pick, for the question.
 *
 * @module
 */
import { type AwsConfigFiles, filesResolve, staticKeysOf } from "../core/aws_config/profile.ts";
import { displaySafe } from "../core/text/display.ts";
import { credentialProcessLoop, settingSources } from "../core/issuance/settings.ts";
import { constantDefault, resolveOnly } from "../core/settings.ts";
import { trustPolicy } from "../core/trust_policy.ts";
import { expandHome } from "../core/environment.ts";
import { SentinelError } from "../core/errors.ts";
import {
  compactDiff,
  configValueProblem,
  hasProfile,
  type InitProfile,
  profileSection,
  starterPolicy,
  withProfile,
} from "../core/aws_config/init_config.ts";
import { lineDiff } from "../core/text/line_diff.ts";
import { policySourceOf } from "../core/policy/source.ts";
import { validatePolicyText } from "../core/policy/load.ts";
import type { Deps } from "../ports/deps.ts";
import { pullPolicy, pushPolicy, ssmLocation } from "./policy.ts";
import { initStore } from "./store_admin.ts";
import { verifiedIdentity } from "./issuance/verified_identity.ts";

/** What the person asked for (flags or answers). */
export interface InitRequest extends InitProfile {
  /** The identity the starter policy allows; default: what STS says about the source profile. */
  user?: string;
  force: boolean;
  storeInit: boolean;
}

/** Everything `init` would do, for the person to confirm. */
export interface InitPlan {
  request: InitRequest;
  configPath: string;
  /** The config before and after, and the changed lines with a little context. */
  before: string;
  after: string;
  diff: string[];
  replacesProfile: boolean;
  user: string;
  /** Where the user came from: `--user`, or the identity STS reported. */
  userFrom: string;
  policyText: string;
  /** The policy file's path (`~` expanded), or the SSM parameter. */
  policyTarget: { kind: "file"; path: string } | { kind: "ssm"; parameter: string };
  /** Whether the policy already exists there (then it is kept unless `force`). */
  policyExists: boolean;
  /** The role's trust policy: only Sentinel-stamped sessions of the base account. */
  trustPolicy: Record<string, unknown>;
  /** Whether `sentinel` is on PATH (the credential_process line needs it). */
  sentinelOnPath: boolean;
  /** Where the trust policy is written (0600), for `--policy-document file://…`. */
  trustPolicyPath: string;
}

/** What `applyInit` did. */
export interface InitResult {
  backup?: string;
  policy: "written" | "pushed" | "kept";
  policyBackup?: string;
  store?: { text: string; done: string[] };
  /** The trust policy file written (a former one is backed up first). */
  trustPolicyPath: string;
}

/** Works out what `init` would write. Refuses to replace an existing profile without `force`. */
export async function planInit(deps: Deps, request: InitRequest): Promise<InitPlan> {
  const config = await deps.config.load();
  const configPath = deps.env.paths.awsConfig;
  const before = await deps.files.readOptional(configPath) ?? "";
  refuseUnsafeRequest(config.aws, request);
  const exists = hasProfile(before, request.profile);
  if (exists && !request.force) {
    throw new SentinelError(
      "usage",
      `profile ${request.profile} already exists in ${configPath}; choose another --profile, or pass --force to replace it (the file is backed up first)`,
    );
  }
  if (
    !config.aws.profiles.has(request.sourceProfile) &&
    !config.aws.credentials.has(request.sourceProfile) && request.source !== "env"
  ) {
    deps.warn(
      `the source profile ${request.sourceProfile} is not in ${configPath} or ${config.aws.credentialsPath}; add its keys (\`aws-vault add ${request.sourceProfile}\` or \`aws configure --profile ${request.sourceProfile}\`) before using ${request.profile}`,
    );
  }
  const { text: after, replaced } = withProfile(before, request.profile, profileSection(request));
  const { user, userFrom, account } = await whoFor(deps, request);
  const policyText = starterPolicy(
    request.profile,
    user,
    request.roleArn,
    new Date(deps.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
  );
  validatePolicyText(policyText, "starter policy");
  const source = policySourceOf(request.policy);
  const policyTarget = source.kind === "ssm"
    ? { kind: "ssm" as const, parameter: source.parameter }
    : { kind: "file" as const, path: expandHome(source.path, deps.env.paths.home) };
  const system = await deps.system();
  return {
    request,
    configPath,
    before,
    after,
    diff: compactDiff(lineDiff(before, after)),
    replacesProfile: replaced,
    user,
    userFrom,
    policyText,
    policyTarget,
    policyExists: policyTarget.kind === "file"
      ? system.pathKind(policyTarget.path) !== "missing"
      : await ssmPolicyExists(deps, request, policyTarget.parameter),
    trustPolicy: trustPolicy({ principals: [account ?? roleAccount(request.roleArn)] }),
    sentinelOnPath: system.which("sentinel") !== undefined,
    trustPolicyPath: `${
      deps.env.paths.sentinelConfig.replace(/\/[^/]*$/, "") || "."
    }/trust-${request.profile}.json`,
  };
}

/**
 * What `auto` picks for `sourceProfile` on this machine, and why: aws-vault when it is on PATH and
 * the AWS files cannot supply the profile's credentials, otherwise the SDK chain (the rule of
 * src/adapters/credential_sources.ts).
 */
export async function autoSourceFor(
  deps: Deps,
  sourceProfile: string,
): Promise<{ picks: "aws-vault" | "sdk"; why: string }> {
  const config = await deps.config.load();
  const inFiles = filesResolve(config.aws, sourceProfile);
  const awsVault = (await deps.system()).which("aws-vault") !== undefined;
  if (!inFiles && awsVault) {
    return {
      picks: "aws-vault",
      why: `the AWS files hold nothing for ${sourceProfile} and aws-vault is installed`,
    };
  }
  return {
    picks: "sdk",
    why: inFiles
      ? `the AWS files supply ${sourceProfile}`
      : `aws-vault is not installed; the SDK chain looks for ${sourceProfile}`,
  };
}

/**
 * Writes what the plan says — nothing at all when a file it would replace was made read-only by
 * its owner (that is a "do not touch", not an obstacle to force).
 */
export async function applyInit(deps: Deps, plan: InitPlan): Promise<InitResult> {
  const { request, policyTarget } = plan;
  const replaced = [
    ...(plan.after !== plan.before ? [plan.configPath] : []),
    ...(policyTarget.kind === "file" && plan.policyExists && request.force
      ? [policyTarget.path]
      : []),
  ];
  for (const path of replaced) {
    if (await deps.files.isReadOnly(path)) {
      throw new SentinelError(
        "read_only_file",
        `${path} is read-only: its owner removed the write permission, so \`sentinel init\` will not replace it; nothing was written. To let init write it, run \`chmod u+w ${path}\` and run init again${
          path === plan.configPath ? ", or add the profile shown above to it yourself" : ""
        }`,
      );
    }
  }
  const stamp = new Date(deps.clock.now()).toISOString().replace(/[-:]/g, "").replace(
    /\.\d{3}Z$/,
    "Z",
  );
  const result: InitResult = { policy: "kept", trustPolicyPath: plan.trustPolicyPath };
  if (plan.after !== plan.before) result.backup = await writeConfig(deps, plan, stamp);
  if (!plan.policyExists || request.force) {
    if (policyTarget.kind === "file") {
      if (plan.policyExists) {
        result.policyBackup = await deps.files.backup(policyTarget.path, stamp);
      }
      await deps.files.writePrivate(policyTarget.path, plan.policyText);
      result.policy = "written";
    } else {
      const at = await ssmLocation(deps, policyTarget.parameter, {
        profile: request.sourceProfile,
        region: request.region,
      });
      await pushPolicy(deps, at, plan.policyText, "starter policy", false);
      result.policy = "pushed";
    }
  }
  if (request.storeInit) {
    const store = await initStore(deps, { profile: request.sourceProfile, region: request.region });
    result.store = { text: store.store.text, done: store.done };
  }
  await deps.files.backup(plan.trustPolicyPath, stamp);
  await deps.files.writePrivate(
    plan.trustPolicyPath,
    JSON.stringify(plan.trustPolicy, null, 2) + "\n",
  );
  result.trustPolicyPath = plan.trustPolicyPath;
  return result;
}

/**
 * Refuses what would write a broken or hostile profile: a value that would not read back as
 * written (a line break starts a section of its own), or a profile that is its own source of
 * base credentials (a credential_process loop by construction).
 */
function refuseUnsafeRequest(aws: AwsConfigFiles, request: InitRequest): void {
  const values: [string, string][] = [
    ["--profile", request.profile],
    ["--role-arn", request.roleArn],
    ["--source-profile", request.sourceProfile],
    ["--region", request.region],
    ["--policy", request.policy],
  ];
  for (const [flag, value] of values) {
    const problem = configValueProblem(value);
    if (problem !== undefined) {
      throw new SentinelError(
        "usage",
        `${flag} ${
          displaySafe(JSON.stringify(value))
        } cannot go into ${aws.configPath}: ${problem}; nothing was written`,
      );
    }
  }
  const loops = request.sourceProfile === request.profile ||
    credentialProcessLoop(
      request.profile,
      aws.profiles.get(request.sourceProfile)?.credential_process,
    );
  if (loops) {
    throw new SentinelError(
      "usage",
      `--source-profile ${request.sourceProfile} would make ${request.profile} take its base credentials from Sentinel itself (a credential_process loop); name the profile with your base credentials (aws-vault, SSO or keys), such as base; nothing was written`,
    );
  }
}

/**
 * Backs the config up and writes the planned text — only while the file still holds what the
 * diff was computed from (another program, or another `init`, may have changed it meanwhile).
 * Concurrent `init`s take turns through a lock. Returns the backup's path.
 */
async function writeConfig(deps: Deps, plan: InitPlan, stamp: string): Promise<string | undefined> {
  const release = await deps.cache.lock("init-aws-config", 10_000);
  try {
    const now = await deps.files.readOptional(plan.configPath) ?? "";
    if (now !== plan.before) {
      throw new SentinelError(
        "config_changed",
        `${plan.configPath} changed after the diff was computed (another program or another \`sentinel init\` edited it); nothing was written: run \`sentinel init\` again to see the new diff`,
      );
    }
    const backup = await deps.files.backup(plan.configPath, stamp);
    await deps.files.writePrivate(plan.configPath, plan.after);
    return backup;
  } finally {
    release?.();
  }
}

/** The user the starter policy names, and the base account (for the trust policy). */
async function whoFor(
  deps: Deps,
  request: InitRequest,
): Promise<{ user: string; userFrom: string; account?: string }> {
  if (request.user !== undefined) return { user: request.user, userFrom: "--user" };
  const config = await deps.config.load();
  const staticKeys = staticKeysOf(config.aws, request.sourceProfile);
  // aws_vault_flags as every other command reads it: SENTINEL_AWS_VAULT_FLAGS, the profile's
  // sentinel_aws_vault_flags (when it exists already), the config file.
  const existing = config.aws.profiles.get(request.profile);
  const sources = settingSources(
    deps.env,
    config.sentinel,
    existing === undefined ? undefined : { name: request.profile, section: existing },
  );
  const awsVaultFlags = resolveOnly(["aws_vault_flags"], sources, deps.env.paths)
    .aws_vault_flags.value!;
  const signal = AbortSignal.timeout(constantDefault("timeout") * 1000);
  try {
    const base = await (await deps.baseCredentials()).get({
      source: request.source,
      sourceProfile: request.sourceProfile,
      awsVaultFlags,
      region: request.region,
      filesResolve: filesResolve(config.aws, request.sourceProfile),
      ...(staticKeys === undefined ? {} : { staticKeys }),
    }, signal);
    const identity = await verifiedIdentity(deps, base.credentials, {
      region: request.region,
      signal,
    });
    return {
      user: identity.user,
      userFrom: `STS, for profile ${request.sourceProfile}`,
      account: identity.account,
    };
  } catch (error) {
    throw new SentinelError(
      error instanceof SentinelError ? error.code : "aws_failure",
      `cannot find out who you are from profile ${request.sourceProfile} (${
        (error as Error).message
      }); pass --user <your identity> to write the starter policy without asking STS`,
      { cause: error },
    );
  }
}

async function ssmPolicyExists(
  deps: Deps,
  request: InitRequest,
  parameter: string,
): Promise<boolean> {
  const at = await ssmLocation(deps, parameter, {
    profile: request.sourceProfile,
    region: request.region,
  });
  try {
    await pullPolicy(deps, at);
    return true;
  } catch (error) {
    if (String((error as Error).message).includes("ParameterNotFound")) return false;
    throw error;
  }
}

function roleAccount(roleArn: string): string {
  return roleArn.split(":")[4] ?? roleArn;
}

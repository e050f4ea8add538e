/**
 * The checks `sentinel doctor` runs for one Sentinel profile, in the order issuance meets them:
 * the config layout, the region (Sentinel's, and the AWS CLI's for each front profile), the
 * credential source (which one `auto` picks, aws-vault installed and holding the keys), the
 * identity STS reports, the policy (reachable and valid), the person's decision right now, and
 * the approval store. A check that cannot run because an earlier one failed is left out.
 *
 * @module
 */
import { type AwsConfigFiles, effectiveProfile } from "../core/aws_config/profile.ts";
import { compilePolicy, evaluate } from "../core/policy/evaluate.ts";
import type { IssuanceSettings } from "../core/issuance/settings.ts";
import type { Identity } from "../core/identity.ts";
import { isAwsStore, isFileStore, storeKind } from "../core/store/kinds.ts";
import type { AwsCall, AwsCredentials } from "../ports/aws.ts";
import type { BaseCredentials } from "../ports/base_credentials.ts";
import type { Deps } from "../ports/deps.ts";
import type { SystemProbe } from "../ports/system.ts";
import { type ApprovalStoreAccess, coveringApproval } from "./check.ts";
import { userUnder } from "./issuance/profile_context.ts";
import { loadPolicy } from "./policy.ts";
import { baseRequest, profileRoute, type ProfileSettings } from "./issuance/profile_settings.ts";
import { brokerChecks } from "./doctor_broker.ts";
import { openStore } from "./stores.ts";
import { verifiedIdentity } from "./issuance/verified_identity.ts";

/** One check's verdict. */
export interface DoctorCheck {
  /** The profile it is about, or `undefined` for machine-wide checks. */
  profile?: string;
  check: string;
  ok: boolean;
  detail: string;
  /** What to do, when it failed. */
  fix?: string;
}

/** A profile that runs `sentinel credentials …` in its credential_process. */
export interface FrontProfile {
  name: string;
  /** The profile it asks Sentinel for. */
  target: string;
  program: string;
  policy?: string;
  /** Words after the profile that Sentinel would refuse (often a trailing `# comment`). */
  extra: readonly string[];
}

/** One profile's checks, and the region it resolved to (for the clock check). */
export interface ProfileDoctor {
  checks: Omit<DoctorCheck, "profile">[];
  region?: string;
}

type Check = Omit<DoctorCheck, "profile">;

const message = (error: unknown) => (error as Error)?.message ?? String(error);

/** Runs the checks of one Sentinel profile. */
export async function profileChecks(
  deps: Deps,
  system: SystemProbe,
  target: { profile: string; fronts: readonly FrontProfile[]; policy?: string },
): Promise<ProfileDoctor> {
  const checks: Check[] = [];
  let resolved;
  try {
    const route = await profileRoute(deps, target.profile, { policy: target.policy });
    if (route.mode === "broker") {
      return { checks: await brokerChecks(deps, route), region: route.settings.region };
    }
    resolved = route;
  } catch (error) {
    checks.push({
      check: "config",
      ok: false,
      detail: message(error),
      fix: "fix the profile as the message says, or run `sentinel init --force` to rewrite it",
    });
    return { checks };
  }
  const { settings, config } = resolved;
  checks.push(configCheck(settings));
  checks.push(...frontChecks(target, config.aws));
  checks.push(...regionChecks(deps, settings, target.fronts, config.aws));

  const signal = AbortSignal.timeout(settings.timeoutSeconds * 1000);
  const call = { region: settings.region, signal };
  const source = await sourceChecks(deps, system, resolved, signal);
  checks.push(...source.checks);
  let identity: Identity | undefined;
  if (source.base !== undefined) {
    const verified = await identityCheck(deps, source.base.credentials, call);
    checks.push(verified.check);
    identity = verified.identity;
  }
  const credentials = (): Promise<AwsCredentials> =>
    source.base === undefined
      ? Promise.reject(new Error("the credential source failed (see above)"))
      : Promise.resolve(source.base.credentials);
  const policy = await policyCheck(deps, settings, credentials, signal);
  checks.push(policy.check);
  if (policy.document !== undefined && identity !== undefined) {
    checks.push(
      await decisionCheck(deps, settings, identity, policy.document, {
        setting: settings.store,
        region: settings.region,
        signal,
        credentials,
      }),
    );
  }
  checks.push(await storeCheck(deps, system, settings, credentials, signal));
  return { checks, region: settings.region };
}

/** The profile's layout, role and base credentials, as read. */
function configCheck(settings: IssuanceSettings): Check {
  return {
    check: "config",
    ok: true,
    detail: `${
      settings.layout === "sentinel_keys"
        ? "layout 1 (sentinel_role_arn, sentinel_source_profile)"
        : "layout 2 (a role profile with sentinel_policy)"
    }: role ${settings.roleArn}, base credentials from ${
      settings.sourceProfile ?? "the environment"
    }`,
  };
}

/** Front profiles that also name a role: the AWS CLI assumes it and never asks Sentinel. */
function frontChecks(
  target: { profile: string; fronts: readonly FrontProfile[] },
  aws: AwsConfigFiles,
): Check[] {
  return target.fronts.filter((front) =>
    (aws.profiles.get(front.name) ?? {}).role_arn !== undefined
  ).map((front) => ({
    check: `front profile ${front.name}`,
    ok: false,
    detail: `[profile ${front.name}] has role_arn as well as credential_process: the AWS CLI ` +
      "assumes the role itself and never asks Sentinel",
    fix: `remove role_arn from [profile ${front.name}] (Sentinel's role is in ${target.profile})`,
  }));
}

/** Who the base credentials are, as STS says. */
async function identityCheck(
  deps: Deps,
  credentials: AwsCredentials,
  call: AwsCall,
): Promise<{ check: Check; identity?: Identity }> {
  try {
    const identity = await verifiedIdentity(deps, credentials, call);
    return {
      check: { check: "identity", ok: true, detail: `${identity.user} (${identity.arn})` },
      identity,
    };
  } catch (error) {
    return {
      check: {
        check: "identity",
        ok: false,
        detail: message(error),
        fix: "check the source profile's keys and the network",
      },
    };
  }
}

/** Whether the profile's policy loads and validates. */
async function policyCheck(
  deps: Deps,
  settings: IssuanceSettings,
  credentials: () => Promise<AwsCredentials>,
  signal: AbortSignal,
): Promise<{ check: Check; document?: Parameters<typeof compilePolicy>[0] }> {
  try {
    const policy = await loadPolicy(deps, {
      source: settings.policy,
      sourceFrom: settings.policyFrom,
      region: settings.region,
      credentials,
      signal,
    });
    return {
      check: {
        check: "policy",
        ok: true,
        detail: `${settings.policy}: valid, ${policy.document.rules.length} rule(s)`,
      },
      document: policy.document,
    };
  } catch (error) {
    return {
      check: {
        check: "policy",
        ok: false,
        detail: message(error),
        fix: settings.policy.startsWith("ssm:")
          ? `push one with \`sentinel policy push ${settings.policy} <file>\`, or fix sentinel_policy`
          : `create ${settings.policy} (\`sentinel init\` writes a starter), or fix sentinel_policy`,
      },
    };
  }
}

/** Sentinel's region, and the one the AWS CLI needs for each front profile. */
function regionChecks(
  deps: Deps,
  settings: IssuanceSettings,
  fronts: readonly FrontProfile[],
  files: Parameters<typeof effectiveProfile>[0],
): Check[] {
  const fallback = settings.regionFrom === "the default region";
  const sourceRegion = settings.sourceProfile === undefined
    ? undefined
    : files.profiles.get(settings.sourceProfile)?.region;
  const checks: Check[] = [{
    check: "region",
    ok: true,
    detail: `${settings.region} (${settings.regionFrom}${
      fallback ? `; choose one with region = … in [profile ${settings.profile}]` : ""
    })`,
  }];
  const suggestion = fallback && sourceRegion !== undefined ? sourceRegion : settings.region;
  for (const front of fronts) {
    if (cliRegion(deps, files, front.name) !== undefined) continue;
    checks.push({
      check: `region of [profile ${front.name}]`,
      ok: false,
      detail: `the AWS CLI will stop with "You must specify a region" for --profile ${front.name}`,
      fix: `add region = ${suggestion} to [profile ${front.name}] in ${files.configPath}`,
    });
  }
  return checks;
}

/** aws-vault: on PATH, and holding the source profile's keys (when it says what it holds). */
async function awsVaultCheck(
  system: SystemProbe,
  awsVault: string | undefined,
  profile: string,
): Promise<Check> {
  if (awsVault === undefined) {
    return {
      check: "aws-vault",
      ok: false,
      detail: "the profile's source is aws-vault, but aws-vault is not on PATH",
      fix: "install aws-vault (https://github.com/99designs/aws-vault), or set sentinel_source",
    };
  }
  const held = await system.awsVaultCredentials();
  if (held !== undefined && !held.includes(profile)) {
    return {
      check: "aws-vault",
      ok: false,
      detail: `${awsVault} holds no credentials for profile ${profile}`,
      fix: `add them with \`aws-vault add ${profile}\``,
    };
  }
  return {
    check: "aws-vault",
    ok: true,
    detail: `${awsVault}${held === undefined ? "" : `, holds profile ${profile}`}`,
  };
}

/** Which source supplies the base credentials, whether it is installed, and whether it works. */
async function sourceChecks(
  deps: Deps,
  system: SystemProbe,
  resolved: ProfileSettings,
  signal: AbortSignal,
): Promise<{ checks: Check[]; base?: BaseCredentials }> {
  const request = baseRequest(resolved);
  const checks: Check[] = [];
  const awsVault = system.which("aws-vault");
  const effective = request.source === "auto"
    ? (!request.filesResolve && awsVault !== undefined ? "aws-vault" : "sdk")
    : request.source;
  if (effective === "aws-vault") {
    const check = await awsVaultCheck(system, awsVault, request.sourceProfile!);
    checks.push(check);
    if (awsVault === undefined) return { checks };
  }
  try {
    const base = await (await deps.baseCredentials()).get(request, signal);
    const why = request.source === "auto"
      ? ` (auto: ${
        request.filesResolve
          ? "the AWS files supply the source profile"
          : "the keys are not in the AWS files"
      })`
      : "";
    checks.push({
      check: "credential source",
      ok: true,
      detail: `${base.source}${why}${
        request.sourceProfile ? `, profile ${request.sourceProfile}` : ""
      }`,
    });
    return { checks, base };
  } catch (error) {
    checks.push({
      check: "credential source",
      ok: false,
      detail: `${effective}${request.source === "auto" ? " (auto)" : ""}: ${message(error)}`,
      fix: "follow the message; `sentinel whoami --profile <p> --debug` shows each step",
    });
    return { checks };
  }
}

async function decisionCheck(
  deps: Deps,
  settings: IssuanceSettings,
  identity: Identity,
  document: Parameters<typeof compilePolicy>[0],
  store: ApprovalStoreAccess,
): Promise<Check> {
  const now = deps.clock.now();
  const user = userUnder(identity, document, settings.roleArn);
  const decision = evaluate(compilePolicy(document), {
    user,
    profile: settings.profile,
    roleArn: settings.roleArn,
    mode: "credential_process",
    time: now,
  });
  const rule = decision.rule === null ? "no rule matched" : `rule ${decision.rule}`;
  switch (decision.effect) {
    case "allow":
      return { check: "decision", ok: true, detail: `allow for ${user} now (${rule})` };
    case "require_approval": {
      const subject = { user, profile: settings.profile, roleArn: settings.roleArn };
      return await approvalCheck(deps, store, document, subject, now, decision, rule);
    }
    default:
      return {
        check: "decision",
        ok: false,
        detail: `deny for ${user} now (${rule}: ${decision.reason})`,
        fix:
          `\`sentinel check ${settings.profile} --explain\` shows why; ask whoever owns the policy`,
      };
  }
}

/** A profile that requires approval: whether an approved request covers the user now. */
async function approvalCheck(
  deps: Deps,
  store: ApprovalStoreAccess,
  document: Parameters<typeof compilePolicy>[0],
  subject: { user: string; profile: string; roleArn: string },
  now: number,
  decision: { maxDurationSeconds?: number },
  rule: string,
): Promise<Check> {
  const { user } = subject;
  const approval = await coveringApproval(
    deps,
    store,
    document,
    subject,
    now,
    decision.maxDurationSeconds,
  );
  if (approval.cover !== undefined) {
    return {
      check: "decision",
      ok: true,
      detail: `approved request ${approval.cover.id} covers ${user} until ${
        new Date(approval.cover.windowEndsAt).toISOString().replace(/\.\d{3}Z$/, "Z")
      } (${rule} requires approval)`,
    };
  }
  return {
    check: "decision",
    ok: true,
    detail: `${user} needs an approved request now (${rule}; ${
      approval.problem === undefined
        ? `none covers ${user} in ${approval.store}`
        : `the store ${approval.store} could not say: ${approval.problem}`
    })`,
  };
}

async function storeCheck(
  deps: Deps,
  system: SystemProbe,
  settings: IssuanceSettings,
  credentials: () => Promise<AwsCredentials>,
  signal: AbortSignal,
): Promise<Check> {
  const store = settings.store;
  if (isFileStore(store) && system.pathKind(store.name) === "missing") {
    const folder = store.name.slice(0, store.name.lastIndexOf("/")) || "/";
    return {
      check: "store",
      ok: true,
      detail: `${store.text} (created on first use${
        system.pathKind(folder) === "directory" ? "" : `, with ${folder}`
      })`,
    };
  }
  try {
    const stores = await openStore(deps, store, { region: settings.region, signal, credentials });
    await stores.approvals.get("0000000000000000");
    return {
      check: "store",
      ok: true,
      detail: `${store.text}${isAwsStore(store) ? ` (${settings.region})` : ""} reachable`,
    };
  } catch (error) {
    return {
      check: "store",
      ok: false,
      detail: `${store.text}: ${message(error)}`,
      fix: storeKind(store).unreachableFix,
    };
  }
}

/** The effective region the AWS CLI uses for a profile: its own, `[default]`'s, or the env's. */
export function cliRegion(deps: Deps, files: AwsConfigFiles, profile: string): string | undefined {
  try {
    return effectiveProfile(files, profile).region ?? deps.env.get("AWS_REGION") ??
      deps.env.get("AWS_DEFAULT_REGION");
  } catch {
    return undefined;
  }
}

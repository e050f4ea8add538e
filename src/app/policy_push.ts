/**
 * `policy push` with what it takes from whom (issue 21) and what it opens (issue 22): before the
 * new policy is stored, it is compared with the one in SSM for this host's profiles that use that
 * parameter (core/revocation/policy_change.ts), and proven against it over every request
 * (app/policy_prove.ts). A change that opens access is pushed only when the administrator accepts
 * the widening, and who accepted it is in the decision log first. After it is stored, the sessions
 * of the people who lost access are revoked on those profiles' roles when the administrator says
 * so.
 *
 * @module
 */
import { SentinelError } from "../core/errors.ts";
import { describeRegion } from "../core/policy/prove/summary.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";
import { accessLost, type PolicyChangeImpact } from "../core/revocation/policy_change.ts";
import { revokedPatterns } from "../core/revocation/role_policy.ts";
import type { Deps } from "../ports/deps.ts";
import { actingContext, type CallerFlags } from "./acting.ts";
import { decidingProfiles } from "./broker/served_profile.ts";
import { pullPolicy, pushPolicy, type SsmLocation, validated } from "./policy.ts";
import { DEFAULT_HORIZON_SECONDS, type PolicyChangeProof, proveChange } from "./policy_prove.ts";
import { actingCaller } from "./caller.ts";
import { recordDecision } from "./record_decision.ts";
import { applyRevocation, type RevokeOutcome } from "./revoke.ts";

/** What a push did. */
export interface PushOutcome {
  version: number;
  impact: PolicyChangeImpact;
  /** The proof against the policy in SSM; absent when there was none (or it was invalid). */
  proof?: PolicyChangeProof;
  /** Who accepted a change that opens access (or that could not be proven), when one did. */
  acceptedBy?: string;
  /** One per person whose sessions were revoked. */
  revoked: RevokeOutcome[];
}

/** How the push learns whether to revoke, and as whom. */
export interface PushRevocation {
  /** Asked only when someone loses access: revoke their sessions already issued? */
  decide(impact: PolicyChangeImpact): Promise<boolean>;
  /** The revoker: `--aws-profile`, `--region`, `--store`. */
  flags: CallerFlags;
}

/**
 * Validates, proves and stores the policy, then revokes what the change took away if `decide`
 * says so. A change that opens access, or one that cannot be proven because the policy in SSM
 * cannot be read, is refused unless `acceptWidening`.
 */
export async function pushWithImpact(
  deps: Deps,
  at: SsmLocation,
  text: string,
  sourceName: string,
  secure: boolean,
  revocation: PushRevocation & { required: boolean; acceptWidening: boolean },
): Promise<PushOutcome> {
  const next = (await validated(text, sourceName)).document;
  const current = await currentPolicy(deps, at, revocation.required);
  const impact = current.document === undefined
    ? { lost: [], unlisted: [] }
    : await impactOf(deps, at, current.document, next);
  const proved = current.document === undefined
    ? {
      ...(current.unreadable === undefined ? {} : {
        unprovable: `the policy now in ssm:${at.parameter} cannot be read (${current.unreadable})`,
      }),
    }
    : provenOrWhyNot(current.document, next, deps.clock.now());
  const proof = proved.proof;
  const acceptedBy = await acceptWidening(deps, at, sourceName, revocation, proved);
  const version = await pushPolicy(deps, at, text, sourceName, secure);
  const done = {
    version,
    impact,
    ...(proof === undefined ? {} : { proof }),
    ...(acceptedBy === undefined ? {} : { acceptedBy }),
  };
  if (impact.lost.length === 0 || !(await revocation.decide(impact))) {
    return { ...done, revoked: [] };
  }
  const { revoked, failed } = await revokeLost(deps, impact, revocation.flags);
  if (failed.length === 0) return { ...done, revoked };
  throw new SentinelError(
    failed[0].error.code,
    `the policy was pushed (version ${version})${
      revoked.length === 0
        ? ""
        : `, and the sessions of ${revoked.map((r) => r.scope.user).join(", ")} were revoked`
    }, but revoking failed for ${
      failed.map((f) => `${f.user} (${f.error.message})`).join("; ")
    }; run \`sentinel revoke --user <name>\` for them`,
    { cause: failed[0].error },
  );
}

/**
 * The policy now in SSM: none when there is none yet. When it cannot be read, or this Sentinel finds
 * it invalid (another may not), the change cannot be proven — and when revoking was asked for
 * (`required`), nothing is pushed.
 */
async function currentPolicy(
  deps: Deps,
  at: SsmLocation,
  required: boolean,
): Promise<{ document?: PolicyDocument; unreadable?: string }> {
  try {
    return {
      document: (await validated(await pullPolicy(deps, at), `ssm:${at.parameter}`)).document,
    };
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    if (message.includes("ParameterNotFound")) return {};
    if (error instanceof SentinelError && error.code === "invalid_config" && !required) {
      // Written by another Sentinel (a newer one, a time zone this one lacks): it may issue there.
      return { unreadable: `it is not a valid policy here: ${message}` };
    }
    if (required) {
      throw new SentinelError(
        error instanceof SentinelError ? error.code : "aws_failure",
        `--revoke needs the policy now in ssm:${at.parameter} to tell whose access the new one takes, and it cannot be read (${message}); nothing was pushed. Use credentials that may read it, or push without --revoke and revoke with \`sentinel revoke --user <name>\``,
        { cause: error },
      );
    }
    return { unreadable: message };
  }
}

/** Who the new policy takes access from on this host's profiles that use the parameter. */
async function impactOf(
  deps: Deps,
  at: SsmLocation,
  old: PolicyDocument,
  next: PolicyDocument,
): Promise<PolicyChangeImpact> {
  const source = `ssm:${at.parameter}`;
  const profiles = (await decidingProfiles(deps)).deciding.filter((p) => p.policy === source);
  if (profiles.length === 0) {
    deps.warn(
      `no Sentinel profile on this host uses ${source}, so nobody's loss of access can be listed; run the push where the profiles are`,
    );
  }
  return accessLost(old, next, profiles, deps.clock.now());
}

/** The proof of the change, or why there is none (its patterns too many to prove exactly). */
function provenOrWhyNot(
  old: PolicyDocument,
  next: PolicyDocument,
  now: number,
): { proof?: PolicyChangeProof; unprovable?: string } {
  try {
    return { proof: proveChange(old, next, now, DEFAULT_HORIZON_SECONDS) };
  } catch (error) {
    if (error instanceof SentinelError && error.code === "proof_too_large") {
      return { unprovable: error.message };
    }
    throw error;
  }
}

/** How many regions a refusal names before pointing at `policy diff --prove`. */
const NAMED_REGIONS = 5;

/**
 * Refuses a change that opens access — or that cannot be proven (the old policy unreadable, or
 * the patterns too many to prove exactly) —
 * unless it is accepted; an accepted one is in the decision log (`type: policy_change`) before
 * anything is pushed, with who accepted it (as STS names them). Returns who accepted, if anyone
 * had to.
 */
async function acceptWidening(
  deps: Deps,
  at: SsmLocation,
  sourceName: string,
  revocation: PushRevocation & { acceptWidening: boolean },
  change: { proof?: PolicyChangeProof; unprovable?: string },
): Promise<string | undefined> {
  const opens = change.proof?.opensAccess === true || change.unprovable !== undefined;
  if (!opens) return undefined;
  const what = whatOpens(change);
  if (!revocation.acceptWidening) {
    throw new SentinelError(
      "widening_not_accepted",
      `${
        what.join("; ")
      }; nothing was pushed. See every region with \`sentinel policy diff ssm:${at.parameter} ${sourceName} --prove\`, and push with --accept-widening to accept it (the decision log records who did)`,
    );
  }
  if (change.unprovable !== undefined) deps.warn(`${what.join("; ")}; pushing as accepted`);
  const caller = await actingCaller(deps, revocation.flags);
  const config = await deps.config.load();
  const now = deps.clock.now();
  await recordDecision(deps, {
    type: "policy_change",
    action: "widening_accepted",
    time: new Date(now).toISOString(),
    actor: caller.identity.user,
    actor_arn: caller.identity.arn,
    parameter: `ssm:${at.parameter}`,
    region: at.region,
    file: sourceName,
    opens: what,
  }, { logFile: caller.settings.logFile, plugins: config.sentinel.plugins });
  return caller.identity.user;
}

/** What a change opens, in words: the widening regions and the sections the proof does not cover. */
function whatOpens(change: { proof?: PolicyChangeProof; unprovable?: string }): string[] {
  if (change.proof === undefined) {
    return [`the change cannot be proven to open no access: ${change.unprovable}`];
  }
  const { proof, sections, zones } = change.proof;
  const widening = proof.regions.filter((region) => region.kind === "widens");
  const lines = widening.slice(0, NAMED_REGIONS).map((region) =>
    describeRegion(proof, region, zones).line
  );
  if (widening.length > NAMED_REGIONS) lines.push(`and ${widening.length - NAMED_REGIONS} more`);
  const unproven = sections.filter((section) => section.mayOpen)
    .map((section) => `${section.section} ${section.name} ${section.change} (not proven)`);
  return [`the new policy opens access: ${[...lines, ...unproven].join(", ")}`];
}

async function revokeLost(
  deps: Deps,
  impact: PolicyChangeImpact,
  flags: CallerFlags,
): Promise<{ revoked: RevokeOutcome[]; failed: { user: string; error: SentinelError }[] }> {
  const ctx = await actingContext(deps, flags, { creates: true });
  const roles = new Map<string, Set<string>>();
  for (const { user, roleArn } of impact.lost) {
    roles.set(user, (roles.get(user) ?? new Set()).add(roleArn));
  }
  const revoked: RevokeOutcome[] = [];
  const failed: { user: string; error: SentinelError }[] = [];
  for (const [user, roleArns] of roles) {
    try {
      revoked.push(
        await applyRevocation(deps, ctx, {
          scope: { kind: "policy", user },
          patterns: revokedPatterns(user),
          roleArns: [...roleArns].sort(),
        }, {
          by: ctx.caller.identity.user,
          byArn: ctx.caller.identity.arn,
          reason: "the pushed policy no longer allows them",
          dryRun: false,
          iam: ctx.caller.credentials,
        }),
      );
    } catch (error) {
      if (!(error instanceof SentinelError)) throw error;
      failed.push({ user, error });
    }
  }
  return { revoked, failed };
}

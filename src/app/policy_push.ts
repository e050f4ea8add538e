/**
 * `policy push` with what it takes from whom (issue 21): before the new policy is stored, it is
 * compared with the one in SSM for this host's profiles that use that parameter
 * (core/revocation/policy_change.ts); after it is stored, the sessions of the people who lost
 * access are revoked on those profiles' roles when the administrator says so.
 *
 * @module
 */
import { SentinelError } from "../core/errors.ts";
import type { PolicyDocument } from "../core/policy/schema.ts";
import { accessLost, type PolicyChangeImpact } from "../core/revocation/policy_change.ts";
import { revokedPatterns } from "../core/revocation/role_policy.ts";
import type { Deps } from "../ports/deps.ts";
import { actingContext, type CallerFlags } from "./acting.ts";
import { decidingProfiles } from "./broker/served_profile.ts";
import { pullPolicy, pushPolicy, type SsmLocation, validated } from "./policy.ts";
import { applyRevocation, type RevokeOutcome } from "./revoke.ts";

/** What a push did. */
export interface PushOutcome {
  version: number;
  impact: PolicyChangeImpact;
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

/** Validates and stores the policy, then revokes what the change took away if `decide` says so. */
export async function pushWithImpact(
  deps: Deps,
  at: SsmLocation,
  text: string,
  sourceName: string,
  secure: boolean,
  revocation: PushRevocation & { required: boolean },
): Promise<PushOutcome> {
  const next = (await validated(text, sourceName)).document;
  const impact = await impactOf(deps, at, next, revocation.required);
  const version = await pushPolicy(deps, at, text, sourceName, secure);
  if (impact.lost.length === 0 || !(await revocation.decide(impact))) {
    return { version, impact, revoked: [] };
  }
  const { revoked, failed } = await revokeLost(deps, impact, revocation.flags);
  if (failed.length === 0) return { version, impact, revoked };
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
 * Who the new policy takes access from, against the one in SSM (none when there is none yet, or
 * it was invalid: it issued nothing). When the old one cannot be read, the push goes on with a
 * warning — unless revoking was asked for (`required`): then nothing is pushed.
 */
async function impactOf(
  deps: Deps,
  at: SsmLocation,
  next: PolicyDocument,
  required: boolean,
): Promise<PolicyChangeImpact> {
  let old: PolicyDocument;
  try {
    old = (await validated(await pullPolicy(deps, at), `ssm:${at.parameter}`)).document;
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    if (message.includes("ParameterNotFound")) return { lost: [], unlisted: [] };
    if (error instanceof SentinelError && error.code === "invalid_config") {
      return { lost: [], unlisted: [] };
    }
    if (required) {
      throw new SentinelError(
        error instanceof SentinelError ? error.code : "aws_failure",
        `--revoke needs the policy now in ssm:${at.parameter} to tell whose access the new one takes, and it cannot be read (${message}); nothing was pushed. Use credentials that may read it, or push without --revoke and revoke with \`sentinel revoke --user <name>\``,
        { cause: error },
      );
    }
    deps.warn(
      `cannot read the policy in ssm:${at.parameter} to tell who the new one takes access from (${message}); pushing anyway — check with \`sentinel policy diff\`, and revoke with \`sentinel revoke --user <name>\``,
    );
    return { lost: [], unlisted: [] };
  }
  const source = `ssm:${at.parameter}`;
  const profiles = (await decidingProfiles(deps)).deciding.filter((p) => p.policy === source);
  if (profiles.length === 0) {
    deps.warn(
      `no Sentinel profile on this host uses ${source}, so nobody's loss of access can be listed; run the push where the profiles are`,
    );
  }
  return accessLost(old, next, profiles, deps.clock.now());
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

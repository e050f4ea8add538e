/**
 * `sentinel enforce revocation-policy`: the revocation policy of a protected role
 * (core/revocation/role_policy.ts) with the given people revoked as of now, merged into the role's
 * current one when its file is given — offline: an administrator reads the current policy and
 * writes the new one with the AWS CLI. The merge collects what has expired and keeps the
 * document under IAM's limit, and says so.
 *
 * @module
 */
import { SentinelError } from "../core/errors.ts";
import {
  type MergedRevocations,
  mergeRevocation,
  parseRevocationDocument,
  type RevocationDocument,
  revokedPatterns,
} from "../core/revocation/role_policy.ts";
import { isRoleArn } from "../core/trust_policy.ts";
import type { Deps } from "../ports/deps.ts";
import { servedProfiles } from "./broker/served_profile.ts";

/** What to revoke, and the current policy's file, if any. */
export interface RevocationPolicyRequest {
  users: readonly string[];
  /** Only sessions issued under break-glass. */
  breakglass?: boolean;
  /** The role's current revocation policy (as `aws iam get-role-policy` prints its document). */
  mergeInto?: string;
}

/** The merged document for the people of `request`, revoked as of the clock's now. */
export async function revocationPolicy(
  deps: Deps,
  request: RevocationPolicyRequest,
): Promise<MergedRevocations> {
  if (request.users.length === 0) {
    throw new SentinelError("usage", "name whom to revoke: --user <name> (repeatable)");
  }
  const now = deps.clock.now();
  const patterns = request.users.flatMap((user) =>
    revokedPatterns(user, { breakglass: request.breakglass })
  );
  return mergeRevocation(await current(deps, request.mergeInto), { patterns, before: now }, now);
}

async function current(
  deps: Deps,
  file: string | undefined,
): Promise<RevocationDocument | undefined> {
  if (file === undefined) return undefined;
  const text = await deps.files.readText(file, "the current revocation policy (--merge-into)");
  // `aws iam get-role-policy` prints {RoleName, PolicyName, PolicyDocument}; --query gives the document.
  let parsed = parseRevocationDocument(text);
  if (!parsed.ok) {
    try {
      const wrapped = JSON.parse(text)?.PolicyDocument;
      if (wrapped !== undefined) parsed = parseRevocationDocument(JSON.stringify(wrapped));
    } catch { /* not JSON: the first reason stands */ }
  }
  if (parsed.ok) return parsed.document;
  throw new SentinelError(
    "revocation_unreadable",
    `${file} is not a revocation policy Sentinel wrote (${parsed.why}), so nothing is merged into it; give the PolicyDocument of the role's SentinelRevocations policy, or leave out --merge-into when the role has none`,
  );
}

/** The protected roles a revoker writes: those named, else the roles of this host's profiles. */
export async function revokedRoles(deps: Deps, named: readonly string[] | undefined) {
  for (const role of named ?? []) {
    if (!isRoleArn(role)) {
      throw new SentinelError(
        "usage",
        `--role "${
          role.slice(0, 100)
        }" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
      );
    }
  }
  const roles = named?.length ? [...new Set(named)] : (await servedProfiles(deps)).roles;
  if (roles.length > 0) return roles;
  throw new SentinelError(
    "usage",
    "no Sentinel profile here names a role: name the protected roles with --role <arn> (repeatable)",
  );
}

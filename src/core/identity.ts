/**
 * The verified identity behind a set of AWS credentials, parsed from the ARN that STS
 * `GetCallerIdentity` returns. Policies match on {@link Identity.user}; never on the OS user name.
 *
 * @example
 * ```ts
 * identityFromArn("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1a2b/alice@example.com");
 * // { kind: "assumed_role", user: "alice@example.com", account: "123456789012", ... }
 * ```
 * @module
 */
import { compileNameMatcher } from "./policy/glob.ts";

/** What kind of principal the credentials belong to. */
export type IdentityKind = "iam_user" | "assumed_role" | "federated_user" | "root";

/** A verified identity. */
export interface Identity {
  /**
   * IAM user name, role session name, federated user name, or `root`. Policies match
   * {@link policyUserName}, which qualifies session names a caller could have chosen.
   */
  user: string;
  kind: IdentityKind;
  account: string;
  arn: string;
  /** For an assumed role: the role's name. */
  role?: string;
}

const ARN_PATTERN = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)$/;

/**
 * Parses a caller ARN. Returns `undefined` for an ARN that is not an identity STS reports, so the
 * caller can fail closed.
 */
export function identityFromArn(arn: string): Identity | undefined {
  const match = ARN_PATTERN.exec(arn);
  if (!match) return undefined;
  const [, , service, account, resource] = match;
  if (service === "iam" && resource === "root") return { user: "root", kind: "root", account, arn };
  if (service === "iam" && resource.startsWith("user/")) {
    const user = resource.slice(resource.lastIndexOf("/") + 1);
    return user ? { user, kind: "iam_user", account, arn } : undefined;
  }
  if (service === "sts" && resource.startsWith("assumed-role/")) {
    const [, role, ...session] = resource.split("/");
    const user = session.join("/");
    return role && user ? { user, kind: "assumed_role", account, arn, role } : undefined;
  }
  if (service === "sts" && resource.startsWith("federated-user/")) {
    const user = resource.slice("federated-user/".length);
    return user ? { user, kind: "federated_user", account, arn } : undefined;
  }
  return undefined;
}

/** Roles whose session names AWS itself sets to the person's name: IAM Identity Center (SSO). */
export const DEFAULT_SESSION_NAME_ROLES: readonly string[] = ["AWSReservedSSO_*"];

/**
 * The name policies, approvals and reviews match for an identity. An assumed role's session name
 * is chosen by whoever assumes the role (`--role-session-name bob`), so it stands for a person only
 * for the roles `sessionNameRoles` lists (globs; by default the IAM Identity Center roles, whose
 * session names AWS sets); under any other role the name is `<role>/<session>`, which no person's
 * plain name can be mistaken for. Other identities keep their name.
 *
 * @example
 * ```ts
 * const sso = identityFromArn("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_1a2b/alice@example.com")!;
 * console.assert(policyUserName(sso, DEFAULT_SESSION_NAME_ROLES) === "alice@example.com");
 * const chosen = identityFromArn("arn:aws:sts::123456789012:assumed-role/CiReadOnly/bob")!;
 * console.assert(policyUserName(chosen, DEFAULT_SESSION_NAME_ROLES) === "CiReadOnly/bob");
 * ```
 */
export function policyUserName(identity: Identity, sessionNameRoles: readonly string[]): string {
  if (identity.kind !== "assumed_role" || identity.role === undefined) return identity.user;
  return compileNameMatcher(sessionNameRoles)(identity.role)
    ? identity.user
    : `${identity.role}/${identity.user}`;
}

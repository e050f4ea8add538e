/**
 * The verified identity behind a set of AWS credentials, parsed from the ARN that STS
 * `GetCallerIdentity` returns, and the name a policy knows it by. Policies match
 * {@link policyUserName}; never the OS user name.
 *
 * An identity is qualified: its account and principal kind are part of it. A plain name
 * (`alice`, `Ops/alice`) is given only to an identity of an account the policy trusts for plain
 * names (`identity.accounts`, by default the account of the role being decided on) whose name
 * was not chosen by the caller; every other identity — another account's `bob`, a federation-token
 * session that named itself `bob` — is named by its ARN, which only ARN patterns match (see
 * policy/principal.ts).
 *
 * @example
 * ```ts
 * identityFromArn("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1a2b/alice@example.com");
 * // { kind: "assumed_role", user: "alice@example.com", account: "123456789012", ... }
 * ```
 * @module
 */
import { compileNameMatcher } from "./policy/glob.ts";
import type { PolicyDocument } from "./policy/schema.ts";

/** What kind of principal the credentials belong to. */
export type IdentityKind = "iam_user" | "assumed_role" | "federated_user" | "root";

/** A verified identity. */
export interface Identity {
  /**
   * IAM user name, role session name, federated user name, or `root`: the bare name in the ARN.
   * Policies match {@link policyUserName}, which qualifies it.
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

/** The account in an IAM or STS ARN, or `undefined`. */
export function accountOfArn(arn: string | undefined): string | undefined {
  return arn === undefined ? undefined : /^arn:aws[a-z-]*:[a-z]+::(\d{12}):/.exec(arn)?.[1];
}

/** Roles whose session names AWS itself sets to the person's name: IAM Identity Center (SSO). */
export const DEFAULT_SESSION_NAME_ROLES: readonly string[] = ["AWSReservedSSO_*"];

/** How a policy names identities: see {@link policyUserName}. */
export interface IdentityNaming {
  /** Roles (globs) whose session names name a person. */
  readonly sessionNameRoles: readonly string[];
  /** Accounts whose identities have plain names; an empty list names everyone by ARN. */
  readonly accounts: readonly string[];
}

/**
 * The naming of a policy's `identity:` section for a decision on `roleArn`: its accounts, else
 * the role's own account (else `fallbackAccount`, for a decision that concerns no role).
 */
export function identityNaming(
  document: Pick<PolicyDocument, "identity">,
  roleArn: string | undefined,
  fallbackAccount?: string,
): IdentityNaming {
  const home = accountOfArn(roleArn) ?? fallbackAccount;
  return {
    sessionNameRoles: document.identity?.session_name_roles ?? DEFAULT_SESSION_NAME_ROLES,
    accounts: document.identity?.accounts ?? (home === undefined ? [] : [home]),
  };
}

/**
 * The name policies, approvals and reviews match for an identity:
 * - an identity of an account outside `naming.accounts`: its ARN;
 * - a federated user (GetFederationToken names itself): its ARN;
 * - an assumed role's session: the session name only under the roles `sessionNameRoles` lists
 *   (by default IAM Identity Center's, whose session names AWS sets); under any other role the
 *   session name was chosen by whoever assumed it, so the name is `<role>/<session>`;
 * - an IAM user: its user name; the root user: `root`.
 *
 * @example
 * ```ts
 * const naming = { sessionNameRoles: DEFAULT_SESSION_NAME_ROLES, accounts: ["123456789012"] };
 * const sso = identityFromArn("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_1a2b/alice@example.com")!;
 * console.assert(policyUserName(sso, naming) === "alice@example.com");
 * const chosen = identityFromArn("arn:aws:sts::123456789012:assumed-role/CiReadOnly/bob")!;
 * console.assert(policyUserName(chosen, naming) === "CiReadOnly/bob");
 * const foreign = identityFromArn("arn:aws:iam::999999999999:user/bob")!;
 * console.assert(policyUserName(foreign, naming) === "arn:aws:iam::999999999999:user/bob");
 * ```
 */
export function policyUserName(identity: Identity, naming: IdentityNaming): string {
  if (!naming.accounts.includes(identity.account)) return identity.arn;
  switch (identity.kind) {
    case "federated_user":
      return identity.arn;
    case "assumed_role":
      return identity.role !== undefined &&
          !compileNameMatcher(naming.sessionNameRoles)(identity.role)
        ? `${identity.role}/${identity.user}`
        : identity.user;
    default:
      return identity.user;
  }
}

/** A principal as approvals and reviews record it: the policy's name for it, and its ARN. */
export interface Principal {
  name: string;
  arn?: string;
}

/**
 * Whether two principals are the same person: the same name under the policy, or the same ARN
 * (records written before ARNs were kept compare by name alone).
 */
export function samePrincipal(a: Principal, b: Principal): boolean {
  return a.name === b.name || (a.arn !== undefined && a.arn === b.arn);
}

const KIND_TEXT: Record<IdentityKind, string> = {
  iam_user: "IAM user",
  assumed_role: "role session",
  federated_user: "federated user (a GetFederationToken session; its name is self-chosen)",
  root: "root user",
};

/** A one-line description of the identity's kind, for people. */
export function identityKindText(identity: Identity): string {
  return identity.kind === "assumed_role" && identity.role !== undefined
    ? `${KIND_TEXT.assumed_role} of role ${identity.role}`
    : KIND_TEXT[identity.kind];
}

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

/** What kind of principal the credentials belong to. */
export type IdentityKind = "iam_user" | "assumed_role" | "federated_user" | "root";

/** A verified identity. */
export interface Identity {
  /** The name policies match on: IAM user name, role session name, federated user name, or `root`. */
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

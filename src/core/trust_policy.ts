/**
 * IAM policies that make Sentinel binding: a role trust policy that admits only sessions carrying a
 * Sentinel-shaped SourceIdentity, and an SCP that requires it organisation-wide. Both have a
 * migration variant that keeps unstamped sessions working while Sentinel rolls out, but already
 * refuses a SourceIdentity that is not Sentinel's.
 *
 * A policy can only check the stamp's shape: it proves a Sentinel-shaped SourceIdentity, not that
 * Sentinel ran (see the README's trust model).
 *
 * @module
 */
import { escapeUser, SOURCE_IDENTITY_PREFIX } from "./issuance/source_identity.ts";

/** `sentinel=*=*`, or one pattern per listed user: `sentinel=<escaped user>=*`. */
export function sourceIdentityPatterns(users: readonly string[] = []): string[] {
  if (users.length === 0) return [`${SOURCE_IDENTITY_PREFIX}*=*`];
  return users.map((user) => `${SOURCE_IDENTITY_PREFIX}${escapeUser(user)}=*`);
}

/**
 * An IAM role ARN, `arn:aws[-partition]:iam::<12 digits>:role/[path/]name`: the account is group
 * 1, the role name (without its path) group 2.
 */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/** Whether `text` is an IAM role ARN (see {@link ROLE_ARN}). */
export function isRoleArn(text: string): boolean {
  return ROLE_ARN.test(text);
}

/** Options for {@link trustPolicy}. */
export interface TrustPolicyOptions {
  /** Who may assume the role: an account id or principal ARNs. */
  principals: readonly string[];
  users?: readonly string[];
  migration?: boolean;
  externalId?: string;
  /** The Sid of the statement that admits stamped sessions. */
  sid?: string;
}

function principalArn(principal: string): string {
  return /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal;
}

/** A role trust policy that requires Sentinel's SourceIdentity. */
export function trustPolicy(options: TrustPolicyOptions): Record<string, unknown> {
  const principal = { AWS: options.principals.map(principalArn) };
  const externalId = options.externalId
    ? { StringEquals: { "sts:ExternalId": options.externalId } }
    : {};
  const statements: Record<string, unknown>[] = [{
    Sid: options.sid ?? "AllowSentinelStampedSessions",
    Effect: "Allow",
    Principal: principal,
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
    Condition: {
      StringLike: { "sts:SourceIdentity": sourceIdentityPatterns(options.users) },
      ...externalId,
    },
  }];
  if (options.migration) {
    statements.push({
      Sid: "MigrationAllowUnstampedSessions",
      Effect: "Allow",
      Principal: principal,
      Action: "sts:AssumeRole",
      Condition: { Null: { "sts:SourceIdentity": "true" }, ...externalId },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** Options for {@link brokerTrustPolicy}. */
export interface BrokerTrustPolicyOptions {
  /** The broker's role ARN (see {@link isRoleArn}): the only principal admitted. */
  brokerRole: string;
  users?: readonly string[];
  externalId?: string;
}

/**
 * The trust policy of a role in broker mode: only the broker role may assume it, with
 * `sts:SetSourceIdentity` (it stamps every session), and only with a Sentinel SourceIdentity —
 * which here is the broker's own stamp, since nobody else is admitted.
 */
export function brokerTrustPolicy(options: BrokerTrustPolicyOptions): Record<string, unknown> {
  return trustPolicy({
    principals: [options.brokerRole],
    users: options.users,
    externalId: options.externalId,
    sid: "AllowOnlyTheSentinelBroker",
  });
}

/** Options for {@link serviceControlPolicy}. */
export interface ScpOptions {
  /** Role ARNs (globs allowed) that require Sentinel. */
  roles: readonly string[];
  users?: readonly string[];
  migration?: boolean;
}

/** An SCP that denies assuming the protected roles without Sentinel's SourceIdentity. */
export function serviceControlPolicy(options: ScpOptions): Record<string, unknown> {
  const patterns = sourceIdentityPatterns(options.users);
  const condition = options.migration
    ? { StringNotLike: { "sts:SourceIdentity": patterns }, Null: { "sts:SourceIdentity": "false" } }
    : { StringNotLike: { "sts:SourceIdentity": patterns } };
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: options.migration ? "DenyForeignSourceIdentity" : "RequireSentinelSourceIdentity",
      Effect: "Deny",
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Resource: [...options.roles],
      Condition: condition,
    }],
  };
}

/**
 * The IAM documents of broker mode (DESIGN §15): what the broker's role may do — its store and
 * nothing else on it, the protected roles with exactly the actions their trust policy admits and
 * their revocation policies, the policies in SSM, the SNS topics and log groups of its plugins — and
 * what its users may not: touch the store, assume a protected role, rewrite a policy or a role's
 * revocations, whatever else their policies allow (an explicit Deny). Checking a caller's proof needs no permission of anyone. A policy parameter that
 * is a SecureString under a customer-managed KMS key also needs `kms:Decrypt` on that key, which
 * the configuration does not name. Pure.
 *
 * @example
 * ```ts
 * import { brokerRolePolicy, brokerUsersPolicy } from "./iam.ts";
 *
 * const facts = {
 *   tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/sentinel-state",
 *   protectedRoles: ["arn:aws:iam::123456789012:role/Prod"],
 *   policyParameters: ["arn:aws:ssm:eu-west-1:123456789012:parameter/sentinel/prod"],
 *   snsTopics: [],
 *   logGroups: [],
 * };
 * console.assert(brokerRolePolicy(facts).Statement.every((s) => s.Effect === "Allow"));
 * console.assert(brokerUsersPolicy(facts).Statement.every((s) => s.Effect === "Deny"));
 * ```
 * @module
 */
import { STORE_INDEXES } from "../store/table.ts";
import { type IamPolicy, type IamStatement, storeIamPolicy } from "../store/template.ts";
import { brokerTrustPolicy } from "../trust_policy.ts";
import { REVOKER_ACTIONS } from "../revocation/role_policy.ts";

/** What the broker reaches, as ARNs. */
export interface BrokerResources {
  /** The store's DynamoDB table; absent for a SQLite store (a file of the broker's host). */
  tableArn?: string;
  /** The roles the broker assumes for its profiles. */
  protectedRoles: readonly string[];
  /** The SSM parameters its policies are read from. */
  policyParameters: readonly string[];
  /** The SNS topics its notifiers publish to. */
  snsTopics: readonly string[];
  /** The CloudWatch Logs log groups its log sinks write to (their ARNs, without `:*`). */
  logGroups: readonly string[];
}

/** What reading a policy from SSM needs. */
export const POLICY_READ_ACTIONS = ["ssm:GetParameter"] as const;

/** What an SNS notifier needs. */
export const NOTIFY_ACTIONS = ["sns:Publish"] as const;

/** What a CloudWatch Logs sink needs on its log group's streams. */
export const LOG_SINK_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

/** What would change the policy a broker enforces, denied to its users. */
export const POLICY_WRITE_ACTIONS = [
  "ssm:PutParameter",
  "ssm:DeleteParameter",
  "ssm:DeleteParameters",
  "ssm:LabelParameterVersion",
  "ssm:UnlabelParameterVersion",
] as const;

/** The actions a protected role's trust policy admits the broker to: what it must be allowed. */
export function brokerAssumeActions(): string[] {
  const trust = brokerTrustPolicy({ brokerRole: "arn:aws:iam::000000000000:role/Broker" });
  const statements = trust.Statement as { Action: string | string[] }[];
  return [...new Set(statements.flatMap((s) => [s.Action].flat()))];
}

/** The broker role's identity policy: everything it does, and nothing more. */
export function brokerRolePolicy(resources: BrokerResources): IamPolicy {
  const allow = (Sid: string, Action: readonly string[], Resource: readonly string[]) =>
    Resource.length === 0
      ? []
      : [{ Sid, Effect: "Allow" as const, Action: [...Action], Resource: [...Resource] }];
  return {
    Version: "2012-10-17",
    Statement: [
      ...(resources.tableArn === undefined ? [] : storeIamPolicy(resources.tableArn).Statement),
      ...allow("SentinelProtectedRoles", brokerAssumeActions(), resources.protectedRoles),
      ...allow("SentinelRevocations", REVOKER_ACTIONS, resources.protectedRoles),
      ...allow("SentinelPolicies", POLICY_READ_ACTIONS, resources.policyParameters),
      ...allow("SentinelNotifiers", NOTIFY_ACTIONS, resources.snsTopics),
      ...allow(
        "SentinelLogSinks",
        LOG_SINK_ACTIONS,
        resources.logGroups.map((group) => `${group}:log-stream:*`),
      ),
    ],
  };
}

/**
 * The policy for every user of a broker (attach it to their group or permission set; not to the
 * policy's owners, who push it): an explicit Deny of every action on the store's table and its
 * indexes, of assuming the protected roles, and of writing the policies' SSM parameters — so no
 * other grant of theirs lets them forge a record, skip the broker or rewrite what it enforces.
 */
export function brokerUsersPolicy(resources: BrokerResources): IamPolicy {
  const statements: IamStatement[] = [];
  if (resources.tableArn !== undefined) {
    statements.push({
      Sid: "NoSentinelStore",
      Effect: "Deny",
      Action: ["dynamodb:*"],
      Resource: [
        resources.tableArn,
        ...Object.values(STORE_INDEXES).map((index) => `${resources.tableArn}/index/${index.name}`),
      ],
    });
  }
  if (resources.protectedRoles.length > 0) {
    statements.push({
      Sid: "OnlyThroughTheSentinelBroker",
      Effect: "Deny",
      Action: brokerAssumeActions(),
      Resource: [...resources.protectedRoles],
    }, {
      Sid: "NoSentinelRevocationWrites",
      Effect: "Deny",
      Action: REVOKER_ACTIONS.filter((action) => action !== "iam:GetRolePolicy"),
      Resource: [...resources.protectedRoles],
    });
  }
  if (resources.policyParameters.length > 0) {
    statements.push({
      Sid: "NoSentinelPolicyWrites",
      Effect: "Deny",
      Action: [...POLICY_WRITE_ACTIONS],
      Resource: [...resources.policyParameters],
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

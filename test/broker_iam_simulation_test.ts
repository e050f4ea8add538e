/**
 * The identity policies of broker mode (`sentinel enforce broker-iam`, core/broker/iam.ts)
 * evaluated by an IAM evaluator, npm's `@cloud-copilot/iam-simulate` (moto matches DynamoDB
 * statements against `*` only, so it cannot say what a table ARN admits): the broker role may do
 * exactly what the broker does; a user who is otherwise allowed everything can neither touch the
 * store nor assume a protected role.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { assertEquals } from "./assert.ts";
import {
  type BrokerResources,
  brokerRolePolicy,
  brokerUsersPolicy,
} from "../src/core/broker/iam.ts";
import { formatSourceIdentity } from "../src/core/issuance/source_identity.ts";
import { STORE_INDEXES } from "../src/core/store/table.ts";

const ACCOUNT = "123456789012";
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/sentinel-state`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/SentinelProd`;
const PARAMETER = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/sentinel/prod`;
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:oncall`;
const GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:sentinel`;
const INDEX = `${TABLE}/index/${Object.values(STORE_INDEXES)[0].name}`;
const RESOURCES: BrokerResources = {
  tableArn: TABLE,
  protectedRoles: [ROLE],
  policyParameters: [PARAMETER],
  snsTopics: [TOPIC],
  logGroups: [GROUP],
};

/** What IAM decides for a principal with `policies` calling `action` on `resource`. */
async function decide(policies: unknown[], action: string, resource: string): Promise<string> {
  const simulation: Simulation = {
    request: {
      principal: `arn:aws:iam::${ACCOUNT}:user/someone`,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: {
        "sts:SourceIdentity": formatSourceIdentity("alice", "0123456789abcdef"),
      },
    },
    identityPolicies: policies.map((policy, i) => ({ name: `p${i}`, policy })) as Simulation[
      "identityPolicies"
    ],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

Deno.test("the broker role may read and conditionally write its table, query it and its indexes, assume the protected roles and write their revocation policies, read its policies and publish to its topics — nothing else", async () => {
  const role = [brokerRolePolicy(RESOURCES)];
  const cases: [string, string, string][] = [
    ["dynamodb:PutItem", TABLE, "Allowed"],
    ["dynamodb:UpdateItem", TABLE, "Allowed"],
    ["dynamodb:ConditionCheckItem", TABLE, "Allowed"],
    ["dynamodb:Query", TABLE, "Allowed"],
    ["dynamodb:Query", INDEX, "Allowed"],
    ["sts:AssumeRole", ROLE, "Allowed"],
    ["sts:SetSourceIdentity", ROLE, "Allowed"],
    ["iam:GetRolePolicy", ROLE, "Allowed"],
    ["iam:PutRolePolicy", ROLE, "Allowed"],
    ["iam:PutRolePolicy", `arn:aws:iam::${ACCOUNT}:role/Admin`, "ImplicitlyDenied"],
    ["iam:AttachRolePolicy", ROLE, "ImplicitlyDenied"],
    ["iam:UpdateAssumeRolePolicy", ROLE, "ImplicitlyDenied"],
    ["ssm:GetParameter", PARAMETER, "Allowed"],
    ["sns:Publish", TOPIC, "Allowed"],
    ["logs:PutLogEvents", `${GROUP}:log-stream:sentinel`, "Allowed"],
    ["logs:DeleteLogGroup", GROUP, "ImplicitlyDenied"],
    ["dynamodb:DeleteItem", TABLE, "ImplicitlyDenied"],
    ["dynamodb:Scan", TABLE, "ImplicitlyDenied"],
    ["dynamodb:DeleteTable", TABLE, "ImplicitlyDenied"],
    ["sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/Admin`, "ImplicitlyDenied"],
    ["ssm:PutParameter", PARAMETER, "ImplicitlyDenied"],
    ["ssm:GetParameter", `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/other`, "ImplicitlyDenied"],
  ];
  for (const [action, resource, expected] of cases) {
    assertEquals(await decide(role, action, resource), expected, `${action} on ${resource}`);
  }
});

Deno.test("a user allowed everything else, with the users' policy attached, can neither touch the store, assume a protected role, rewrite a policy nor lift a revocation", async () => {
  const everything = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  };
  const user = [everything, brokerUsersPolicy(RESOURCES)];
  const cases: [string, string, string][] = [
    ["dynamodb:PutItem", TABLE, "ExplicitlyDenied"],
    ["dynamodb:UpdateItem", TABLE, "ExplicitlyDenied"],
    ["dynamodb:Scan", TABLE, "ExplicitlyDenied"],
    ["dynamodb:Query", TABLE, "ExplicitlyDenied"],
    ["dynamodb:Query", INDEX, "ExplicitlyDenied"],
    ["dynamodb:DeleteTable", TABLE, "ExplicitlyDenied"],
    ["sts:AssumeRole", ROLE, "ExplicitlyDenied"],
    ["sts:SetSourceIdentity", ROLE, "ExplicitlyDenied"],
    ["ssm:PutParameter", PARAMETER, "ExplicitlyDenied"],
    ["ssm:DeleteParameter", PARAMETER, "ExplicitlyDenied"],
    ["iam:PutRolePolicy", ROLE, "ExplicitlyDenied"],
    ["iam:DeleteRolePolicy", ROLE, "ExplicitlyDenied"],
    ["iam:GetRolePolicy", ROLE, "Allowed"],
    ["ssm:GetParameter", PARAMETER, "Allowed"],
    ["dynamodb:PutItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/theirs`, "Allowed"],
    ["sts:GetCallerIdentity", "*", "Allowed"],
  ];
  for (const [action, resource, expected] of cases) {
    assertEquals(await decide(user, action, resource), expected, `${action} on ${resource}`);
  }
});

/**
 * The broker's CloudFormation template (deploy/cloudformation/sentinel-broker.yaml), generated
 * from the code it must agree with, so that it cannot drift:
 *
 * - the DynamoDB table is the `SentinelStateTable` resource of what
 *   `sentinel store init --store dynamodb:<table> --print-template` prints (the store kind's
 *   deployment helper, src/core/store/template.ts), with the table name a parameter;
 * - the broker role's store permissions are the store kind's IAM policy (`storeIamPolicy`);
 * - the protected role's trust policy is what `sentinel enforce trust-policy --broker-role <arn>`
 *   prints (`brokerTrustPolicy`, src/core/trust_policy.ts), and the broker role may perform on it
 *   exactly the actions that trust policy admits.
 *
 * A test (scripts/deploy_templates_test.ts) fails until the committed file is what this renders:
 *
 *   deno task deploy:templates            # print the template
 *   deno task deploy:templates --write    # rewrite deploy/cloudformation/sentinel-broker.yaml
 *
 * @module
 */
import { Document, isScalar, visit } from "yaml";
import { STORE_KINDS } from "../src/core/store/kinds.ts";
import { brokerTrustPolicy } from "../src/core/trust_policy.ts";
import { brokerAssumeActions, POLICY_READ_ACTIONS } from "../src/core/broker/iam.ts";

/** Where the template is committed, relative to the repository root. */
export const TEMPLATE_FILE = "deploy/cloudformation/sentinel-broker.yaml";

/** The stand-in names the code's documents are rendered with before the parameters go in. */
const TABLE_PLACEHOLDER = "sentinel-table-placeholder";
const BROKER_PLACEHOLDER = "arn:aws:iam::000000000000:role/SentinelBrokerPlaceholder";

/**
 * The service principals that may run the broker's host role: ECS tasks, EC2 instances (through
 * the instance profile) and EKS Pod Identity (which also tags the session).
 */
export const HOST_PRINCIPALS = [
  "ecs-tasks.amazonaws.com",
  "ec2.amazonaws.com",
  "pods.eks.amazonaws.com",
] as const;

type Json = Record<string, unknown>;

/** `{"Fn::Sub": text}`. */
const sub = (text: string) => ({ "Fn::Sub": text });
/** `{"Ref": name}`. */
const ref = (name: string) => ({ Ref: name });
/** `{"Fn::GetAtt": [resource, attribute]}`. */
const getAtt = (resource: string, attribute: string) => ({ "Fn::GetAtt": [resource, attribute] });

/** The table resource exactly as `store init --print-template` prints it, named by a parameter. */
export function tableResource(): Json {
  const printed = JSON.parse(STORE_KINDS.dynamodb.deployment.template(TABLE_PLACEHOLDER));
  const table = printed.Resources.SentinelStateTable;
  if (table?.Properties?.TableName !== TABLE_PLACEHOLDER) {
    throw new Error("store init --print-template no longer has SentinelStateTable named as asked");
  }
  return { ...table, Properties: { ...table.Properties, TableName: ref("TableName") } };
}

/** The store's IAM statements, on the table of this stack (and its indexes). */
function storeStatements(): Json[] {
  const policy = STORE_KINDS.dynamodb.deployment.iamPolicy("${SentinelStateTable.Arn}");
  return policy.Statement.map((statement) => ({
    ...statement,
    Resource: statement.Resource.map((arn) => sub(arn)),
  }));
}

/** The protected role's trust policy, with the broker role of this stack as its one principal. */
export function protectedTrust(): Json {
  const trust = brokerTrustPolicy({ brokerRole: BROKER_PLACEHOLDER });
  const text = JSON.stringify(trust);
  const principal = JSON.stringify({ AWS: [BROKER_PLACEHOLDER] });
  if (text.split(principal).length !== 2) {
    throw new Error("brokerTrustPolicy no longer names the broker role as {AWS: [arn]} once");
  }
  return JSON.parse(
    text.replace(principal, JSON.stringify({ AWS: [getAtt("BrokerRole", "Arn")] })),
  );
}

const PARAMETERS: Json = {
  TableName: {
    Type: "String",
    Default: "sentinel-state",
    AllowedPattern: "[a-zA-Z0-9_.-]{3,255}",
    Description: "The DynamoDB table of the store; the broker's store setting is dynamodb:<it>",
  },
  HostServicePrincipal: {
    Type: "String",
    Default: HOST_PRINCIPALS[0],
    AllowedValues: [...HOST_PRINCIPALS],
    Description: "Who runs the broker: ECS tasks, EC2 instances or EKS Pod Identity",
  },
  HostRoleName: {
    Type: "String",
    Default: "SentinelBrokerHost",
    AllowedPattern: "[\\w+=,.@-]{1,64}",
    Description: "The role the task, instance or pod gets; it can only become the broker role",
  },
  BrokerRoleName: {
    Type: "String",
    Default: "SentinelBroker",
    AllowedPattern: "[\\w+=,.@-]{1,64}",
    Description: "The broker's identity: the one principal the protected roles trust",
  },
  ProtectedRoleName: {
    Type: "String",
    Default: "SentinelProd",
    AllowedPattern: "[\\w+=,.@-]{1,64}",
    Description: "An example protected role: only the broker may assume it, stamped by Sentinel",
  },
  PolicyParameterPath: {
    Type: "String",
    Default: "sentinel/policies",
    AllowedPattern: "[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*",
    Description:
      "The SSM parameters the broker reads policies from: ssm:/<this>/<name> (no leading slash)",
  },
};

/**
 * The host role: what ECS, EC2 or EKS hands the broker process. Its one permission
 * ({@link hostPolicy}) is to become the broker role.
 */
function hostRole(): Json {
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      RoleName: ref("HostRoleName"),
      Description: "Runs the Sentinel broker; it may only assume the broker role",
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{
          Sid: "TheBrokersHost",
          Effect: "Allow",
          Principal: { Service: [ref("HostServicePrincipal")] },
          Action: {
            "Fn::If": ["OnEksPodIdentity", ["sts:AssumeRole", "sts:TagSession"], [
              "sts:AssumeRole",
            ]],
          },
        }],
      },
    },
  };
}

/** The host role's permission: assume the broker role, nothing else. */
function hostPolicy(): Json {
  return {
    Type: "AWS::IAM::ManagedPolicy",
    Properties: {
      ManagedPolicyName: sub("${HostRoleName}Policy"),
      Description: "The Sentinel broker's host: it may only assume the broker role",
      Roles: [ref("HostRole")],
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [{
          Sid: "AssumeTheBrokerRole",
          Effect: "Allow",
          Action: ["sts:AssumeRole"],
          Resource: [getAtt("BrokerRole", "Arn")],
        }],
      },
    },
  };
}

/** The broker role: trusted by the host role only. */
function brokerRole(): Json {
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      RoleName: ref("BrokerRoleName"),
      Description: "The Sentinel broker (sentinel serve): the only principal protected roles trust",
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{
          Sid: "OnlyTheBrokersHost",
          Effect: "Allow",
          Principal: { AWS: [getAtt("HostRole", "Arn")] },
          Action: ["sts:AssumeRole"],
        }],
      },
    },
  };
}

/**
 * The broker role's permissions: the store (and nothing else on it), the protected roles with
 * exactly the actions their trust policy admits, and the policies in SSM. Checking a caller's
 * proof and the broker's own GetCallerIdentity need no permission.
 */
function brokerPolicy(): Json {
  return {
    Type: "AWS::IAM::ManagedPolicy",
    Properties: {
      ManagedPolicyName: sub("${BrokerRoleName}Policy"),
      Description: "The Sentinel broker: its store, the protected roles, its policies",
      Roles: [ref("BrokerRole")],
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          ...storeStatements(),
          {
            Sid: "SentinelProtectedRoles",
            Effect: "Allow",
            Action: brokerAssumeActions(),
            Resource: [getAtt("ProtectedRole", "Arn")],
          },
          {
            Sid: "SentinelPolicies",
            Effect: "Allow",
            Action: [...POLICY_READ_ACTIONS],
            Resource: [
              sub(
                "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${PolicyParameterPath}/*",
              ),
            ],
          },
        ],
      },
    },
  };
}

/** The whole template, as data. */
export function brokerStackTemplate(): Json {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "Sentinel broker (sentinel serve): its store table, its host and broker roles, and an " +
      "example protected role that trusts only the broker (generated by " +
      "scripts/deploy_templates.ts; docs/deploy.md)",
    Parameters: PARAMETERS,
    Conditions: {
      OnEc2: { "Fn::Equals": [ref("HostServicePrincipal"), "ec2.amazonaws.com"] },
      OnEksPodIdentity: { "Fn::Equals": [ref("HostServicePrincipal"), "pods.eks.amazonaws.com"] },
    },
    Resources: {
      SentinelStateTable: tableResource(),
      HostRole: hostRole(),
      HostInstanceProfile: {
        Type: "AWS::IAM::InstanceProfile",
        Condition: "OnEc2",
        Properties: { InstanceProfileName: ref("HostRoleName"), Roles: [ref("HostRole")] },
      },
      HostPolicy: hostPolicy(),
      BrokerRole: brokerRole(),
      BrokerPolicy: brokerPolicy(),
      ProtectedRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: ref("ProtectedRoleName"),
          Description:
            "Protected by Sentinel: only the broker may assume it (enforce trust-policy)",
          AssumeRolePolicyDocument: protectedTrust(),
        },
      },
    },
    Outputs: {
      HostRoleArn: {
        Description: "The ECS task role, EC2 instance role or EKS Pod Identity role",
        Value: getAtt("HostRole", "Arn"),
      },
      HostInstanceProfileArn: {
        Condition: "OnEc2",
        Description: "The instance profile for the broker's EC2 instances",
        Value: getAtt("HostInstanceProfile", "Arn"),
      },
      BrokerRoleArn: {
        Description: "role_arn of the broker's profile, and --broker-role of sentinel enforce",
        Value: getAtt("BrokerRole", "Arn"),
      },
      ProtectedRoleArn: {
        Description: "sentinel_role_arn of a profile the broker serves",
        Value: getAtt("ProtectedRole", "Arn"),
      },
      TableName: { Description: "The store's table", Value: ref("TableName") },
      SentinelStore: {
        Description: "The broker's store setting (store: in its config, or SENTINEL_STORE)",
        Value: sub("dynamodb:${TableName}"),
      },
    },
  };
}

/** The template as committed: a header saying where it comes from, then YAML. */
export function renderBrokerStack(): string {
  const header = [
    "# Generated by scripts/deploy_templates.ts from src/core/store/template.ts and",
    "# src/core/trust_policy.ts; do not edit: run `deno task deploy:templates --write`.",
    "# How to use it: docs/deploy.md",
  ].join("\n");
  const document = new Document(brokerStackTemplate(), { aliasDuplicateObjects: false });
  // Dates such as 2012-10-17 quoted, so that no YAML 1.1 reader takes them for timestamps.
  visit(document, {
    Scalar(_key, node) {
      if (isScalar(node) && /^\d{4}-\d{2}-\d{2}$/.test(String(node.value))) {
        node.type = "QUOTE_DOUBLE";
      }
    },
  });
  return `${header}\n${document.toString({ lineWidth: 0 })}`;
}

if (import.meta.main) {
  const text = renderBrokerStack();
  if (Deno.args.includes("--write")) {
    const path = new URL(`../${TEMPLATE_FILE}`, import.meta.url);
    await Deno.mkdir(new URL(".", path), { recursive: true });
    await Deno.writeTextFile(path, text);
  } else {
    console.log(text.trimEnd());
  }
}

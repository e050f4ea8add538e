/**
 * What `sentinel store init --print-template` prints, and the IAM that goes with the team store
 * (DESIGN §2: whoever can write the table can forge approval and break-glass state, so access to
 * it is the trust boundary). The CloudFormation template declares exactly the table that
 * `sentinel store init` creates — both come from `store_table.ts` — plus a managed policy for the
 * people and roles that use it. Pure text and data, no I/O.
 *
 * @example
 * ```ts
 * import { dynamoDbTemplate, storeIamPolicy } from "./template.ts";
 *
 * const template = JSON.parse(dynamoDbTemplate("sentinel-state"));
 * console.assert(template.Resources.SentinelStateTable.Type === "AWS::DynamoDB::Table");
 * const policy = storeIamPolicy("arn:aws:dynamodb:eu-west-1:123456789012:table/sentinel-state");
 * console.assert(policy.Version === "2012-10-17");
 * ```
 * @module
 */
import {
  STORE_INDEX_ACTIONS,
  STORE_INDEXES,
  STORE_INIT_ACTIONS,
  STORE_ITEM_ACTIONS,
  tableDefinition,
  TTL_ATTRIBUTE,
} from "./table.ts";

/** One IAM policy statement. */
export interface IamStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
}

/** An IAM policy document. */
export interface IamPolicy {
  Version: "2012-10-17";
  Statement: IamStatement[];
}

/**
 * Least privilege for using the store at `tableArn`: read and conditionally write its items, query
 * the table (one partition at a time: a role's revocations) and its indexes (each by name). No
 * delete, no scan, no table administration.
 */
export function storeIamPolicy(tableArn: string): IamPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SentinelStoreItems",
        Effect: "Allow",
        Action: [...STORE_ITEM_ACTIONS],
        Resource: [tableArn],
      },
      {
        Sid: "SentinelStoreIndexes",
        Effect: "Allow",
        Action: [...STORE_INDEX_ACTIONS],
        Resource: Object.values(STORE_INDEXES).map((index) => `${tableArn}/index/${index.name}`),
      },
    ],
  };
}

/** What `sentinel store init` needs on `tableArn` (create it, wait for it, enable TTL). */
export function storeInitIamPolicy(tableArn: string): IamPolicy {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "SentinelStoreInit",
        Effect: "Allow",
        Action: [...STORE_INIT_ACTIONS],
        Resource: [tableArn],
      },
    ],
  };
}

/**
 * A CloudFormation template (JSON) for the table `table`: on-demand, the indexes and TTL the store
 * uses, retained when the stack is deleted or replaced (it holds audit records), and a managed
 * policy with {@link storeIamPolicy} to attach to Sentinel's users.
 */
export function dynamoDbTemplate(table: string): string {
  const tableArn =
    `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${table}`;
  const policy = storeIamPolicy(tableArn);
  const template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Sentinel approval and break-glass store: the DynamoDB table ${table} and a ` +
      "policy for the people and roles that use it (sentinel store init --print-template)",
    Resources: {
      SentinelStateTable: {
        Type: "AWS::DynamoDB::Table",
        DeletionPolicy: "Retain",
        UpdateReplacePolicy: "Retain",
        Properties: {
          ...tableDefinition(table),
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        },
      },
      SentinelStoreUsePolicy: {
        Type: "AWS::IAM::ManagedPolicy",
        DependsOn: "SentinelStateTable",
        Properties: {
          Description: `Use the Sentinel store ${table} (no delete, no administration)`,
          PolicyDocument: {
            Version: policy.Version,
            Statement: policy.Statement.map((statement) => ({
              ...statement,
              Resource: statement.Resource.map((arn) => ({ "Fn::Sub": arn })),
            })),
          },
        },
      },
    },
    Outputs: {
      TableArn: { Value: { "Fn::GetAtt": ["SentinelStateTable", "Arn"] } },
      UsePolicyArn: { Value: { Ref: "SentinelStoreUsePolicy" } },
      SentinelStore: { Value: `dynamodb:${table}` },
    },
  };
  return `${JSON.stringify(template, null, 2)}\n`;
}

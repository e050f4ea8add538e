/**
 * The CloudFormation template and the IAM policy against the table design the store uses
 * (`store_table.ts`): same key, every index with the same keys, the same TTL attribute, and IAM
 * limited to the store's own calls on the table and on each index by name. (The contract suite
 * checks the other side: every call the DynamoDB store made against moto is one this policy
 * grants.)
 */
import { assertEquals, assertTrue } from "../../../test/assert.ts";
import { dynamoDbTemplate, storeIamPolicy, storeInitIamPolicy } from "./template.ts";
import {
  STORE_INDEX_ACTIONS,
  STORE_INDEXES,
  STORE_ITEM_ACTIONS,
  TABLE_KEY,
  tableDefinition,
  TTL_ATTRIBUTE,
} from "./table.ts";

const ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/sentinel-state";

interface TemplateTable {
  Type: string;
  DeletionPolicy: string;
  UpdateReplacePolicy: string;
  Properties: {
    TableName: string;
    BillingMode: string;
    AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
    KeySchema: { AttributeName: string; KeyType: string }[];
    GlobalSecondaryIndexes: {
      IndexName: string;
      KeySchema: { AttributeName: string; KeyType: string }[];
      Projection: { ProjectionType: string };
    }[];
    TimeToLiveSpecification: { AttributeName: string; Enabled: boolean };
  };
}

function templateOf(table: string) {
  const template = JSON.parse(dynamoDbTemplate(table));
  return {
    template,
    table: template.Resources.SentinelStateTable as TemplateTable,
    policy: template.Resources.SentinelStoreUsePolicy.Properties.PolicyDocument,
  };
}

Deno.test("the template's table is the one init creates: key, on-demand billing, retained", () => {
  const { table, template } = templateOf("sentinel-state");
  assertEquals(template.AWSTemplateFormatVersion, "2010-09-09");
  assertEquals(table.Type, "AWS::DynamoDB::Table");
  assertEquals(table.DeletionPolicy, "Retain");
  assertEquals(table.UpdateReplacePolicy, "Retain");
  const { TimeToLiveSpecification, ...created } = table.Properties;
  assertEquals(created, tableDefinition("sentinel-state"));
  assertEquals(table.Properties.BillingMode, "PAY_PER_REQUEST");
  assertEquals(table.Properties.KeySchema, [
    { AttributeName: TABLE_KEY.partition, KeyType: "HASH" },
    { AttributeName: TABLE_KEY.sort, KeyType: "RANGE" },
  ]);
  assertEquals(TimeToLiveSpecification, { AttributeName: TTL_ATTRIBUTE, Enabled: true });
  assertEquals(template.Outputs.SentinelStore.Value, "dynamodb:sentinel-state");
});

Deno.test("every index the store queries is in the template, with its keys and types", () => {
  const { table } = templateOf("team-state");
  const defined = new Map(
    table.Properties.AttributeDefinitions.map((a) => [a.AttributeName, a.AttributeType]),
  );
  const indexes = Object.values(STORE_INDEXES);
  assertEquals(
    table.Properties.GlobalSecondaryIndexes.map((index) => index.IndexName).sort(),
    indexes.map((index) => index.name).sort(),
  );
  for (const index of indexes) {
    const declared = table.Properties.GlobalSecondaryIndexes.find((i) =>
      i.IndexName === index.name
    )!;
    assertEquals(declared.KeySchema, [
      { AttributeName: index.partition, KeyType: "HASH" },
      { AttributeName: index.sort, KeyType: "RANGE" },
    ], index.name);
    assertEquals(declared.Projection, { ProjectionType: "ALL" }, index.name);
    assertEquals(defined.get(index.partition), "S", index.partition);
    assertEquals(defined.get(index.sort), index.sortType, index.sort);
  }
  assertEquals(STORE_INDEXES.byGrant.sortType, "N");
});

Deno.test("attribute definitions are exactly the key attributes (CloudFormation rejects others)", () => {
  const { table } = templateOf("team-state");
  const keyAttributes = new Set([
    ...table.Properties.KeySchema.map((k) => k.AttributeName),
    ...table.Properties.GlobalSecondaryIndexes.flatMap((i) =>
      i.KeySchema.map((k) => k.AttributeName)
    ),
  ]);
  const defined = table.Properties.AttributeDefinitions.map((a) => a.AttributeName);
  assertEquals(defined.length, new Set(defined).size, "no attribute defined twice");
  assertEquals(new Set(defined), keyAttributes);
  assertTrue(!keyAttributes.has(TTL_ATTRIBUTE), "the TTL attribute is no key");
});

Deno.test("the use policy: the store's item calls on the table, Query on each index by name", () => {
  const policy = storeIamPolicy(ARN);
  assertEquals(policy.Version, "2012-10-17");
  const [items, indexes] = policy.Statement;
  assertEquals(items.Action, [...STORE_ITEM_ACTIONS]);
  assertEquals(items.Resource, [ARN]);
  assertEquals(indexes.Action, [...STORE_INDEX_ACTIONS]);
  assertEquals(
    indexes.Resource,
    Object.values(STORE_INDEXES).map((index) => `${ARN}/index/${index.name}`),
  );
  const actions = policy.Statement.flatMap((statement) => statement.Action);
  for (const action of actions) {
    assertTrue(/^dynamodb:[A-Za-z]+$/.test(action), `no wildcard: ${action}`);
  }
  for (
    const forbidden of [
      "dynamodb:DeleteItem",
      "dynamodb:Scan",
      "dynamodb:BatchWriteItem",
      "dynamodb:DeleteTable",
      "dynamodb:UpdateTable",
      "dynamodb:CreateTable",
    ]
  ) {
    assertTrue(!actions.includes(forbidden), `${forbidden} is not granted`);
  }
  const resources = policy.Statement.flatMap((statement) => statement.Resource);
  assertTrue(resources.every((r) => r.startsWith(ARN)), "only the table and its indexes");
});

Deno.test("the init policy: create, describe, enable TTL on the table only", () => {
  assertEquals(storeInitIamPolicy(ARN).Statement, [{
    Sid: "SentinelStoreInit",
    Effect: "Allow",
    Action: ["dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTimeToLive"],
    Resource: [ARN],
  }]);
});

Deno.test("the template's managed policy is the use policy on the stack's own table ARN", () => {
  const { policy } = templateOf("sentinel-state");
  const substituted =
    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/sentinel-state";
  const expected = storeIamPolicy(substituted);
  assertEquals(policy.Version, expected.Version);
  assertEquals(
    policy.Statement,
    expected.Statement.map((statement) => ({
      ...statement,
      Resource: statement.Resource.map((arn) => ({ "Fn::Sub": arn })),
    })),
  );
});

Deno.test("the template is stable text ending in a newline, naming the table", () => {
  const text = dynamoDbTemplate("sentinel-state");
  assertEquals(text, dynamoDbTemplate("sentinel-state"));
  assertTrue(text.endsWith("}\n"));
  assertEquals(templateOf("other.table-1").table.Properties.TableName, "other.table-1");
});

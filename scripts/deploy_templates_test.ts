/**
 * deploy/cloudformation/sentinel-broker.yaml is what scripts/deploy_templates.ts renders from the
 * code (regenerate with `deno task deploy:templates --write`), and what it renders says what the
 * code says: the table of `store init --print-template`, the store policy of `--print-iam`, the
 * trust policy of `enforce trust-policy --broker-role`. (test/deploy_files_test.ts runs cfn-lint
 * on it; test/deploy_e2e_test.ts creates it in moto's CloudFormation.)
 */
import { parse as parseYaml } from "yaml";
import { assertEquals } from "../test/assert.ts";
import { dynamoDbTemplate, storeIamPolicy } from "../src/core/store/template.ts";
import { TTL_ATTRIBUTE } from "../src/core/store/table.ts";
import { brokerTrustPolicy } from "../src/core/trust_policy.ts";
import { brokerStackTemplate, renderBrokerStack, TEMPLATE_FILE } from "./deploy_templates.ts";

const ROOT = new URL("../", import.meta.url);

Deno.test("the committed broker template is the generated one", async () => {
  assertEquals(
    await Deno.readTextFile(new URL(TEMPLATE_FILE, ROOT)),
    renderBrokerStack(),
    `${TEMPLATE_FILE} is stale: run \`deno task deploy:templates --write\``,
  );
  // What is committed is YAML for the same template (nothing lost in rendering).
  assertEquals(parseYaml(renderBrokerStack()), brokerStackTemplate());
});

// deno-lint-ignore no-explicit-any
const resources = brokerStackTemplate().Resources as Record<string, any>;

Deno.test("its table is the one store init --print-template prints, named by the TableName parameter", () => {
  const printed = JSON.parse(dynamoDbTemplate("any-name")).Resources.SentinelStateTable;
  assertEquals(resources.SentinelStateTable, {
    ...printed,
    Properties: { ...printed.Properties, TableName: { Ref: "TableName" } },
  });
  assertEquals(resources.SentinelStateTable.Properties.TimeToLiveSpecification, {
    AttributeName: TTL_ATTRIBUTE,
    Enabled: true,
  });
  assertEquals(resources.SentinelStateTable.DeletionPolicy, "Retain");
});

Deno.test("the broker role may use the store as --print-iam says, assume the protected role as its trust admits, read the policies; nothing more", () => {
  const statements = resources.BrokerPolicy.Properties.PolicyDocument.Statement;
  const arn = "arn:aws:dynamodb:eu-central-1:123456789012:table/sentinel-state";
  const sub = (text: string) => text.replace("${SentinelStateTable.Arn}", arn);
  const store = statements.filter((s: { Sid: string }) => s.Sid.startsWith("SentinelStore"));
  assertEquals(
    store.map((s: { Resource: { "Fn::Sub": string }[] }) => ({
      ...s,
      Resource: s.Resource.map((r) => sub(r["Fn::Sub"])),
    })),
    storeIamPolicy(arn).Statement,
  );
  const trust = brokerTrustPolicy({ brokerRole: "arn:aws:iam::123456789012:role/B" });
  const [admitted] = trust.Statement as { Action: string[] }[];
  assertEquals(statements.map((s: { Sid: string; Action: string[] }) => [s.Sid, s.Action]), [
    ...store.map((s: { Sid: string; Action: string[] }) => [s.Sid, s.Action]),
    ["SentinelProtectedRoles", admitted.Action],
    ["SentinelPolicies", ["ssm:GetParameter"]],
  ]);
  assertEquals(resources.BrokerPolicy.Properties.Roles, [{ Ref: "BrokerRole" }]);
  // The host role may only become the broker.
  assertEquals(resources.HostPolicy.Properties.PolicyDocument.Statement, [{
    Sid: "AssumeTheBrokerRole",
    Effect: "Allow",
    Action: ["sts:AssumeRole"],
    Resource: [{ "Fn::GetAtt": ["BrokerRole", "Arn"] }],
  }]);
});

Deno.test("the protected role trusts what enforce trust-policy --broker-role prints, with the stack's broker role", () => {
  const brokerRole = "arn:aws:iam::123456789012:role/SentinelBroker";
  const rendered = JSON.stringify(resources.ProtectedRole.Properties.AssumeRolePolicyDocument)
    .replace(JSON.stringify({ "Fn::GetAtt": ["BrokerRole", "Arn"] }), JSON.stringify(brokerRole));
  assertEquals(JSON.parse(rendered), brokerTrustPolicy({ brokerRole }));
  assertEquals(resources.BrokerRole.Properties.AssumeRolePolicyDocument.Statement, [{
    Sid: "OnlyTheBrokersHost",
    Effect: "Allow",
    Principal: { AWS: [{ "Fn::GetAtt": ["HostRole", "Arn"] }] },
    Action: ["sts:AssumeRole"],
  }]);
});

/**
 * Attack on the trust model as documented. README: "Whoever can write the table directly can
 * forge approvals: keep that to administrators." But `sentinel store init --print-iam` is the one
 * least-privilege policy for *using* the store — every requester needs it, since `request` writes
 * the table — and it grants dynamodb:PutItem on every item. So each requester can forge an
 * approval of their own request with two calls the policy allows (GetItem, PutItem), no
 * administrator involved. Either the claim or the IAM is wrong: requesters would need a policy
 * that cannot write approved items (or approvals would have to be verifiable at issuance).
 *
 * Fails on the code it was written against (src/core/store_template.ts storeIamPolicy, README
 * "Approvals › Where").
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { aws } from "../harness/aws_home.ts";
import { startTeam } from "../harness/team.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
`;

Deno.test("attack: a requester with only the --print-iam policy forges the approval of her own request", async () => {
  await using t = await startTeam({ store: "dynamodb", policy: POLICY });
  const table = t.store.slice("dynamodb:".length);
  const iam = await t.as("bob", [
    "store",
    "init",
    "--print-iam",
    `arn:aws:dynamodb:us-east-1:123456789012:table/${table}`,
  ]);
  assertEquals(iam.code, 0, iam.stderr);
  for (const action of ["dynamodb:GetItem", "dynamodb:PutItem"]) assertIncludes(iam.stdout, action);

  const created = await t.run(["request", "prod", "--reason", "deploy", "--output", "json"]);
  assertEquals(created.code, 0, created.stderr);
  const id = JSON.parse(created.stdout).id;
  const asAlice = { ...t.home.env, AWS_PROFILE: "alice" };
  const key = JSON.stringify({ pk: { S: `request#${id}` }, sk: { S: "request" } });
  const got = await aws(["dynamodb", "get-item", "--table-name", table, "--key", key], asAlice);
  assertEquals(got.code, 0, got.stderr);
  const item = JSON.parse(got.stdout).Item;
  const now = Date.now();
  const doc = JSON.parse(item.doc.S);
  const forged = {
    ...doc,
    status: "approved",
    approvals: [{ approver: "bob", at: now }],
    decidedBy: "bob",
    decidedAt: now,
    updatedAt: now,
    windowEndsAt: now + 3_600_000,
    version: doc.version + 1,
  };
  item.doc = { S: JSON.stringify(forged) };
  item.ver = { N: String(forged.version) };
  item.status_key = { S: "request#approved" };
  item.grant_key = { S: `request#${JSON.stringify(["alice", "prod"])}` };
  item.grant_ends = { N: String(forged.windowEndsAt) };
  const put = await aws([
    "dynamodb",
    "put-item",
    "--table-name",
    table,
    "--item",
    JSON.stringify(item),
  ], asAlice);
  assertEquals(put.code, 0, put.stderr);

  const issued = await t.run(["credentials", "prod"]);
  assertEquals(
    issued.stdout,
    "",
    "alice, holding only the documented least-privilege store policy, approved herself",
  );
});

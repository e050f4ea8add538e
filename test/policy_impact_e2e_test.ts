/**
 * `sentinel policy impact` over a real decision log, made by real Sentinel processes against moto:
 * allows, denies, an issuance under an approval and one under break-glass. The replay under a new
 * policy reports exactly the decisions that flip, names the two whose outcome depended on the
 * store, and changes nothing (the log's chain still verifies, no record is added).
 */
import { assertEquals, assertIncludes } from "./assert.ts";
import { credentialProcess } from "./harness/aws_home.ts";
import { startTeam } from "./harness/team.ts";

const POLICY = `version: "1"
rules:
  - name: devs
    effect: allow
    conditions: { profiles: [dev], users: [alice] }
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
breakglass:
  - { name: sre, profiles: [prod], users: [alice], max_duration: 1h }
`;

const NEW = `version: "1"
rules:
  - name: dev-closed
    effect: deny
    conditions: { profiles: [dev] }
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
`;

Deno.test("policy impact replays a real log: the flips, the decisions that depended on the store named, nothing written", async () => {
  await using t = await startTeam({
    store: "sqlite",
    policy: POLICY,
    extraConfig: `
[profile dev]
credential_process = ${credentialProcess("dev")}
sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelDev
sentinel_source_profile = alice
region = us-east-1
`,
  });
  await Deno.writeTextFile(
    `${t.home.dir}/.aws/config`,
    (await Deno.readTextFile(`${t.home.dir}/.aws/config`)).replace(
      "sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelDev",
      `sentinel_role_arn = arn:aws:iam::123456789012:role/SentinelDev\nsentinel_policy = ${t.policyPath}`,
    ),
  );
  assertEquals((await t.run(["credentials", "dev"])).code, 0, "alice may use dev");
  assertEquals((await t.run(["credentials", "prod"])).code, 5, "prod needs approval");
  const invoked = await t.run([
    "breakglass",
    "prod",
    "--reason-code",
    "incident",
    "--justification",
    "INC-2",
    "-o",
    "json",
  ]);
  assertEquals(invoked.code, 0, invoked.stderr);
  assertEquals((await t.run(["credentials", "prod"])).code, 0, "issued under break-glass");
  const event = JSON.parse(invoked.stdout).id as string;
  assertEquals((await t.run(["breakglass", "close", event, "--reason", "done"])).code, 0);
  const asked = await t.run(["request", "prod", "--reason", "deploy", "-o", "json"]);
  const id = JSON.parse(asked.stdout).id as string;
  assertEquals((await t.as("bob", ["approve", id])).code, 0);
  assertEquals((await t.run(["credentials", "prod"])).code, 0, "issued under the approval");

  const before = await Deno.readTextFile(t.home.logFile);
  await Deno.writeTextFile(`${t.home.dir}/new.yaml`, NEW);
  const run = await t.run(["policy", "impact", "--policy", `${t.home.dir}/new.yaml`, "-o", "json"]);
  assertEquals(run.code, 0, run.stderr);
  const impact = JSON.parse(run.stdout);
  assertEquals(
    impact.flips.map((f: { user: string; profile: string; change: string }) => [
      f.user,
      f.profile,
      f.change,
    ]),
    [["alice", "dev", "allow→deny"]],
  );
  assertEquals(impact.not_replayed.map((n: { why: string }) => n.why.split(" ").slice(0, 3)), [
    ["issued", "under", "break-glass"],
    ["issued", "under", "approval"],
  ]);
  assertEquals(impact.unchanged, impact.replayed - 1);
  assertEquals(await Deno.readTextFile(t.home.logFile), before, "the replay writes nothing");
  const verified = await t.run(["audit", "verify"]);
  assertEquals(verified.code, 0, verified.stderr);

  const text = await t.run(["policy", "impact", "--policy", `${t.home.dir}/new.yaml`]);
  assertIncludes(text.stdout, "would change");
  assertIncludes(
    text.stdout,
    "alice on dev (credential_process): allow by devs → deny by dev-closed",
  );
});

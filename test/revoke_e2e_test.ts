/**
 * `sentinel revoke` and Sentinel's own revocations end to end, against moto's IAM with the real
 * AWS CLI reading back what was written: a dry run that writes nothing; a revocation that writes
 * the role's SentinelRevocations policy, is logged and announced; the same person revoked again
 * moves to the later cutoff; 20 concurrent revocations of different people on one role lose none
 * (each recorded in the store, the policy written from all of them and read back); 200 people on
 * one role stay under IAM's limit; a break-glass `close` under `revoke_on_end` revokes exactly
 * that event's sessions; an approval window that ended is revoked by `requests sweep`; the warm
 * cache no longer hands out a session revoked on this host. What the written documents deny is
 * evaluated with iam-simulate in revocation_simulation_test.ts (moto ignores Conditions); here
 * the documents read back from IAM are evaluated too.
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { decideUnderRevocation } from "./support/revocation_simulation.ts";
import { patternsOf, rolePolicy } from "./harness/revocation_attacks.ts";
import { aws, credentialProcess } from "./harness/aws_home.ts";
import { createRole, MOTO_ACCOUNT } from "./harness/moto_iam.ts";
import { startTeam, type Team, TEAM_ROLE } from "./harness/team.ts";
import { ROOT } from "./harness/tools.ts";
import { formatSourceIdentity } from "../src/core/issuance/source_identity.ts";
import { openStores } from "../src/adapters/stores/open.ts";

const POLICY = `version: "1"
rules:
  - name: devs
    effect: allow
    conditions: { profiles: [dev] }
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob], revoke_on_end: true }
breakglass:
  - { name: sre, profiles: [prod], users: [alice], max_duration: 1h, revoke_on_end: true }
`;

const DEV_ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/SentinelDev`;

const DEV_PROFILE = (policyPath: string) => `
[profile dev]
credential_process = ${credentialProcess("dev")}
sentinel_role_arn = ${DEV_ROLE}
sentinel_source_profile = alice
sentinel_policy = ${policyPath}
region = us-east-1
`;

const TRUST = {
  Version: "2012-10-17",
  Statement: [{
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` },
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
  }],
};

async function team(): Promise<Team> {
  const t = await startTeam({ store: "sqlite", policy: POLICY });
  await Deno.writeTextFile(
    `${t.home.dir}/.aws/config`,
    (await Deno.readTextFile(`${t.home.dir}/.aws/config`)) + DEV_PROFILE(t.policyPath),
  );
  await createRole(t.moto, "SentinelProd", TRUST);
  await createRole(t.moto, "SentinelDev", TRUST);
  const init = await t.as("bob", ["store", "init"]);
  assertEquals(init.code, 0, init.stderr);
  return t;
}

/** What IAM decides for a session of `roleName` stamped `stamp`, issued at `issued`. */
const decide = (document: unknown, roleName: string, stamp: string, issued: number) =>
  decideUnderRevocation(document, { role: roleName, stamp, issued });

const logRecords = async (t: Team) =>
  (await Deno.readTextFile(t.home.logFile)).trim().split("\n").map((line) => JSON.parse(line));

Deno.test("revoke --user: a dry run writes nothing; then the role policy is written, logged, and what it denies is what it should", async () => {
  await using t = await team();
  const dry = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev", "--dry-run"]);
  assertEquals(dry.code, 0, dry.stderr);
  assertIncludes(dry.stdout, "dry run: alice's sessions issued before");
  assertIncludes(dry.stdout, `${DEV_ROLE}: SentinelRevocations would be`);
  assertIncludes(dry.stdout, "+ sentinel=alice=* before");
  assertIncludes(dry.stdout, '"aws:SourceIdentity"');
  assertEquals(await rolePolicy(t, "SentinelDev"), undefined, "a dry run writes nothing");

  const started = Date.now();
  const run = await t.as("bob", [
    "revoke",
    "--user",
    "alice",
    "--profiles",
    "dev",
    "--reason",
    "laptop stolen",
    "--output",
    "json",
  ]);
  assertEquals(run.code, 0, run.stderr);
  const answer = JSON.parse(run.stdout);
  assertEquals([answer.dry_run, answer.user, answer.scope, answer.revoked_by], [
    false,
    "alice",
    "user",
    "bob",
  ]);
  assertEquals(
    answer.roles.map((r: { role_arn: string; writes: number }) => [r.role_arn, r.writes]),
    [
      [DEV_ROLE, 1],
    ],
  );
  const written = await rolePolicy(t, "SentinelDev");
  assertEquals(patternsOf(written), ["sentinel=alice=*"]);
  assertEquals(await rolePolicy(t, "SentinelProd"), undefined, "--profiles dev: prod untouched");

  const alice = formatSourceIdentity("alice", "0123456789abcdef");
  const bob = formatSourceIdentity("bob", "0123456789abcdef");
  assertEquals(await decide(written, "SentinelDev", alice, started - 60_000), "ExplicitlyDenied");
  assertEquals(await decide(written, "SentinelDev", alice, Date.now() + 2_000), "Allowed");
  assertEquals(await decide(written, "SentinelDev", bob, started - 60_000), "Allowed");

  const logged = (await logRecords(t)).filter((r) => r.type === "revocation");
  assertEquals(logged.map((r) => [r.action, r.user, r.actor, r.reason]), [
    ["revoked", "alice", "bob", "laptop stolen"],
  ]);
  const shown = await t.run(["log", "--type", "revocation", "--output", "json"]);
  assertEquals(shown.code, 0, shown.stderr);
  assertIncludes(shown.stdout, "laptop stolen");

  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const again = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev"]);
  assertEquals(again.code, 0, again.stderr);
  const moved = await rolePolicy(t, "SentinelDev");
  assertEquals(moved?.Statement.length, 1, "revoked again: one statement, at the later cutoff");
  assertTrue(
    moved!.Statement[0].Condition.DateLessThan["aws:TokenIssueTime"] >
      written!.Statement[0].Condition.DateLessThan["aws:TokenIssueTime"],
  );
});

Deno.test("20 concurrent revocations of different people on one role: none is lost", async () => {
  await using t = await team();
  const people = Array.from({ length: 20 }, (_, i) => `person${String(i).padStart(2, "0")}`);
  const runs = await Promise.all(
    people.map((person) =>
      t.as("bob", ["revoke", "--user", person, "--profiles", "dev", "-o", "json"])
    ),
  );
  for (const run of runs) assertEquals(run.code, 0, run.stderr);
  const writes = runs.map((run) => JSON.parse(run.stdout).roles[0].writes as number);
  console.log(`writes per revoker: ${writes.join(" ")} (total ${writes.reduce((a, b) => a + b)})`);
  assertEquals(
    patternsOf(await rolePolicy(t, "SentinelDev")),
    people.map((person) => `sentinel=${person}=*`),
  );
});

Deno.test("break-glass close under revoke_on_end revokes exactly that event's sessions on its role", async () => {
  await using t = await team();
  const invoked = await t.run([
    "breakglass",
    "prod",
    "--reason-code",
    "incident",
    "--justification",
    "INC-1 checkout down",
    "--output",
    "json",
  ]);
  assertEquals(invoked.code, 0, invoked.stderr);
  const id = JSON.parse(invoked.stdout).id as string;
  const closed = await t.run(["breakglass", "close", id, "--reason", "fixed"], {
    SENTINEL_REVOKER_PROFILE: "bob",
  });
  assertEquals(closed.code, 0, closed.stderr);
  assertIncludes(closed.stdout, `those issued under it were revoked on ${TEAM_ROLE}`);
  const stamp = formatSourceIdentity("alice", id, { breakglass: true });
  const written = await rolePolicy(t, "SentinelProd");
  assertEquals(patternsOf(written), [stamp]);
  const before = Date.now() - 60_000;
  assertEquals(await decide(written, "SentinelProd", stamp, before), "ExplicitlyDenied");
  assertEquals(
    await decide(
      written,
      "SentinelProd",
      formatSourceIdentity("alice", "0123456789abcdef"),
      before,
    ),
    "Allowed",
    "her ordinary sessions stand",
  );
  const logged = (await logRecords(t)).filter((r) => r.type === "revocation");
  assertEquals(logged.map((r) => [r.scope, r.breakglass_event_id, r.actor]), [[
    "event",
    id,
    "sentinel",
  ]]);
});

Deno.test("an ended approval window under revoke_on_end is revoked by requests sweep, once", async () => {
  await using t = await team();
  const asked = await t.run([
    "request",
    "prod",
    "--reason",
    "deploy",
    "--duration",
    "20m",
    "-o",
    "json",
  ]);
  assertEquals(asked.code, 0, asked.stderr);
  const id = JSON.parse(asked.stdout).id as string;
  const approved = await t.as("bob", ["approve", id]);
  assertEquals(approved.code, 0, approved.stderr);
  const later = { SENTINEL_TEST_CLOCK_OFFSET: String(2 * 3_600_000) };
  const preload = ["--preload", `${ROOT}/test/support/skewed_clock.ts`];
  const swept = await t.run(
    ["requests", "sweep", "--aws-profile", "bob", "-o", "json"],
    later,
    preload,
  );
  assertEquals(swept.code, 0, swept.stderr);
  assertEquals(JSON.parse(swept.stdout).revoked, 1);
  assertEquals(patternsOf(await rolePolicy(t, "SentinelProd")), ["sentinel=alice=*"]);
  const again = await t.run(
    ["requests", "sweep", "--aws-profile", "bob", "-o", "json"],
    later,
    preload,
  );
  assertEquals(JSON.parse(again.stdout).revoked, 0, "once per request");
});

Deno.test("the warm cache no longer hands out a session revoked on this host: the next call gets a new one", async () => {
  await using t = await team();
  const first = await t.run(["credentials", "dev"]);
  assertEquals(first.code, 0, first.stderr);
  const warm = await t.run(["credentials", "dev"]);
  assertEquals(JSON.parse(warm.stdout).AccessKeyId, JSON.parse(first.stdout).AccessKeyId, "warm");
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const revoked = await t.as("bob", ["revoke", "--user", "alice", "--profiles", "dev"]);
  assertEquals(revoked.code, 0, revoked.stderr);
  const after = await t.run(["credentials", "dev"]);
  assertEquals(after.code, 0, after.stderr);
  assertTrue(
    JSON.parse(after.stdout).AccessKeyId !== JSON.parse(first.stdout).AccessKeyId,
    "the revoked session was handed out again",
  );
  const decisions = (await logRecords(t)).filter((r) =>
    r.profile === "dev" && r.outcome === "issued"
  );
  assertEquals(decisions.map((r) => r.cache_hit), [false, true, false]);
});

Deno.test("policy push lists who the new policy takes access from: without --revoke the command to run, with it their sessions revoked", async () => {
  await using t = await team();
  await Deno.writeTextFile(
    `${t.home.dir}/.aws/config`,
    (await Deno.readTextFile(`${t.home.dir}/.aws/config`)) + `
[profile ops]
credential_process = ${credentialProcess("ops")}
sentinel_role_arn = ${DEV_ROLE}
sentinel_source_profile = alice
sentinel_policy = ssm:/sentinel/ops
region = us-east-1
`,
  );
  const open = `${t.home.dir}/open.yaml`;
  const closed = `${t.home.dir}/closed.yaml`;
  await Deno.writeTextFile(
    open,
    `version: "1"\nrules:\n  - { name: ops, effect: allow, conditions: { users: [alice, bob], profiles: [ops] } }\n`,
  );
  await Deno.writeTextFile(
    closed,
    `version: "1"\nrules:\n  - { name: no-alice, effect: deny, conditions: { users: [alice] } }\n  - { name: ops, effect: allow, conditions: { users: [alice, bob], profiles: [ops] } }\n`,
  );
  const push = (file: string, ...more: string[]) =>
    t.as("bob", ["policy", "push", "ssm:/sentinel/ops", file, ...more]);
  const first = await push(open);
  assertEquals(first.code, 0, first.stderr);
  const listed = await push(closed);
  assertEquals(listed.code, 0, listed.stderr);
  assertIncludes(listed.stdout, "the new policy no longer allows:");
  assertIncludes(listed.stdout, "alice on ops: allowed by rule ops, now denied (no-alice)");
  assertIncludes(listed.stdout, "sentinel revoke --user alice --profiles ops");
  assertEquals(await rolePolicy(t, "SentinelDev"), undefined, "nothing revoked without --revoke");

  // Giving alice back her access opens it again: that push has to be accepted as a widening.
  assertEquals((await push(open)).code, 10);
  assertEquals((await push(open, "--accept-widening")).code, 0);
  const revoked = await push(closed, "--revoke", "--output", "json");
  assertEquals(revoked.code, 0, revoked.stderr);
  const answer = JSON.parse(revoked.stdout);
  assertEquals(
    answer.lost_access.map((l: { user: string; profile: string }) => [l.user, l.profile]),
    [
      ["alice", "ops"],
    ],
  );
  assertEquals(
    answer.revoked.map((r: { user: string; role_arns: string[] }) => [r.user, r.role_arns]),
    [
      ["alice", [DEV_ROLE]],
    ],
  );
  assertEquals(patternsOf(await rolePolicy(t, "SentinelDev")), ["sentinel=alice=*"]);
});

Deno.test("200 people revoked on one role stay under IAM's limit as written to IAM; a statement older than the longest session is collected", async () => {
  await using t = await team();
  const now = Date.now();
  const stale = new Date(now - 13 * 3_600_000).toISOString().replace(/\.\d+Z$/, ".000Z");
  const old = {
    Version: "2012-10-17",
    Statement: [{
      Sid: "SentinelRevokedBeforeOld",
      Effect: "Deny",
      Action: "*",
      Resource: "*",
      Condition: {
        StringLike: { "aws:SourceIdentity": ["sentinel=gone=*"] },
        DateLessThan: { "aws:TokenIssueTime": stale },
      },
    }],
  };
  const put = await aws([
    "iam",
    "put-role-policy",
    "--role-name",
    "SentinelDev",
    "--policy-name",
    "SentinelRevocations",
    "--policy-document",
    JSON.stringify(old),
  ], { ...t.home.env, ...t.moto.clientEnv() });
  assertEquals(put.code, 0, put.stderr);
  // 199 revocations a minute apart over the last hours, as revokers before would have recorded them.
  const stores = await openStores({ kind: "sqlite", name: t.store.slice(7), text: t.store });
  try {
    for (let i = 0; i < 199; i++) {
      const before = Math.ceil((now - (200 - i) * 60_000) / 1000) * 1000;
      await stores.revocations.record({
        id: (0x1000 + i).toString(16).padStart(16, "0"),
        roleArn: DEV_ROLE,
        patterns: [`sentinel=person${i}=*`],
        before,
        by: "bob",
        scope: { kind: "user", user: `person${i}` },
        reason: "",
        createdAt: before,
        expiresAt: before + 43_200_000,
      });
    }
  } finally {
    stores.close();
  }
  const run = await t.as("bob", [
    "revoke",
    "--user",
    "person199",
    "--profiles",
    "dev",
    "-o",
    "json",
  ]);
  assertEquals(run.code, 0, run.stderr);
  const role = JSON.parse(run.stdout).roles[0];
  assertEquals([role.collected, role.consolidated], [1, true]);
  const written = await rolePolicy(t, "SentinelDev");
  const size = JSON.stringify(written).length;
  console.log(`largest document written to IAM: ${size} characters for 200 people`);
  assertTrue(size <= 10_240, `${size} characters`);
  assertEquals(patternsOf(written).length, 200);
  assertTrue(!patternsOf(written).includes("sentinel=gone=*"), "the stale statement was collected");
});

/**
 * `sentinel revoke` (issue 21) under faults and races, end to end against moto's IAM: IAM refusing
 * the write, and IAM hanging (exit 6, the record kept and logged, the way to finish); 20 revokers
 * on a DynamoDB store; a revoker held between its read and its write, with the other revoker on the
 * same store, then on another store; a write that lands after its revoker gave up (repaired by the
 * next sweep). Each test is named for the guarantee it checks.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { holdingProxy } from "../harness/holding_proxy.ts";
import { ALLOW_ALL, checkIam, createUser } from "../harness/moto_iam.ts";
import { type Team } from "../harness/team.ts";
import {
  assertNothingDone,
  decide,
  DEV_ROLE,
  Document,
  gateProxy,
  MIN,
  patternsOf,
  revocationLog,
  rolePolicy,
  stamp,
  storedRevocations,
  team,
} from "../harness/revocation_attacks.ts";

// ---------------------------------------------------------------------------------------------
// 4. IAM refusing the write
// ---------------------------------------------------------------------------------------------

/** An access key as the AWS CLI takes it from the environment. */
const keyEnv = (key: { accessKeyId: string; secretAccessKey: string }) => ({
  AWS_ACCESS_KEY_ID: key.accessKeyId,
  AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
});

/**
 * Two more administrators — `reader` may read the roles' policies but not write them, `writer`
 * may do anything — then moto's IAM checks turned on. Returns the writer's key (to read IAM with).
 */
async function readerAndWriter(t: Team): Promise<Record<string, string>> {
  const reader = await createUser(t.moto, "reader", {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Action: ["sts:GetCallerIdentity", "iam:GetRolePolicy", "iam:GetRole"],
      Resource: "*",
    }],
  });
  const writer = await createUser(t.moto, "writer", ALLOW_ALL);
  const credentials = `${t.home.dir}/.aws/credentials`;
  await Deno.writeTextFile(
    credentials,
    (await Deno.readTextFile(credentials)) +
      `\n[reader]\naws_access_key_id = ${reader.accessKeyId}\naws_secret_access_key = ${reader.secretAccessKey}\n` +
      `\n[writer]\naws_access_key_id = ${writer.accessKeyId}\naws_secret_access_key = ${writer.secretAccessKey}\n`,
  );
  const config = `${t.home.dir}/.aws/config`;
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)) +
      "\n[profile reader]\nregion = us-east-1\n\n[profile writer]\nregion = us-east-1\n",
  );
  await checkIam(t.moto);
  return keyEnv(writer);
}

Deno.test("IAM refusing the write: exit 6 naming the role, the revocation recorded and how to finish it; re-run by an allowed administrator writes it", async () => {
  await using t = await team();
  const writer = await readerAndWriter(t);
  const refused = await t.as("reader", ["revoke", "--user", "alice", "--profiles", "dev"]);
  assertEquals(refused.code, 6, refused.stderr);
  assertIncludes(refused.stderr, "PutRolePolicy");
  assertIncludes(refused.stderr, "AccessDenied");
  assertIncludes(refused.stderr, `is recorded in`);
  assertIncludes(refused.stderr, `but ${DEV_ROLE} does not carry it yet`);
  assertIncludes(refused.stderr, "run the same `sentinel revoke` again");
  assertTrue(!/\n\s+at /.test(refused.stderr), refused.stderr);
  assertEquals(await rolePolicy(t, "SentinelDev", writer), undefined, "half-written");
  assertEquals(
    (await storedRevocations(t, DEV_ROLE)).map((r) => [r.patterns, r.by]),
    [[["sentinel=alice=*"], "reader"]],
  );

  // Any later revocation of the role by someone allowed writes every recorded one.
  const other = await t.as("writer", ["revoke", "--user", "carol", "--profiles", "dev"]);
  assertEquals(other.code, 0, other.stderr);
  assertEquals(patternsOf(await rolePolicy(t, "SentinelDev", writer)), [
    "sentinel=alice=*",
    "sentinel=carol=*",
  ]);
  const again = await t.as("writer", ["revoke", "--user", "alice", "--profiles", "dev"]);
  assertEquals(again.code, 0, again.stderr);
  const written = await rolePolicy(t, "SentinelDev", writer);
  assertEquals(patternsOf(written), ["sentinel=alice=*", "sentinel=carol=*"]);
  assertEquals(
    await decide(written, "SentinelDev", stamp("alice"), Date.now() - MIN),
    "ExplicitlyDenied",
  );
});

Deno.test("a revocation recorded but not written (IAM refused) is in the decision log: the audit trail shows who revoked whom, though IAM does not carry it yet", async () => {
  await using t = await team();
  await readerAndWriter(t);
  const refused = await t.as("reader", [
    "revoke",
    "--user",
    "alice",
    "--profiles",
    "dev",
    "--reason",
    "laptop stolen",
  ]);
  assertEquals(refused.code, 6, refused.stderr);
  assertEquals((await storedRevocations(t, DEV_ROLE)).length, 1, "not recorded");
  const logged = await revocationLog(t);
  console.log(`decision log after the refused write: ${JSON.stringify(logged)}`);
  assertEquals(
    logged.map((r) => [r.user, r.actor, r.reason]),
    [["alice", "reader", "laptop stolen"]],
    "the recorded revocation is not in the decision log",
  );
});

// ---------------------------------------------------------------------------------------------
// 5. IAM that never answers
// ---------------------------------------------------------------------------------------------

Deno.test("IAM that never answers the write: the command ends within its timeout (exit 6), the revocation recorded and nothing half-written", async () => {
  await using t = await team();
  await using proxy = holdingProxy(t.moto.endpoint, "Action=PutRolePolicy");
  const started = Date.now();
  const run = await t.run([
    "revoke",
    "--user",
    "alice",
    "--profiles",
    "dev",
    "--aws-profile",
    "bob",
  ], {
    AWS_ENDPOINT_URL_IAM: proxy.endpoint,
    SENTINEL_TIMEOUT: "5s",
  });
  const took = Date.now() - started;
  console.log(`ended after ${took} ms: exit ${run.code}: ${run.stderr.trim()}`);
  assertEquals(run.code, 6, run.stderr);
  assertTrue(took < 20_000, `took ${took} ms with a 5 s timeout`);
  assertIncludes(run.stderr, DEV_ROLE);
  assertIncludes(run.stderr, "is recorded in");
  assertTrue(!/\n\s+at /.test(run.stderr), run.stderr);
  assertEquals(await rolePolicy(t, "SentinelDev"), undefined, "half-written");
  assertEquals((await storedRevocations(t, DEV_ROLE)).length, 1);
});

Deno.test("IAM that never answers the first read: the command ends within its timeout (exit 6) and records nothing", async () => {
  await using t = await team();
  await using proxy = holdingProxy(t.moto.endpoint, "Action=GetRolePolicy");
  const started = Date.now();
  const run = await t.run([
    "revoke",
    "--user",
    "alice",
    "--profiles",
    "dev",
    "--aws-profile",
    "bob",
  ], {
    AWS_ENDPOINT_URL_IAM: proxy.endpoint,
    SENTINEL_TIMEOUT: "5s",
  });
  const took = Date.now() - started;
  console.log(`ended after ${took} ms: exit ${run.code}: ${run.stderr.trim()}`);
  assertEquals(run.code, 6, run.stderr);
  assertTrue(took < 20_000, `took ${took} ms with a 5 s timeout`);
  assertIncludes(run.stderr, "GetRolePolicy");
  await assertNothingDone(t, "a hung read");
});

// ---------------------------------------------------------------------------------------------
// 6. Racing revokers
// ---------------------------------------------------------------------------------------------

Deno.test("20 concurrent revocations of different people on one role, on a DynamoDB store: none is lost", async () => {
  await using t = await team("dynamodb");
  const people = Array.from({ length: 20 }, (_, i) => `person${String(i).padStart(2, "0")}`);
  const runs = await Promise.all(
    people.map((person) =>
      t.as("bob", ["revoke", "--user", person, "--profiles", "dev", "-o", "json"])
    ),
  );
  for (const run of runs) assertEquals(run.code, 0, run.stderr);
  const writes = runs.map((run) => JSON.parse(run.stdout).roles[0].writes as number);
  console.log(`writes per revoker: ${writes.join(" ")} (total ${writes.reduce((a, b) => a + b)})`);
  const expected = people.map((person) => `sentinel=${person}=*`);
  assertEquals(patternsOf(await rolePolicy(t, "SentinelDev")), expected);
  assertEquals(
    (await storedRevocations(t, DEV_ROLE)).flatMap((r) => r.patterns).sort(),
    expected,
  );
});

/**
 * A proxy that holds the first call `matches` picks — an IAM PutRolePolicy read already but not
 * yet written, say — until the test lets it go, then forwards it: a revoker paused mid-way.
 */
async function pausedRace(t: Team, storeOfA: string[]): Promise<Document | undefined> {
  await using gate = gateProxy(t.moto.endpoint);
  const b = t.run(["revoke", "--user", "bertha", "--profiles", "dev", "--aws-profile", "bob"], {
    AWS_ENDPOINT_URL_IAM: gate.endpoint,
    SENTINEL_TIMEOUT: "120s",
  });
  await gate.held;
  const a = await t.as("bob", ["revoke", "--user", "anna", "--profiles", "dev", ...storeOfA]);
  assertEquals(a.code, 0, a.stderr);
  console.log(`written by A while B was paused: ${patternsOf(await rolePolicy(t, "SentinelDev"))}`);
  gate.release();
  const done = await b;
  assertEquals(done.code, 0, done.stderr);
  return await rolePolicy(t, "SentinelDev");
}

Deno.test("a revoker paused between its read and its write does not erase a revocation made meanwhile by a revoker sharing its store", async () => {
  await using t = await team("dynamodb");
  const written = await pausedRace(t, []);
  assertEquals(patternsOf(written), ["sentinel=anna=*", "sentinel=bertha=*"]);
});

Deno.test("revokers of one role with different stores (SQLite and DynamoDB), one paused between its read and its write: a revocation the race drops is written again by the next sweep through its store", async () => {
  await using t = await team("dynamodb");
  const other = `sqlite:${t.home.dir}/other-admin/sentinel.db`;
  const written = await pausedRace(t, ["--store", other]);
  // Records in separate stores protect only their own revokers (docs/cloudtrail.md): the write
  // of the revoker that read IAM before the other wrote can drop the other's revocation.
  console.log(`the role's policy after both revokers ended: ${patternsOf(written).join(" ")}`);
  const swept = await t.as("bob", ["requests", "sweep", "--store", other, "-o", "json"]);
  assertEquals(swept.code, 0, swept.stderr);
  const sweptTeam = await t.as("bob", ["requests", "sweep", "-o", "json"]);
  assertEquals(sweptTeam.code, 0, sweptTeam.stderr);
  assertEquals(patternsOf(await rolePolicy(t, "SentinelDev")), [
    "sentinel=anna=*",
    "sentinel=bertha=*",
  ]);
});

Deno.test("a write that reaches IAM after its revoker gave up (timeout) and erases a revocation completed meanwhile is repaired by the next sweep", async () => {
  await using t = await team("dynamodb");
  await using gate = gateProxy(t.moto.endpoint);
  const b = t.run(["revoke", "--user", "bertha", "--profiles", "dev", "--aws-profile", "bob"], {
    AWS_ENDPOINT_URL_IAM: gate.endpoint,
    SENTINEL_TIMEOUT: "4s",
  });
  await gate.held;
  const gaveUp = await b;
  assertEquals(gaveUp.code, 6, gaveUp.stderr);
  assertIncludes(gaveUp.stderr, "run the same `sentinel revoke` again");
  const a = await t.as("bob", ["revoke", "--user", "anna", "--profiles", "dev"]);
  assertEquals(a.code, 0, a.stderr);
  assertEquals(patternsOf(await rolePolicy(t, "SentinelDev")), [
    "sentinel=anna=*",
    "sentinel=bertha=*",
  ]);
  // B's call, sent before it gave up, is applied by IAM only now (a slow or retried call).
  gate.release();
  await gate.forwarded;
  const written = await rolePolicy(t, "SentinelDev");
  console.log(`after B's late write: ${patternsOf(written).join(" ")}`);
  const swept = await t.as("bob", ["requests", "sweep", "-o", "json"]);
  assertEquals(swept.code, 0, swept.stderr);
  assertEquals(
    patternsOf(await rolePolicy(t, "SentinelDev")),
    ["sentinel=anna=*", "sentinel=bertha=*"],
    "anna's completed revocation, erased by a late write, was not written again by the sweep",
  );
});

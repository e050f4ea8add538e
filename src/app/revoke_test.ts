/**
 * `sentinel revoke` and Sentinel's own revocations over in-memory fakes (test/support/fake_team.ts
 * with the fake IAM, which keeps the IAM port's contract): what is recorded, written, logged,
 * announced and kept on this host; a role policy Sentinel did not write refused with nothing
 * recorded; a write IAM refuses reported with the revocation recorded; 20 revocations racing on
 * one role in one process, none lost; break-glass close under revoke_on_end; the warm cache. The
 * slow twins against moto, the AWS CLI and real processes are in test/revoke_e2e_test.ts.
 */
import { assertEquals, assertIncludes, assertRejects, assertTrue } from "../../test/assert.ts";
import { FakeTeam, TEAM_ROLE } from "../../test/support/fake_team.ts";
import { pluginEntry } from "../../test/support/fake_plugins.ts";
import { SentinelError } from "../core/errors.ts";
import { formatSourceIdentity } from "../core/issuance/source_identity.ts";
import { parseRevocationDocument } from "../core/revocation/role_policy.ts";
import { revocationExpiry, type RevocationRecord } from "../core/revocation/record.ts";
import { actOnEvent, invokeBreakglass } from "./breakglass.ts";
import { issueCredentials } from "./issuance/issue.ts";
import { revoke } from "./revoke.ts";

const POLICY = `version: "1"
rules:
  - name: prod-open
    effect: allow
    conditions: { profiles: [prod] }
breakglass:
  - { name: sre, profiles: [prod], users: [alice], max_duration: 1h, revoke_on_end: true }
`;

const TRUST = { Version: "2012-10-17", Statement: [] };

function team(): FakeTeam {
  const chat = pluginEntry("chat", "notifier", { events: ["credential_revoked"] });
  const world = new FakeTeam({ policy: POLICY, plugins: [chat] });
  world.iam.addRole("SentinelProd", TRUST);
  return world;
}

function written(world: FakeTeam) {
  const text = world.iam.policyOf("SentinelProd", "SentinelRevocations");
  if (text === undefined) return undefined;
  const parsed = parseRevocationDocument(text);
  if (!parsed.ok) throw new Error(parsed.why);
  return parsed.document;
}

const patterns = (world: FakeTeam) =>
  (written(world)?.Statement ?? []).flatMap((s) => s.Condition.StringLike["aws:SourceIdentity"])
    .sort();

Deno.test("revoke --user: recorded, the role policy written once, logged, announced and kept on this host", async () => {
  const world = team();
  const outcome = await revoke(
    world.deps(),
    { target: { kind: "user", user: "alice" }, reason: "left", dryRun: false },
    FakeTeam.as("bob"),
  );
  assertEquals([outcome.by, outcome.roles.map((r) => [r.roleArn, r.writes])], ["bob", [[
    TEAM_ROLE,
    1,
  ]]]);
  assertEquals(patterns(world), ["sentinel=alice=*"]);
  const { items } = await world.store().revocations.liveFor(TEAM_ROLE, world.clock.now());
  assertEquals(items.map((r) => [r.scope.kind, r.scope.user, r.by, r.reason]), [[
    "user",
    "alice",
    "bob",
    "left",
  ]]);
  const logged = world.logRecords().filter((r) => r.type === "revocation");
  assertEquals(logged.map((r) => [r.action, r.user, r.actor]), [["revoked", "alice", "bob"]]);
  assertEquals(world.plugins.typesSentTo("chat"), ["credential_revoked"]);
  const held = await world.cache.readRevocations(world.clock.now());
  assertEquals(held?.map((r) => r.roleArn), [TEAM_ROLE]);
});

Deno.test("a dry run reads the role's policy and records, writes and logs nothing", async () => {
  const world = team();
  const outcome = await revoke(
    world.deps(),
    { target: { kind: "user", user: "alice" }, reason: "", dryRun: true },
    FakeTeam.as("bob"),
  );
  assertEquals(outcome.roles[0].changes.map((c) => [c.change, c.pattern]), [[
    "added",
    "sentinel=alice=*",
  ]]);
  assertEquals(written(world), undefined);
  assertEquals(world.iam.calls.map((c) => c.operation), ["GetRolePolicy"]);
  assertEquals(
    (await world.store().revocations.liveFor(TEAM_ROLE, world.clock.now())).items,
    [],
  );
  assertEquals(world.logRecords().filter((r) => r.type === "revocation"), []);
});

Deno.test("a SentinelRevocations policy Sentinel did not write is refused (exit 3) before anything is recorded", async () => {
  const world = team();
  const foreign = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  });
  await world.iam.putRolePolicy(
    world.keys.bob,
    { region: "us-east-1", signal: AbortSignal.timeout(1_000) },
    "SentinelProd",
    "SentinelRevocations",
    foreign,
  );
  const error = await assertRejects(
    () =>
      revoke(
        world.deps(),
        { target: { kind: "user", user: "alice" }, reason: "", dryRun: false },
        FakeTeam.as("bob"),
      ),
    SentinelError,
  ) as SentinelError;
  assertEquals([error.code, error.exitCode], ["revocation_unreadable", 3]);
  assertEquals(
    (await world.store().revocations.liveFor(TEAM_ROLE, world.clock.now())).items,
    [],
  );
  assertEquals(world.iam.policyOf("SentinelProd", "SentinelRevocations"), foreign);
});

Deno.test("20 revocations of different people racing on one role: every one is in the policy", async () => {
  const world = team();
  const people = Array.from({ length: 20 }, (_, i) => `p${i}`);
  const outcomes = await Promise.all(people.map((user) =>
    revoke(
      world.deps(),
      { target: { kind: "user", user }, reason: "", dryRun: false },
      FakeTeam.as("bob"),
    )
  ));
  assertEquals(patterns(world), people.map((p) => `sentinel=${p}=*`).sort());
  const writes = outcomes.reduce((sum, o) => sum + o.roles[0].writes, 0);
  assertTrue(writes >= 1, `writes: ${writes}`);
});

Deno.test("break-glass close under revoke_on_end revokes that event's sessions, as sentinel; the close stands when IAM refuses", async () => {
  const world = team();
  const invoked = await invokeBreakglass(world.deps(), {
    profile: "prod",
    reasonCode: "incident",
    justification: "INC-9",
  });
  const id = invoked.event.id;
  const closed = await actOnEvent(
    world.deps(),
    id,
    { kind: "close", reason: "fixed" },
    FakeTeam.as("alice"),
  );
  assertEquals(closed.revoked?.roleArns, [TEAM_ROLE]);
  assertEquals(patterns(world), [formatSourceIdentity("alice", id, { breakglass: true })]);
  assertEquals(
    world.logRecords().filter((r) => r.type === "revocation").map((r) => r.actor),
    ["sentinel"],
  );

  const second = await invokeBreakglass(world.deps(), {
    profile: "prod",
    reasonCode: "incident",
    justification: "INC-10",
  });
  world.iam.removeRole("SentinelProd");
  const warnings: string[] = [];
  const done = await actOnEvent(
    world.deps((line) => warnings.push(line)),
    second.event.id,
    { kind: "close", reason: "fixed" },
    FakeTeam.as("alice"),
  );
  assertEquals([done.event.closedAt !== undefined, done.revoked], [true, undefined]);
  assertIncludes(warnings.join(""), `sentinel revoke --event ${second.event.id}`);
  assertEquals(
    world.logRecords().filter((r) => r.type === "revocation").map((r) => r.action),
    ["revoked", "failed"],
  );
});

Deno.test("the warm cache hands out no session a revocation on this host covers: the next issuance is a new session", async () => {
  const world = team();
  const first = await issueCredentials(
    { profile: "prod", mode: "credential_process" },
    world.deps(),
  );
  const warm = await issueCredentials(
    { profile: "prod", mode: "credential_process" },
    world.deps(),
  );
  assertEquals([warm.cacheHit, warm.credentials.accessKeyId], [
    true,
    first.credentials.accessKeyId,
  ]);
  world.clock.advance(1_000);
  await revoke(
    world.deps(),
    { target: { kind: "user", user: "alice" }, reason: "", dryRun: false },
    FakeTeam.as("bob"),
  );
  world.clock.advance(1_000);
  const after = await issueCredentials(
    { profile: "prod", mode: "credential_process" },
    world.deps(),
  );
  assertEquals(after.cacheHit, false);
  assertTrue(after.credentials.accessKeyId !== first.credentials.accessKeyId);
});

Deno.test("a revoker whose clock runs behind the store's (AWS's) cuts off at the store's time, so the sessions of its lag are not spared", async () => {
  const world = team();
  world.storeSkewMs = 10 * 60_000; // the store (AWS) is 10 minutes ahead of this machine
  const storeNow = world.clock.now() + 10 * 60_000;
  const outcome = await revoke(
    world.deps(),
    { target: { kind: "user", user: "alice" }, reason: "", dryRun: false },
    FakeTeam.as("bob"),
  );
  assertTrue(outcome.before >= storeNow, new Date(outcome.before).toISOString());
  const cutoff = written(world)!.Statement[0].Condition.DateLessThan["aws:TokenIssueTime"];
  assertEquals(Date.parse(cutoff), outcome.before);
});

Deno.test("a record planted in the store (a wildcard, a cutoff in the future) is reported and never written to IAM", async () => {
  const world = team();
  const now = world.clock.now();
  const planted = (id: string, over: Partial<RevocationRecord>): RevocationRecord => ({
    id,
    roleArn: TEAM_ROLE,
    patterns: ["sentinel=mallory=*"],
    before: now,
    by: "mallory",
    scope: { kind: "user", user: "everyone" },
    reason: "",
    createdAt: now,
    expiresAt: revocationExpiry(now),
    ...over,
  });
  const far = now + 365 * 86_400_000;
  await world.store().revocations.record(planted("00000000000000f1", { patterns: ["sentinel=*"] }));
  await world.store().revocations.record(
    planted("00000000000000f2", { before: far, createdAt: far, expiresAt: revocationExpiry(far) }),
  );
  const warnings: string[] = [];
  await revoke(
    world.deps((line) => warnings.push(line)),
    { target: { kind: "user", user: "alice" }, reason: "", dryRun: false },
    FakeTeam.as("bob"),
  );
  assertEquals(patterns(world), ["sentinel=alice=*"]);
  assertIncludes(warnings.join(""), "00000000000000f1");
  assertIncludes(warnings.join(""), "is not one Sentinel makes");
  assertIncludes(warnings.join(""), "00000000000000f2");
});

Deno.test("a role of another account is refused before anything is recorded: IAM would write the writer's same-named role", async () => {
  const world = team();
  const other = "arn:aws:iam::999999999999:role/SentinelProd";
  const error = await assertRejects(
    () =>
      revoke(
        world.deps(),
        { target: { kind: "user", user: "alice", roles: [other] }, reason: "", dryRun: false },
        FakeTeam.as("bob"),
      ),
    SentinelError,
  ) as SentinelError;
  assertEquals([error.code, error.exitCode], ["revocation_other_account", 3]);
  assertIncludes(error.message, "not in account 123456789012");
  assertEquals(written(world), undefined);
  assertEquals((await world.store().revocations.liveFor(other, world.clock.now())).items, []);
});

Deno.test("when one of two roles cannot be written, the other is written, logged and announced, and the error names the one left (logged as failed)", async () => {
  const world = team();
  const missing = "arn:aws:iam::123456789012:role/Gone";
  const error = await assertRejects(
    () =>
      revoke(
        world.deps(),
        {
          target: { kind: "user", user: "alice", roles: [missing, TEAM_ROLE] },
          reason: "",
          dryRun: false,
        },
        FakeTeam.as("bob"),
      ),
    SentinelError,
  ) as SentinelError;
  assertIncludes(error.message, `but ${missing} does not carry it yet`);
  assertEquals(patterns(world), ["sentinel=alice=*"], "the other role was written");
  const logged = world.logRecords().filter((r) => r.type === "revocation");
  assertEquals(logged.map((r) => [r.action, r.role_arns]), [
    ["revoked", [TEAM_ROLE]],
    ["failed", [missing]],
  ]);
  assertEquals((await world.cache.readRevocations(world.clock.now()))?.map((r) => r.roleArn), [
    TEAM_ROLE,
  ]);
});

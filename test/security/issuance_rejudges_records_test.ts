/**
 * Issuance judges every stored record again against the policy in force (DESIGN §8): in local mode
 * the store is writable by every user, so a break-glass event or an approval in it is a claim. A
 * record written straight into the store, one made under a policy since changed, or one stamped
 * by an approver's clock that was ahead grants nothing unless the policy in force would allow it
 * now — rule exists and names the user, reason code allowed, role not guarded by any deny rule,
 * window within `max_duration` and not in the future — and the refusal says why. Checked on both
 * stores.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { openTeamStore, sqlite } from "../harness/team_store.ts";
import { startTeam, type Team, TEAM_ROLE } from "../harness/team.ts";
import { openEvent } from "../../src/core/breakglass/transitions.ts";
import type { BreakglassEvent } from "../../src/core/breakglass/event.ts";
import type { ApprovalRequest } from "../../src/core/approval/request.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

const BREAKGLASS_POLICY = `version: "1"
rules:
  - name: prod-closed
    effect: deny
    conditions: { profiles: [prod] }
    reason: prod is closed outside emergencies
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
    reason_codes: [incident]
    max_duration: 1h
`;

/** An announced event of alice for prod under rule `sre`, open from now for 30 minutes. */
function aliceEvent(id: string, overrides: Partial<BreakglassEvent> = {}): BreakglassEvent {
  const now = Date.now();
  return {
    ...openEvent({
      id,
      invoker: "alice",
      profile: "prod",
      roleArn: TEAM_ROLE,
      reasonCode: "incident",
      justification: "written into the store",
      rule: "sre",
      now,
      endsAt: now + 30 * MIN,
    }),
    announcedAt: now,
    ...overrides,
  };
}

/** Writes the event straight into the store, asks for credentials, then closes it again. */
async function credentialsWith(t: Team, event: BreakglassEvent) {
  const stores = await openTeamStore(t);
  try {
    const put = await stores.breakglass.invoke(event, []);
    assertEquals(put.ok, true, `could not write ${event.id}: ${JSON.stringify(put)}`);
    const run = await t.run(["credentials", "prod"]);
    const current = (await stores.breakglass.get(event.id))!;
    await stores.breakglass.update(
      { ...current, closedAt: Date.now(), closedBy: "test", version: current.version + 1 },
      current.version,
    );
    return run;
  } finally {
    stores.close();
  }
}

for (const store of ["sqlite", "dynamodb"] as const) {
  Deno.test(`a break-glass event written into the ${store} store grants nothing unless valid under the policy in force`, async () => {
    await using t = await startTeam({ store, policy: BREAKGLASS_POLICY });
    const year = 365 * 24 * HOUR;
    const forged: [string, Partial<BreakglassEvent>, string][] = [
      [
        "a0000000000000a1",
        { invoker: "alice", rule: "ghost" },
        'the policy has no breakglass: rule "ghost"',
      ],
      [
        "a0000000000000a2",
        { reasonCode: "other" },
        'breakglass: rule "sre" does not allow reason code "other"',
      ],
      [
        "a0000000000000a3",
        { createdAt: Date.now() + year, endsAt: Date.now() + year + 30 * MIN },
        "it was invoked in the future",
      ],
      [
        "a0000000000000a4",
        { endsAt: Date.now() + 30 * 24 * HOUR },
        'longer than the 1h breakglass: rule "sre" allows',
      ],
    ];
    for (const [id, overrides, why] of forged) {
      const run = await credentialsWith(t, aliceEvent(id, overrides));
      assertEquals([run.code, run.stdout], [4, ""], `${id}: ${run.stderr}`);
      assertIncludes(run.stderr, `Break-glass event ${id} grants nothing: `);
      assertIncludes(run.stderr, why);
    }
    // A user no break-glass rule names.
    await Deno.writeTextFile(
      t.policyPath,
      BREAKGLASS_POLICY.replace("users: [alice]", "users: [carol]"),
    );
    const unnamed = await credentialsWith(t, aliceEvent("a0000000000000a5"));
    assertEquals([unnamed.code, unnamed.stdout], [4, ""]);
    assertIncludes(unnamed.stderr, 'breakglass: rule "sre" does not name alice');
    assertEquals((await t.moto.assumeRoleCalls()).length, 0);

    // The control: a record valid under the policy in force does lend access.
    await Deno.writeTextFile(t.policyPath, BREAKGLASS_POLICY);
    const valid = await credentialsWith(t, aliceEvent("a0000000000000a6"));
    assertEquals(valid.code, 0, valid.stderr);
    assertEquals((await t.moto.assumeRoleCalls()).length, 1);
  });
}

Deno.test("after the policy changes, an open break-glass event stops granting: user removed, then every rule removed", async () => {
  await using t = await startTeam({ store: "sqlite", policy: BREAKGLASS_POLICY });
  const invoked = await t.run(["breakglass", "prod", "--reason-code", "incident", "-j", "INC-9"]);
  assertEquals(invoked.code, 0, invoked.stderr);
  const granted = await t.run(["credentials", "prod"]);
  assertEquals(granted.code, 0, granted.stderr);

  await Deno.writeTextFile(
    t.policyPath,
    BREAKGLASS_POLICY.replace("users: [alice]", "users: [bob]"),
  );
  const removed = await t.run(["exec", "prod", "--", "true"]);
  assertEquals(removed.code, 4, removed.stderr);
  assertIncludes(removed.stderr, 'breakglass: rule "sre" does not name alice');

  await Deno.writeTextFile(t.policyPath, BREAKGLASS_POLICY.split("breakglass:")[0]);
  const gone = await t.run(["exec", "prod", "--", "true"]);
  assertEquals(gone.code, 4, gone.stderr);
  assertIncludes(gone.stderr, 'the policy has no breakglass: rule "sre" any more');
});

const APPROVAL_POLICY = `version: "1"
rules:
  - name: prod-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob]
    max_duration: 2h
`;

/** An approval of alice's request by bob, written straight into the store. */
function forgedApproval(id: string, durationSeconds: number): ApprovalRequest {
  const now = Date.now();
  return {
    id,
    requester: "alice",
    profile: "prod",
    roleArn: TEAM_ROLE,
    durationSeconds,
    reason: "forged",
    status: "approved",
    rule: "prod-approvers",
    requiredApprovals: 1,
    approvals: [{ approver: "bob", at: now }],
    createdAt: now - MIN,
    updatedAt: now,
    expiresAt: now + 24 * HOUR,
    decidedBy: "bob",
    decidedAt: now,
    windowEndsAt: now + durationSeconds * 1000,
    version: 2,
  };
}

for (const store of ["sqlite", "dynamodb"] as const) {
  Deno.test(`a 12 h approval in the ${store} store under rules capped at 2 h grants nothing`, async () => {
    await using t = await startTeam({ store, policy: APPROVAL_POLICY });
    const stores = await openTeamStore(t);
    await stores.approvals.create(forgedApproval("b0000000000000b1", 12 * 3600));
    stores.close();
    const run = await t.run(["credentials", "prod"]);
    assertEquals([run.code, run.stdout], [5, ""], run.stderr);
    assertIncludes(
      run.stderr,
      "Approved request b0000000000000b1 grants nothing: its window of 12h is longer than the 2h the policy now allows",
    );
    assertEquals((await t.moto.assumeRoleCalls()).length, 0);
  });
}

Deno.test("when max_duration drops from 2 h to 30 m, a session under an older 2 h approval is not issued", async () => {
  await using t = await startTeam({ store: "sqlite", policy: APPROVAL_POLICY });
  const created = await t.run(["request", "prod", "--reason", "deploy", "-d", "2h", "-o", "json"]);
  assertEquals(created.code, 0, created.stderr);
  const id = JSON.parse(created.stdout).id;
  const approved = await t.as("bob", ["approve", id]);
  assertEquals(approved.code, 0, approved.stderr);
  const before = await t.run(["credentials", "prod", "--duration", "2h"]);
  assertEquals(before.code, 0, before.stderr);
  const [call] = await t.moto.assumeRoleCalls();
  const seconds = Number(call.get("DurationSeconds"));
  assertTrue(seconds > 7000 && seconds <= 7200, `a session of ${seconds} s under a 2 h approval`);

  await Deno.writeTextFile(
    t.policyPath,
    APPROVAL_POLICY.replace("max_duration: 2h", "max_duration: 30m"),
  );
  await Deno.remove(t.home.cacheDir, { recursive: true }).catch(() => {});
  const after = await t.run(["credentials", "prod", "--duration", "2h"]);
  assertEquals([after.code, after.stdout], [5, ""], after.stderr);
  assertIncludes(after.stderr, "longer than the 30m the policy now allows");
  assertEquals((await t.moto.assumeRoleCalls()).length, 1);
});

Deno.test("an approval stamped by a clock 24 h ahead does not keep its window open past the real one", async () => {
  await using t = await startTeam({ store: "sqlite", policy: APPROVAL_POLICY });
  const created = await t.run([
    "request",
    "prod",
    "--reason",
    "deploy",
    "--duration",
    "1h",
    "--output",
    "json",
  ]);
  assertEquals(created.code, 0, created.stderr);
  const id = JSON.parse(created.stdout).id;
  const approved = await t.as("bob", ["approve", id]);
  assertEquals(approved.code, 0, approved.stderr);
  // What bob's Sentinel would have written two hours ago with its clock 24 h ahead: approved at
  // (now - 2h + 24h), window until one hour after that. The real window closed an hour ago.
  const decidedAt = Date.now() - 2 * 3_600_000 + 86_400_000;
  const windowEndsAt = decidedAt + 3_600_000;
  sqlite(
    t.store.slice("sqlite:".length),
    `UPDATE requests SET window_ends_at = ${windowEndsAt}, body = json_set(body, ` +
      `'$.decidedAt', ${decidedAt}, '$.updatedAt', ${decidedAt}, '$.windowEndsAt', ${windowEndsAt}, ` +
      `'$.approvals[0].at', ${decidedAt}) WHERE id = '${id}'`,
  );
  const issued = await t.run(["credentials", "prod"]);
  assertEquals(
    issued.stdout,
    "",
    "an approval from the future (window ends in 23 h for a 1 h request) issued credentials",
  );
});

const GUARDED = (first: string) =>
  `version: "1"
rules:
${first}
  - name: no-prod-role
    effect: deny
    conditions: { roles: ["${TEAM_ROLE}"] }
    reason: this role is never opened
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob]
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
`;

Deno.test("a role guard listed after a user deny or a require_approval rule still stops break-glass and approvals", async () => {
  const firsts = {
    "a user deny": "  - { name: no-alice, effect: deny, conditions: { users: [alice] } }",
    "require_approval":
      "  - { name: prod-approval, effect: require_approval, conditions: { profiles: [prod] } }",
  };
  for (const [what, first] of Object.entries(firsts)) {
    await using t = await startTeam({ store: "sqlite", policy: GUARDED(first) });
    const invoked = await t.run(["breakglass", "prod", "--reason-code", "incident", "-j", "x"]);
    assertEquals(invoked.code, 4, `${what}: ${invoked.stderr}`);
    assertIncludes(invoked.stderr, 'rule "no-prod-role" denies that role outright');
    // Records written straight into the store do not open it either.
    const stores = await openTeamStore(t);
    await stores.breakglass.invoke(aliceEvent("c0000000000000c1"), []);
    await stores.approvals.create(forgedApproval("c0000000000000c2", 3600));
    stores.close();
    const run = await t.run(["credentials", "prod"]);
    assertEquals(run.stdout, "", `${what}: ${run.stderr}`);
    assertIncludes(run.stderr, 'Rule "no-prod-role" denies this role outright');
    assertEquals((await t.moto.assumeRoleCalls()).length, 0, what);
  }
});

/**
 * The approval workflow end to end, on the embedded SQLite store and on DynamoDB (moto), with real
 * IAM users alice, bob and carol and the real AWS CLI: alice's credential_process is refused with
 * the request command to run; alice requests; self-approval and a non-approver are refused; bob
 * approves; the AWS CLI then gets the role and the log links the issuance to the request. Plus the
 * two-person rule and a race of 50 concurrent verdicts with exactly one winner.
 */
import { assertEquals, assertIncludes, assertTrue } from "./assert.ts";
import { aws } from "./harness/aws_home.ts";
import { runSentinel } from "./harness/sentinel.ts";
import { startTeam, type Team } from "./harness/team.ts";

function policy(requiredApprovals = 1) {
  return `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
    reason: production needs a second pair of eyes
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob, dave]
    required_approvals: ${requiredApprovals}
    max_duration: 2h
`;
}

function team(kind: "sqlite" | "dynamodb", requiredApprovals = 1): Promise<Team> {
  return startTeam({ store: kind, policy: policy(requiredApprovals) });
}

async function requestAsAlice(t: Team, reason = "deploy 1.2.3"): Promise<string> {
  const created = await runSentinel(
    ["request", "prod", "--reason", reason, "--duration", "1h", "--output", "json"],
    { env: t.home.env },
  );
  assertEquals(created.code, 0, created.stderr);
  const request = JSON.parse(created.stdout);
  assertEquals([request.status, request.requester, request.profile], ["pending", "alice", "prod"]);
  return request.id;
}

for (const kind of ["sqlite", "dynamodb"] as const) {
  Deno.test(`approvals on ${kind}: refused, requested, approved by bob, then the AWS CLI gets the role`, async () => {
    await using t = await team(kind);
    const before = await aws(["sts", "get-caller-identity", "--profile", "prod"], t.home.env);
    assertTrue(before.code !== 0, "the AWS CLI got credentials without an approval");
    assertIncludes(before.stderr, "sentinel request prod --reason");

    const id = await requestAsAlice(t);
    const self = await t.as("alice", ["approve", id, "--output", "json"]);
    assertEquals(self.code, 4, self.stderr);
    assertEquals(JSON.parse(self.stderr).error, "not_an_approver");
    assertIncludes(
      JSON.parse(self.stderr).message,
      "alice asked for this access and cannot approve it",
    );
    const carol = await t.as("carol", ["approve", id]);
    assertEquals(carol.code, 4, carol.stderr);
    assertIncludes(carol.stderr, "carol is not an approver");

    const approved = await t.as("bob", ["approve", id, "--comment", "go"]);
    assertEquals(approved.code, 0, approved.stderr);
    assertIncludes(approved.stdout, `request ${id} approved by bob`);

    const after = await aws(["sts", "get-caller-identity", "--profile", "prod"], t.home.env);
    assertEquals(after.code, 0, after.stderr);
    assertEquals(
      JSON.parse(after.stdout).Arn,
      "arn:aws:sts::123456789012:assumed-role/SentinelProd/alice",
    );
    const [call] = await t.moto.assumeRoleCalls();
    assertTrue(Number(call.get("DurationSeconds")) <= 3600, "the session outlives the window");

    const log = await t.home.readLog();
    const issued = log.find((r) => r.type === "decision" && r.outcome === "issued")!;
    assertEquals([issued.approval_request_id, issued.effect], [id, "require_approval"]);
    const transitions = log.filter((r) => r.type === "approval").map((
      r,
    ) => [r.from, r.to, r.actor]);
    assertEquals(transitions, [[null, "pending", "alice"], ["pending", "approved", "bob"]]);
    const verify = await runSentinel(["audit", "verify"], { env: t.home.env });
    assertEquals(verify.code, 0, verify.stdout);

    const again = await t.as("dave", ["deny", id, "--comment", "too late"]);
    assertEquals(again.code, 12, "a lost race is a conflict, not an internal error");
    assertIncludes(again.stderr, `request ${id} is already approved by bob at`);
  });

  Deno.test(`two-person rule on ${kind}: one approval leaves it pending, bob twice counts once, dave completes it`, async () => {
    await using t = await team(kind, 2);
    const id = await requestAsAlice(t);
    const first = await t.as("bob", ["approve", id]);
    assertEquals(first.code, 0, first.stderr);
    assertIncludes(first.stdout, "needs 1 more approval");
    const twice = await t.as("bob", ["approve", id, "--output", "json"]);
    assertEquals(twice.code, 12);
    assertEquals(JSON.parse(twice.stderr).error, "already_approved_by_you");
    const stillPending = await t.as("bob", ["requests", "show", id, "--output", "json"]);
    assertEquals(JSON.parse(stillPending.stdout).status, "pending");
    const second = await t.as("dave", ["approve", id, "--output", "json"]);
    assertEquals(second.code, 0, second.stderr);
    const request = JSON.parse(second.stdout);
    assertEquals([request.status, request.approvals.map((a: { approver: string }) => a.approver)], [
      "approved",
      ["bob", "dave"],
    ]);
  });

  Deno.test(`50 concurrent approve and deny calls on ${kind}: exactly one wins`, async () => {
    await using t = await team(kind);
    const id = await requestAsAlice(t);
    const runs = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          t.as(
            i % 2 === 0 ? "bob" : "dave",
            i % 4 < 2 ? ["approve", id] : ["deny", id, "--comment", "no"],
          ),
      ),
    );
    const winners = runs.filter((run) => run.code === 0);
    assertEquals(winners.length, 1, runs.map((r) => `${r.code} ${r.stderr}`).join("\n"));
    const losers = runs.filter((run) => run.code !== 0);
    assertTrue(
      losers.every((run) => run.code === 12 && /is already (approved|denied) by/.test(run.stderr)),
      losers[0]?.stderr,
    );
  });
}

Deno.test("check and doctor say which approved request covers you and until when, as credentials honours it", async () => {
  await using t = await team("sqlite");
  const before = await runSentinel(["check", "prod"], { env: t.home.env });
  assertEquals(before.code, 5, before.stderr);
  assertIncludes(before.stdout, `approval: no approved request covers alice in ${t.store}`);

  const id = await requestAsAlice(t);
  assertEquals((await t.as("bob", ["approve", id])).code, 0);
  const covered = await runSentinel(["check", "prod"], { env: t.home.env });
  assertEquals(covered.code, 0, covered.stdout + covered.stderr);
  assertIncludes(covered.stdout, `REQUIRE_APPROVAL: prod for alice at `);
  assertIncludes(covered.stdout, `approval: approved request ${id} covers alice until `);
  const json = await runSentinel(["check", "prod", "--output", "json"], { env: t.home.env });
  const approval = JSON.parse(json.stdout).approval;
  assertEquals([approval.request_id, approval.store], [id, t.store]);
  const issued = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(issued.code, 0, issued.stderr); // what check said: credentials issue

  const doctor = await runSentinel(["doctor", "prod"], { env: t.home.env });
  assertIncludes(
    doctor.stdout,
    `✓ decision: approved request ${id} covers alice until ${approval.window_ends_at}`,
  );
  assertEquals(doctor.stdout.includes("needs an approved request"), false, doctor.stdout);
});

/**
 * Attacks on who may approve and review (DESIGN §8, §9): the approver must be a verified identity
 * allowed by the policy's `approvals:` rule and never the requester; the reviewer is never the
 * invoker and must be a reviewer or an approver. Each test ends by asking what the *issuing* side
 * does, because that is where an approval turns into credentials.
 *
 * These fail on the code they were written against:
 * - `--policy` on approve/review lets anyone name a policy file of their own that makes them an
 *   approver or reviewer, and issuance honours whatever approval is in the store without checking
 *   it against the policy it evaluates (src/app/acting.ts actingPolicy, src/app/approvals.ts
 *   approvalCover);
 * - an assumed-role session's name is the identity, and whoever can assume any role chooses that
 *   name (RoleSessionName), so the requester can act as "bob" (src/core/identity.ts).
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { aws } from "../harness/aws_home.ts";
import { startTeam, type Team } from "../harness/team.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
    reason: production needs a second pair of eyes
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob, dave]
    max_duration: 2h
`;

async function requestAsAlice(t: Team): Promise<string> {
  const created = await t.run(["request", "prod", "--reason", "deploy", "--output", "json"]);
  assertEquals(created.code, 0, created.stderr);
  return JSON.parse(created.stdout).id;
}

Deno.test("attack: carol, no approver, approves with a --policy file of her own; alice must still get nothing", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const id = await requestAsAlice(t);
  const own = `${t.home.dir}/carol-policy.yaml`;
  await Deno.writeTextFile(own, POLICY.replace("approvers: [bob, dave]", "approvers: [carol]"));

  const approved = await t.as("carol", ["approve", id, "--policy", own]);
  const issued = await t.run(["credentials", "prod"]);
  assertEquals(
    issued.stdout,
    "",
    `carol (not an approver in the policy prod is issued under) approved with her own policy ` +
      `file (approve exit ${approved.code}: ${approved.stdout}${approved.stderr}) and alice got credentials`,
  );
  assertEquals(issued.code, 5, issued.stderr);
});

Deno.test("attack: alice assumes some role with RoleSessionName=bob and approves her own request", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const id = await requestAsAlice(t);
  // Any role alice may assume will do: she picks the session name.
  const assumed = await aws([
    "sts",
    "assume-role",
    "--role-arn",
    "arn:aws:iam::123456789012:role/CiReadOnly",
    "--role-session-name",
    "bob",
  ], { ...t.home.env, AWS_PROFILE: "alice" });
  assertEquals(assumed.code, 0, assumed.stderr);
  const c = JSON.parse(assumed.stdout).Credentials;
  const asFakeBob = {
    AWS_ACCESS_KEY_ID: c.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
    AWS_SESSION_TOKEN: c.SessionToken,
  };
  const approved = await t.run(["approve", id, "--output", "json"], asFakeBob);
  const issued = await t.run(["credentials", "prod"]);
  assertEquals(
    issued.stdout,
    "",
    `alice approved her own request as the role session "bob" (approve exit ${approved.code}: ` +
      `${approved.stdout}${approved.stderr}) and got credentials`,
  );
});

const BREAKGLASS = `version: "1"
rules:
  - { name: prod-closed, effect: deny, conditions: { profiles: [prod] }, reason: closed }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
    max_duration: 1h
    require_review: true
    reviewers: [carol]
`;

Deno.test("attack: dave, neither reviewer nor approver, cannot review alice's break-glass with a policy of his own and lift require_review", async () => {
  await using t = await startTeam({ store: "sqlite", policy: BREAKGLASS });
  const invoke = () =>
    t.run([
      "breakglass",
      "prod",
      "--reason-code",
      "incident",
      "--justification",
      "INC-1",
      "--output",
      "json",
    ]);
  const first = await invoke();
  assertEquals(first.code, 0, first.stderr);
  const id = JSON.parse(first.stdout).id;
  // There is no --policy to pick a more permissive policy with: reviewers are judged by the
  // policy the event was invoked under.
  const own = `${t.home.dir}/dave-policy.yaml`;
  await Deno.writeTextFile(own, BREAKGLASS.replace("reviewers: [carol]", "reviewers: [dave]"));
  const withOwn = await t.as("dave", [
    "breakglass",
    "review",
    id,
    "--notes",
    "fine",
    "--policy",
    own,
  ]);
  assertEquals(withOwn.code, 2, withOwn.stderr);
  assertIncludes(withOwn.stderr, "unknown option '--policy'");
  const viaEnv = await t.run([
    "breakglass",
    "review",
    id,
    "--notes",
    "fine",
    "--aws-profile",
    "dave",
  ], {
    SENTINEL_POLICY: own,
  });
  assertEquals(viaEnv.code, 4, `dave reviewed the event: ${viaEnv.stdout}${viaEnv.stderr}`);
  assertIncludes(viaEnv.stderr, "dave");
  const second = await invoke();
  assertTrue(second.code === 4, `require_review was lifted by a stranger: ${second.stdout}`);
});

/**
 * Attack at the lower duration limit: `--duration` accepts 15m (the documented range is 15m-12h,
 * and `max_duration: 15m` is a valid rule), but an approval window or a break-glass event of
 * exactly 15 minutes has less than STS's 900 s left one second after it opens, so issuance then
 * refuses ("only 14m59s of the access window remain") — the access granted can never be used.
 * Break-glass pages everyone and spends quota and cooldown for an event that cannot issue.
 * Either such durations are refused up front (exit 2/4, nothing stored or announced) or the
 * access is usable.
 *
 * Fails on the code it was written against: src/cli/request.ts sessionFlag (15m accepted),
 * src/core/issuance/session.ts sessionLength (refuses < 900 s left), src/core/breakglass/rules.ts
 * invocationPlan / src/core/approval/transitions.ts approved (window = exactly the duration).
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { startTeam } from "../harness/team.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
breakglass:
  - { name: sre, profiles: [prod], users: [alice], max_duration: 15m }
`;

Deno.test("attack: a 15-minute approval (the documented minimum) is usable after approval", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const created = await t.run([
    "request",
    "prod",
    "--reason",
    "quick fix",
    "--duration",
    "15m",
    "--output",
    "json",
  ]);
  if (created.code !== 0) return; // refused up front: fine
  const id = JSON.parse(created.stdout).id;
  const approved = await t.as("bob", ["approve", id]);
  assertEquals(approved.code, 0, approved.stderr);
  const issued = await t.run(["credentials", "prod"]);
  assertEquals(issued.code, 0, `approved for 15m, yet: ${issued.stderr}`);
});

Deno.test("attack: a 15-minute break-glass (the rule's max_duration) issues, or is refused before it pages anyone", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const invoked = await t.run([
    "breakglass",
    "prod",
    "--reason-code",
    "incident",
    "--justification",
    "INC-1",
  ]);
  const issued = await t.run(["credentials", "prod"]);
  assertTrue(
    invoked.code !== 0 || issued.code === 0,
    `break-glass was invoked (${invoked.stdout.trim()}) but can never issue: ${issued.stderr}`,
  );
});

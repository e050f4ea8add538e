/**
 * Attacks on `sentinel request --wait` (DESIGN §8: "request (with --wait, showing progress)"):
 *
 * - In the documented layout (the guarded profile lends its base credentials; no `[default]`
 *   credentials), `--wait` identifies the waiter with `AWS_PROFILE`/`default` instead of the
 *   profile the request was made with, so it dies with an AWS failure (exit 6) right after
 *   creating the request (src/cli/request.ts passes only `{ store }` to waitForDecision;
 *   src/app/approvals.ts waitForDecision → actingContext).
 * - On DynamoDB, every poll reuses the one `AbortSignal.timeout(sentinel_timeout)` made when the
 *   wait started, so any wait longer than `sentinel_timeout` (30 s by default, `--timeout`
 *   defaults to 15m) ends with exit 6 "no time was left to make the call" instead of waiting
 *   (src/app/caller.ts actingCaller's signal, reused by every poll).
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { startTeam, type Team } from "../harness/team.ts";

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - { name: prod-approvers, profiles: [prod], approvers: [bob] }
`;

/** Starts `request --wait` as alice, approves as bob after `approveAfterMs`, returns the wait's run. */
async function waitAndApprove(t: Team, env: Record<string, string>, approveAfterMs: number) {
  const waiting = t.run(
    ["request", "prod", "--reason", "deploy", "--wait", "--timeout", "60s", "--output", "json"],
    env,
  );
  let id: string | undefined;
  const deadline = Date.now() + 30_000;
  while (id === undefined && Date.now() < deadline) {
    const list = await t.run(["requests", "--status", "pending", "--output", "json"], {
      AWS_PROFILE: "bob",
    });
    id = JSON.parse(list.stdout || "{}").requests?.[0]?.id;
    if (id === undefined) await new Promise((r) => setTimeout(r, 300));
  }
  if (id === undefined) throw new Error("the request never appeared");
  await new Promise((r) => setTimeout(r, approveAfterMs));
  const approved = await t.as("bob", ["approve", id]);
  assertEquals(approved.code, 0, approved.stderr);
  return await waiting;
}

Deno.test("attack: request --wait in the documented layout (no default credentials) waits for the approval", async () => {
  await using t = await startTeam({ store: "sqlite", policy: POLICY });
  const run = await waitAndApprove(t, {}, 1_000);
  assertEquals(run.code, 0, `--wait failed instead of waiting: ${run.stderr}`);
  assertEquals(JSON.parse(run.stdout).status, "approved");
});

Deno.test("attack: request --wait on DynamoDB outlasts sentinel_timeout (each poll is one AWS call)", async () => {
  await using t = await startTeam({ store: "dynamodb", policy: POLICY });
  const run = await waitAndApprove(t, { AWS_PROFILE: "alice", SENTINEL_TIMEOUT: "3s" }, 5_000);
  assertEquals(run.code, 0, `--wait gave up with sentinel_timeout: ${run.stderr}`);
  assertIncludes(run.stdout, '"status":"approved"');
});

/**
 * `sentinel request --wait` waits for the decision and reports it (DESIGN §8).
 *
 * - The waiter is identified as the request was made: in the documented layout (the guarded
 *   profile lends its base credentials; no `[default]` credentials) it waits for the approval.
 * - Each poll is a call with a time limit of its own: on DynamoDB a wait outlasts
 *   `sentinel_timeout`.
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { startTeam, type Team, TEAM_POLICY } from "../harness/team.ts";

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

Deno.test("request --wait in the documented layout (no default credentials) waits for the approval", async () => {
  await using t = await startTeam({ store: "sqlite", policy: TEAM_POLICY });
  const run = await waitAndApprove(t, {}, 1_000);
  assertEquals(run.code, 0, `--wait failed instead of waiting: ${run.stderr}`);
  assertEquals(JSON.parse(run.stdout).status, "approved");
});

Deno.test("request --wait on DynamoDB outlasts sentinel_timeout: each poll is a call of its own", async () => {
  await using t = await startTeam({ store: "dynamodb", policy: TEAM_POLICY });
  const run = await waitAndApprove(t, { AWS_PROFILE: "alice", SENTINEL_TIMEOUT: "3s" }, 5_000);
  assertEquals(run.code, 0, `--wait gave up with sentinel_timeout: ${run.stderr}`);
  assertIncludes(run.stdout, '"status":"approved"');
});

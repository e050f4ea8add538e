/**
 * `sentinel approve`, `deny` and `cancel` in process: the verdict as text and JSON, and each
 * refusal with its exit code — your own request or not an approver (4), someone decided first
 * (1), no such request (2), deny without a comment (2).
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { APPROVAL_POLICY, REQUEST_JSON_KEYS } from "../../test/support/cli_policies.ts";
import { FakeTeam, STORE } from "../../test/support/fake_team.ts";

async function pending(policy = APPROVAL_POLICY) {
  const team = new FakeTeam({ policy });
  const run = await team.run(["request", "prod", "-r", "deploy", "-o", "json"]);
  return { team, id: String(run.json().id) };
}

const WHERE = `(store: ${STORE} (from store in /home/alice/.config/sentinel/config.yaml))`;

Deno.test("approve says who may use what until when; --output json gives the approved request", async () => {
  const { team, id } = await pending();
  const run = await team.run(["approve", id, "--aws-profile", "bob", "--comment", "ok"]);
  assertEquals([run.code, run.stderr], [0, ""]);
  const until = new Date(team.clock.now() + 3_600_000).toISOString().replace(".000Z", "Z");
  assertEquals(
    run.stdout,
    `request ${id} approved by bob: alice may use prod until ${until} ${WHERE}\n`,
  );
  const issued = await team.run(["credentials", "prod"]);
  assertEquals(issued.code, 0, "the approval is honoured");

  const { team: other, id: second } = await pending();
  const json = await other.run(["approve", second, "--aws-profile", "carol", "-o", "json"]);
  assertEquals(Object.keys(json.json()), REQUEST_JSON_KEYS);
  assertEquals([json.json().status, json.json().decided_by], ["approved", "carol"]);
});

Deno.test("with two approvals required, the first approve says how many more are needed", async () => {
  const { team, id } = await pending(
    APPROVAL_POLICY.replace("max_duration: 2h", "max_duration: 2h\n    required_approvals: 2"),
  );
  const run = await team.run(["approve", id, "--aws-profile", "bob"]);
  assertEquals(
    run.stdout,
    `bob approved request ${id}; it needs 1 more approval(s) from other approvers ${WHERE}\n`,
  );
});

Deno.test("approve refusals: your own request, not an approver (exit 4, not_an_approver); no such request (exit 2)", async () => {
  const { team, id } = await pending();
  const own = await team.run(["approve", id, "--aws-profile", "alice", "-o", "json"]);
  assertEquals([own.code, own.error().code, own.stdout], [4, "not_an_approver", ""]);
  assertIncludes(own.error().message, "alice asked for this access and cannot approve it");
  const dave = await team.run(["approve", id, "--aws-profile", "dave"]);
  assertEquals(dave.code, 4);
  const missing = await team.run([
    "approve",
    "00000000000000aa",
    "--aws-profile",
    "bob",
    "-o",
    "json",
  ]);
  assertEquals([missing.code, missing.error().code], [2, "not_found"]);
});

Deno.test("deny needs a comment (exit 2); a denied request can no longer be approved (exit 12, conflict)", async () => {
  const { team, id } = await pending();
  const bare = await team.run(["deny", id, "--aws-profile", "bob"]);
  assertEquals(bare.code, 2);
  assertIncludes(bare.stderr, "say why you deny it: --comment <text>");
  const denied = await team.run(["deny", id, "--aws-profile", "bob", "-c", "use staging"]);
  assertEquals([denied.code, denied.stdout], [0, `request ${id} denied by bob ${WHERE}\n`]);
  const late = await team.run(["approve", id, "--aws-profile", "carol", "-o", "json"]);
  assertEquals([late.code, late.error().code], [12, "conflict"]);
  assertIncludes(late.error().message, "is already denied by bob");
});

Deno.test("cancel: the requester's own request, found through the profile it was made for (no --aws-profile needed); others are refused (4)", async () => {
  const { team, id } = await pending();
  const bob = await team.run(["cancel", id, "--aws-profile", "bob", "-o", "json"]);
  assertEquals([bob.code, bob.error().code], [4, "not_requester"]);
  const own = await team.run(["cancel", id]);
  assertEquals([own.code, own.stdout], [0, `request ${id} cancelled by alice ${WHERE}\n`]);
});

Deno.test("a misplaced --profile says which flag was meant (exit 2)", async () => {
  const { team, id } = await pending();
  const run = await team.run(["approve", id, "--profile", "bob"]);
  assertEquals(run.code, 2);
  assertIncludes(run.stderr, "to be identified by the AWS profile bob use --aws-profile bob");
});

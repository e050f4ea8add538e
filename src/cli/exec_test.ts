/**
 * `sentinel exec` in process, with a recording stand-in for child processes: the child gets the
 * issued session and a scrubbed environment, exec ends with the child's code (127 when it is not
 * found), a nested exec and a denial run nothing, and `--server` hands the child an endpoint whose
 * answers face the policy again. Real child processes, signals and the loopback server:
 * test/exec_e2e_test.ts and test/exec_server_e2e_test.ts.
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { FakeTeam } from "../../test/support/fake_team.ts";

const POLICY = `version: "1"
rules:
  - name: alice-prod
    effect: allow
    conditions: { profiles: [prod], users: [alice] }
`;

Deno.test("exec runs the command with the issued session, region and profile marker, scrubbed of other AWS credentials", async () => {
  const team = new FakeTeam({
    policy: POLICY,
    vars: { AWS_PROFILE: "alice", AWS_SECRET_ACCESS_KEY: "leak", PATH: "/usr/bin" },
  });
  const run = await team.run(["exec", "prod", "--", "aws", "s3", "ls"]);
  assertEquals([run.code, run.stdout, run.stderr], [0, "", ""]);
  const [child] = team.foreground;
  assertEquals([child.command, child.args], ["aws", ["s3", "ls"]]);
  assertEquals(child.env.AWS_ACCESS_KEY_ID.startsWith("ASIA"), true);
  assertEquals([child.env.AWS_REGION, child.env.SENTINEL_EXEC_PROFILE, child.env.PATH], [
    "us-east-1",
    "prod",
    "/usr/bin",
  ]);
  assertEquals(child.env.AWS_PROFILE, undefined, "no other profile reaches the child");
  assertEquals(child.env.AWS_SECRET_ACCESS_KEY !== "leak", true);
});

Deno.test("exec ends with the child's exit code, and 127 with a message when the command is not found", async () => {
  const team = new FakeTeam({ policy: POLICY });
  team.exitCodes.set("false", 1);
  assertEquals((await team.run(["exec", "prod", "--", "false"])).code, 1);
  team.missing.add("nope");
  const missing = await team.run(["exec", "prod", "--", "nope"]);
  assertEquals(missing.code, 127);
  assertIncludes(missing.stderr, "sentinel: nope: command not found");
});

Deno.test("exec without a command starts $SHELL and says until when, on stderr", async () => {
  const team = new FakeTeam({ policy: POLICY, vars: { SHELL: "/bin/zsh" } });
  const run = await team.run(["exec", "prod"]);
  assertEquals([run.code, team.foreground[0].command], [0, "/bin/zsh"]);
  assertIncludes(run.stderr, "subshell with prod until");
});

Deno.test("exec refuses to nest (exit 2) and runs nothing when the policy denies (exit 4)", async () => {
  const nested = new FakeTeam({ policy: POLICY, vars: { SENTINEL_EXEC_PROFILE: "dev" } });
  const run = await nested.run(["exec", "prod", "--", "true"]);
  assertEquals(run.code, 2);
  assertIncludes(run.stderr, "already inside `sentinel exec dev`");
  const denied = new FakeTeam({ policy: POLICY.replace("[alice]", "[bob]") });
  const refused = await denied.run(["exec", "prod", "--", "true", "-o", "json"]);
  assertEquals([refused.code, denied.foreground.length], [4, 0]);
  const usage = await denied.run(["exec"]);
  assertEquals(usage.code, 2);
});

Deno.test("exec takes v1's spelling: --profile and every argument is the command", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const run = await team.run(["exec", "--profile", "prod", "make", "deploy"]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals([team.foreground[0].command, team.foreground[0].args], ["make", ["deploy"]]);
});

Deno.test("exec --server gives the child an endpoint instead of keys; its answers face the policy again, and it closes when the child ends", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const run = await team.run(["exec", "--server", "prod", "--", "./backup.sh"]);
  assertEquals(run.code, 0, run.stderr);
  const [child] = team.foreground;
  assertEquals(child.env.AWS_ACCESS_KEY_ID, undefined);
  assertEquals(
    child.env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
    "http://127.0.0.1:49152/credentials/1",
  );
  assertEquals(child.env.AWS_CONTAINER_AUTHORIZATION_TOKEN, "endpoint-token-1");
  const [endpoint] = team.endpoints;
  assertEquals(endpoint.closed, true);
  const served = await endpoint.answer();
  assertEquals(served.ok, true);
  team.setPolicy(POLICY.replace("effect: allow", "effect: deny"));
  team.clock.advance(56 * 60_000); // inside the refresh window: the policy is asked again
  const refused = await endpoint.answer();
  assertEquals(refused.ok ? "served" : [refused.status, refused.code], [403, "denied"]);
});

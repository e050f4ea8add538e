/**
 * `sentinel doctor` in process: every check of the machine and of each Sentinel profile, passing
 * ones ✓ and failing ones ✗ with a fix, exit 11 when any failed, JSON with each check. The
 * machine is the fakes' (programs on PATH, STS's clock, the files).
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { FakeTeam } from "../../test/support/fake_team.ts";

const POLICY = `version: "1"
rules:
  - name: alice-prod
    effect: allow
    conditions: { profiles: [prod], users: [alice] }
`;

/** A team whose prod profile is what the AWS CLI runs, with sentinel installed. */
function installed(policy = POLICY) {
  const team = new FakeTeam({
    policy,
    extraConfig: "credential_process = sentinel credentials prod\n",
  });
  team.programs.set("sentinel", "/home/alice/.local/bin/sentinel");
  return team;
}

Deno.test("doctor passes every check of a working setup (exit 0): identity, policy, decision and store of each profile", async () => {
  const team = installed();
  const run = await team.run(["doctor"]);
  assertEquals(run.code, 0, run.stdout);
  for (
    const line of [
      "✓ sentinel on PATH",
      "✓ identity: alice (arn:aws:iam::123456789012:user/alice)",
      "✓ policy: /home/alice/policy.yaml: valid, 1 rule(s)",
      "✓ decision: allow for alice now (rule alice-prod)",
    ]
  ) assertIncludes(run.stdout, line);
  assertEquals(run.stdout.includes("✗"), false);
});

Deno.test("doctor reports each failed check with its fix (exit 11), also as JSON", async () => {
  const team = installed(POLICY.replace("effect: allow", "effect: allwo"));
  team.programs.delete("sentinel");
  const run = await team.run(["doctor", "prod", "-o", "json"]);
  assertEquals(run.code, 11);
  const json = run.json() as {
    ok: boolean;
    checks: { check: string; ok: boolean; fix: string | null }[];
  };
  assertEquals(json.ok, false);
  const failed = json.checks.filter((c) => !c.ok);
  assertEquals(failed.map((c) => c.check).sort(), [
    "credential_process of [profile prod]",
    "policy",
    "sentinel on PATH",
  ]);
  assertEquals(failed.every((c) => c.fix !== null), true, "every failure says how to fix it");
});

Deno.test("doctor for a profile that does not exist names the profiles there are (exit 11 or 3, never 0)", async () => {
  const team = installed();
  const run = await team.run(["doctor", "prdo"]);
  assertEquals(run.code !== 0, true, run.stdout);
  assertIncludes(run.stdout + run.stderr, "prod");
});

/**
 * `sentinel check` and `sentinel whoami` in process. check decides without issuing: its exit code
 * is the decision (0 allow, 4 deny, 5 require_approval — 0 when an approved request covers it),
 * with the rule, the reason and, with --explain, the trace; --at decides for another time. whoami
 * names the identity STS verifies. The policy tools on files: test/cli_policy_test.ts.
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { APPROVAL_POLICY } from "../../test/support/cli_policies.ts";
import { FakeTeam, POLICY_PATH } from "../../test/support/fake_team.ts";

const HOURS = `version: "1"
rules:
  - name: prod-business-hours
    effect: allow
    conditions:
      profiles: [prod]
      users: [alice]
      time: { days: [monday, tuesday, wednesday, thursday, friday], hours: { start: "09:00", end: "18:00" }, timezone: Europe/Berlin }
    max_duration: 1h
`;

Deno.test("check prints the decision, the rule and the reason, and exits with the decision (0 allow)", async () => {
  const team = new FakeTeam({ policy: HOURS });
  const run = await team.run(["check", "prod", "--user", "alice"]);
  assertEquals(
    [run.code, run.stdout],
    [
      0,
      "ALLOW: prod for alice at 2026-03-02T09:00:00Z\n" +
      "  rule:   prod-business-hours (rules[0])\n" +
      '  reason: matched rule "prod-business-hours"\n' +
      "  max session: 1h\n",
    ],
  );
  assertEquals(team.aws.calls, [], "--user decides without asking STS");
});

Deno.test("check --at decides for another time (deny: exit 4), and --explain shows why each rule was skipped", async () => {
  const team = new FakeTeam({ policy: HOURS });
  const run = await team.run([
    "check",
    "prod",
    "--user",
    "alice",
    "--at",
    "2026-03-07T12:00:00+01:00",
    "--explain",
  ]);
  assertEquals(run.code, 4, run.stderr);
  assertIncludes(
    run.stdout,
    "DENY: prod for alice at 2026-03-07T12:00:00+01:00 (2026-03-07T11:00:00Z)",
  );
  assertIncludes(run.stdout, "rules[0] prod-business-hours (allow): skipped,");
  assertIncludes(run.stdout, "no rule matched: default deny");
});

Deno.test("check --output json gives the request, the policy and the decision; without --user it asks STS who you are", async () => {
  const team = new FakeTeam({ policy: HOURS });
  const run = await team.run(["check", "prod", "-o", "json"]);
  assertEquals(run.code, 0, run.stderr);
  const json = run.json();
  assertEquals(Object.keys(json), ["request", "policy", "source", "decision", "approval"]);
  assertEquals(json.decision, {
    effect: "allow",
    rule: "prod-business-hours",
    rule_index: 0,
    reason: 'matched rule "prod-business-hours"',
    max_duration_seconds: 3600,
  });
  assertEquals([(json.request as Record<string, unknown>).user, json.policy], [
    "alice",
    POLICY_PATH,
  ]);
  assertEquals(team.aws.calls.map((c) => c.operation), ["GetCallerIdentity"]);
});

Deno.test("check on a require_approval profile exits 5, and 0 naming the request once an approved one covers the user", async () => {
  const team = new FakeTeam({ policy: APPROVAL_POLICY });
  const before = await team.run(["check", "prod"]);
  assertEquals(before.code, 5, before.stderr);
  const id = String((await team.run(["request", "prod", "-r", "x", "-o", "json"])).json().id);
  await team.run(["approve", id, "--aws-profile", "bob"]);
  const after = await team.run(["check", "prod"]);
  assertEquals(after.code, 0, after.stderr);
  assertIncludes(after.stdout, `approval: approved request ${id} covers alice until`);
});

Deno.test("check refusals: an invalid policy file (3) lists its errors; a bad --at or --mode is a usage error (2)", async () => {
  const team = new FakeTeam({ policy: HOURS.replace("effect: allow", "effect: allwo") });
  const invalid = await team.run(["check", "prod", "--user", "alice", "-o", "json"]);
  assertEquals([invalid.code, invalid.error().code], [3, "invalid_config"]);
  assertIncludes(invalid.error().details.join("\n"), `${POLICY_PATH}:`);
  const at = await team.run(["check", "prod", "--user", "alice", "--at", "tomorrow"]);
  assertEquals(at.code, 2);
  const mode = await team.run(["check", "prod", "--mode", "telepathy"]);
  assertEquals(mode.code, 2);
});

Deno.test("whoami names the identity STS verifies for a profile, as text and JSON", async () => {
  const team = new FakeTeam({ policy: HOURS });
  const text = await team.run(["whoami", "--profile", "bob"]);
  assertEquals(text.code, 0, text.stderr);
  assertIncludes(text.stdout, "user:    bob\n");
  assertIncludes(text.stdout, "arn:     arn:aws:iam::123456789012:user/bob\n");
  const json = await team.run(["whoami", "--profile", "prod", "-o", "json"]);
  assertEquals(
    [json.json().user, json.json().source, json.json().source_profile, json.json().account],
    ["alice", "credentials-file", "alice", "123456789012"],
  );
});

Deno.test("whoami refusals: an unknown profile names the near ones (3); keys AWS does not know are an AWS failure (6)", async () => {
  const team = new FakeTeam({ policy: HOURS });
  const unknown = await team.run(["whoami", "--profile", "prdo"]);
  assertEquals(unknown.code, 3, unknown.stderr);
  assertIncludes(unknown.stderr, "prod");
  team.files.set(
    team.env().paths.awsCredentials,
    "[bob]\naws_access_key_id = AKIANOBODY0000000000\naws_secret_access_key = x\n",
  );
  const stranger = await team.run(["whoami", "--profile", "bob", "-o", "json"]);
  assertEquals([stranger.code, stranger.error().code], [6, "aws_failure"]);
});

/**
 * `sentinel credentials` in process (runCli with the fakes of test/support/fake_team.ts): exactly
 * the credential_process document on stdout and nothing else, Sentinel v1's flags, a denial with
 * nothing on stdout, and usage errors. The real AWS CLI calling it through credential_process is
 * test/issuance_e2e_test.ts.
 */
import { assertEquals, assertIncludes } from "../../test/assert.ts";
import { FakeTeam } from "../../test/support/fake_team.ts";

const POLICY = `version: "1"
rules:
  - name: alice-prod
    effect: allow
    conditions: { profiles: [prod], users: [alice] }
`;

Deno.test("credentials prints exactly the credential_process document on stdout, and nothing on stderr", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const run = await team.run(["credentials", "prod"]);
  assertEquals([run.code, run.stderr], [0, ""]);
  assertEquals(run.stdout.endsWith("}\n") && run.stdout.split("\n").length, 2, "one line");
  const document = run.json();
  assertEquals(Object.keys(document), [
    "Version",
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
  ]);
  assertEquals(document.Version, 1);
  assertEquals(
    document.Expiration,
    new Date(team.clock.now() + 3_600_000).toISOString().replace(".000Z", "Z"),
  );
});

Deno.test("credentials takes Sentinel v1's spelling: --profile, --policy-parameter and --log-stderr", async () => {
  const team = new FakeTeam({ policy: "" });
  team.aws.putParameter("/sentinel/policies/prod", POLICY);
  const run = await team.run([
    "credentials",
    "--profile",
    "prod",
    "--policy-parameter",
    "/sentinel/policies/prod",
    "--log-stderr",
  ]);
  assertEquals(run.code, 0, run.stderr);
  const echoed = JSON.parse(run.stderr);
  assertEquals([echoed.outcome, echoed.policy_source], ["issued", "ssm:/sentinel/policies/prod"]);
});

Deno.test("a denied credentials call prints nothing on stdout and the reason on stderr (exit 4; JSON with --output json)", async () => {
  const team = new FakeTeam({ policy: POLICY.replace("[alice]", "[bob]") });
  const text = await team.run(["credentials", "prod"]);
  assertEquals([text.code, text.stdout], [4, ""]);
  assertIncludes(text.stderr, "sentinel: denied: prod for alice by no rule matched (default deny)");
  const json = await team.run(["credentials", "prod", "--output", "json"]);
  assertEquals([json.code, json.stdout], [4, ""]);
  assertEquals([json.error().exit_code, json.error().code], [4, "denied"]);
});

Deno.test("credentials usage errors: no profile, two profiles, --policy with --policy-parameter (exit 2)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  for (
    const [args, fragment] of [
      [["credentials"], "name the profile: sentinel credentials <profile>"],
      [["credentials", "prod", "--profile", "dev"], "two profiles named: prod and --profile dev"],
      [
        ["credentials", "prod", "--policy", "p.yaml", "--policy-parameter", "/p"],
        "either --policy or --policy-parameter",
      ],
      [
        ["credentials", "prod", "--duration", "5m"],
        '--duration "5m" must be a duration from 15m to 12h',
      ],
    ] as const
  ) {
    const run = await team.run(args);
    assertEquals([run.code, run.stdout], [2, ""], args.join(" "));
    assertIncludes(run.stderr, fragment);
  }
  assertEquals(team.aws.calls, [], "nothing asked of AWS");
});

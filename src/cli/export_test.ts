/**
 * `sentinel export` and `sentinel login` in process: the issued session as shell variables, the
 * credential_process JSON or an ini section; a console sign-in URL printed or opened in the
 * (recorded) browser; a denial prints nothing on stdout. The real CLI: test/export_login_e2e_test.ts.
 */
import { assertEquals, assertIncludes, assertMatch } from "../../test/assert.ts";
import { FakeTeam } from "../../test/support/fake_team.ts";

const POLICY = `version: "1"
rules:
  - name: alice-prod
    effect: allow
    conditions: { profiles: [prod], users: [alice] }
`;

Deno.test("export prints shell variables by default, the credential_process JSON with --format json, an ini section with --format ini", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const env = await team.run(["export", "prod"]);
  assertEquals(env.code, 0, env.stderr);
  assertMatch(env.stdout, /^export AWS_ACCESS_KEY_ID='ASIA/m);
  assertMatch(env.stdout, /^export AWS_REGION='us-east-1'$/m);
  const json = await team.run(["export", "prod", "--format", "json"]);
  assertEquals(Object.keys(json.json()), [
    "Version",
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Expiration",
  ]);
  const jsonOutput = await team.run(["export", "prod", "-o", "json"]);
  assertEquals(jsonOutput.json().Version, 1, "--output json means --format json");
  const ini = await team.run(["export", "prod", "--format", "ini", "--section", "prod-session"]);
  assertMatch(ini.stdout, /^\[prod-session\]\naws_access_key_id = ASIA/);
});

Deno.test("export refusals: a denied profile prints nothing on stdout (4); an unknown format or a bad section is a usage error (2)", async () => {
  const team = new FakeTeam({ policy: POLICY.replace("[alice]", "[bob]") });
  const denied = await team.run(["export", "prod"]);
  assertEquals([denied.code, denied.stdout], [4, ""]);
  const format = await team.run(["export", "prod", "--format", "yaml"]);
  assertEquals(format.code, 2);
  const section = await team.run(["export", "prod", "--format", "ini", "--section", "a]b"]);
  assertEquals([section.code, section.stdout], [2, ""]);
});

Deno.test("login prints a sign-in URL for the issued session, and --open hands it to the browser instead (stdout keeps it off with JSON)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const printed = await team.run(["login", "prod"]);
  assertEquals(printed.code, 0, printed.stderr);
  assertMatch(printed.stdout, /^https:\/\/signin\.aws\.amazon\.com\/federation\?Action=login&/);
  assertIncludes(printed.stdout, "SigninToken=signin-token-1");
  assertEquals(
    team.signins[0].accessKeyId.startsWith("ASIA"),
    true,
    "the session, not the base keys",
  );

  const opened = await team.run(["login", "prod", "--open", "-o", "json"]);
  const json = opened.json();
  assertEquals([json.profile, json.user, json.opened, json.url], [
    "prod",
    "alice",
    true,
    undefined,
  ]);
  assertEquals(team.opened.length, 1);
  assertIncludes(team.opened[0], "SigninToken=signin-token-2");
  assertEquals(opened.stderr.includes("signin-token"), false, "the URL is never on stderr");
});

Deno.test("login refusals: a denied profile gets no URL (4); a bad federation endpoint is refused before anything is issued (3)", async () => {
  const denied = new FakeTeam({ policy: POLICY.replace("[alice]", "[bob]") });
  const run = await denied.run(["login", "prod"]);
  assertEquals([run.code, run.stdout, denied.signins.length], [4, "", 0]);
  const bad = new FakeTeam({
    policy: POLICY,
    vars: { SENTINEL_FEDERATION_URL: "ftp://example.com" },
  });
  const refused = await bad.run(["login", "prod", "-o", "json"]);
  assertEquals(refused.code, 3, refused.stderr);
  assertEquals(bad.aws.assumeRoleCalls().length, 0);
});

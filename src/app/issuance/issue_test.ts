/**
 * Credential issuance over in-memory fakes (test/support/fake_team.ts): what STS is asked for (the
 * SourceIdentity that names the person and the decision, the session name, the capped duration,
 * the ExternalId), what is logged before anything is returned, what the warm cache serves and
 * when it must not, and how each failure ends — denied (4), invalid policy (3), AWS (6), an
 * unwritable log (1), a required log sink (7), a credential_process loop (3). The slow twins run
 * the real CLI against moto: test/issuance_e2e_test.ts and friends.
 */
import { assertEquals, assertIncludes, assertRejects, assertTrue } from "../../../test/assert.ts";
import { FakeTeam, TEAM_ROLE } from "../../../test/support/fake_team.ts";
import { pluginEntry } from "../../../test/support/fake_plugins.ts";
import { SentinelError } from "../../core/errors.ts";
import { issueCredentials, type IssueRequest } from "./issue.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

const POLICY = `version: "1"
rules:
  - name: alice-prod
    effect: allow
    conditions: { profiles: [prod], users: [alice] }
    max_duration: 2h
`;

async function refusal(run: () => Promise<unknown>): Promise<SentinelError> {
  return await assertRejects(run, SentinelError) as SentinelError;
}

function issue(team: FakeTeam, over: Partial<IssueRequest> = {}) {
  return issueCredentials({ profile: "prod", mode: "credential_process", ...over }, team.deps());
}

Deno.test("an allowed issuance assumes the role with a SourceIdentity naming the person and the decision, and logs it first", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const result = await issue(team);
  const [call] = team.aws.assumeRoleCalls();
  const record = team.logRecords().at(-1)!;
  assertEquals(Object.fromEntries(call), {
    Action: "AssumeRole",
    RoleArn: TEAM_ROLE,
    RoleSessionName: "alice",
    SourceIdentity: `sentinel=alice=${record.request_id}`,
    DurationSeconds: "3600",
  });
  assertEquals([record.outcome, record.user, record.profile, record.rule], [
    "issued",
    "alice",
    "prod",
    "alice-prod",
  ]);
  assertEquals(record.source_identity, call.get("SourceIdentity"));
  assertEquals(result.cacheHit, false);
  assertEquals(result.credentials.expiration, team.clock.now() + HOUR);
  assertTrue(
    !JSON.stringify(team.logRecords()).includes(result.credentials.secretAccessKey),
    "no secret in the log",
  );
});

Deno.test("the session length is the one asked for, capped by the rule's max_duration; an ExternalId in the profile is sent", async () => {
  const team = new FakeTeam({ policy: POLICY, extraConfig: "external_id = ext-4711\n" });
  await issue(team, { durationSeconds: 12 * 3600 });
  const [call] = team.aws.assumeRoleCalls();
  assertEquals([call.get("DurationSeconds"), call.get("ExternalId")], ["7200", "ext-4711"]);
});

Deno.test("a denial assumes nothing (exit 4), is logged and announced as credential_denied", async () => {
  const chat = pluginEntry("chat", "notifier");
  const team = new FakeTeam({
    policy: POLICY.replace("users: [alice]", "users: [bob]"),
    plugins: [chat],
  });
  const error = await refusal(() => issue(team));
  assertEquals([error.exitCode, error.code], [4, "denied"]);
  assertIncludes(error.message, "denied: prod for alice by no rule matched (default deny)");
  assertEquals(team.aws.assumeRoleCalls(), []);
  assertEquals(team.logRecords().at(-1)?.outcome, "denied");
  assertEquals(team.plugins.typesSentTo("chat"), ["credential_denied"]);
});

Deno.test("a refusal names break-glass when a breakglass: rule allows the user, also before any store exists", async () => {
  const team = new FakeTeam({
    policy: POLICY.replace("users: [alice]", "users: [bob]") + `breakglass:
  - name: oncall
    users: [alice]
    profiles: [prod]
    max_duration: 1h
`,
  });
  const error = await refusal(() => issue(team));
  assertEquals([error.exitCode, error.code], [4, "denied"]);
  assertIncludes(
    error.message,
    "In an emergency, a breakglass: rule lets you in: sentinel breakglass prod",
  );
  assertEquals(team.aws.assumeRoleCalls(), []);
});

Deno.test("a warm call is served from the cache without STS, decided again and logged as a cache hit", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const first = await issue(team);
  team.clock.advance(10 * MIN);
  const second = await issue(team);
  assertEquals([second.cacheHit, second.credentials], [true, first.credentials]);
  assertEquals(team.aws.assumeRoleCalls().length, 1);
  assertEquals(team.aws.calls.filter((c) => c.operation === "GetCallerIdentity").length, 1);
  assertEquals(team.logRecords().map((r) => r.cache_hit), [false, true]);
});

Deno.test("the cache never serves across a policy change: an edited policy that denies refuses at once", async () => {
  const team = new FakeTeam({ policy: POLICY });
  await issue(team);
  team.setPolicy(POLICY.replace("effect: allow", "effect: deny"));
  const error = await refusal(() => issue(team));
  assertEquals(error.exitCode, 4);
  assertEquals(team.aws.assumeRoleCalls().length, 1);
});

Deno.test("the cache never serves across an edited AWS config, or with --no-cache", async () => {
  const team = new FakeTeam({ policy: POLICY });
  await issue(team);
  await issue(team, { noCache: true });
  const config = team.env().paths.awsConfig;
  team.files.set(config, team.files.get(config)! + "\n[profile other]\nregion = eu-west-1\n");
  await issue(team);
  assertEquals(team.aws.assumeRoleCalls().length, 3);
});

Deno.test("a session about to enter its refresh window is not served warm", async () => {
  const team = new FakeTeam({ policy: POLICY });
  await issue(team);
  team.clock.advance(HOUR - 4 * MIN); // the default refresh window is 5 minutes
  assertEquals((await issue(team)).cacheHit, false);
  assertEquals(team.aws.assumeRoleCalls().length, 2);
});

Deno.test("the verified identity is cached per access key: a second cold issuance asks STS only to assume", async () => {
  const team = new FakeTeam({ policy: POLICY });
  await issue(team, { noCache: true });
  await issue(team, { noCache: true });
  assertEquals(team.aws.calls.map((c) => c.operation), [
    "GetCallerIdentity",
    "AssumeRole",
    "AssumeRole",
  ]);
});

Deno.test("an invalid policy issues nothing (exit 3, invalid_config), naming the file", async () => {
  const team = new FakeTeam({ policy: POLICY.replace("effect: allow", "effect: allwo") });
  const error = await refusal(() => issue(team));
  assertEquals([error.exitCode, error.code], [3, "invalid_config"]);
  assertIncludes(error.message + error.details.join("\n"), "/home/alice/policy.yaml");
  assertEquals(team.aws.calls.filter((c) => c.operation === "AssumeRole"), []);
});

Deno.test("STS failures end with exit 6 and issue nothing: the base key unknown to AWS, AssumeRole refused by the trust policy", async () => {
  const unknown = new FakeTeam({ policy: POLICY });
  unknown.files.set(
    unknown.env().paths.awsCredentials,
    "[alice]\naws_access_key_id = AKIAUNKNOWN000000000\naws_secret_access_key = x\n",
  );
  const who = await refusal(() => issue(unknown));
  assertEquals([who.exitCode, who.code], [6, "aws_failure"]);
  assertIncludes(who.message, "InvalidClientTokenId");

  const untrusted = new FakeTeam({ policy: POLICY });
  untrusted.aws.trust(TEAM_ROLE, ["arn:aws:iam::123456789012:user/bob"]);
  const assume = await refusal(() => issue(untrusted));
  assertEquals(assume.exitCode, 6);
  assertIncludes(assume.message, "AccessDenied");
  assertEquals(untrusted.logRecords().at(-1)?.outcome, "denied", "the failed hop is logged");
});

Deno.test("a decision log that cannot be written issues nothing (exit 1, decision_log_unwritable)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  team.log.failing = "disk full";
  const error = await refusal(() => issue(team));
  assertEquals([error.exitCode, error.code], [1, "decision_log_unwritable"]);
  assertIncludes(error.message, "nothing was issued");
  assertEquals(team.cache.credentials.size, 0, "nothing was cached either");
});

Deno.test("a required log sink that fails turns the issuance into a denial (exit 7) with a corrective record", async () => {
  const sink = pluginEntry("siem", "log_sink", { required: true });
  const team = new FakeTeam({ policy: POLICY, plugins: [sink] });
  team.plugins.fail("siem");
  const error = await refusal(() => issue(team));
  assertEquals(error.exitCode, 7);
  assertIncludes(error.message, "the required log sink siem failed");
  const [issued, correction] = team.logRecords();
  assertEquals([issued.outcome, correction.outcome, correction.corrects], [
    "issued",
    "denied",
    issued.request_id,
  ]);
});

Deno.test("a credential_process loop is refused before anything runs (exit 3)", async () => {
  const team = new FakeTeam({ policy: POLICY, vars: { SENTINEL_RESOLVING: '["prod"]' } });
  const error = await refusal(() => issue(team));
  assertEquals(error.exitCode, 3);
  assertIncludes(error.message, "credential_process loop: resolving profile prod");
  assertEquals(team.aws.calls, []);
  const fine = new FakeTeam({ policy: POLICY });
  await issue(fine);
  assertEquals(fine.childEnv.SENTINEL_RESOLVING, '["prod"]', "children learn the chain");
});

Deno.test("a profile that does not exist is a configuration error naming it (exit 3)", async () => {
  const team = new FakeTeam({ policy: POLICY });
  const error = await refusal(() => issue(team, { profile: "prdo" }));
  assertEquals(error.exitCode, 3);
  assertIncludes(error.message, "prdo");
  assertIncludes(error.message, "prod");
});

Deno.test("a policy from SSM is fetched with the base credentials and reused within its TTL", async () => {
  const team = new FakeTeam({ policy: "" });
  team.aws.putParameter("/sentinel/policy", POLICY);
  await issue(team, { policy: "ssm:/sentinel/policy", noCache: true });
  await issue(team, { policy: "ssm:/sentinel/policy", noCache: true });
  const fetches = team.aws.calls.filter((c) => c.operation === "GetParameter");
  assertEquals(fetches.length, 1, "within the TTL the cached policy serves");
  assertEquals(fetches[0].accessKeyId, team.keys.alice.accessKeyId);
  const missing = await refusal(() => issue(team, { policy: "ssm:/sentinel/nope" }));
  assertEquals(missing.exitCode, 6);
  assertIncludes(missing.message, "ParameterNotFound");
});

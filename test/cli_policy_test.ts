/**
 * The offline commands (check, policy validate|lint|test) as a user runs them: a real Sentinel
 * process started with the same flags as the compiled binary.
 */
import { assertEquals, assertIncludes, assertMatch, assertTrue } from "./assert.ts";
import { runSentinel } from "./harness/sentinel.ts";

const POLICY = "examples/policy.yaml";
const ROLE = "arn:aws:iam::123456789012:role/SentinelProdAdmin";

Deno.test("check: allow exits 0 and prints the rule and reason; --at is echoed as typed, with its UTC instant", async () => {
  const run = await runSentinel([
    "check",
    "prod",
    "--policy",
    POLICY,
    "--user",
    "alice@example.com",
    "--role-arn",
    ROLE,
    "--at",
    "2026-03-02T10:00:00+01:00",
  ]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(
    run.stdout,
    "ALLOW: prod for alice@example.com at 2026-03-02T10:00:00+01:00 (2026-03-02T09:00:00Z)\n" +
      "  rule:   prod-business-hours (rules[1])\n" +
      "  reason: Production access in business hours\n" +
      "  max session: 1h\n",
  );
  assertEquals(run.stderr, "");
});

Deno.test("check: deny exits 4, require_approval exits 5, with --explain traces", async () => {
  const deny = await runSentinel([
    "check",
    "dev",
    "-p",
    POLICY,
    "-u",
    "eve@elsewhere.org",
    "--at",
    "2026-03-02T10:00:00Z",
    "--explain",
  ]);
  assertEquals(deny.code, 4);
  assertIncludes(deny.stdout, "DENY: dev for eve@elsewhere.org");
  assertIncludes(deny.stdout, "no rule matched: default deny");
  assertIncludes(
    deny.stdout,
    'rules[5] dev-anytime (allow): skipped, user "eve@elsewhere.org" is not in [*@example.com]',
  );
  const approval = await runSentinel([
    "check",
    "prod",
    "-p",
    POLICY,
    "-u",
    "alice@example.com",
    "--at",
    "2026-03-07T12:00:00Z",
    "--output",
    "json",
    "--explain",
  ]);
  assertEquals(approval.code, 5);
  const json = JSON.parse(approval.stdout);
  assertEquals(json.decision, {
    effect: "require_approval",
    rule: "prod-needs-approval",
    rule_index: 3,
    reason: "Production outside business hours needs approval",
    max_duration_seconds: null,
  });
  assertEquals(json.trace.length, 4);
  assertEquals(json.trace[1].failed_condition, "roles");
});

Deno.test("attack: check treats days: [] as any day, and --explain says so", async () => {
  const policy = `version: "1"
rules:
  - name: offboarded
    effect: deny
    conditions: { users: [mallory], time: { days: [], timezone: UTC } }
  - name: weekday-hours
    effect: allow
    conditions: { time: { days: [], hours: { start: "09:00", end: "17:00" }, timezone: UTC } }
`;
  const denied = await runSentinel(
    ["check", "prod", "-p", "-", "-u", "mallory", "--at", "2026-03-03T10:00:00Z"],
    { stdin: policy },
  );
  assertEquals(denied.code, 4, denied.stderr);
  assertIncludes(denied.stdout, "rule:   offboarded (rules[0])");
  const outside = await runSentinel(
    ["check", "prod", "-p", "-", "-u", "alice", "--at", "2026-03-03T20:15:00Z", "--explain"],
    { stdin: policy },
  );
  assertEquals(outside.code, 4, outside.stderr);
  assertIncludes(
    outside.stdout,
    "rules[1] weekday-hours (allow): skipped, tuesday 20:15 UTC is outside any day 09:00-17:00 UTC",
  );
});

Deno.test("check: invalid policy exits 3 with every error; bad --at is a usage error", async () => {
  const dir = await Deno.makeTempDir();
  const broken = `${dir}/broken.yaml`;
  await Deno.writeTextFile(
    broken,
    (await Deno.readTextFile(POLICY)).replace("effect: allow", "effect: permit").replace(
      "timezone: Europe/Berlin",
      "timezone: Europe/Berlln",
    ),
  );
  const run = await runSentinel(["check", "prod", "-p", broken, "-u", "alice@example.com"]);
  assertEquals(run.code, 3);
  assertEquals(run.stdout, "");
  assertIncludes(run.stderr, `sentinel: invalid policy ${broken}: 2 errors`);
  assertIncludes(run.stderr, `${broken}:14:13: rules[1].effect: must be one of`);
  assertIncludes(
    run.stderr,
    `rules[1].conditions.time.timezone: unknown time zone "Europe/Berlln"`,
  );

  const badTime = await runSentinel(["check", "prod", "-p", POLICY, "-u", "a", "--at", "tomorrow"]);
  assertEquals(badTime.code, 2);
  assertIncludes(badTime.stderr, '--at "tomorrow" is not an RFC 3339 time');

  const missing = await runSentinel(["check", "prod", "-p", `${dir}/nope.yaml`, "-u", "a"]);
  assertEquals(missing.code, 3);
  assertIncludes(missing.stderr, `cannot read policy file ${dir}/nope.yaml: no such file`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("attack: check --at an impossible date or time is a usage error, not rolled over", async () => {
  for (
    const [at, why] of [
      ["2026-02-30T00:00:00Z", "February 2026 has 28 days"],
      ["2026-04-31T10:00:00+02:00", "April 2026 has 30 days"],
      ["2026-03-02T24:01:00Z", "hour 24 does not exist"],
      ["2026-13-01T00:00:00Z", "month 13 does not exist"],
    ]
  ) {
    const run = await runSentinel(["check", "prod", "-p", POLICY, "-u", "a", "--at", at]);
    assertEquals(run.code, 2, `${at}: ${run.stdout}`);
    assertEquals(run.stdout, "");
    assertIncludes(run.stderr, `--at "${at}" is not a real time`);
    assertIncludes(run.stderr, why);
  }
});

Deno.test("attack: check escapes terminal controls and bidi overrides in text, JSON stays exact", async () => {
  const policy = `version: "1"
rules:
  - name: "evil\\u202Eelur"
    effect: deny
    conditions: { users: ["eve*"] }
    reason: "denied\\e[2J\\rALLOW"
`;
  const user = "eve\x1b]0;title\x07\u2066";
  const args = ["check", "prod", "-p", "-", "-u", user, "--at", "2026-03-02T10:00:00Z"];
  const text = await runSentinel([...args, "--explain"], { stdin: policy });
  assertEquals(text.code, 4, text.stderr);
  assertTrue(
    // deno-lint-ignore no-control-regex -- the point: no raw control character may be printed
    !/[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(text.stdout),
    JSON.stringify(text.stdout),
  );
  assertIncludes(
    text.stdout,
    "DENY: prod for eve\\x1b]0;title\\x07\\u2066 at 2026-03-02T10:00:00Z\n",
  );
  assertIncludes(text.stdout, "  rule:   evil\\u202eelur (rules[0])\n");
  assertIncludes(text.stdout, "  reason: denied\\x1b[2J\\rALLOW\n");
  assertIncludes(text.stdout, "    rules[0] evil\\u202eelur (deny): matched\n");
  const json = await runSentinel([...args, "--output", "json"], { stdin: policy });
  assertEquals(json.code, 4, json.stderr);
  const decision = JSON.parse(json.stdout);
  assertEquals(decision.request.user, user);
  assertEquals(decision.decision.rule, "evil\u202eelur");
  assertEquals(decision.decision.reason, "denied\x1b[2J\rALLOW");
});

Deno.test("policy validate: valid exits 0; broken lists every error and exits 3", async () => {
  const ok = await runSentinel(["policy", "validate", POLICY]);
  assertEquals(ok.code, 0, ok.stderr);
  assertEquals(ok.stdout, `${POLICY}: valid (6 rules, 1 approval rules, 1 break-glass rules)\n`);

  const broken = await runSentinel(["policy", "validate", "-", "--output", "json"], {
    stdin: 'version: "1"\nrules:\n  - name: a\n    effect: maybe\n  - name: a\n    effect: allow\n',
  });
  assertEquals(broken.code, 3);
  const error = JSON.parse(broken.stderr);
  assertEquals([error.exit_code, error.code], [3, "invalid_config"]);
  assertEquals(error.error, "invalid_config", "the old field stays, as an alias, for one release");
  assertEquals(error.details, [
    '<stdin>:4:13: rules[0].effect: must be one of "allow", "deny", "require_approval"',
    '<stdin>:5:11: rules[1].name: duplicate name "a" (first used by rules[0]); names must be unique',
  ]);
});

Deno.test("policy lint: warnings exit 0, or 3 with --strict", async () => {
  const text = `version: "1"
rules:
  - name: everyone
    effect: allow
  - name: never
    effect: deny
    conditions: { users: [bob] }
`;
  const lint = await runSentinel(["policy", "lint", "-"], { stdin: text });
  assertEquals(lint.code, 0);
  assertIncludes(
    lint.stdout,
    '<stdin>:5:11: warning[shadowed-rule]: rule "never" can never match',
  );
  assertIncludes(
    lint.stdout,
    '<stdin>:3:11: warning[catch-all-rule]: rule "everyone" matches every request',
  );
  assertIncludes(lint.stdout, "2 warnings\n");
  const strict = await runSentinel(["policy", "lint", "--strict", "-"], { stdin: text });
  assertEquals(strict.code, 3);
  // No AWS files: the example's profile names are not checked against this machine's.
  const clean = await runSentinel(["policy", "lint", POLICY, "--strict"], {
    env: { AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" },
  });
  assertEquals(clean.code, 0, clean.stdout);
});

Deno.test("policy test: the example suite passes; a wrong expectation fails with exit 8", async () => {
  const run = await runSentinel(["policy", "test", POLICY, "examples/policy_test.yaml"]);
  assertEquals(run.code, 0, run.stdout);
  assertTrue(run.stdout.endsWith("13 passed, 0 failed\n"), run.stdout);

  const failing = await runSentinel(["policy", "test", POLICY, "-"], {
    stdin: `tests:
  - name: bob cannot use prod
    profile: prod
    user: bob@example.com
    at: "2026-03-02T10:00:00Z"
    expect: deny
`,
  });
  assertEquals(failing.code, 8);
  assertIncludes(
    failing.stdout,
    "FAIL bob cannot use prod (<stdin>:2): expected deny, got require_approval by prod-needs-approval",
  );
  assertIncludes(failing.stdout, "0 passed, 1 failed");
});

Deno.test("usage errors exit 2 with their hint once; --help shows examples; --version prints version, commit and Deno", async () => {
  const unknown = await runSentinel(["chekc"]);
  assertEquals(unknown.code, 2);
  assertIncludes(unknown.stderr, "unknown command 'chekc'");
  assertEquals(unknown.stderr.split("(Did you mean check?)").length, 2, unknown.stderr);
  // The suggestion is a line of its own, never a literal "\n" inside the message.
  assertEquals(
    unknown.stderr,
    "sentinel: unknown command 'chekc'\n  (Did you mean check?)\n(run with --help for usage and examples)\n",
  );
  const missing = await runSentinel(["check", "--policy", POLICY]);
  assertEquals(missing.code, 2);
  assertIncludes(missing.stderr, "missing required argument 'profile'");
  assertEquals(missing.stderr.split("run with --help").length, 2, missing.stderr);
  const jsonUsage = await runSentinel(["--output", "json", "check"]);
  assertEquals(
    [JSON.parse(jsonUsage.stderr).exit_code, JSON.parse(jsonUsage.stderr).code],
    [2, "usage"],
  );
  const help = await runSentinel(["check", "--help"]);
  assertEquals(help.code, 0);
  assertIncludes(help.stdout, "Examples:");
  const version = await runSentinel(["--version"]);
  assertEquals(version.code, 0);
  const expected = JSON.parse(await Deno.readTextFile("deno.json")).version;
  assertMatch(
    version.stdout.trim(),
    new RegExp(
      `^sentinel ${
        expected.replaceAll(".", "\\.")
      } \\(commit [\\w.+-]+, deno ${Deno.version.deno}\\)$`,
    ),
  );
});

Deno.test("aws-vault habits (clear, rotate, add, remove) get a hint: sentinel cache clear, or the aws-vault command that does it", async () => {
  const clear = await runSentinel(["clear"]);
  assertEquals(clear.code, 2);
  assertIncludes(
    clear.stderr,
    "\n  Sentinel's cached sessions are cleared with: sentinel cache clear [profile]\n",
  );
  for (const command of ["rotate", "add", "remove"]) {
    const run = await runSentinel([command, "prod"]);
    assertEquals(run.code, 2);
    assertIncludes(
      run.stderr,
      `\n  Sentinel leaves keys to aws-vault: run aws-vault ${command} <profile>\n`,
    );
  }
  const json = await runSentinel(["rotate", "--output", "json"]);
  assertEquals(JSON.parse(json.stderr).details, [
    "Sentinel leaves keys to aws-vault: run aws-vault rotate <profile>",
  ]);
  const list = await runSentinel(["list", "--help"]);
  assertIncludes(list.stdout, "run `sentinel profiles`");
});

Deno.test("policy lint warns (exit 0) about profile names that exist in no AWS config, and only when the AWS files hold profiles", async () => {
  const home = await Deno.makeTempDir({ prefix: "sentinel-lint-profiles-" });
  try {
    await Deno.mkdir(`${home}/.aws`);
    await Deno.writeTextFile(`${home}/.aws/config`, "[profile prod]\nregion = us-east-1\n");
    const text = `version: "1"
rules:
  - name: prod
    effect: allow
    conditions: { profiles: [prod, prdo] }
`;
    const env = { HOME: home, AWS_CONFIG_FILE: `${home}/.aws/config` };
    const lint = await runSentinel(["policy", "lint", "-"], { stdin: text, env });
    assertEquals(lint.code, 0, lint.stderr);
    assertEquals(
      lint.stdout,
      `<stdin>:5:36: warning[unknown-profile]: profile "prdo" matches no profile in ${home}/.aws/config or ${home}/.aws/credentials; a typo, or a profile not set up yet?\n1 warning\n`,
    );
    const none = await runSentinel(["policy", "lint", "-"], {
      stdin: text,
      env: { HOME: home, AWS_CONFIG_FILE: "/dev/null" },
    });
    assertEquals(none.stdout, "<stdin>: no warnings\n");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

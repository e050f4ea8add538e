import { assertEquals } from "../../../test/assert.ts";
import { compilePolicy, DEFAULT_DENY, evaluate, explain, roleGuard } from "./evaluate.ts";
import { compiledFromYaml } from "../../../test/support/policy_from_yaml.ts";

const at = (iso: string) => Date.parse(iso);

const businessHours = compiledFromYaml(`
version: "1"
rules:
  - name: prod-business-hours
    effect: allow
    conditions:
      profiles: [prod]
      users: [alice@example.com]
      time:
        days: [monday, tuesday, wednesday, thursday, friday]
        hours: { start: "09:00", end: "18:00" }
        timezone: Europe/Berlin
    reason: Production access in business hours
`);

Deno.test("time window boundaries: start inclusive, end exclusive", () => {
  const request = (iso: string) => ({
    user: "alice@example.com",
    profile: "prod",
    time: at(iso),
  });
  // 2026-03-02 is a Monday; Berlin is UTC+1 in winter.
  const cases: [string, string][] = [
    ["2026-03-02T07:59:00Z", "deny"], // 08:59 local, one minute before start
    ["2026-03-02T08:00:00Z", "allow"], // exactly at start
    ["2026-03-02T16:59:00Z", "allow"], // 17:59, one minute before end
    ["2026-03-02T16:59:59.999Z", "allow"], // last millisecond inside
    ["2026-03-02T17:00:00Z", "deny"], // exactly at end
    ["2026-03-07T10:00:00Z", "deny"], // Saturday
  ];
  for (const [iso, effect] of cases) {
    assertEquals(evaluate(businessHours, request(iso)).effect, effect, iso);
  }
});

Deno.test("weekday is taken in the rule's time zone, not UTC", () => {
  const tokyo = compiledFromYaml(`
version: "1"
rules:
  - name: monday-in-tokyo
    effect: allow
    conditions:
      time: { days: [mon], timezone: Asia/Tokyo }
`);
  // Sunday 20:00 UTC is Monday 05:00 in Tokyo.
  assertEquals(
    evaluate(tokyo, {
      user: "u",
      profile: "p",
      time: at("2026-03-01T20:00:00Z"),
    }).effect,
    "allow",
  );
  // Monday 20:00 UTC is Tuesday 05:00 in Tokyo.
  assertEquals(
    evaluate(tokyo, {
      user: "u",
      profile: "p",
      time: at("2026-03-02T20:00:00Z"),
    }).effect,
    "deny",
  );
});

Deno.test("windows crossing midnight belong to the day they open on", () => {
  const night = compiledFromYaml(`
version: "1"
rules:
  - name: friday-night
    effect: allow
    conditions:
      time:
        days: [friday]
        hours: { start: "22:00", end: "06:00" }
`);
  const cases: [string, string][] = [
    ["2026-03-06T21:59:00Z", "deny"], // Friday 21:59
    ["2026-03-06T22:00:00Z", "allow"], // Friday 22:00
    ["2026-03-06T23:59:59Z", "allow"],
    ["2026-03-07T00:00:00Z", "allow"], // Saturday 00:00, still Friday's window
    ["2026-03-07T05:59:00Z", "allow"],
    ["2026-03-07T06:00:00Z", "deny"], // end is exclusive
    ["2026-03-06T03:00:00Z", "deny"], // Friday 03:00 belongs to Thursday's window
    ["2026-03-07T22:30:00Z", "deny"], // Saturday night
  ];
  for (const [iso, effect] of cases) {
    assertEquals(
      evaluate(night, { user: "u", profile: "p", time: at(iso) }).effect,
      effect,
      iso,
    );
  }
});

Deno.test("24:00 ends the day and days without hours cover the whole day", () => {
  const policy = compiledFromYaml(`
version: "1"
rules:
  - name: evening
    effect: allow
    conditions: { time: { hours: { start: "18:00", end: "24:00" } } }
  - name: weekend
    effect: require_approval
    conditions: { time: { days: [saturday, sunday] } }
`);
  const effect = (iso: string) =>
    evaluate(policy, { user: "u", profile: "p", time: at(iso) }).effect;
  assertEquals(effect("2026-03-02T23:59:59Z"), "allow");
  assertEquals(effect("2026-03-03T00:00:00Z"), "deny"); // Tuesday 00:00: outside both
  assertEquals(effect("2026-03-07T00:00:00Z"), "require_approval");
  assertEquals(effect("2026-03-08T23:59:00Z"), "allow"); // evening rule comes first
});

Deno.test("DST change days follow the zone's wall clock", () => {
  const morning = compiledFromYaml(`
version: "1"
rules:
  - name: berlin-morning
    effect: allow
    conditions:
      time: { hours: { start: "02:00", end: "04:00" }, timezone: Europe/Berlin }
  - name: new-york-evening
    effect: require_approval
    conditions:
      time: { hours: { start: "01:00", end: "02:00" }, timezone: America/New_York }
`);
  const effect = (iso: string) =>
    evaluate(morning, { user: "u", profile: "p", time: at(iso) }).effect;
  // 2026-03-29: Berlin springs forward at 02:00 CET -> 03:00 CEST (01:00 UTC).
  assertEquals(effect("2026-03-29T00:59:00Z"), "deny"); // 01:59 CET
  assertEquals(effect("2026-03-29T01:00:00Z"), "allow"); // 03:00 CEST
  assertEquals(effect("2026-03-29T01:59:00Z"), "allow"); // 03:59 CEST
  assertEquals(effect("2026-03-29T02:00:00Z"), "deny"); // 04:00 CEST
  // 2026-10-25: Berlin falls back at 03:00 CEST -> 02:00 CET; 02:00-04:00 lasts three hours.
  assertEquals(effect("2026-10-25T00:00:00Z"), "allow"); // 02:00 CEST
  assertEquals(effect("2026-10-25T01:30:00Z"), "allow"); // 02:30 CET (second pass)
  assertEquals(effect("2026-10-25T02:59:00Z"), "allow"); // 03:59 CET
  assertEquals(effect("2026-10-25T03:00:00Z"), "deny"); // 04:00 CET
  // 2026-11-01: New York falls back at 02:00 EDT -> 01:00 EST; 01:00-02:00 happens twice.
  assertEquals(effect("2026-11-01T05:00:00Z"), "require_approval"); // 01:00 EDT
  assertEquals(effect("2026-11-01T06:30:00Z"), "require_approval"); // 01:30 EST
  assertEquals(effect("2026-11-01T07:00:00Z"), "deny"); // 02:00 EST
});

Deno.test("first match wins and no match denies", () => {
  const policy = compiledFromYaml(`
version: "1"
rules:
  - name: deny-bob
    effect: deny
    conditions: { users: [bob] }
    reason: bob is on leave
  - name: everyone-dev
    effect: allow
    conditions: { profiles: [dev] }
  - name: prod-approval
    effect: require_approval
    conditions: { profiles: ["prod*"] }
    max_duration: 1h
`);
  const time = at("2026-03-02T10:00:00Z");
  assertEquals(evaluate(policy, { user: "bob", profile: "dev", time }), {
    effect: "deny",
    rule: "deny-bob",
    ruleIndex: 0,
    reason: "bob is on leave",
  });
  assertEquals(
    evaluate(policy, { user: "alice", profile: "dev", time }).rule,
    "everyone-dev",
  );
  assertEquals(evaluate(policy, { user: "alice", profile: "prod-eu", time }), {
    effect: "require_approval",
    rule: "prod-approval",
    ruleIndex: 2,
    reason: 'matched rule "prod-approval"',
    maxDurationSeconds: 3600,
  });
  assertEquals(
    evaluate(policy, { user: "alice", profile: "staging", time }),
    DEFAULT_DENY,
  );
});

Deno.test("names compare exactly and case-sensitively; globs are the only wildcard", () => {
  const policy = compiledFromYaml(`
version: "1"
rules:
  - name: r
    effect: allow
    conditions:
      profiles: [Prod, "team-?", "*-sandbox", "a*b*c"]
      users: ["*@example.com", "x.y"]
`);
  const time = 0;
  const cases: [string, string, string][] = [
    ["Prod", "a@example.com", "allow"],
    ["prod", "a@example.com", "deny"], // case-sensitive
    ["team-a", "a@example.com", "allow"],
    ["team-", "a@example.com", "deny"], // ? needs exactly one character
    ["team-ab", "a@example.com", "deny"],
    ["-sandbox", "a@example.com", "allow"], // * may be empty
    ["my-sandbox", "a@EXAMPLE.com", "deny"],
    ["abc", "x.y", "allow"],
    ["aXbYc", "xzy", "deny"], // . is literal, not a regex wildcard
    ["a.b", "@example.com", "deny"],
    ["a(b)c", "sub.a@example.com", "allow"], // regex characters are literal
  ];
  for (const [profile, user, effect] of cases) {
    assertEquals(
      evaluate(policy, { user, profile, time }).effect,
      effect,
      `${profile} ${user}`,
    );
  }
});

Deno.test("roles condition needs a known, matching role ARN; mode needs a known mode", () => {
  const policy = compiledFromYaml(`
version: "1"
rules:
  - name: readonly-role
    effect: allow
    conditions:
      roles: ["arn:aws:iam::*:role/ReadOnly*"]
  - name: exec-only
    effect: allow
    conditions: { mode: [cli] }
`);
  const base = { user: "u", profile: "p", time: 0 };
  assertEquals(
    evaluate(policy, {
      ...base,
      roleArn: "arn:aws:iam::123456789012:role/ReadOnlyAccess",
    }).rule,
    "readonly-role",
  );
  assertEquals(
    evaluate(policy, {
      ...base,
      roleArn: "arn:aws:iam::123456789012:role/Admin",
    }).effect,
    "deny",
  );
  assertEquals(evaluate(policy, base).effect, "deny");
  assertEquals(evaluate(policy, { ...base, mode: "cli" }).rule, "exec-only");
  assertEquals(
    evaluate(policy, { ...base, mode: "credential_process" }).effect,
    "deny",
  );
});

Deno.test("absent and empty conditions match anything, as in Sentinel v1", () => {
  const policy = compiledFromYaml(`
version: "1"
rules:
  - name: all
    effect: allow
    conditions: { profiles: [], time: {} }
`);
  assertEquals(
    evaluate(policy, { user: "anyone", profile: "anything", time: 0 }).effect,
    "allow",
  );
});

Deno.test("explain traces why each earlier rule did not match", () => {
  const policy = compiledFromYaml(`
version: "1"
rules:
  - name: other-profile
    effect: allow
    conditions: { profiles: [dev] }
  - name: other-user
    effect: allow
    conditions: { users: [bob] }
  - name: role
    effect: allow
    conditions: { roles: ["arn:aws:iam::1:role/X"] }
  - name: office-hours
    effect: allow
    conditions:
      time: { days: [monday], hours: { start: "09:00", end: "17:00" }, timezone: Europe/Berlin }
  - name: fallback
    effect: require_approval
`);
  const explanation = explain(policy, {
    user: "alice",
    profile: "prod",
    time: at("2026-03-03T19:15:00Z"),
  });
  assertEquals(explanation.rule, "fallback");
  assertEquals(explanation.effect, "require_approval");
  assertEquals(explanation.trace.map((t) => t.failed?.detail ?? "matched"), [
    'profile "prod" is not in [dev]',
    'user "alice" is not in [bob]',
    "the rule requires a role in [arn:aws:iam::1:role/X] and no role ARN is known",
    "tuesday 20:15 Europe/Berlin is outside monday 09:00-17:00 Europe/Berlin",
    "matched",
  ]);
  const none = explain(policy, {
    user: "alice",
    profile: "prod",
    time: 0,
    roleArn: "arn:x",
  });
  assertEquals(none.trace.length, 5);
});

Deno.test("explain ends with the default deny when nothing matches", () => {
  const policy = compiledFromYaml(`
version: "1"
rules:
  - name: only-dev
    effect: allow
    conditions: { profiles: [dev] }
`);
  const explanation = explain(policy, { user: "u", profile: "prod", time: 0 });
  assertEquals(explanation.ruleIndex, -1);
  assertEquals(explanation.reason, DEFAULT_DENY.reason);
  assertEquals(explanation.trace[0].failed?.condition, "profiles");
});

Deno.test("attack: an empty list in any condition means any, days: [] included (v1 semantics)", () => {
  // Each rule has one empty list; each must match a request that names nothing special.
  const conditions = [
    "{ profiles: [] }",
    "{ users: [] }",
    "{ roles: [] }",
    "{ mode: [] }",
    "{ time: { days: [] } }",
    '{ time: { days: [], hours: { start: "00:00", end: "24:00" }, timezone: Europe/Berlin } }',
  ];
  for (const condition of conditions) {
    const policy = compiledFromYaml(`
version: "1"
rules:
  - name: empty
    effect: allow
    conditions: ${condition}
`);
    // A Monday and a Sunday, with and without a role ARN and mode.
    for (
      const request of [
        { user: "u", profile: "p", time: at("2026-03-02T10:00:00Z") },
        {
          user: "u",
          profile: "p",
          time: at("2026-03-08T23:30:00Z"),
          roleArn: "arn:aws:iam::1:role/R",
          mode: "cli" as const,
        },
      ]
    ) {
      assertEquals(evaluate(policy, request).rule, "empty", `${condition} ${request.time}`);
    }
  }
});

Deno.test("explain says any day for an empty or absent days list", () => {
  const policy = compiledFromYaml(`
version: "1"
rules:
  - name: empty-days
    effect: allow
    conditions: { time: { days: [], hours: { start: "09:00", end: "17:00" } } }
  - name: no-days
    effect: allow
    conditions: { time: { hours: { start: "09:00", end: "17:00" }, timezone: UTC } }
`);
  const explanation = explain(policy, {
    user: "u",
    profile: "p",
    time: at("2026-03-03T20:15:00Z"),
  });
  assertEquals(explanation.trace.map((t) => t.failed?.detail), [
    "tuesday 20:15 UTC is outside any day 09:00-17:00 UTC",
    "tuesday 20:15 UTC is outside any day 09:00-17:00 UTC",
  ]);
});

Deno.test("a role guard counts wherever it stands: after a user deny or a require_approval rule", () => {
  const guarded = "arn:aws:iam::123456789012:role/Root";
  const policy = compilePolicy({
    version: "1",
    rules: [
      { name: "no-alice", effect: "deny", conditions: { users: ["alice"] } },
      { name: "prod-approval", effect: "require_approval", conditions: { profiles: ["prod"] } },
      { name: "guard", effect: "deny", conditions: { roles: [guarded] }, reason: "never" },
      {
        name: "guard-for-interns",
        effect: "deny",
        conditions: { users: ["intern"], roles: ["*"] },
      },
    ],
  });
  const ask = (user: string, roleArn: string) =>
    roleGuard(policy, { user, profile: "prod", roleArn, time: 0 })?.rule;
  assertEquals(
    evaluate(policy, { user: "alice", profile: "prod", roleArn: guarded, time: 0 }).rule,
    "no-alice",
  );
  assertEquals(ask("alice", guarded), "guard");
  assertEquals(ask("bob", guarded), "guard");
  assertEquals(ask("bob", "arn:aws:iam::123456789012:role/Other"), undefined);
  assertEquals(ask("intern", "arn:aws:iam::123456789012:role/Other"), "guard-for-interns");
});

Deno.test('a rule that grants and names no users admits plain names only, like users: ["*"]; a deny rule naming no users applies to ARN-named identities too', () => {
  const policy = compiledFromYaml(`
version: "1"
rules:
  - name: night-freeze
    effect: deny
    conditions: { profiles: [frozen] }
  - name: team-prod
    effect: allow
    conditions: { profiles: [prod, frozen] }
  - name: team-staging
    effect: require_approval
    conditions: { users: [] }
`);
  const outsider = "arn:aws:iam::999999999999:user/mallory";
  const at = { time: 0, roleArn: "arn:aws:iam::123456789012:role/Prod" };
  assertEquals(evaluate(policy, { ...at, user: "alice", profile: "prod" }).rule, "team-prod");
  assertEquals(evaluate(policy, { ...at, user: outsider, profile: "prod" }), DEFAULT_DENY);
  assertEquals(evaluate(policy, { ...at, user: outsider, profile: "staging" }), DEFAULT_DENY);
  assertEquals(evaluate(policy, { ...at, user: outsider, profile: "frozen" }).rule, "night-freeze");
  const why = explain(policy, { ...at, user: outsider, profile: "prod" }).trace[1];
  assertEquals(
    why.failed?.detail,
    `user "${outsider}" is named by its ARN, which only a rule naming ARN patterns in users admits`,
  );
});

import { assertEquals, assertTrue } from "../../../test/assert.ts";
import { formatIssue, parsePolicy } from "./parse.ts";

function issuesOf(text: string): string[] {
  const result = parsePolicy(text);
  assertTrue(!result.ok, "expected the policy to be invalid");
  return result.issues.map((issue) => formatIssue(issue, "p.yaml"));
}

const rule = (body: string) => `version: "1"\nrules:\n  - name: r\n${body}`;

Deno.test("the original Sentinel v1 format loads unchanged", () => {
  const result = parsePolicy(`version: "1"
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
  - name: deny-all
    effect: deny
    conditions: {}
`);
  assertTrue(result.ok);
  assertEquals(result.policy.rules.length, 2);
  assertEquals(result.policy.rules[0].conditions?.time?.hours, {
    start: "09:00",
    end: "18:00",
  });
});

Deno.test("every validation error is reported with file, line and column", () => {
  const cases: [string, string][] = [
    ["", "p.yaml:1:1: the policy is empty"],
    [
      "- a\n",
      "p.yaml:1:1: the policy must be a mapping with version and rules",
    ],
    ["rules: []\n", "p.yaml:1:1: version: is required"],
    [
      'version: "2"\nrules: []\n',
      'p.yaml:1:10: version: must be "1" (the only policy format version)',
    ],
    ['version: "1"\n', "p.yaml:1:1: rules: is required"],
    [
      'version: "1"\nrules: []\n',
      "p.yaml:2:1: rules: must contain at least one rule (an empty policy would deny everything)",
    ],
    ['version: "1"\nrules: {}\n', "p.yaml:2:1: rules: must be a list of rules"],
    [
      'version: "1"\nrules: [x]\nextra: 1\n',
      'p.yaml:3:1: extra: unknown key "extra"; allowed here: version, rules, approvals, breakglass, identity',
    ],
    [
      rule("    effect: permit\n"),
      'p.yaml:4:13: rules[0].effect: must be one of "allow", "deny", "require_approval"',
    ],
    [rule("    reason: x\n"), "p.yaml:3:5: rules[0].effect: is required"],
    [
      rule("    effect: allow\n    efect: deny\n"),
      'p.yaml:5:5: rules[0].efect: unknown key "efect"; allowed here: name, effect, conditions, reason, max_duration',
    ],
    [
      rule("    effect: allow\n    conditions: { profile: [a] }\n"),
      'p.yaml:5:19: rules[0].conditions.profile: unknown key "profile"; allowed here: profiles, users, roles, time, mode',
    ],
    [
      rule("    effect: allow\n    conditions: { profiles: prod }\n"),
      "p.yaml:5:29: rules[0].conditions.profiles: must be a list of names or glob patterns",
    ],
    [
      rule('    effect: allow\n    conditions: { users: [""] }\n'),
      "p.yaml:5:27: rules[0].conditions.users[0]: must not be empty",
    ],
    [
      rule("    effect: allow\n    conditions: { users: [1] }\n"),
      "p.yaml:5:27: rules[0].conditions.users[0]: must be a text (a name or a glob pattern)",
    ],
    [
      rule("    effect: allow\n    conditions: { mode: [daemon] }\n"),
      'p.yaml:5:26: rules[0].conditions.mode[0]: must be one of "credential_process", "cli", "server"',
    ],
    [
      rule("    effect: allow\n    conditions: { time: { days: [funday] } }\n"),
      'p.yaml:5:34: rules[0].conditions.time.days[0]: unknown day "funday"; use sunday (sun), monday (mon), tuesday (tue), wednesday (wed), thursday (thu), friday (fri), saturday (sat)',
    ],
    [
      rule("    effect: allow\n    conditions: { time: { days: [Monday] } }\n"),
      'p.yaml:5:34: rules[0].conditions.time.days[0]: unknown day "Monday"; use sunday (sun), monday (mon), tuesday (tue), wednesday (wed), thursday (thu), friday (fri), saturday (sat)',
    ],
    [
      rule(
        '    effect: allow\n    conditions: { time: { hours: { start: "9:00", end: "17:00" } } }\n',
      ),
      'p.yaml:5:43: rules[0].conditions.time.hours.start: start "9:00" is not a time "HH:MM" between 00:00 and 24:00',
    ],
    [
      rule(
        '    effect: allow\n    conditions: { time: { hours: { start: "09:00", end: "24:01" } } }\n',
      ),
      'p.yaml:5:57: rules[0].conditions.time.hours.end: end "24:01" is not a time "HH:MM" between 00:00 and 24:00',
    ],
    [
      rule(
        '    effect: allow\n    conditions: { time: { hours: { start: "24:00", end: "06:00" } } }\n',
      ),
      "p.yaml:5:43: rules[0].conditions.time.hours.start: start cannot be 24:00; use 00:00",
    ],
    [
      rule(
        '    effect: allow\n    conditions: { time: { hours: { start: "09:00", end: "09:00" } } }\n',
      ),
      "p.yaml:5:57: rules[0].conditions.time.hours.end: the window 09:00-09:00 is empty; for the whole day use 00:00-24:00",
    ],
    [
      rule(
        '    effect: allow\n    conditions: { time: { hours: { start: "09:00" } } }\n',
      ),
      "p.yaml:5:27: rules[0].conditions.time.hours.end: is required",
    ],
    [
      rule(
        "    effect: allow\n    conditions: { time: { hours: { start: 0900, end: 1700 } } }\n",
      ),
      'p.yaml:5:43: rules[0].conditions.time.hours.start: start must be a time "HH:MM" in quotes',
    ],
    [
      rule(
        "    effect: allow\n    conditions: { time: { timezone: Mars/Base } }\n",
      ),
      'p.yaml:5:37: rules[0].conditions.time.timezone: unknown time zone "Mars/Base"; use an IANA name such as "Europe/Berlin" or "UTC"',
    ],
    [
      rule("    effect: allow\n    max_duration: 10m\n"),
      "p.yaml:5:19: rules[0].max_duration: 10m is out of range: must be between 900s and 43200s",
    ],
    [
      rule("    effect: allow\n    max_duration: 13h\n"),
      "p.yaml:5:19: rules[0].max_duration: 13h is out of range: must be between 900s and 43200s",
    ],
    [
      rule("    effect: allow\n    max_duration: soon\n"),
      'p.yaml:5:19: rules[0].max_duration: "soon" is not a duration; write seconds (900) or units d/h/m/s ("1h30m")',
    ],
    [
      rule("    effect: allow\n    reason: [a]\n"),
      "p.yaml:5:5: rules[0].reason: must be a text",
    ],
    [
      'version: "1"\nrules:\n  - effect: allow\n',
      "p.yaml:3:5: rules[0].name: is required",
    ],
    [
      'version: "1"\nrules:\n  - { name: a, effect: allow }\n  - { name: a, effect: deny }\n',
      'p.yaml:4:13: rules[1].name: duplicate name "a" (first used by rules[0]); names must be unique',
    ],
    [
      'version: "1"\nrules: [\n',
      "p.yaml:3:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
    [
      'version: "1"\nversion: "1"\nrules: []\n',
      "p.yaml:2:1: YAML syntax: Map keys must be unique",
    ],
  ];
  for (const [text, expected] of cases) {
    const issues = issuesOf(text);
    assertTrue(
      issues.includes(expected),
      `${JSON.stringify(text)}\n got: ${issues.join("\n")}`,
    );
  }
});

Deno.test("all errors are reported at once, in source order", () => {
  const issues = issuesOf(`version: "1"
rules:
  - name: a
    effect: permit
    conditions:
      time: { days: [someday], timezone: Nowhere/City }
  - name: a
    effect: allow
    bogus: true
`);
  assertEquals(issues.length, 5);
  assertEquals(issues.map((i) => i.split(":")[1]), ["4", "6", "6", "7", "9"]);
});

Deno.test("approvals and breakglass sections validate", () => {
  const result = parsePolicy(`version: "1"
rules: [{ name: r, effect: require_approval }]
approvals:
  - name: prod
    profiles: ["prod*"]
    approvers: [bob, "*@security.example.com"]
    auto_approve:
      users: [oncall-bot]
      time: { days: [sat, sun], timezone: UTC }
      max_duration: 1h
    max_duration: 4h
    request_ttl: 1d
breakglass:
  - name: sre
    profiles: [prod]
    users: ["*@sre.example.com"]
    reason_codes: [incident, security]
    max_duration: 1h
    cooldown: 30m
    quota:
      per_user: { max: 3, window: 24h }
      per_profile: { max: 10, window: 7d }
    escalation_threshold: 2
    require_review: true
`);
  assertTrue(result.ok, JSON.stringify(!result.ok && result.issues));
  assertEquals(result.policy.approvals?.[0].request_ttl, 86_400);
  assertEquals(result.policy.approvals?.[0].auto_approve?.max_duration, 3600);
  assertEquals(result.policy.breakglass?.[0].quota?.per_profile, {
    max: 10,
    window: 604_800,
  });
});

Deno.test("approvals and breakglass errors name the section", () => {
  const issues = issuesOf(`version: "1"
rules: [{ name: r, effect: allow }]
approvals:
  - name: p
    profiles: []
    approvers: [bob]
    auto_aprove: {}
breakglass:
  - name: b
    profiles: [prod]
    users: [alice]
    reason_codes: [boredom]
    quota: { per_user: { max: 0, window: 1h } }
    require_review: yes
`);
  const text = issues.join("\n");
  for (
    const fragment of [
      "p.yaml:5:5: approvals[0].profiles: must name at least one profile",
      'approvals[0].auto_aprove: unknown key "auto_aprove"',
      'breakglass[0].reason_codes[0]: must be one of "incident", "maintenance", "security", "recovery", "other"',
      "breakglass[0].quota.per_user.max: must be at least 1",
      "breakglass[0].require_review: must be true or false",
    ]
  ) assertTrue(text.includes(fragment), `missing ${fragment} in\n${text}`);
});

Deno.test("alias bombs are refused, not expanded", () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  ].join("\n");
  const issues = issuesOf(bomb);
  assertTrue(issues[0].startsWith("p.yaml:1:1: YAML:"), issues[0]);
});

Deno.test("version may be written as a number and abbreviations are accepted", () => {
  const result = parsePolicy(`version: 1
rules:
  - name: r
    effect: allow
    conditions: { time: { days: [mon, fri] } }
`);
  assertTrue(result.ok);
  assertEquals(result.policy.version, "1");
});

Deno.test("a key that is a list is reported as an issue, never printed raw by the YAML parser", () => {
  const printed: unknown[] = [];
  const { warn, log } = console;
  console.warn = (...args: unknown[]) => printed.push(args);
  console.log = (...args: unknown[]) => printed.push(args);
  try {
    const result = parsePolicy('version: "1"\nrules:\n  - ? [a, "\\u001b[31m"]\n    : c\n');
    assertTrue(!result.ok);
    assertTrue(result.issues.some((issue) => issue.message.startsWith("unknown key")));
  } finally {
    console.warn = warn;
    console.log = log;
  }
  assertEquals(printed, []);
});

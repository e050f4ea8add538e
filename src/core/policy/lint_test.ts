import { assertEquals, assertTrue } from "../../../test/assert.ts";
import { lintPolicy } from "./lint.ts";
import { parsePolicy } from "./parse.ts";

function lint(text: string): string[] {
  const result = parsePolicy(text);
  assertTrue(result.ok, JSON.stringify(!result.ok && result.issues));
  return lintPolicy(result.policy, result.locate).map((w) =>
    `${w.line}:${w.column} ${w.code} ${w.message}`
  );
}

Deno.test("a rule after a broader one is reported as shadowed", () => {
  const warnings = lint(`version: "1"
rules:
  - name: all-prod
    effect: allow
    conditions: { profiles: ["prod*"] }
  - name: prod-eu-alice
    effect: deny
    conditions: { profiles: [prod-eu], users: [alice] }
  - name: catch-all
    effect: deny
  - name: after-catch-all
    effect: allow
    conditions: { profiles: [dev] }
`);
  assertEquals(warnings, [
    '6:11 shadowed-rule rule "prod-eu-alice" can never match: rule "all-prod" (rules[0]) comes first and matches everything it does',
    '9:11 catch-all-rule rule "catch-all" matches every request (no conditions, or only empty ones), so it denies everything and no later rule ever applies; add conditions (profiles, users, roles, time, mode), or move it to the end as the final catch-all deny',
    '11:11 shadowed-rule rule "after-catch-all" can never match: rule "catch-all" (rules[2]) comes first and matches everything it does',
  ]);
});

Deno.test("an allow before an overlapping deny is reported; disjoint rules are not", () => {
  const warnings = lint(`version: "1"
rules:
  - name: devs
    effect: allow
    conditions: { users: ["*@example.com"], profiles: [dev, prod] }
  - name: no-prod-for-bob
    effect: deny
    conditions: { users: [bob@example.com, carol@other.com], profiles: [prod, staging] }
  - name: no-qa
    effect: deny
    conditions: { profiles: [qa] }
`);
  assertEquals(warnings, [
    '6:11 allow-before-deny deny rule "no-prod-for-bob" is partly shadowed: allow rule "devs" (rules[0]) comes first and overlaps it; put the deny first if it should win',
  ]);
});

Deno.test("time windows: coverage, overlap and missing time zones", () => {
  const warnings = lint(`version: "1"
rules:
  - name: weekdays
    effect: allow
    conditions:
      time: { days: [mon, tue, wed, thu, fri], hours: { start: "08:00", end: "20:00" }, timezone: UTC }
  - name: monday-morning
    effect: deny
    conditions:
      time: { days: [monday], hours: { start: "09:00", end: "12:00" }, timezone: UTC }
  - name: weekend-night
    effect: deny
    conditions:
      time: { days: [saturday], hours: { start: "22:00", end: "06:00" } }
  - name: evening
    effect: deny
    conditions:
      time: { days: [monday], hours: { start: "20:00", end: "23:00" }, timezone: UTC }
`);
  assertEquals(warnings, [
    '7:11 shadowed-rule rule "monday-morning" can never match: rule "weekdays" (rules[0]) comes first and matches everything it does',
    '14:7 no-timezone rule "weekend-night": time window has no timezone and is read in UTC; add timezone: <IANA name>',
  ]);
});

Deno.test("duplicate conditions and empty lists", () => {
  const warnings = lint(`version: "1"
rules:
  - name: r
    effect: allow
    conditions:
      profiles: [prod, prod, "prod*", prod-eu]
      users: []
`);
  assertEquals(warnings, [
    '6:18 duplicate-condition profiles: "prod" is already covered by "prod*"',
    '6:24 duplicate-condition profiles lists "prod" twice',
    '6:39 duplicate-condition profiles: "prod-eu" is already covered by "prod*"',
    '7:7 empty-list users: [] matches anyone with a plain name (as "*"); remove it or name values',
  ]);
});

Deno.test("a clean policy has no warnings", () => {
  assertEquals(
    lint(`version: "1"
rules:
  - name: deny-contractors-prod
    effect: deny
    conditions: { users: ["*@contractor.example.com"], profiles: [prod] }
  - name: prod
    effect: require_approval
    conditions: { profiles: [prod] }
  - name: dev
    effect: allow
    conditions: { profiles: [dev], time: { hours: { start: "06:00", end: "22:00" }, timezone: Europe/Berlin } }
`),
    [],
  );
});

Deno.test("an empty days list is an empty list and covers every day", () => {
  const warnings = lint(`version: "1"
rules:
  - name: any-day-mornings
    effect: deny
    conditions:
      users: [bob]
      time: { days: [], hours: { start: "06:00", end: "12:00" }, timezone: UTC }
  - name: monday-mornings
    effect: deny
    conditions:
      users: [bob]
      time: { days: [monday], hours: { start: "07:00", end: "08:00" }, timezone: UTC }
`);
  assertEquals(warnings, [
    "7:15 empty-list time.days: [] matches any day; remove it or name days",
    '8:11 shadowed-rule rule "monday-mornings" can never match: rule "any-day-mornings" (rules[0]) comes first and matches everything it does',
  ]);
});

Deno.test("attack: catch-all rules are reported, except a final catch-all deny", () => {
  const warnings = lint(`version: "1"
rules:
  - name: everyone
    effect: allow
    conditions: {}
  - name: only-empty-lists
    effect: require_approval
    conditions: { users: [], time: { timezone: UTC } }
  - name: early-deny-all
    effect: deny
  - name: last
    effect: allow
`);
  assertEquals(warnings, [
    '3:11 catch-all-rule rule "everyone" matches every request (no conditions, or only empty ones), so it allows everything and no later rule ever applies; add conditions (profiles, users, roles, time, mode), or end the policy with a catch-all deny instead',
    '6:11 shadowed-rule rule "only-empty-lists" can never match: rule "everyone" (rules[0]) comes first and matches everything it does',
    '6:11 catch-all-rule rule "only-empty-lists" matches every request (no conditions, or only empty ones), so it requires approval for everything and no later rule ever applies; add conditions (profiles, users, roles, time, mode), or end the policy with a catch-all deny instead',
    '8:19 empty-list users: [] matches anyone with a plain name (as "*"); remove it or name values',
    '9:11 shadowed-rule rule "early-deny-all" can never match: rule "everyone" (rules[0]) comes first and matches everything it does',
    '9:11 catch-all-rule rule "early-deny-all" matches every request (no conditions, or only empty ones), so it denies everything and no later rule ever applies; add conditions (profiles, users, roles, time, mode), or move it to the end as the final catch-all deny',
    '11:11 shadowed-rule rule "last" can never match: rule "everyone" (rules[0]) comes first and matches everything it does',
    '11:11 catch-all-rule rule "last" matches every request (no conditions, or only empty ones), so it allows everything; add conditions (profiles, users, roles, time, mode), or end the policy with a catch-all deny instead',
  ]);
  // The idiomatic ending: a final catch-all deny is explicit, not a warning.
  assertEquals(
    lint(`version: "1"
rules:
  - name: dev
    effect: allow
    conditions: { profiles: [dev] }
  - name: deny-everything-else
    effect: deny
    conditions: {}
`),
    [],
  );
});

Deno.test("profile names and patterns that match no profile of the AWS config are warned about, in rules, approvals and break-glass", () => {
  const result = parsePolicy(`version: "1"
rules:
  - name: prod
    effect: allow
    conditions: { profiles: [prod, prodd, "staging-*"] }
approvals:
  - name: approvers
    profiles: ["prod*"]
    approvers: [bob]
breakglass:
  - name: sre
    profiles: [ops]
    users: [alice]
    reason_codes: [incident]
    max_duration: 1h
`);
  assertTrue(result.ok, JSON.stringify(!result.ok && result.issues));
  const where = "~/.aws/config or ~/.aws/credentials";
  const warnings = lintPolicy(result.policy, result.locate, { names: ["prod", "base"], where })
    .map((w) => `${w.line}:${w.column} ${w.code} ${w.message}`);
  assertEquals(warnings, [
    `5:36 unknown-profile profile "prodd" matches no profile in ${where}; a typo, or a profile not set up yet?`,
    `5:43 unknown-profile pattern "staging-*" matches no profile in ${where}; a typo, or a profile not set up yet?`,
    `12:16 unknown-profile profile "ops" matches no profile in ${where}; a typo, or a profile not set up yet?`,
  ]);
  assertEquals(lintPolicy(result.policy, result.locate).length, 0); // no AWS files: no opinion
});

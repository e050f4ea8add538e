/**
 * The indexed policy and the cached slice decide exactly like the plain evaluator: random policies
 * (exact names and globs in every order, empty and absent conditions, modes, windows crossing
 * midnight in zones with 60- and 30-minute DST shifts) against random requests, many of them
 * minutes from a DST transition, plus the ordering edge cases by name.
 */
import fc from "fast-check";
import { assertEquals } from "../../../test/assert.ts";
import { compiledFromYaml } from "../../../test/support/policy_from_yaml.ts";
import { type AccessRequest, compilePolicy, DEFAULT_DENY, evaluate } from "./evaluate.ts";
import { evaluateSlice, isPolicySlice, type PolicySlice } from "./slice.ts";
import { candidateRules, evaluateIndexed, indexPolicy } from "./policy_index.ts";
import type { CredentialMode, PolicyDocument, Rule, TimeWindow } from "./schema.ts";
import { slicePolicy } from "./make_slice.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const PROFILE_PATTERNS = [
  "prod",
  "prod-eu",
  "dev",
  "staging",
  "prod*",
  "*",
  "pro?",
  "dev-*",
  "*-eu",
];
const PROFILES = ["prod", "prod-eu", "dev", "dev-x", "staging", "pro", "prod*", "x-eu", "dev-*"];
const USER_PATTERNS = ["alice", "bob", "al*", "*@example.com", "alice@example.com"];
const USERS = ["alice", "bob", "alice@example.com", "carol", "al"];
const ROLES = ["arn:aws:iam::1:role/A", "arn:aws:iam::1:role/B", "arn:aws:iam::2:role/A"];
const ROLE_PATTERNS = [...ROLES, "arn:aws:iam::*:role/A"];
const MODES: CredentialMode[] = ["credential_process", "cli", "server"];
const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Lord_Howe", // 30-minute DST shift
  "Asia/Kolkata",
  "America/St_Johns",
];
const DAYS = ["monday", "tue", "wednesday", "thursday", "fri", "saturday", "sunday"];
const CLOCK = ["00:00", "01:30", "02:00", "02:30", "03:00", "09:00", "18:00", "22:00", "24:00"];

/** DST transitions of 2026 in the zones above: requests cluster around them. */
const TRANSITIONS = [
  Date.UTC(2026, 2, 29, 1), // Berlin spring forward
  Date.UTC(2026, 9, 25, 1), // Berlin fall back
  Date.UTC(2026, 2, 8, 7), // New York spring forward
  Date.UTC(2026, 10, 1, 6), // New York fall back
  Date.UTC(2026, 3, 4, 15), // Lord Howe back half an hour (02:00 -> 01:30 local)
  Date.UTC(2026, 9, 3, 15, 30), // Lord Howe forward half an hour (02:00 -> 02:30 local)
  Date.UTC(2026, 2, 8, 5, 30), // St John's spring forward
];

const list = <T>(values: readonly T[]) =>
  fc.option(fc.subarray([...values], { minLength: 0 }), { nil: undefined });

const timeWindow: fc.Arbitrary<TimeWindow> = fc.record({
  days: list(DAYS),
  hours: fc.option(
    fc.tuple(fc.constantFrom(...CLOCK), fc.constantFrom(...CLOCK))
      .filter(([start, end]) => start !== end && start !== "24:00")
      .map(([start, end]) => ({ start, end })),
    { nil: undefined },
  ),
  timezone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
}, { requiredKeys: [] });

const rule = (index: number): fc.Arbitrary<Rule> =>
  fc.record({
    effect: fc.constantFrom("allow", "deny", "require_approval"),
    profiles: list(PROFILE_PATTERNS),
    users: list(USER_PATTERNS),
    roles: list(ROLE_PATTERNS),
    mode: list(MODES),
    time: fc.option(timeWindow, { nil: undefined }),
    reason: fc.option(fc.constant(`reason ${index}`), { nil: undefined }),
    max_duration: fc.option(fc.integer({ min: 900, max: 43_200 }), { nil: undefined }),
  }).map((r) =>
    ({
      name: `rule-${index}`,
      effect: r.effect,
      conditions: Object.fromEntries(
        Object.entries({
          profiles: r.profiles,
          users: r.users,
          roles: r.roles,
          mode: r.mode,
          time: r.time,
        }).filter(([, value]) => value !== undefined),
      ),
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      ...(r.max_duration === undefined ? {} : { max_duration: r.max_duration }),
    }) as Rule
  );

const policy: fc.Arbitrary<PolicyDocument> = fc.integer({ min: 1, max: 12 }).chain((count) =>
  fc.tuple(...Array.from({ length: count }, (_, i) => rule(i)))
).map((rules) => ({ version: "1" as const, rules }));

/** An instant within two days of a DST transition, or anywhere in 2024-2028. */
const instant = fc.oneof(
  fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -2 * DAY, max: 2 * DAY }))
    .map(([at, delta]) => at + delta),
  fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }),
);

const request: fc.Arbitrary<AccessRequest> = fc.record({
  user: fc.constantFrom(...USERS),
  profile: fc.constantFrom(...PROFILES),
  roleArn: fc.option(fc.constantFrom(...ROLES), { nil: undefined }),
  mode: fc.option(fc.constantFrom(...MODES), { nil: undefined }),
  time: instant,
}, { requiredKeys: ["user", "profile", "time"] });

/** A slice as the warm path gets it: written to the cache as JSON and read back. */
function cachedSlice(slice: PolicySlice): PolicySlice {
  const read: unknown = JSON.parse(JSON.stringify(slice));
  if (!isPolicySlice(read)) throw new Error("a fresh slice must read back as a slice");
  return read;
}

Deno.test("property: the indexed policy decides exactly like the plain evaluator", () => {
  fc.assert(
    fc.property(policy, fc.array(request, { minLength: 1, maxLength: 20 }), (document, asks) => {
      const compiled = compilePolicy(document);
      const index = indexPolicy(compiled);
      for (const ask of asks) assertEquals(evaluateIndexed(index, ask), evaluate(compiled, ask));
    }),
    { numRuns: 600 },
  );
});

Deno.test("property: a cached slice decides like the whole policy inside its span", () => {
  fc.assert(
    fc.property(
      policy,
      request,
      fc.array(fc.tuple(fc.option(fc.constantFrom(...MODES), { nil: undefined }), instant), {
        minLength: 1,
        maxLength: 20,
      }),
      (document, subject, asks) => {
        const compiled = compilePolicy(document);
        const from = subject.time - 2 * DAY;
        const to = subject.time + 2 * DAY;
        const slice = cachedSlice(slicePolicy(indexPolicy(compiled), subject, from, to));
        for (const [mode, time] of asks) {
          const ask = { ...subject, mode, time };
          const sliced = evaluateSlice(slice, ask);
          if (time >= from && time < to) assertEquals(sliced, evaluate(compiled, ask));
          // Outside the span it may only decline, never decide differently.
          else if (sliced !== undefined) assertEquals(sliced, evaluate(compiled, ask));
        }
      },
    ),
    { numRuns: 600 },
  );
});

Deno.test("every minute around DST transitions: slice, index and evaluator agree", () => {
  const compiled = compiledFromYaml(`
version: "1"
rules:
  - name: berlin-night
    effect: deny
    conditions:
      time: { days: [sunday], hours: { start: "02:00", end: "03:00" }, timezone: Europe/Berlin }
  - name: lord-howe-small-hours
    effect: require_approval
    conditions:
      time: { hours: { start: "01:30", end: "02:30" }, timezone: Australia/Lord_Howe }
  - name: new-york-overnight
    effect: allow
    conditions:
      profiles: ["prod*"]
      time: { days: [saturday, sunday], hours: { start: "22:00", end: "03:00" }, timezone: America/New_York }
  - name: fallback
    effect: allow
    conditions: { profiles: [prod], mode: [cli] }
`);
  const index = indexPolicy(compiled);
  const subject = { user: "alice", profile: "prod" };
  for (const transition of TRANSITIONS) {
    const from = transition - 3 * HOUR;
    const slice = cachedSlice(slicePolicy(index, subject, from, transition + 3 * HOUR));
    for (let time = from; time < transition + 3 * HOUR; time += 60_000) {
      for (const mode of [undefined, "cli"] as const) {
        const ask = { ...subject, mode, time };
        const expected = evaluate(compiled, ask);
        assertEquals(evaluateIndexed(index, ask), expected);
        assertEquals(evaluateSlice(slice, ask), expected, new Date(time).toISOString());
      }
    }
  }
});

Deno.test("first match survives the index: globs before and after exact names", () => {
  const compiled = compiledFromYaml(`
version: "1"
rules:
  - { name: prod-glob, effect: deny, conditions: { profiles: ["prod*"], users: [mallory] } }
  - { name: exact-prod, effect: allow, conditions: { profiles: [prod, prod] } }
  - { name: any-profile, effect: require_approval }
  - { name: exact-after-open, effect: deny, conditions: { profiles: [staging] } }
  - { name: star, effect: allow, conditions: { profiles: ["*"] } }
  - { name: literal-star-name, effect: deny, conditions: { profiles: ["dev-*"] } }
`);
  const index = indexPolicy(compiled);
  const decide = (user: string, profile: string) =>
    evaluateIndexed(index, { user, profile, time: 0 }).rule;
  assertEquals(decide("mallory", "prod"), "prod-glob");
  assertEquals(decide("alice", "prod"), "exact-prod");
  assertEquals(decide("alice", "staging"), "any-profile"); // the open rule listed first wins
  assertEquals(decide("alice", "dev-*"), "any-profile");
  // Candidates come in rule order; a name listed twice in one rule is one candidate.
  assertEquals(candidateRules(index, "prod").map((r) => r.source.name), [
    "prod-glob",
    "exact-prod",
    "any-profile",
    "star",
    "literal-star-name",
  ]);
  assertEquals(candidateRules(index, "staging").map((r) => r.index), [0, 2, 3, 4, 5]);
  assertEquals(candidateRules(index, "unknown").map((r) => r.index), [0, 2, 4, 5]);
});

Deno.test("a slice keeps only the rules its subject can match, with their zones' offsets", () => {
  const compiled = compiledFromYaml(`
version: "1"
rules:
  - { name: bob-only, effect: allow, conditions: { users: [bob] } }
  - name: other-role
    effect: allow
    conditions: { roles: ["arn:aws:iam::1:role/B"], time: { timezone: Asia/Tokyo } }
  - name: alice-berlin
    effect: allow
    conditions:
      users: ["ali*"]
      mode: [credential_process]
      time: { hours: { start: "09:00", end: "18:00" }, timezone: Europe/Berlin }
  - { name: deny-rest, effect: deny, reason: nothing else }
`);
  const from = Date.UTC(2026, 2, 28);
  const slice = slicePolicy(
    indexPolicy(compiled),
    { user: "alice", profile: "prod", roleArn: "arn:aws:iam::1:role/A" },
    from,
    from + 3 * DAY,
  );
  assertEquals(slice.rules.map((r) => r.decision.rule), ["alice-berlin", "deny-rest"]);
  assertEquals(Object.keys(slice.zones), ["Europe/Berlin"]);
  assertEquals(slice.zones["Europe/Berlin"].offsets, [60, 120]); // spring forward on the 29th
  const noon = Date.UTC(2026, 2, 30, 10); // 12:00 in Berlin (CEST)
  assertEquals(
    evaluateSlice(slice, { mode: "credential_process", time: noon })?.rule,
    "alice-berlin",
  );
  assertEquals(evaluateSlice(slice, { mode: "cli", time: noon })?.rule, "deny-rest");
  // A window outside the span is not decided from the slice; a rule without one still is.
  assertEquals(
    evaluateSlice(slice, { mode: "credential_process", time: from + 4 * DAY }),
    undefined,
  );
  assertEquals(evaluateSlice(slice, { mode: "cli", time: from + 4 * DAY })?.rule, "deny-rest");
  // No rule left: the default deny.
  const none = slicePolicy(
    indexPolicy(compiled),
    { user: "carol", profile: "p" },
    from,
    from + DAY,
  );
  assertEquals(
    evaluateSlice({ ...none, rules: none.rules.slice(0, 0) }, { time: from }),
    DEFAULT_DENY,
  );
});

Deno.test("a damaged slice is not a slice", () => {
  const from = Date.UTC(2026, 0, 1);
  const good = slicePolicy(
    indexPolicy(compiledFromYaml(`
version: "1"
rules:
  - { name: a, effect: allow, conditions: { mode: [cli], time: { timezone: Europe/Berlin } } }
`)),
    { user: "u", profile: "p" },
    from,
    from + DAY,
  );
  assertEquals(isPolicySlice(JSON.parse(JSON.stringify(good))), true);
  const damaged: unknown[] = [
    null,
    [],
    { rules: {}, zones: {} },
    { rules: [{ decision: { ...good.rules[0].decision, effect: "maybe" } }], zones: {} },
    { rules: [{ ...good.rules[0], modes: ["telepathy"] }], zones: good.zones },
    { rules: good.rules, zones: {} }, // the window's zone table is missing
    { rules: good.rules, zones: { "Europe/Berlin": { from, to: from, starts: [], offsets: [] } } },
    {
      rules: [{ ...good.rules[0], time: { ...good.rules[0].time, start: "09:00" } }],
      zones: good.zones,
    },
  ];
  for (const value of damaged) assertEquals(isPolicySlice(value), false, JSON.stringify(value));
});

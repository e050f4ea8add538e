/**
 * Property tests of `policy diff --prove` (src/core/policy/prove/prove.ts) against the production
 * evaluator (src/core/policy/evaluate.ts), on random policy pairs: most of them a policy and a
 * mutation of it (a rule added, removed or moved; an effect, a name or pattern, a window's hours,
 * days or zone, a mode or a max_duration changed), some two independent policies. Every document
 * is validated by the policy schema; every span holds a daylight-saving change.
 *
 * 1. Every region's example is decided by the evaluator as the region says, and lies in the
 *    region; random requests aimed at the patterns and the windows' edges differ exactly where
 *    one region says, and as it says.
 * 2. Where the proof says the new policy opens nothing, such random requests find nothing opened.
 * 3. On names over a tiny alphabet, whole-hour windows and a two-day span, the proof agrees with
 *    brute force over every request of the universe, and its regions are disjoint there.
 *
 * Counts: the issue's — 10,000 pairs, 1,000,000 requests (drawn on property 1's pairs that do not
 * widen, whose proofs property 2 reuses), 5,000 pairs — take about a minute of CPU, too long for
 * the suite: it runs a tenth of them, and `SENTINEL_PROVE_FULL=1` (`deno task test:prove`) all.
 * The seeds are fixed: fast-check prints a failure's seed and path, and each failure message holds
 * both policies as YAML and the span.
 *
 * @module
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { assertEquals, assertTrue } from "./assert.ts";
import {
  type AccessRequest,
  type CompiledPolicy,
  compilePolicy,
  type Decision,
  DEFAULT_DENY,
  evaluate,
  roleGuard,
} from "../src/core/policy/evaluate.ts";
import { globMatches, isGlob } from "../src/core/policy/glob.ts";
import {
  CREDENTIAL_MODES,
  type CredentialMode,
  EFFECTS,
  type PolicyDocument,
  policySchema,
} from "../src/core/policy/schema.ts";
import {
  type PolicyProof,
  type ProofRegion,
  provePolicyChange,
  type RegionDecision,
} from "../src/core/policy/prove/prove.ts";
import type { NameAtom } from "../src/core/policy/prove/name_atoms.ts";
import { WEEKDAY_NAMES } from "../src/core/policy/time/weekday.ts";

// ---------------------------------------------------------------------------------------------
// Counts and seeds

const FULL = Deno.env.get("SENTINEL_PROVE_FULL") === "1";
const COUNTS = FULL
  ? { flipPairs: 10_000, requests: 1_000_000, brutePairs: 5_000 }
  : { flipPairs: 1_000, requests: 100_000, brutePairs: 500 };
const SEEDS = { flips: 20_270_328, noNewAccess: 20_271_031, brute: 20_270_314 } as const;
/** Random requests per pair in property 1, checked against the regions. */
const SAMPLES_PER_PAIR = 20;
/** Pairs per further fast-check run of property 2, if property 1's pairs are not enough. */
const PAIRS_PER_ROUND = 500;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** A grant without max_duration leaves the session to STS's own limit: 12 hours. */
const DEFAULT_SESSION_SECONDS = 43_200;
/** The modes a request can come with: none known, or one of the credential modes. */
const MODES: readonly (CredentialMode | undefined)[] = [undefined, ...CREDENTIAL_MODES];

// ---------------------------------------------------------------------------------------------
// Randomness for requests: a seeded generator, its seed drawn by fast-check with the pair

type Rand = () => number;

/** mulberry32: small, fast, good enough to spread requests. */
function seeded(seed: number): Rand {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function below(rand: Rand, n: number): number {
  return Math.floor(rand() * n);
}

function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[below(rand, items.length)];
}

// ---------------------------------------------------------------------------------------------
// Time zones, read from Intl (not from the product's zone code): offsets and DST changes

/** One zone's offsets over 2026-11 to 2028-02, from Intl, each change found to the minute. */
class IntlZone {
  static readonly #zones = new Map<string, IntlZone>();
  readonly #changes: { at: number; offset: number }[] = [];
  readonly #format: Intl.DateTimeFormat;

  static of(zone: string): IntlZone {
    let found = IntlZone.#zones.get(zone);
    if (found === undefined) {
      found = new IntlZone(zone);
      IntlZone.#zones.set(zone, found);
    }
    return found;
  }

  private constructor(zone: string) {
    this.#format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    const from = Date.UTC(2026, 10, 1);
    const to = Date.UTC(2028, 1, 1);
    this.#changes.push({ at: from, offset: this.#read(from) });
    for (let day = from + DAY_MS; day <= to; day += DAY_MS) {
      const offset = this.#read(day);
      if (offset === this.#changes.at(-1)!.offset) continue;
      let low = (day - DAY_MS) / MINUTE_MS;
      let high = day / MINUTE_MS;
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (this.#read(mid * MINUTE_MS) === offset) high = mid;
        else low = mid;
      }
      this.#changes.push({ at: high * MINUTE_MS, offset });
    }
  }

  #read(epochMs: number): number {
    const field: Record<string, number> = {};
    for (const part of this.#format.formatToParts(epochMs)) {
      if (part.type !== "literal") field[part.type] = Number(part.value);
    }
    const local = Date.UTC(field.year, field.month - 1, field.day, field.hour, field.minute);
    return Math.round((local - epochMs) / MINUTE_MS);
  }

  /** Minutes east of UTC at the instant. */
  offset(epochMs: number): number {
    let i = this.#changes.length - 1;
    while (i > 0 && this.#changes[i].at > epochMs) i--;
    return this.#changes[i].offset;
  }

  /** Where the zone's clocks change, epoch ms. */
  get changes(): number[] {
    return this.#changes.slice(1).map((change) => change.at);
  }

  /** The instant a local wall-clock time (written as if UTC) names; near it in a gap. */
  instantOf(localMs: number): number {
    const guess = localMs - this.offset(localMs) * MINUTE_MS;
    return localMs - this.offset(guess) * MINUTE_MS;
  }
}

/** Every span of a pair holds one of these daylight-saving changes. */
const DST_CHANGES: Readonly<Record<string, readonly number[]>> = {
  "Europe/Berlin": [Date.UTC(2027, 2, 28, 1), Date.UTC(2027, 9, 31, 1)],
  "America/New_York": [Date.UTC(2027, 2, 14, 7), Date.UTC(2027, 10, 7, 6)],
  "Australia/Lord_Howe": [Date.UTC(2027, 3, 3, 15), Date.UTC(2027, 9, 2, 15, 30)],
  // Clocks change at local midnight: a day with no midnight, and one with two.
  "America/Havana": [Date.UTC(2027, 2, 14, 5), Date.UTC(2027, 10, 7, 5)],
  "America/Santiago": [Date.UTC(2027, 3, 4, 3), Date.UTC(2027, 8, 5, 4)],
};

// ---------------------------------------------------------------------------------------------
// Policy documents as generated (before validation) and their mutations

type Effect = (typeof EFFECTS)[number];
type Dimension = "users" | "profiles" | "roles";
const DIMENSIONS: readonly Dimension[] = ["users", "profiles", "roles"];

interface RawWindow {
  days?: string[];
  hours?: { start: string; end: string };
  timezone?: string;
}

interface RawConditions {
  users?: string[];
  profiles?: string[];
  roles?: string[];
  time?: RawWindow;
  mode?: CredentialMode[];
}

interface RawRuleBody {
  effect: Effect;
  conditions?: RawConditions;
  max_duration?: string | number;
}

interface RawRule extends RawRuleBody {
  name: string;
}

interface RawPolicy {
  version: "1";
  rules: RawRule[];
}

/** Drops the keys whose value is undefined (the schema is strict about keys, not about that). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, inner]) => inner !== undefined),
  ) as T;
}

const MUTATIONS = [
  "add-rule",
  "remove-rule",
  "move-rule",
  "change-effect",
  "add-name",
  "remove-name",
  "change-hours",
  "change-days",
  "change-zone",
  "change-max-duration",
  "toggle-mode",
  "change-window",
] as const;

interface Mutation {
  op: number;
  at: number;
  to: number;
  body: RawRuleBody;
  dimension: number;
  names: [string, string, string];
  hours: { start: string; end: string } | undefined;
  days: string[];
  zone: string;
  duration: string | number | undefined;
  window: RawWindow | undefined;
}

function cloneRule(rule: RawRule): RawRule {
  return JSON.parse(JSON.stringify(rule));
}

/** The policy with one mutation applied; `serial` names an added rule. */
function mutate(policy: RawPolicy, m: Mutation, serial: number): RawPolicy {
  const rules = policy.rules.map(cloneRule);
  const at = m.at % rules.length;
  const rule = rules[at];
  const conditions = () => (rule.conditions ??= {});
  const time = () => (conditions().time ??= {});
  switch (MUTATIONS[m.op]) {
    case "add-rule":
      rules.splice(m.to % (rules.length + 1), 0, { name: `added${serial}`, ...m.body });
      break;
    case "remove-rule":
      if (rules.length > 1) rules.splice(at, 1);
      break;
    case "move-rule": {
      const [moved] = rules.splice(at, 1);
      rules.splice(m.to % (rules.length + 1), 0, moved);
      break;
    }
    case "change-effect":
      rule.effect = EFFECTS[(EFFECTS.indexOf(rule.effect) + 1 + (m.to % 2)) % 3];
      break;
    case "add-name":
      addName(conditions(), DIMENSIONS[m.dimension], m.names[m.dimension], m.to);
      break;
    case "remove-name":
      removeName(conditions(), DIMENSIONS[m.dimension], m.to);
      break;
    case "change-hours":
      time().hours = m.hours;
      break;
    case "change-days":
      time().days = m.days;
      break;
    case "change-zone":
      time().timezone = m.zone;
      break;
    case "change-max-duration":
      rule.max_duration = m.duration;
      break;
    case "toggle-mode":
      toggleMode(conditions(), CREDENTIAL_MODES[m.to % CREDENTIAL_MODES.length]);
      break;
    case "change-window":
      conditions().time = m.window;
      break;
  }
  return { version: "1", rules: rules.map(tidy) };
}

function addName(conditions: RawConditions, dimension: Dimension, name: string, at: number) {
  const list = conditions[dimension] ?? [];
  list.splice(at % (list.length + 1), 0, name);
  conditions[dimension] = list;
}

/** Removes one name; a list left empty is dropped or kept as `[]` (both mean "any"). */
function removeName(conditions: RawConditions, dimension: Dimension, at: number) {
  const list = conditions[dimension];
  if (list === undefined || list.length === 0) {
    delete conditions[dimension];
    return;
  }
  list.splice(at % list.length, 1);
  if (list.length === 0 && at % 2 === 0) delete conditions[dimension];
}

function toggleMode(conditions: RawConditions, mode: CredentialMode) {
  const modes = conditions.mode ?? [];
  conditions.mode = modes.includes(mode) ? modes.filter((m) => m !== mode) : [...modes, mode];
}

/** Removes the keys a mutation left undefined, at every level. */
function tidy(rule: RawRule): RawRule {
  const conditions = rule.conditions === undefined ? undefined : compact({
    ...rule.conditions,
    time: rule.conditions.time === undefined ? undefined : compact(rule.conditions.time),
  });
  return compact({ ...rule, conditions });
}

// ---------------------------------------------------------------------------------------------
// Generators

interface Span {
  readonly from: number;
  readonly to: number;
}

/** What a family of generated policies is made of. */
interface Vocabulary {
  readonly users: fc.Arbitrary<string>;
  readonly profiles: fc.Arbitrary<string>;
  readonly roles: fc.Arbitrary<string>;
  readonly zones: readonly string[];
  /** Minutes past the hour that windows start and end at. */
  readonly minutes: readonly number[];
  readonly durations: readonly (string | number)[];
  readonly span: fc.Arbitrary<Span>;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${
    String(minutes % 60).padStart(2, "0")
  }`;
}

function hoursArb(v: Vocabulary): fc.Arbitrary<{ start: string; end: string }> {
  const minute = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(...v.minutes))
    .map(([hour, minute]) => hour * 60 + minute);
  return fc.tuple(minute, fc.oneof(minute, fc.constant(1440)))
    .filter(([start, end]) => start !== end)
    .map(([start, end]) => ({ start: clock(start), end: clock(end) }));
}

const daysArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null).map((): string[] => []) },
  {
    weight: 8,
    arbitrary: fc.tuple(fc.subarray([...WEEKDAY_NAMES], { minLength: 1 }), fc.boolean())
      .map(([days, short]) => (short ? days.map((day) => day.slice(0, 3)) : days)),
  },
);

function windowArb(v: Vocabulary): fc.Arbitrary<RawWindow> {
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
  return fc.tuple(
    maybe(daysArb),
    fc.option(hoursArb(v), { nil: undefined, freq: 6 }),
    maybe(fc.constantFrom(...v.zones)),
  )
    .map(([days, hours, timezone]) => compact({ days, hours, timezone }));
}

function listArb(names: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(null).map((): string[] => []) },
    { weight: 9, arbitrary: fc.array(names, { minLength: 1, maxLength: 3 }) },
  );
}

function ruleBodyArb(v: Vocabulary): fc.Arbitrary<RawRuleBody> {
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
  const conditions = fc.tuple(
    maybe(listArb(v.users)),
    maybe(listArb(v.profiles)),
    maybe(listArb(v.roles)),
    maybe(windowArb(v)),
    fc.option(fc.subarray([...CREDENTIAL_MODES]), { nil: undefined, freq: 3 }),
  ).map(([users, profiles, roles, time, mode]) => compact({ users, profiles, roles, time, mode }));
  return fc.tuple(
    fc.constantFrom(...EFFECTS),
    fc.option(conditions, { nil: undefined, freq: 6 }),
    fc.option(fc.constantFrom(...v.durations), { nil: undefined, freq: 2 }),
  ).map(([effect, conditions, max_duration]) => compact({ effect, conditions, max_duration }));
}

function policyArb(v: Vocabulary): fc.Arbitrary<RawPolicy> {
  return fc.array(ruleBodyArb(v), { minLength: 1, maxLength: 5 }).map((bodies) => ({
    version: "1" as const,
    rules: bodies.map((body, i) => ({ name: `r${i}`, ...body })),
  }));
}

function mutationArb(v: Vocabulary): fc.Arbitrary<Mutation> {
  return fc.record({
    op: fc.integer({ min: 0, max: MUTATIONS.length - 1 }),
    at: fc.nat(99),
    to: fc.nat(99),
    body: ruleBodyArb(v),
    dimension: fc.integer({ min: 0, max: 2 }),
    names: fc.tuple(v.users, v.profiles, v.roles),
    hours: fc.option(hoursArb(v), { nil: undefined, freq: 5 }),
    days: daysArb,
    zone: fc.constantFrom(...v.zones),
    duration: fc.option(fc.constantFrom(...v.durations), { nil: undefined, freq: 3 }),
    window: fc.option(windowArb(v), { nil: undefined, freq: 4 }),
  });
}

/** A generated pair of policies, the span to prove over, and a seed for random requests. */
interface PairCase {
  readonly old: RawPolicy;
  readonly next: RawPolicy;
  /** `independent`, or the mutations that made the new policy from the old. */
  readonly how: string;
  readonly span: Span;
  readonly seed: number;
}

function pairArb(v: Vocabulary): fc.Arbitrary<PairCase> {
  const policy = policyArb(v);
  const independent = fc.tuple(policy, policy).map(([old, next]) => ({
    old,
    next,
    how: "independent",
  }));
  const mutated = fc.tuple(policy, fc.array(mutationArb(v), { minLength: 1, maxLength: 3 }))
    .map(([old, mutations]) => ({
      old,
      next: mutations.reduce((next, m, i) => mutate(next, m, i), old),
      how: mutations.map((m) => MUTATIONS[m.op]).join(", "),
    }));
  return fc.tuple(
    fc.oneof({ weight: 1, arbitrary: independent }, { weight: 4, arbitrary: mutated }),
    v.span,
    fc.nat(),
  ).map(([pair, span, seed]) => ({ ...pair, span, seed }));
}

// --- The rich vocabulary: realistic names, ARNs, random globs, zones with 30-minute offsets.

const RICH_USERS = [
  "alice",
  "bob",
  "carol@sre",
  "al*",
  "*ice",
  "?ob",
  "*@sre",
  "a?i*",
  "*",
  "ar*",
  "arn:aws:iam::111122223333:user/alice",
  "arn:aws:iam::111122223333:user/*",
  "arn:aws:iam::*:user/bob",
  "arn:*",
];
const RICH_PROFILES = ["prod", "prod-*", "prod-eu", "dev", "*-eu", "?", "p*d", "*", "*o*", "*?"];
const RICH_ROLES = [
  "arn:aws:iam::111122223333:role/Admin",
  "arn:aws:iam::111122223333:role/*",
  "arn:aws:iam::*:role/Admin",
  "*Read*",
  "arn:aws:iam::444455556666:role/ReadOnly",
  "*",
];
/** Names for requests besides those made from the patterns. */
const RICH_NAMES = [
  "alice",
  "bob",
  "mallory",
  "carol@sre",
  "prod",
  "prod-eu",
  "staging",
  "arn:aws:iam::111122223333:user/alice",
  "arn:aws:iam::999999999999:user/bob",
  "arn:aws:sts::111122223333:assumed-role/Admin/alice",
  "arn:aws:iam::111122223333:role/Admin",
  "arn:aws:iam::444455556666:role/ReadOnly",
];

function namesArb(pool: readonly string[], chars: string, maxLength: number) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pool) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength }),
    },
  );
}

const RICH_ANCHORS = Object.values(DST_CHANGES).flat();

const RICH: Vocabulary = {
  users: namesArb(RICH_USERS, "abo-*?:/", 4),
  profiles: namesArb(RICH_PROFILES, "pro-d*?", 4),
  roles: namesArb(RICH_ROLES, "arn:*?/A", 5),
  zones: [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Havana",
    "America/Santiago",
  ],
  minutes: [0, 0, 0, 30, 15, 45],
  durations: ["15m", "1h", 3600, "90m", "2h", "12h"],
  span: fc.record({
    anchor: fc.constantFrom(...RICH_ANCHORS),
    days: fc.integer({ min: 8, max: 40 }),
    position: fc.integer({ min: 0, max: 1000 }),
    ms: fc.integer({ min: 0, max: HOUR_MS - 1 }),
  }).map(({ anchor, days, position, ms }) => {
    const length = days * DAY_MS;
    const from = anchor - HOUR_MS - Math.floor((length - 2 * HOUR_MS) * position / 1000) - ms;
    return { from, to: from + length };
  }),
};

// --- The tiny vocabulary (property 3): names over {a, b}, whole hours in whole-hour zones, two days.

const TINY_PATTERNS = [
  ...["a", "b", "ab", "ba", "aa"],
  ...["a*", "*b", "?", "a?", "?b", "*", "??", "*a*", "?*"],
];
const TINY_ARN_PATTERNS = ["arn:*", "arn:a", "arn:a*", "arn:?"];
const TINY_ZONES = ["UTC", "Europe/Berlin", "America/New_York", "America/Santiago"];
const TINY_ANCHORS = [
  ...DST_CHANGES["Europe/Berlin"],
  ...DST_CHANGES["America/New_York"],
  ...DST_CHANGES["America/Santiago"],
];
const TINY_SPAN_HOURS = 48;

const TINY: Vocabulary = {
  users: namesArb([...TINY_PATTERNS, ...TINY_ARN_PATTERNS], "ab*?", 3),
  profiles: namesArb(TINY_PATTERNS, "ab*?", 3),
  roles: namesArb(TINY_PATTERNS, "ab*?", 3),
  zones: TINY_ZONES,
  minutes: [0],
  durations: ["1h", "2h", "12h"],
  span: fc.record({
    anchor: fc.constantFrom(...TINY_ANCHORS),
    before: fc.integer({ min: 1, max: TINY_SPAN_HOURS - 1 }),
  }).map(({ anchor, before }) => {
    const from = anchor - before * HOUR_MS;
    return { from, to: from + TINY_SPAN_HOURS * HOUR_MS };
  }),
};

// ---------------------------------------------------------------------------------------------
// Decisions, and a case validated and proved

/**
 * How much a decision gives, as issuance acts on it: a role guard (a deny rule naming the role)
 * leaves nothing, a deny leaves break-glass, require_approval adds approvals, allow issues; then
 * the longer session.
 */
function strength(
  decision: { effect: string; maxDurationSeconds?: number; guarded?: boolean },
): number {
  const session = decision.maxDurationSeconds ?? DEFAULT_SESSION_SECONDS;
  if (decision.effect === "allow") return 3e6 + session;
  if (decision.guarded === true) return 0;
  return decision.effect === "deny" ? 1 : 2e6 + session;
}

/** The evaluator's decision as a proof writes it (`guarded`: a role guard matches too). */
function asRegionDecision(decision: Decision, guarded = false): RegionDecision {
  return {
    effect: decision.effect,
    ...(decision.rule === null ? {} : { rule: decision.rule }),
    ...(decision.maxDurationSeconds === undefined
      ? {}
      : { maxDurationSeconds: decision.maxDurationSeconds }),
    ...(guarded && decision.effect !== "allow" ? { guarded: true } : {}),
  };
}

/** What the production code decides: the evaluator's decision and its role guard. */
function decide(policy: CompiledPolicy, request: AccessRequest): RegionDecision {
  return asRegionDecision(evaluate(policy, request), roleGuard(policy, request) !== undefined);
}

/** A case with both documents validated and compiled, and the proof. */
interface Proved {
  readonly c: PairCase;
  readonly documents: readonly [PolicyDocument, PolicyDocument];
  readonly compiled: readonly [CompiledPolicy, CompiledPolicy];
  readonly proof: PolicyProof;
}

/** Both documents of a case, validated by the policy schema, and compiled. */
function compiledOf(c: PairCase): Pick<Proved, "c" | "documents" | "compiled"> {
  const documents = [policySchema.parse(c.old), policySchema.parse(c.next)] as const;
  return { c, documents, compiled: [compilePolicy(documents[0]), compilePolicy(documents[1])] };
}

/**
 * What the proofs said, by the case's text: property 2 draws its requests on property 1's pairs
 * (the same seed and count) and so needs not prove them again.
 */
const verdicts = new Map<string, { widens: boolean; from: number; to: number }>();

function prove(c: PairCase): Proved {
  const compiled = compiledOf(c);
  const [old, next] = compiled.documents;
  const proof = provePolicyChange(old, next, c.span.from, c.span.to);
  verdicts.set(JSON.stringify(c), { widens: proof.widens, from: proof.from, to: proof.to });
  return { ...compiled, proof };
}

function requestText(request: AccessRequest): string {
  return JSON.stringify({ ...request, at: new Date(request.time).toISOString() });
}

/** Both policies as YAML and the span: what a failure message needs to reproduce it. */
function caseText(c: PairCase): string {
  return [
    `span ${new Date(c.span.from).toISOString()} to ${new Date(c.span.to).toISOString()}` +
    ` (${c.span.from}, ${c.span.to}), pair: ${c.how}`,
    "--- old",
    stringify(c.old).trimEnd(),
    "--- new",
    stringify(c.next).trimEnd(),
  ].join("\n");
}

function fail(message: string, p: { readonly c: PairCase }): never {
  throw new Error(`${message}\n${caseText(p.c)}`);
}

// ---------------------------------------------------------------------------------------------
// Where a request lies in a proof: its atoms (by literal, else by the globs it matches) and time

function patternsOf(documents: readonly PolicyDocument[], dimension: Dimension): string[] {
  return documents.flatMap((document) =>
    document.rules.flatMap((rule) => rule.conditions?.[dimension] ?? [])
  );
}

/** One dimension's atoms, looked up by name. */
class AtomIndex {
  readonly #literals = new Map<string, number>();
  readonly #bySignature = new Map<string, number>();
  readonly #globs: string[];
  readonly #cache = new Map<string, number | undefined>();

  constructor(atoms: readonly NameAtom[], patterns: readonly string[]) {
    this.#globs = [...new Set(patterns.filter(isGlob))];
    const literals = new Set(patterns.filter((pattern) => !isGlob(pattern)));
    atoms.forEach((atom, i) => {
      if (atom.literal !== undefined) {
        assertTrue(literals.has(atom.literal), `atom of an unlisted literal ${atom.literal}`);
        assertTrue(!this.#literals.has(atom.literal), `two atoms of literal ${atom.literal}`);
        this.#literals.set(atom.literal, i);
        return;
      }
      const signature = [...atom.globs].sort().join("\u0000");
      assertTrue(!this.#bySignature.has(signature), `two atoms matching [${atom.globs}]`);
      this.#bySignature.set(signature, i);
    });
    assertEquals(this.#literals.size, literals.size, "every listed literal is an atom");
  }

  /** The atom of a name, or undefined when no atom holds it. */
  of(name: string): number | undefined {
    if (this.#cache.has(name)) return this.#cache.get(name);
    const atom = this.#literals.get(name) ?? this.#bySignature.get(
      this.#globs.filter((glob) => globMatches(glob, name)).sort().join("\u0000"),
    );
    this.#cache.set(name, atom);
    return atom;
  }
}

/** A proof with its atoms indexed, to place requests in its regions. */
class ProofIndex {
  readonly users: AtomIndex;
  readonly profiles: AtomIndex;
  readonly roles: AtomIndex;

  constructor(readonly p: Proved) {
    const { proof, documents } = p;
    // The prover cuts users by "arn:*" too: ARN names and plain names never match alike.
    this.users = new AtomIndex(proof.users, ["arn:*", ...patternsOf(documents, "users")]);
    this.profiles = new AtomIndex(proof.profiles, patternsOf(documents, "profiles"));
    this.roles = new AtomIndex(proof.roles, patternsOf(documents, "roles"));
  }

  /** The indexes of the regions holding the request (in the proof's span); none when no atom does. */
  regionsOf(request: AccessRequest): number[] {
    const user = this.users.of(request.user);
    const profile = this.profiles.of(request.profile);
    const role = request.roleArn === undefined ? -1 : this.roles.of(request.roleArn);
    if (user === undefined || profile === undefined || role === undefined) return [];
    const found: number[] = [];
    this.p.proof.regions.forEach((region, i) => {
      if (
        region.users.includes(user) && region.profiles.includes(profile) &&
        region.roles.includes(role) && region.modes.includes(request.mode) &&
        inTimes(region.times, request.time)
      ) found.push(i);
    });
    return found;
  }
}

function inTimes(times: ProofRegion["times"], time: number): boolean {
  return times.some((interval) => interval.start <= time && time < interval.end);
}

/** The partition is contiguous over the span, and every class has its witness in it. */
function checkPartition(p: Proved): void {
  const { time } = p.proof;
  let at = time.from;
  for (const interval of time.intervals) {
    if (interval.start !== at || interval.end <= interval.start) {
      fail(`the time partition is not contiguous at ${at}`, p);
    }
    assertTrue(interval.classIndex >= 0 && interval.classIndex < time.classes.length);
    at = interval.end;
  }
  assertEquals(at, time.to, "the time partition ends at the span's end");
  time.classes.forEach((timeClass, i) => {
    const holding = time.intervals.find((interval) =>
      interval.start <= timeClass.witness && timeClass.witness < interval.end
    );
    assertEquals(holding?.classIndex, i, `class ${i}'s witness lies in an interval of it`);
  });
}

// ---------------------------------------------------------------------------------------------
// Requests aimed at the edges: names from the patterns, glob instances, ARNs; window edges

const JITTERS = [0, 0, 0, -1, 1, -MINUTE_MS, MINUTE_MS, -MINUTE_MS + 1, 30 * MINUTE_MS, -HOUR_MS];

class RequestSampler {
  readonly #patterns: Record<Dimension, string[]>;
  readonly #chars: string[];
  readonly #edges: number[];
  readonly #from: number;
  readonly #to: number;

  /** Requests over `[from, to)` for the two documents; `names` are names no pattern lists. */
  constructor(
    readonly rand: Rand,
    documents: readonly PolicyDocument[],
    span: Span,
    readonly names: readonly string[],
  ) {
    this.#patterns = {
      users: [...new Set(patternsOf(documents, "users"))],
      profiles: [...new Set(patternsOf(documents, "profiles"))],
      roles: [...new Set(patternsOf(documents, "roles"))],
    };
    const mentioned = DIMENSIONS.flatMap((d) => this.#patterns[d]).join("") + "x-:/@";
    this.#chars = [...new Set(mentioned.replace(/[*?]/g, ""))];
    this.#from = span.from;
    this.#to = span.to;
    this.#edges = windowEdges(documents, this.#from, this.#to);
  }

  draw(): AccessRequest {
    const role = this.rand() < 0.25 ? undefined : this.#name("roles");
    const mode = pick(this.rand, MODES);
    return {
      user: this.#name("users"),
      profile: this.#name("profiles"),
      ...(role === undefined ? {} : { roleArn: role }),
      time: this.#time(),
      ...(mode === undefined ? {} : { mode }),
    };
  }

  #name(dimension: Dimension): string {
    const rand = this.rand;
    const patterns = this.#patterns[dimension];
    const r = rand();
    let name: string;
    if (r < 0.4 && patterns.length > 0) name = this.#instance(pick(rand, patterns));
    else if (r < 0.5 && patterns.length > 0) name = pick(rand, patterns);
    else if (r < 0.65) name = pick(rand, this.names);
    else if (r < 0.75) {
      const rest = patterns.length > 0 && rand() < 0.5
        ? this.#instance(pick(rand, patterns))
        : this.#word(6);
      name = rand() < 0.5 ? `arn:${rest}` : `arn:aws:iam::111122223333:user/${rest}`;
    } else if (r < 0.9) name = this.#word(6);
    else if (r < 0.98) {
      name = this.#perturbed(patterns.length > 0 ? this.#instance(pick(rand, patterns)) : "x");
    } // The evaluator takes the empty name too (`sentinel check "" --user alice` decides it).
    else name = "";
    return name;
  }

  /** The pattern with `*` replaced by a short random text and `?` by one character. */
  #instance(pattern: string): string {
    let name = "";
    for (const char of pattern) {
      if (char === "*") name += this.#word(below(this.rand, 4), 0);
      else if (char === "?") name += pick(this.rand, this.#chars);
      else name += char;
    }
    return name;
  }

  #word(maxLength: number, minLength = 1): string {
    const length = minLength + below(this.rand, maxLength - minLength + 1);
    let word = "";
    for (let i = 0; i < length; i++) word += pick(this.rand, this.#chars);
    return word;
  }

  #perturbed(name: string): string {
    const at = below(this.rand, name.length + 1);
    return this.rand() < 0.5
      ? name.slice(0, at) + pick(this.rand, this.#chars) + name.slice(at)
      : name.slice(0, at) + name.slice(at + 1);
  }

  #time(): number {
    const r = this.rand();
    const span = this.#to - this.#from;
    let time = this.#from + Math.floor(this.rand() * span);
    if (r < 0.6 && this.#edges.length > 0) {
      time = pick(this.rand, this.#edges) + pick(this.rand, JITTERS);
    } else if (r < 0.7) {
      time = this.#from + below(this.rand, 3) * MINUTE_MS + pick(this.rand, JITTERS);
    } else if (r < 0.75) {
      time = this.#to - 1 - below(this.rand, 3) * MINUTE_MS;
    }
    return time >= this.#from && time < this.#to ? time : this.#from + below(this.rand, span);
  }
}

/**
 * The instants in `[from, to)` where some window's zone passes local midnight, the window's start
 * or its end, and where the zones' clocks change — computed from Intl, not from the product.
 */
function windowEdges(documents: readonly PolicyDocument[], from: number, to: number): number[] {
  const edges = new Set<number>();
  for (const document of documents) {
    for (const rule of document.rules) {
      const window = rule.conditions?.time;
      if (window === undefined) continue;
      const zone = IntlZone.of(window.timezone ?? "UTC");
      const minutes = [0, clockMinutes(window.hours?.start), clockMinutes(window.hours?.end)];
      const firstDay = Math.floor(from / DAY_MS) * DAY_MS - DAY_MS;
      for (let day = firstDay; day < to + DAY_MS; day += DAY_MS) {
        for (const minute of minutes) edges.add(zone.instantOf(day + minute * MINUTE_MS));
      }
      for (const change of zone.changes) edges.add(change);
    }
  }
  return [...edges].filter((edge) => edge >= from && edge < to).sort((a, b) => a - b);
}

function clockMinutes(text: string | undefined): number {
  if (text === undefined) return 0;
  const [hours, minutes] = text.split(":").map(Number);
  return (hours * 60 + minutes) % 1440;
}

// ---------------------------------------------------------------------------------------------
// Property 1: every region's example really flips; sampled requests differ exactly in regions

interface Tally {
  pairs: number;
  widened: number;
  narrowedOnly: number;
  identical: number;
  regions: number;
  requests: number;
  differing: number;
}

function tally(): Tally {
  return {
    pairs: 0,
    widened: 0,
    narrowedOnly: 0,
    identical: 0,
    regions: 0,
    requests: 0,
    differing: 0,
  };
}

function countPair(t: Tally, proof: PolicyProof): void {
  t.pairs++;
  t.regions += proof.regions.length;
  if (proof.widens) t.widened++;
  else if (proof.regions.length > 0) t.narrowedOnly++;
  else t.identical++;
}

function tallyText(t: Tally): string {
  return `${t.pairs} pairs (${t.widened} widened, ${t.narrowedOnly} only narrowed, ` +
    `${t.identical} identical), ${t.regions} regions, ${t.requests} requests ` +
    `(${t.differing} decided differently)`;
}

/** The region's example: decided as the region says by both policies, and inside the region. */
function checkRegion(p: Proved, index: ProofIndex, region: ProofRegion, i: number): void {
  const { example } = region;
  const was = decide(p.compiled[0], example);
  const now = decide(p.compiled[1], example);
  const where = `region ${i} (${region.kind}), example ${requestText(example)}`;
  try {
    assertEquals(was, region.was, "the old policy decides the example as the region's was");
    assertEquals(now, region.now, "the new policy decides the example as the region's now");
  } catch (error) {
    fail(`${where}: ${(error as Error).message}`, p);
  }
  const direction = Math.sign(strength(now) - strength(was));
  if (direction !== (region.kind === "widens" ? 1 : -1)) {
    fail(`${where}: ${JSON.stringify(was)} -> ${JSON.stringify(now)} is not ${region.kind}`, p);
  }
  const sets = [region.users, region.profiles, region.roles, region.modes, region.times];
  if (sets.some((set) => set.length === 0)) fail(`${where} is empty in some dimension`, p);
  if (example.time < p.proof.from || example.time >= p.proof.to) {
    fail(`${where}: the example is outside the span`, p);
  }
  const holding = index.regionsOf(example);
  if (holding.length !== 1 || holding[0] !== i) {
    fail(`${where}: the example lies in regions [${holding}], not in ${i} alone`, p);
  }
}

/** A request: decided differently by the policies exactly when one region holds it, as it says. */
function checkRequest(p: Proved, index: ProofIndex, request: AccessRequest): boolean {
  const was = decide(p.compiled[0], request);
  const now = decide(p.compiled[1], request);
  const differs = strength(was) !== strength(now);
  const holding = index.regionsOf(request);
  const what = `${requestText(request)}: ${JSON.stringify(was)} -> ${JSON.stringify(now)}`;
  if (holding.length > 1) fail(`regions [${holding}] overlap at ${what}`, p);
  if (!differs) {
    if (holding.length === 1) fail(`region ${holding[0]} holds ${what}, decided alike`, p);
    return false;
  }
  if (holding.length === 0) fail(`no region holds ${what}`, p);
  const region = p.proof.regions[holding[0]];
  if (
    JSON.stringify(region.was) !== JSON.stringify(was) ||
    JSON.stringify(region.now) !== JSON.stringify(now)
  ) {
    fail(
      `region ${holding[0]} says ${JSON.stringify(region.was)} -> ` +
        `${JSON.stringify(region.now)} at ${what}`,
      p,
    );
  }
  return true;
}

function checkFlips(c: PairCase, t: Tally): void {
  const p = prove(c);
  countPair(t, p.proof);
  checkPartition(p);
  const index = new ProofIndex(p);
  p.proof.regions.forEach((region, i) => checkRegion(p, index, region, i));
  assertEquals(p.proof.widens, p.proof.regions.some((region) => region.kind === "widens"));
  const sampler = new RequestSampler(seeded(c.seed), p.documents, p.proof, RICH_NAMES);
  for (let i = 0; i < SAMPLES_PER_PAIR; i++) {
    t.requests++;
    if (checkRequest(p, index, sampler.draw())) t.differing++;
  }
}

Deno.test('the empty profile, which the evaluator decides (`sentinel check ""`), is in the proof', () => {
  // The smallest case the properties below find: "?*" admits every profile but the empty one.
  const c: PairCase = {
    old: {
      version: "1",
      rules: [{ name: "named", effect: "allow", conditions: { profiles: ["?*"] } }],
    },
    next: { version: "1", rules: [{ name: "any", effect: "allow" }] },
    how: "independent",
    span: { from: Date.UTC(2027, 2, 1), to: Date.UTC(2027, 2, 8) },
    seed: 0,
  };
  const p = prove(c);
  const request = { user: "alice", profile: "", time: Date.UTC(2027, 2, 1, 10) };
  assertEquals(evaluate(p.compiled[0], request).effect, "deny");
  assertEquals(evaluate(p.compiled[1], request).effect, "allow");
  assertTrue(
    p.proof.widens,
    "the new policy gives the empty profile access: the proof must say so",
  );
  assertTrue(checkRequest(p, new ProofIndex(p), request));
});

Deno.test("the spans' anchors are daylight-saving changes of their zones (read from Intl)", () => {
  for (const [zone, changes] of Object.entries(DST_CHANGES)) {
    const intl = IntlZone.of(zone);
    for (const change of changes) {
      assertTrue(intl.changes.includes(change), `${zone} changes its clocks at ${change}`);
      assertTrue(intl.offset(change - 1) !== intl.offset(change));
    }
  }
});

Deno.test(
  `across ${
    COUNTS.flipPairs.toLocaleString("en")
  } policy pairs, every reported counterexample really flips under the production evaluator`,
  () => {
    const t = tally();
    const started = performance.now();
    fc.assert(fc.property(pairArb(RICH), (c) => checkFlips(c, t)), {
      seed: SEEDS.flips,
      numRuns: COUNTS.flipPairs,
    });
    console.log(`property 1: ${tallyText(t)} in ${Math.round(performance.now() - started)} ms`);
    assertTrue(t.regions > COUNTS.flipPairs, "the pairs make regions to check");
    assertTrue(t.widened > 0 && t.narrowedOnly > 0 && t.identical > 0);
  },
);

// ---------------------------------------------------------------------------------------------
// Property 2: where the proof finds no new access, random requests find none

interface NoNewAccessTally extends Tally {
  /** Widening pairs where requests drawn as for the others found the new access. */
  widenedFound: number;
}

/** Requests per widening pair, drawn only to measure how well the requests find new access. */
const PROBES_PER_WIDENING_PAIR = 100;

function checkNoNewAccess(c: PairCase, t: NoNewAccessTally, perPair: number): void {
  const compared = compiledOf(c);
  const verdict = verdicts.get(JSON.stringify(c)) ?? prove(c).proof;
  t.pairs++;
  const [old, next] = compared.compiled;
  // Not the requests property 1 drew on the pair: another seed.
  const sampler = new RequestSampler(
    seeded(c.seed ^ 0x5bd1e995),
    compared.documents,
    verdict,
    RICH_NAMES,
  );
  if (verdict.widens) {
    t.widened++;
    for (let i = 0; i < PROBES_PER_WIDENING_PAIR; i++) {
      const request = sampler.draw();
      if (strength(decide(next, request)) > strength(decide(old, request))) {
        t.widenedFound++;
        break;
      }
    }
    return;
  }
  const count = Math.min(perPair, COUNTS.requests - t.requests);
  for (let i = 0; i < count; i++) {
    const request = sampler.draw();
    const was = decide(old, request);
    const now = decide(next, request);
    t.requests++;
    const before = strength(was);
    const after = strength(now);
    if (after > before) {
      fail(
        `the proof finds no new access, but ${requestText(request)} is decided ` +
          `${JSON.stringify(was)} -> ${JSON.stringify(now)}`,
        compared,
      );
    }
    if (after !== before) t.differing++;
  }
}

Deno.test(
  `when the proof says 'no new access', ${
    COUNTS.requests.toLocaleString("en")
  } random requests find none`,
  () => {
    const t: NoNewAccessTally = { ...tally(), widenedFound: 0 };
    const started = performance.now();
    // Property 1's pairs first (about half of them do not widen), then more pairs if need be.
    const perPair = Math.ceil(COUNTS.requests / (COUNTS.flipPairs * 0.5));
    for (let round = 0; t.requests < COUNTS.requests; round++) {
      fc.assert(fc.property(pairArb(RICH), (c) => checkNoNewAccess(c, t, perPair)), {
        seed: round === 0 ? SEEDS.flips : SEEDS.noNewAccess + round,
        numRuns: round === 0 ? COUNTS.flipPairs : PAIRS_PER_ROUND,
      });
    }
    console.log(
      `property 2: ${t.pairs} pairs (${t.widened} widened), ${t.requests} requests on the ` +
        `${t.pairs - t.widened} others (${t.differing} decided differently, none stronger) in ` +
        `${Math.round(performance.now() - started)} ms; up to ${PROBES_PER_WIDENING_PAIR} ` +
        `requests found the new access in ${t.widenedFound} of the ${t.widened} widening pairs`,
    );
    assertEquals(t.requests, COUNTS.requests);
    assertTrue(t.differing > 0, "some requests are decided differently (narrowed)");
  },
);

// ---------------------------------------------------------------------------------------------
// Property 3: on a universe small enough to enumerate, the proof is brute force's answer exactly

/** Every name of length 0 to `maxLength` over `chars`. */
function namesOver(chars: string, maxLength: number): string[] {
  const names: string[] = [""];
  let layer = [""];
  for (let length = 1; length <= maxLength; length++) {
    layer = layer.flatMap((prefix) => [...chars].map((char) => prefix + char));
    names.push(...layer);
  }
  return names;
}

/**
 * The universe: names over {a, b} and one character no pattern names (c), the empty one
 * included, a few longer ones that only `*` patterns tell apart, ARN users; no role and every role
 * name; every mode; every hour of the span. Windows are on whole hours in zones whose offsets are whole hours, so the evaluator
 * decides every instant of an hour alike: the hours are the whole of time.
 */
const PLAIN_NAMES = [...namesOver("abc", 2), "aab", "aba", "bab"];
const UNIVERSE = {
  users: [...PLAIN_NAMES, "ar", "arn:", "arn:a", "arn:b", "arn:ab", "arn:c"],
  profiles: PLAIN_NAMES,
  roles: [undefined, ...PLAIN_NAMES] as readonly (string | undefined)[],
  modes: MODES,
  hours: TINY_SPAN_HOURS,
} as const;
const UNIVERSE_SIZE = UNIVERSE.users.length * UNIVERSE.profiles.length * UNIVERSE.roles.length *
  UNIVERSE.modes.length * UNIVERSE.hours;
/** Points per pair whose brute-force decision is also asked of the evaluator itself. */
const EVALUATED_PER_PAIR = 200;

/**
 * One policy over the universe, brute force: per dimension, per value, the rules whose condition
 * holds there (the production matchers of the compiled rules); per set of rules, the first one.
 * A point's deciding rule is the first of the AND of its five masks, as `evaluate` finds it.
 */
interface Brute {
  readonly users: Int32Array;
  readonly profiles: Int32Array;
  readonly roles: Int32Array;
  readonly modes: Int32Array;
  readonly hours: Int32Array;
  /** Per mask of rules, the first rule's index (-1: none). */
  readonly first: Int8Array;
  /** Per mask of rules: (first rule + 1) * 2, plus 1 when a role guard among them matters. */
  readonly code: Int16Array;
  /** Per mask of rules, the strength of what they decide (role guard included). */
  readonly strength: Int32Array;
}

function bruteOf(policy: CompiledPolicy, from: number): Brute {
  const rules = policy.rules;
  assertTrue(rules.length <= 12, "few enough rules for masks");
  const masks = <T>(
    values: readonly T[],
    holds: (rule: (typeof rules)[number], value: T) => boolean,
  ) =>
    Int32Array.from(
      values,
      (value) => rules.reduce((mask, rule, k) => (holds(rule, value) ? mask | (1 << k) : mask), 0),
    );
  const hours = Array.from({ length: UNIVERSE.hours }, (_, h) => from + h * HOUR_MS);
  const first = new Int8Array(1 << rules.length);
  const code = new Int16Array(1 << rules.length);
  const strengths = new Int32Array(1 << rules.length);
  const guards = rules.reduce(
    (
      mask,
      rule,
      k,
    ) => (rule.source.effect === "deny" && rule.roles !== undefined ? mask | (1 << k) : mask),
    0,
  );
  for (let mask = 0; mask < first.length; mask++) {
    first[mask] = mask === 0 ? -1 : 31 - Math.clz32(mask & -mask);
    const decision = asRegionDecision(
      mask === 0 ? DEFAULT_DENY : rules[first[mask]].decision,
      (mask & guards) !== 0,
    );
    code[mask] = (first[mask] + 1) * 2 + (decision.guarded === true ? 1 : 0);
    strengths[mask] = strength(decision);
  }
  return {
    users: masks(UNIVERSE.users, (rule, user) => rule.users === undefined || rule.users(user)),
    profiles: masks(
      UNIVERSE.profiles,
      (rule, profile) => rule.profiles === undefined || rule.profiles(profile),
    ),
    roles: masks(
      UNIVERSE.roles,
      (rule, role) => rule.roles === undefined || (role !== undefined && rule.roles(role)),
    ),
    modes: masks(
      UNIVERSE.modes,
      (rule, mode) => rule.modes === undefined || (mode !== undefined && rule.modes.has(mode)),
    ),
    hours: masks(hours, (rule, time) => rule.time === undefined || rule.time.contains(time)),
    first,
    code,
    strength: strengths,
  };
}

function pointOf(index: number, from: number): AccessRequest {
  let rest = index;
  const h = rest % UNIVERSE.hours;
  rest = Math.floor(rest / UNIVERSE.hours);
  const m = rest % UNIVERSE.modes.length;
  rest = Math.floor(rest / UNIVERSE.modes.length);
  const r = rest % UNIVERSE.roles.length;
  rest = Math.floor(rest / UNIVERSE.roles.length);
  const p = rest % UNIVERSE.profiles.length;
  const u = Math.floor(rest / UNIVERSE.profiles.length);
  const role = UNIVERSE.roles[r];
  const mode = UNIVERSE.modes[m];
  return {
    user: UNIVERSE.users[u],
    profile: UNIVERSE.profiles[p],
    ...(role === undefined ? {} : { roleArn: role }),
    time: from + h * HOUR_MS,
    ...(mode === undefined ? {} : { mode }),
  };
}

/** The universe's values (indexes) inside `atoms` of one dimension (a name in no atom: in none). */
function valuesIn<T>(
  values: readonly T[],
  atomOf: (value: T) => number | undefined,
  atoms: readonly number[],
) {
  const wanted = new Set(atoms);
  const inside: number[] = [];
  values.forEach((value, i) => {
    const atom = atomOf(value);
    if (atom !== undefined && wanted.has(atom)) inside.push(i);
  });
  return inside;
}

/** Which region holds each point of the universe, and how many points of each block of hours. */
interface Cover {
  /** Per point: the index + 1 of the region holding it, 0 for none. */
  readonly cover: Int32Array;
  /** Per user, profile, role and mode: how many of its hours regions hold. */
  readonly blocks: Int32Array;
}

function emptyCover(): Cover {
  return {
    cover: new Int32Array(UNIVERSE_SIZE),
    blocks: new Int32Array(UNIVERSE_SIZE / UNIVERSE.hours),
  };
}

/** Marks, for every point of the universe, the region holding it; fails where two hold one. */
function coverOf(p: Proved, index: ProofIndex, { cover, blocks }: Cover): void {
  cover.fill(0);
  blocks.fill(0);
  const atomOf = (dimension: AtomIndex) => (name: string) => dimension.of(name);
  const from = p.proof.from;
  p.proof.regions.forEach((region, i) => {
    const us = valuesIn(UNIVERSE.users, atomOf(index.users), region.users);
    const ps = valuesIn(UNIVERSE.profiles, atomOf(index.profiles), region.profiles);
    const rs = valuesIn(
      UNIVERSE.roles,
      (role) => (role === undefined ? -1 : atomOf(index.roles)(role)),
      region.roles,
    );
    const ms = valuesIn(
      UNIVERSE.modes,
      (mode) => MODES.indexOf(mode),
      region.modes.map((mode) => MODES.indexOf(mode)),
    );
    const hs = Array.from({ length: UNIVERSE.hours }, (_, h) => h)
      .filter((h) => inTimes(region.times, from + h * HOUR_MS));
    const overlap = markProduct({ cover, blocks }, [us, ps, rs, ms, hs], i + 1);
    if (overlap !== -1) {
      fail(
        `regions ${cover[overlap] - 1} and ${i} overlap at ${requestText(pointOf(overlap, from))}`,
        p,
      );
    }
  });
}

/**
 * Sets `cover` to `mark` at every point of the product of the value sets (indexes into the
 * universe's users, profiles, roles, modes and hours); returns the first point already marked, or
 * -1.
 */
function markProduct(
  { cover, blocks }: Cover,
  sets: readonly (readonly number[])[],
  mark: number,
): number {
  const [us, ps, rs, ms, hs] = sets;
  const { profiles, roles, modes, hours } = UNIVERSE;
  for (let a = 0; a < us.length; a++) {
    for (let b = 0; b < ps.length; b++) {
      for (let c = 0; c < rs.length; c++) {
        for (let d = 0; d < ms.length; d++) {
          const base = (((us[a] * profiles.length + ps[b]) * roles.length + rs[c]) * modes.length +
            ms[d]) * hours;
          for (let e = 0; e < hs.length; e++) {
            const point = base + hs[e];
            if (cover[point] !== 0) return point;
            cover[point] = mark;
          }
          blocks[base / hours] += hs.length;
        }
      }
    }
  }
  return -1;
}

/**
 * Walks the universe: the first point (index) where brute force and the regions disagree (-1 for
 * none), and how many points the two policies decide differently.
 */
function compareAll(
  bruteForce: readonly [Brute, Brute],
  regionRules: Int32Array,
  { cover, blocks }: Cover,
): { disagreement: number; differing: number } {
  const [o, n] = bruteForce;
  /** The rules whose time condition holds at every hour of the span. */
  const [oEveryHour, nEveryHour] = bruteForce.map((b) => b.hours.reduce((all, m) => all & m, -1));
  const [oHours, nHours, oCode, nCode] = [o.hours, n.hours, o.code, n.code];
  const [oStrength, nStrength] = [o.strength, n.strength];
  const { users, profiles, roles, modes, hours } = UNIVERSE;
  let index = 0;
  let differing = 0;
  for (let u = 0; u < users.length; u++) {
    for (let p = 0; p < profiles.length; p++) {
      const ou = o.users[u] & o.profiles[p];
      const nu = n.users[u] & n.profiles[p];
      for (let r = 0; r < roles.length; r++) {
        for (let m = 0; m < modes.length; m++) {
          const om = ou & o.roles[r] & o.modes[m];
          const nm = nu & n.roles[r] & n.modes[m];
          // A block of hours decided alike by both at every hour, and held by no region, agrees.
          const steady = (om & ~oEveryHour) === 0 && (nm & ~nEveryHour) === 0;
          if (steady && oStrength[om] === nStrength[nm] && blocks[index / hours] === 0) {
            index += hours;
            continue;
          }
          for (let h = 0; h < hours; h++, index++) {
            const was = om & oHours[h];
            const now = nm & nHours[h];
            const region = cover[index];
            if (region === 0) {
              if (oStrength[was] !== nStrength[now]) return { disagreement: index, differing };
            } else if (
              regionRules[2 * region] !== oCode[was] || regionRules[2 * region + 1] !== nCode[now]
            ) return { disagreement: index, differing };
            else differing++;
          }
        }
      }
    }
  }
  return { disagreement: -1, differing };
}

/** Per region (index + 1), the old and new deciding rules' codes (as {@link Brute.code}), as it names them. */
function regionRulesOf(p: Proved): Int32Array {
  const rules = new Int32Array(2 * (p.proof.regions.length + 1));
  const indexOf = (document: PolicyDocument, decision: RegionDecision) =>
    decision.rule === undefined
      ? -1
      : document.rules.findIndex((rule) => rule.name === decision.rule);
  const decisionOf = (policy: CompiledPolicy, rule: number, guarded: boolean) =>
    asRegionDecision(rule === -1 ? DEFAULT_DENY : policy.rules[rule].decision, guarded);
  p.proof.regions.forEach((region, i) => {
    const said = [region.was, region.now];
    const firsts = [indexOf(p.documents[0], region.was), indexOf(p.documents[1], region.now)];
    said.forEach((decision, k) => {
      rules[2 * (i + 1) + k] = (firsts[k] + 1) * 2 + (decision.guarded === true ? 1 : 0);
    });
    const decided = [
      decisionOf(p.compiled[0], firsts[0], region.was.guarded === true),
      decisionOf(p.compiled[1], firsts[1], region.now.guarded === true),
    ];
    if (JSON.stringify(said) !== JSON.stringify(decided)) {
      fail(
        `region ${i} says ${JSON.stringify(said)}, its rules decide ${JSON.stringify(decided)}`,
        p,
      );
    }
    const direction = Math.sign(strength(region.now) - strength(region.was));
    if (direction !== (region.kind === "widens" ? 1 : -1)) {
      fail(
        `region ${i} says ${JSON.stringify(region.was)} -> ${JSON.stringify(region.now)}, ` +
          `which is not ${region.kind}`,
        p,
      );
    }
  });
  return rules;
}

function disagreementText(p: Proved, point: AccessRequest, region: number): string {
  const was = decide(p.compiled[0], point);
  const now = decide(p.compiled[1], point);
  const held = region === 0
    ? "no region holds it"
    : `region ${region - 1} holds it: ${JSON.stringify(p.proof.regions[region - 1])}`;
  return `brute force and the proof disagree at ${requestText(point)}: the evaluator decides ` +
    `${JSON.stringify(was)} -> ${JSON.stringify(now)}; ${held}`;
}

function checkBruteForce(c: PairCase, t: Tally, cover: Cover): void {
  const p = prove(c);
  countPair(t, p.proof);
  checkPartition(p);
  assertEquals([p.proof.from, p.proof.to], [c.span.from, c.span.to]);
  for (const interval of p.proof.time.intervals) {
    if (interval.start % HOUR_MS !== 0) fail(`a time cut off the hour: ${interval.start}`, p);
  }
  const index = new ProofIndex(p);
  coverOf(p, index, cover);
  const bruteForce = [
    bruteOf(p.compiled[0], c.span.from),
    bruteOf(p.compiled[1], c.span.from),
  ] as const;
  const { disagreement, differing } = compareAll(bruteForce, regionRulesOf(p), cover);
  if (disagreement !== -1) {
    fail(disagreementText(p, pointOf(disagreement, c.span.from), cover.cover[disagreement]), p);
  }
  t.requests += UNIVERSE_SIZE;
  t.differing += differing;
  // Brute force's masks are the evaluator's answer: asked of it on points spread at random.
  const rand = seeded(c.seed);
  for (let i = 0; i < EVALUATED_PER_PAIR; i++) {
    checkMasks(p, bruteForce, pointOf(below(rand, UNIVERSE_SIZE), c.span.from));
  }
}

function checkMasks(p: Proved, bruteForce: readonly [Brute, Brute], point: AccessRequest): void {
  const u = UNIVERSE.users.indexOf(point.user);
  const pr = UNIVERSE.profiles.indexOf(point.profile);
  const r = UNIVERSE.roles.indexOf(point.roleArn);
  const m = MODES.indexOf(point.mode);
  const h = (point.time - p.proof.from) / HOUR_MS;
  bruteForce.forEach((b, i) => {
    const mask = b.users[u] & b.profiles[pr] & b.roles[r] & b.modes[m] & b.hours[h];
    const decision = evaluate(p.compiled[i], point);
    if (b.first[mask] !== decision.ruleIndex) {
      fail(
        `brute force finds rule ${b.first[mask]} of policy ${i} at ${requestText(point)}, ` +
          `the evaluator rule ${decision.ruleIndex}`,
        p,
      );
    }
  });
}

Deno.test(
  `on alphabets small enough to enumerate (${
    COUNTS.brutePairs.toLocaleString("en")
  } pairs), the proof agrees with brute force exactly`,
  () => {
    const t = tally();
    const cover = emptyCover();
    const started = performance.now();
    fc.assert(fc.property(pairArb(TINY), (c) => checkBruteForce(c, t, cover)), {
      seed: SEEDS.brute,
      numRuns: COUNTS.brutePairs,
    });
    console.log(
      `property 3: ${tallyText(t).replace("requests", "points enumerated")} ` +
        `(${UNIVERSE_SIZE} per pair) in ${Math.round(performance.now() - started)} ms`,
    );
    assertTrue(t.widened > 0 && t.narrowedOnly > 0 && t.identical > 0);
  },
);

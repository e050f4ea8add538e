/**
 * `policy diff --prove`: exactly which requests two policies decide differently, over a span of
 * time — every user, profile, role and mode there is, not a sample.
 *
 * Each dimension of a request is cut into atoms that neither policy can tell apart: names by their
 * patterns (name_atoms.ts: globs are regular languages, so the cut is exact), time by every window's
 * edges in its own zone (time_classes.ts, daylight-saving changes included), modes and "no role"
 * as they are. A rule then matches an atom wholly or not at all, which the production matchers
 * answer on one name of the atom. The search goes one dimension at a time, keeping for each policy
 * the rules still possible and grouping the atoms that leave the same rules: a group is one
 * product of atoms that the rest of the search treats as one. Where both policies' first possible
 * rule matches everything left, the decision is known. Differences come out as products of atom
 * sets — regions — merged where they differ in one dimension only. Each region carries a request
 * the production evaluator decides as the region says (checked here, so a region is never wrong).
 *
 * @module
 */
import {
  type AccessRequest,
  type CompiledPolicy,
  type CompiledRule,
  compilePolicy,
  evaluate,
  roleGuard,
} from "../evaluate.ts";
import { CREDENTIAL_MODES, type CredentialMode, type PolicyDocument } from "../schema.ts";
import { type NameAtom, nameAtoms } from "./name_atoms.ts";
import { type TimeClass, timeClasses, type TimePartition } from "./time_classes.ts";
import { STS_MAX_DURATION_SECONDS } from "../../limits.ts";
import { WorkBudget } from "./work_budget.ts";

/** What a policy decides in a region: the deciding rule (none: nothing matched, denied). */
export interface RegionDecision {
  readonly effect: "allow" | "deny" | "require_approval";
  /** The deciding rule's name, absent for the default deny. */
  readonly rule?: string;
  readonly maxDurationSeconds?: number;
  /**
   * For deny and require_approval: a deny rule naming the role matches too (a role guard,
   * evaluate.ts's roleGuard), so no approval or break-glass opens it either.
   */
  readonly guarded?: boolean;
}

/** The modes a request can come with: none known, or one of the credential modes. */
export const REQUEST_MODES: readonly (CredentialMode | undefined)[] = [
  undefined,
  ...CREDENTIAL_MODES,
];

/** A set of requests (a product of atom sets) the two policies decide differently, alike. */
export interface ProofRegion {
  /** `widens`: the new policy gives more (a stronger effect, or a longer session); else `narrows`. */
  readonly kind: "widens" | "narrows";
  readonly was: RegionDecision;
  readonly now: RegionDecision;
  /** Indexes into {@link PolicyProof.users}, {@link PolicyProof.profiles}, …, ascending. */
  readonly users: readonly number[];
  readonly profiles: readonly number[];
  /** Indexes into {@link PolicyProof.roles}; `-1` stands for a request with no role known. */
  readonly roles: readonly number[];
  readonly modes: readonly (CredentialMode | undefined)[];
  /** The instants of the region, `[start, end)` in epoch ms, merged where adjacent, within the span. */
  readonly times: readonly { readonly start: number; readonly end: number }[];
  /** One request of the region, decided as `was` by the old policy and `now` by the new one. */
  readonly example: AccessRequest;
}

/** Everything the two policies' decisions differ on, over `[from, to)`. */
export interface PolicyProof {
  readonly from: number;
  readonly to: number;
  readonly users: readonly NameAtom[];
  readonly profiles: readonly NameAtom[];
  readonly roles: readonly NameAtom[];
  readonly time: TimePartition;
  /** Widening regions first, then by the size of what they cover. */
  readonly regions: readonly ProofRegion[];
  /** Whether the new policy gives any request more than the old one did. */
  readonly widens: boolean;
}

const NO_ROLE = -1;
const SEARCH_WORK =
  "the two policies make too many combinations of users, profiles, roles, modes and times to compare";
const DIMENSIONS = 5;

/** Compares `old` and `next` over every request in `[from, to)`. */
export function provePolicyChange(
  old: PolicyDocument,
  next: PolicyDocument,
  from: number,
  to: number,
  budget = new WorkBudget(),
): PolicyProof {
  const policies = [compilePolicy(old), compilePolicy(next)] as const;
  const rules = [...policies[0].rules, ...policies[1].rules];
  const named = (key: "users" | "profiles" | "roles") =>
    rules.flatMap((rule) => rule.source.conditions?.[key] ?? []);
  const users = nameAtoms(["arn:*", ...named("users")], "user", budget);
  const profiles = nameAtoms(named("profiles"), "profile", budget);
  const roles = nameAtoms(named("roles"), "role", budget);
  const windows = rules.flatMap((rule) => (rule.time ? [rule.time] : []));
  const time = timeClasses(windows, from, to, budget);
  const space: Space = {
    users,
    profiles,
    roleValues: [NO_ROLE, ...roles.map((_, i) => i)],
    roles,
    time,
  };
  const masks = policies.map((policy) => masksOf(policy, space)) as [Masks, Masks];
  const leaves: Leaf[] = [];
  search(masks, budget, 0, [allRules(policies[0]), allRules(policies[1])], [], leaves);
  const regions = mergeLeaves(leaves, budget).map((leaf) =>
    regionOf(leaf, policies, masks, space, budget)
  );
  regions.sort((a, b) =>
    (a.kind === b.kind ? 0 : a.kind === "widens" ? -1 : 1) || sizeOf(b) - sizeOf(a)
  );
  return {
    from: time.from,
    to: time.to,
    users,
    profiles,
    roles,
    time,
    regions,
    widens: regions.some((region) => region.kind === "widens"),
  };
}

interface Space {
  readonly users: readonly NameAtom[];
  readonly profiles: readonly NameAtom[];
  readonly roles: readonly NameAtom[];
  /** Role atom indexes with {@link NO_ROLE} first. */
  readonly roleValues: readonly number[];
  readonly time: TimePartition;
}

/** For one policy: per dimension, per atom, the rules whose condition in that dimension holds. */
interface Masks {
  readonly byDimension: readonly (readonly bigint[])[];
  /** Per dimension (and one past the last): the rules whose conditions from there on hold for every atom. */
  readonly unconditional: readonly bigint[];
  /** The deny rules that name roles: role guards (evaluate.ts's roleGuard). */
  readonly guards: bigint;
  readonly rules: readonly CompiledRule[];
}

function masksOf(policy: CompiledPolicy, space: Space): Masks {
  const bit = (rule: CompiledRule) => 1n << BigInt(rule.index);
  const maskOver = <T>(values: readonly T[], holds: (rule: CompiledRule, value: T) => boolean) =>
    values.map((value) =>
      policy.rules.reduce((mask, rule) => (holds(rule, value) ? mask | bit(rule) : mask), 0n)
    );
  const byDimension = [
    maskOver(space.users, (rule, atom) => rule.users === undefined || rule.users(atom.witness)),
    maskOver(
      space.profiles,
      (rule, atom) => rule.profiles === undefined || rule.profiles(atom.witness),
    ),
    maskOver(space.roleValues, (rule, value) =>
      rule.roles === undefined ||
      (value !== NO_ROLE && rule.roles(space.roles[value].witness))),
    maskOver(
      REQUEST_MODES,
      (rule, mode) => rule.modes === undefined || (mode !== undefined && rule.modes.has(mode)),
    ),
    maskOver(
      space.time.classes,
      (rule, timeClass: TimeClass) =>
        rule.time === undefined || rule.time.contains(timeClass.witness),
    ),
  ];
  const unconditional: bigint[] = [];
  unconditional[DIMENSIONS] = allRules(policy);
  for (let d = DIMENSIONS - 1; d >= 0; d--) {
    unconditional[d] = byDimension[d].reduce((all, mask) => all & mask, unconditional[d + 1]);
  }
  const guards = policy.rules.reduce(
    (
      mask,
      rule,
    ) => (rule.source.effect === "deny" && rule.roles !== undefined ? mask | bit(rule) : mask),
    0n,
  );
  return { byDimension, unconditional, guards, rules: policy.rules };
}

function allRules(policy: CompiledPolicy): bigint {
  return (1n << BigInt(policy.rules.length)) - 1n;
}

/** The lowest rule index in `mask`, or -1 for none. */
function firstRule(mask: bigint): number {
  return mask === 0n ? -1 : (mask & -mask).toString(2).length - 1;
}

/** A product of atom sets (one per dimension, as indexes into each dimension's values) and its decisions. */
interface Leaf {
  readonly outcomes: readonly [Outcome, Outcome];
  readonly sets: readonly (readonly number[])[];
}

/** What a policy decides in a leaf: the first matching rule (-1: none), and whether a role guard matches. */
interface Outcome {
  readonly rule: number;
  readonly guarded: boolean;
}

/**
 * What `live` decides for every request left from dimension `dimension` on, when that is known:
 * its first rule holds for all of them, and either that rule allows (a guard then changes
 * nothing) or no guard is left, or one holds for all of them.
 */
function decided(masks: Masks, live: bigint, dimension: number): Outcome | undefined {
  const first = firstRule(live);
  const always = masks.unconditional[dimension];
  if (first !== -1 && (always & (1n << BigInt(first))) === 0n) return undefined;
  if (first !== -1 && masks.rules[first].source.effect === "allow") {
    return { rule: first, guarded: false };
  }
  const guards = live & masks.guards;
  if (guards === 0n) return { rule: first, guarded: false };
  return (guards & always) !== 0n ? { rule: first, guarded: true } : undefined;
}

function search(
  masks: readonly [Masks, Masks],
  budget: WorkBudget,
  dimension: number,
  live: readonly [bigint, bigint],
  chosen: readonly (readonly number[])[],
  leaves: Leaf[],
): void {
  const old = decided(masks[0], live[0], dimension);
  const next = decided(masks[1], live[1], dimension);
  if (old !== undefined && next !== undefined) {
    const was = decisionOf(masks[0], old);
    const now = decisionOf(masks[1], next);
    if (strength(was) !== strength(now)) {
      const rest = [];
      for (let d = dimension; d < DIMENSIONS; d++) {
        rest.push(indexes(masks[0].byDimension[d].length));
      }
      leaves.push({ outcomes: [old, next], sets: [...chosen, ...rest] });
    }
    return;
  }
  // Two masks of every rule narrowed and grouped per atom.
  budget.spend(
    (masks[0].byDimension[dimension].length + 1) *
      (4 + (masks[0].rules.length + masks[1].rules.length) / 32),
    SEARCH_WORK,
  );
  const groups = new Map<bigint, Map<bigint, { live: [bigint, bigint]; atoms: number[] }>>();
  const oldMasks = masks[0].byDimension[dimension];
  const newMasks = masks[1].byDimension[dimension];
  for (let atom = 0; atom < oldMasks.length; atom++) {
    const narrowed: [bigint, bigint] = [live[0] & oldMasks[atom], live[1] & newMasks[atom]];
    let byNew = groups.get(narrowed[0]);
    if (byNew === undefined) groups.set(narrowed[0], byNew = new Map());
    const group = byNew.get(narrowed[1]);
    if (group === undefined) byNew.set(narrowed[1], { live: narrowed, atoms: [atom] });
    else group.atoms.push(atom);
  }
  for (const byNew of groups.values()) {
    for (const group of byNew.values()) {
      search(masks, budget, dimension + 1, group.live, [...chosen, group.atoms], leaves);
    }
  }
}

function indexes(length: number): number[] {
  return Array.from({ length }, (_, i) => i);
}

/** What an outcome decides, as the proof compares it. */
function decisionOf(masks: Masks, outcome: Outcome): RegionDecision {
  const rule = masks.rules[outcome.rule];
  const guarded = outcome.guarded ? { guarded: true } : {};
  if (rule === undefined) return { effect: "deny", ...guarded };
  return {
    effect: rule.decision.effect,
    rule: rule.source.name,
    ...(rule.decision.maxDurationSeconds === undefined
      ? {}
      : { maxDurationSeconds: rule.decision.maxDurationSeconds }),
    ...guarded,
  };
}

/**
 * How much a decision gives, as issuance acts on it (issuance/verdict.ts): a role guard leaves
 * nothing; a deny leaves break-glass; require_approval adds an approval; allow issues. Then, for
 * allow and require_approval, the longest session, where a rule without `max_duration` leaves it
 * to STS's own limit.
 */
export function strength(decision: RegionDecision): number {
  const session = decision.maxDurationSeconds ?? STS_MAX_DURATION_SECONDS;
  if (decision.effect === "allow") return 3e6 + session;
  if (decision.guarded === true) return 0;
  return decision.effect === "deny" ? 1 : 2e6 + session;
}

/**
 * Leaves with the same deciding rules merged wherever two differ in one dimension only, until no
 * two do. Leaves are disjoint, so their unions are too.
 */
function mergeLeaves(leaves: readonly Leaf[], budget: WorkBudget): Leaf[] {
  let current = [...leaves];
  for (let changed = true; changed;) {
    changed = false;
    for (let dimension = DIMENSIONS - 1; dimension >= 0; dimension--) {
      const merged = new Map<string, Leaf>();
      budget.spend(current.length * DIMENSIONS * 8, "too many regions to merge");
      for (const leaf of current) {
        const key = `${leaf.outcomes.map((o) => `${o.rule}${o.guarded ? "g" : ""}`).join()}/${
          leaf.sets.map((set, d) => (d === dimension ? "" : set.join())).join("/")
        }`;
        const other = merged.get(key);
        if (other === undefined) {
          merged.set(key, leaf);
          continue;
        }
        changed = true;
        const union = [...other.sets[dimension], ...leaf.sets[dimension]].sort((a, b) => a - b);
        merged.set(key, {
          outcomes: leaf.outcomes,
          sets: other.sets.map((set, d) => (d === dimension ? union : set)),
        });
      }
      current = [...merged.values()];
    }
  }
  return current;
}

function regionOf(
  leaf: Leaf,
  policies: readonly [CompiledPolicy, CompiledPolicy],
  masks: readonly [Masks, Masks],
  space: Space,
  budget: WorkBudget,
): ProofRegion {
  const [userSet, profileSet, roleSet, modeSet, classSet] = leaf.sets;
  const was = decisionOf(masks[0], leaf.outcomes[0]);
  const now = decisionOf(masks[1], leaf.outcomes[1]);
  budget.spend(space.time.intervals.length, "too many regions to tell the times of");
  const times = intervalsOf(space.time, new Set(classSet));
  const roleValues = roleSet.map((i) => space.roleValues[i]);
  const modes = modeSet.map((i) => REQUEST_MODES[i]);
  const roleValue = roleValues[0];
  const example: AccessRequest = {
    user: space.users[userSet[0]].witness,
    profile: space.profiles[profileSet[0]].witness,
    ...(roleValue === NO_ROLE ? {} : { roleArn: space.roles[roleValue].witness }),
    time: space.time.classes[classSet[0]].witness,
    ...(modes[0] === undefined ? {} : { mode: modes[0] }),
  };
  for (const [i, policy] of policies.entries()) {
    const decision = evaluate(policy, example);
    const guarded = decision.effect !== "allow" && roleGuard(policy, example) !== undefined;
    const expected = leaf.outcomes[i];
    if (decision.ruleIndex !== expected.rule || guarded !== expected.guarded) {
      throw new Error(
        `the proof's example ${JSON.stringify(example)} is decided by rule ${decision.ruleIndex}${
          guarded ? " under a role guard" : ""
        } of the ${i === 0 ? "old" : "new"} policy, not by rule ${expected.rule}${
          expected.guarded ? " under a role guard" : ""
        } as the proof found`,
      );
    }
  }
  return {
    kind: strength(now) > strength(was) ? "widens" : "narrows",
    was,
    now,
    users: userSet,
    profiles: profileSet,
    roles: roleValues,
    modes,
    times,
    example,
  };
}

/** The intervals of the given classes, adjacent ones merged. */
function intervalsOf(
  partition: TimePartition,
  classes: ReadonlySet<number>,
): { start: number; end: number }[] {
  const merged: { start: number; end: number }[] = [];
  for (const interval of partition.intervals) {
    if (!classes.has(interval.classIndex)) continue;
    const last = merged.at(-1);
    if (last !== undefined && last.end === interval.start) {
      merged[merged.length - 1] = { ...last, end: interval.end };
    } else merged.push({ start: interval.start, end: interval.end });
  }
  return merged;
}

function sizeOf(region: ProofRegion): number {
  const span = region.times.reduce((sum, interval) => sum + interval.end - interval.start, 0);
  return region.users.length * region.profiles.length * region.roles.length *
    region.modes.length * span;
}

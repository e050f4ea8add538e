/**
 * A compiled policy indexed by profile, so that a decision looks only at the rules that can match
 * the profile asked for: the rules that name it literally, and the "open" rules whose profiles
 * condition is absent, empty or holds a glob. Both lists are in rule order and are merged in rule
 * order, so the first matching rule is exactly `evaluate`'s (evaluate.ts): a rule for `prod*` listed
 * before a rule for exact `prod` still wins.
 *
 * @example
 * ```ts
 * import { compilePolicy } from "./evaluate.ts";
 * import { evaluateIndexed, indexPolicy } from "./policy_index.ts";
 *
 * const index = indexPolicy(compilePolicy({
 *   version: "1",
 *   rules: [
 *     { name: "prod-glob", effect: "deny", conditions: { profiles: ["prod*"] } },
 *     { name: "prod", effect: "allow", conditions: { profiles: ["prod"] } },
 *   ],
 * }));
 * const decision = evaluateIndexed(index, { user: "alice", profile: "prod", time: 0 });
 * console.assert(decision.rule === "prod-glob");
 * ```
 * @module
 */
import {
  type AccessRequest,
  type CompiledPolicy,
  type CompiledRule,
  type Decision,
  DEFAULT_DENY,
  isAny,
  ruleMatches,
} from "./evaluate.ts";
import { isGlob } from "./glob.ts";

/** A compiled policy with its rules indexed by profile. */
export interface PolicyIndex {
  readonly policy: CompiledPolicy;
  /** For each profile named literally by some rule, those rules' indices, ascending. */
  readonly byProfile: ReadonlyMap<string, readonly number[]>;
  /** Rules that may match any profile (no profiles condition, or one with a glob), ascending. */
  readonly open: readonly number[];
}

/** Indexes a compiled policy by the profiles its rules name. */
export function indexPolicy(policy: CompiledPolicy): PolicyIndex {
  const byProfile = new Map<string, number[]>();
  const open: number[] = [];
  for (const rule of policy.rules) {
    const profiles = rule.source.conditions?.profiles;
    if (isAny(profiles) || profiles!.some(isGlob)) {
      open.push(rule.index);
      continue;
    }
    for (const name of new Set(profiles)) {
      const list = byProfile.get(name);
      if (list === undefined) byProfile.set(name, [rule.index]);
      else list.push(rule.index);
    }
  }
  return { policy, byProfile, open };
}

/**
 * The rules that can match `profile`, in rule order: every other rule's profiles condition fails
 * for it.
 */
export function candidateRules(index: PolicyIndex, profile: string): CompiledRule[] {
  const exact = index.byProfile.get(profile) ?? [];
  const open = index.open;
  const rules: CompiledRule[] = [];
  let i = 0;
  let j = 0;
  while (i < exact.length || j < open.length) {
    const takeExact = j >= open.length || (i < exact.length && exact[i] < open[j]);
    rules.push(index.policy.rules[takeExact ? exact[i++] : open[j++]]);
  }
  return rules;
}

/** Evaluates a request like `evaluate` (evaluate.ts), looking only at the profile's candidate rules. */
export function evaluateIndexed(index: PolicyIndex, request: AccessRequest): Decision {
  for (const rule of candidateRules(index, request.profile)) {
    if (ruleMatches(rule, request)) return rule.decision;
  }
  return DEFAULT_DENY;
}

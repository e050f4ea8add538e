/**
 * Policy evaluation: first matching rule wins, no match denies.
 *
 * {@link compilePolicy} turns a validated document into matchers once; {@link evaluate} is the
 * hot path (no allocation for a decision); {@link explain} gives the same decision plus a trace of
 * why each earlier rule did not match.
 *
 * @example
 * ```ts
 * import { parsePolicy } from "./parse.ts";
 *
 * const parsed = parsePolicy('version: "1"\nrules:\n  - { name: everyone, effect: allow }\n');
 * if (!parsed.ok) throw new Error("invalid");
 * const policy = compilePolicy(parsed.policy);
 * const decision = evaluate(policy, {
 *   user: "alice@example.com",
 *   profile: "prod",
 *   time: Date.parse("2026-03-02T10:00:00Z"),
 * });
 * console.assert(decision.effect === "allow"); // "allow" | "deny" | "require_approval"
 * ```
 * @module
 */
import { compileNameMatcher, type NameMatcher } from "./glob.ts";
import { type Decision, DEFAULT_DENY } from "./decision.ts";
import { compilePrincipalMatcher } from "./principal.ts";
import type { CredentialMode, Effect, PolicyDocument, Rule } from "./schema.ts";
import { CompiledTimeWindow, ZoneClocks } from "./time/window.ts";

export { type Decision, DEFAULT_DENY } from "./decision.ts";

/** What is being asked for. Time is an argument: the core never reads a clock. */
export interface AccessRequest {
  /** The verified identity (from STS), never the OS user name. */
  user: string;
  profile: string;
  /** The resolved role ARN, when known. A rule with `roles` never matches without one. */
  roleArn?: string;
  /** The instant of the request, epoch milliseconds. */
  time: number;
  /** How the credentials are being asked for, for rules with `mode`. */
  mode?: CredentialMode;
}

/** Which condition a rule failed on. */
export type ConditionName = "profiles" | "users" | "roles" | "mode" | "time";

/** Why one rule did or did not match. */
export interface RuleTrace {
  readonly index: number;
  readonly rule: string;
  readonly effect: Effect;
  readonly matched: boolean;
  /** For a rule that did not match: the first condition that failed, and how. */
  readonly failed?: {
    readonly condition: ConditionName;
    readonly detail: string;
  };
}

/** A decision with the trace of every rule looked at, in order. */
export interface Explanation extends Decision {
  readonly trace: readonly RuleTrace[];
}

/** One rule compiled into matchers. */
export interface CompiledRule {
  readonly index: number;
  readonly source: Rule;
  readonly decision: Decision;
  readonly profiles?: NameMatcher;
  readonly users?: NameMatcher;
  readonly roles?: NameMatcher;
  readonly modes?: ReadonlySet<CredentialMode>;
  readonly time?: CompiledTimeWindow;
}

/** A policy compiled into matchers; build it once per loaded document. */
export interface CompiledPolicy {
  readonly document: PolicyDocument;
  readonly rules: readonly CompiledRule[];
}

/**
 * Whether a list condition matches anything: absent, or empty (`days: []`, `users: []`, …), as in
 * the Sentinel v1 format. Applies to profiles, users, roles, mode and time.days alike.
 */
export function isAny(list: readonly unknown[] | undefined): boolean {
  return list === undefined || list.length === 0;
}

/**
 * The users condition of a rule that grants (allow, require_approval) and names no users: like
 * `users: ["*"]`, every identity with a plain name and none named by its ARN (another account's,
 * a federated one) — which only a rule naming ARN patterns admits. A deny rule that names no users
 * applies to everyone.
 */
const PLAIN_NAMES = compilePrincipalMatcher(["*"]);

/** Compiles a validated policy document. */
export function compilePolicy(document: PolicyDocument): CompiledPolicy {
  const clocks = new ZoneClocks();
  const rules = document.rules.map((rule, index): CompiledRule => {
    const c = rule.conditions ?? {};
    return {
      index,
      source: rule,
      decision: Object.freeze({
        effect: rule.effect,
        rule: rule.name,
        ruleIndex: index,
        reason: rule.reason ?? `matched rule "${rule.name}"`,
        ...(rule.max_duration === undefined ? {} : { maxDurationSeconds: rule.max_duration }),
      }),
      profiles: isAny(c.profiles) ? undefined : compileNameMatcher(c.profiles!),
      users: isAny(c.users)
        ? rule.effect === "deny" ? undefined : PLAIN_NAMES
        : compilePrincipalMatcher(c.users!),
      roles: isAny(c.roles) ? undefined : compileNameMatcher(c.roles!),
      modes: isAny(c.mode) ? undefined : new Set(c.mode),
      // CompiledTimeWindow reads absent or empty `days` as any day, the same rule.
      time: c.time ? new CompiledTimeWindow(c.time, clocks) : undefined,
    };
  });
  return { document, rules };
}

/** Who asks for which profile and role: the part of a request fixed for one issuance. */
export type AccessSubject = Pick<AccessRequest, "user" | "profile" | "roleArn">;

/** The first of the profiles, users and roles conditions of `rule` that `subject` fails. */
function subjectFailure(rule: CompiledRule, subject: AccessSubject): ConditionName | undefined {
  if (rule.profiles !== undefined && !rule.profiles(subject.profile)) {
    return "profiles";
  }
  if (rule.users !== undefined && !rule.users(subject.user)) return "users";
  if (
    rule.roles !== undefined &&
    (subject.roleArn === undefined || !rule.roles(subject.roleArn))
  ) return "roles";
  return undefined;
}

/**
 * Whether `rule`'s profiles, users and roles conditions hold for `subject`: the rule can then
 * match any request of that subject, depending only on its mode and time conditions.
 */
export function matchesSubject(rule: CompiledRule, subject: AccessSubject): boolean {
  return subjectFailure(rule, subject) === undefined;
}

/** The first condition of `rule` that `request` fails, or `undefined` when the rule matches. */
function firstFailure(
  rule: CompiledRule,
  request: AccessRequest,
): ConditionName | undefined {
  const failed = subjectFailure(rule, request);
  if (failed !== undefined) return failed;
  if (
    rule.modes !== undefined &&
    (request.mode === undefined || !rule.modes.has(request.mode))
  ) {
    return "mode";
  }
  if (rule.time !== undefined && !rule.time.contains(request.time)) {
    return "time";
  }
  return undefined;
}

/** Whether `rule` matches `request`: every condition it has holds. */
export function ruleMatches(rule: CompiledRule, request: AccessRequest): boolean {
  return firstFailure(rule, request) === undefined;
}

/** Evaluates a request: the first matching rule's decision, or {@link DEFAULT_DENY}. */
export function evaluate(
  policy: CompiledPolicy,
  request: AccessRequest,
): Decision {
  for (const rule of policy.rules) {
    if (firstFailure(rule, request) === undefined) return rule.decision;
  }
  return DEFAULT_DENY;
}

/** Like {@link evaluate}, with a trace of every rule looked at and why it did or did not match. */
export function explain(
  policy: CompiledPolicy,
  request: AccessRequest,
): Explanation {
  const trace: RuleTrace[] = [];
  for (const rule of policy.rules) {
    const failed = firstFailure(rule, request);
    const base = {
      index: rule.index,
      rule: rule.source.name,
      effect: rule.source.effect,
    };
    if (failed === undefined) {
      trace.push({ ...base, matched: true });
      return { ...rule.decision, trace };
    }
    trace.push({
      ...base,
      matched: false,
      failed: { condition: failed, detail: detail(rule, failed, request) },
    });
  }
  return { ...DEFAULT_DENY, trace };
}

function detail(
  rule: CompiledRule,
  condition: ConditionName,
  request: AccessRequest,
): string {
  const c = rule.source.conditions ?? {};
  const list = (values: readonly string[] = []) => `[${values.join(", ")}]`;
  switch (condition) {
    case "profiles":
      return `profile "${request.profile}" is not in ${list(c.profiles)}`;
    case "users":
      return isAny(c.users)
        ? `user "${request.user}" is named by its ARN, which only a rule naming ARN patterns in users admits`
        : `user "${request.user}" is not in ${list(c.users)}`;
    case "roles":
      return request.roleArn === undefined
        ? `the rule requires a role in ${list(c.roles)} and no role ARN is known`
        : `role "${request.roleArn}" is not in ${list(c.roles)}`;
    case "mode":
      return request.mode === undefined
        ? `the rule requires mode ${list(c.mode)} and no mode is known`
        : `mode "${request.mode}" is not in ${list(c.mode)}`;
    case "time":
      return `${rule.time!.describeInstant(request.time)} is outside ${rule.time!.describe()}`;
  }
}

/**
 * The first deny rule, anywhere in the policy, that names roles (`conditions.roles`) and matches
 * `request`: a guardrail on the role itself. First match decides access, but no approval or
 * break-glass ever opens a role a guard denies, whatever rule comes first.
 */
export function roleGuard(policy: CompiledPolicy, request: AccessRequest): Decision | undefined {
  for (const rule of policy.rules) {
    if (
      rule.source.effect === "deny" && rule.roles !== undefined &&
      firstFailure(rule, request) === undefined
    ) return rule.decision;
  }
  return undefined;
}

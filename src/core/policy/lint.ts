/**
 * Policy lint: valid documents that probably do not say what their author meant.
 *
 * - `shadowed-rule`: an earlier rule matches everything a later one does, so the later never applies;
 * - `allow-before-deny`: an allow rule comes before a deny it overlaps, so the deny is partly dead;
 * - `no-timezone`: a time window without `timezone` is read in UTC;
 * - `duplicate-condition`: a list names the same value twice, or one pattern already covers another;
 * - `empty-list`: an empty list matches anything (Sentinel v1 semantics), which rarely is the intent;
 * - `catch-all-rule`: a rule without conditions (or with only empty ones) matches every request; only
 *   a final catch-all deny ("deny everything else") is the idiom, any other is reported;
 * - `unknown-profile`: a profile name (or pattern) in a rule, approval or break-glass rule that no
 *   profile of the AWS config matches — a typo, or a profile not set up yet (only when the known
 *   profiles are given).
 *
 * Coverage and overlap are exact for literal names and conservative for two patterns, so a
 * warning is never wrong about a literal and may be missed between two globs.
 *
 * @module
 */
import { MINUTES_PER_DAY, parseClockTime } from "./time/clock_time.ts";
import { globCovers, globsMayOverlap, isGlob } from "./glob.ts";
import type { DocumentPath, Locate, SourcePosition } from "./parse.ts";
import type { Conditions, PolicyDocument, TimeWindow } from "./schema.ts";
import { weekdayNumber } from "./time/weekday.ts";

/** Lint warning codes. */
export type LintCode =
  | "shadowed-rule"
  | "allow-before-deny"
  | "no-timezone"
  | "duplicate-condition"
  | "empty-list"
  | "catch-all-rule"
  | "unknown-profile";

/** One lint finding. */
export interface LintWarning extends SourcePosition {
  code: LintCode;
  path: DocumentPath;
  message: string;
}

const NAME_CONDITIONS = ["profiles", "users", "roles", "mode"] as const;

/** Lints a validated document; `locate` places each warning in the source. */
export function lintPolicy(
  policy: PolicyDocument,
  locate: Locate,
  profiles?: { names: readonly string[]; where: string },
): LintWarning[] {
  const warnings: LintWarning[] = [];
  const warn = (code: LintCode, path: DocumentPath, message: string) =>
    warnings.push({ code, path, message, ...locate(path) });
  if (profiles !== undefined) lintProfileNames(policy, profiles, warn);

  policy.rules.forEach((rule, j) => {
    const conditions = rule.conditions ?? {};
    lintLists(conditions, ["rules", j, "conditions"], warn, rule.effect !== "deny");
    if (conditions.time && conditions.time.timezone === undefined) {
      warn(
        "no-timezone",
        ["rules", j, "conditions", "time"],
        `rule "${rule.name}": time window has no timezone and is read in UTC; add timezone: <IANA name>`,
      );
    }
    for (let i = 0; i < j; i++) {
      const earlier = policy.rules[i];
      const earlierConditions = earlier.conditions ?? {};
      if (covers(earlierConditions, conditions)) {
        warn(
          "shadowed-rule",
          ["rules", j, "name"],
          `rule "${rule.name}" can never match: rule "${earlier.name}" (rules[${i}]) comes first and matches everything it does`,
        );
        break;
      }
      if (
        earlier.effect === "allow" && rule.effect === "deny" &&
        hasConditions(conditions) &&
        overlaps(earlierConditions, conditions)
      ) {
        warn(
          "allow-before-deny",
          ["rules", j, "name"],
          `deny rule "${rule.name}" is partly shadowed: allow rule "${earlier.name}" (rules[${i}]) comes first and overlaps it; put the deny first if it should win`,
        );
      }
    }
    const last = j === policy.rules.length - 1;
    if (matchesEverything(conditions) && !(last && rule.effect === "deny")) {
      warn("catch-all-rule", ["rules", j, "name"], catchAllMessage(rule.name, rule.effect, last));
    }
  });
  policy.approvals?.forEach((approval, i) => {
    const time = approval.auto_approve?.time;
    if (time && time.timezone === undefined) {
      warn(
        "no-timezone",
        ["approvals", i, "auto_approve", "time"],
        `approval rule "${approval.name}": auto-approve window has no timezone and is read in UTC`,
      );
    }
  });
  return warnings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Profile names and patterns of the policy that match no profile of the AWS config. */
function lintProfileNames(
  policy: PolicyDocument,
  profiles: { names: readonly string[]; where: string },
  warn: (code: LintCode, path: DocumentPath, message: string) => void,
): void {
  const lists: [DocumentPath, readonly string[] | undefined][] = [
    ...policy.rules.map((rule, i): [DocumentPath, readonly string[] | undefined] => [
      ["rules", i, "conditions", "profiles"],
      rule.conditions?.profiles,
    ]),
    ...(policy.approvals ?? []).map((a, i): [DocumentPath, readonly string[] | undefined] => [
      ["approvals", i, "profiles"],
      a.profiles,
    ]),
    ...(policy.breakglass ?? []).map((b, i): [DocumentPath, readonly string[] | undefined] => [
      ["breakglass", i, "profiles"],
      b.profiles,
    ]),
  ];
  for (const [path, names] of lists) {
    names?.forEach((name, k) => {
      if (profiles.names.some((known) => globCovers(name, known))) return;
      warn(
        "unknown-profile",
        [...path, k],
        `${
          isGlob(name) ? "pattern" : "profile"
        } "${name}" matches no profile in ${profiles.where}; a typo, or a profile not set up yet?`,
      );
    });
  }
}

const EFFECT_EVERYTHING = {
  allow: "allows everything",
  deny: "denies everything",
  require_approval: "requires approval for everything",
} as const;

function catchAllMessage(name: string, effect: keyof typeof EFFECT_EVERYTHING, last: boolean) {
  const fix = effect === "deny"
    ? "or move it to the end as the final catch-all deny"
    : "or end the policy with a catch-all deny instead";
  return `rule "${name}" matches every request (no conditions, or only empty ones), so it ${
    EFFECT_EVERYTHING[effect]
  }${
    last ? "" : " and no later rule ever applies"
  }; add conditions (profiles, users, roles, time, mode), ${fix}`;
}

function lintLists(
  conditions: Conditions,
  base: DocumentPath,
  warn: (code: LintCode, path: DocumentPath, message: string) => void,
  grants: boolean,
) {
  for (const key of NAME_CONDITIONS) {
    const list: readonly string[] | undefined = conditions[key];
    if (list === undefined) continue;
    if (list.length === 0) {
      warn(
        "empty-list",
        [...base, key],
        `${key}: [] matches ${
          key === "users" && grants ? 'anyone with a plain name (as "*")' : "anything"
        }; remove it or name values`,
      );
      continue;
    }
    list.forEach((value, index) => {
      const coveredBy = list.findIndex((other, k) =>
        k !== index && globCovers(other, value) &&
        (other !== value || k < index)
      );
      if (coveredBy !== -1) {
        const other = list[coveredBy];
        warn(
          "duplicate-condition",
          [...base, key, index],
          other === value
            ? `${key} lists "${value}" twice`
            : `${key}: "${value}" is already covered by "${other}"`,
        );
      }
    });
  }
  if (conditions.time?.days !== undefined && conditions.time.days.length === 0) {
    warn(
      "empty-list",
      [...base, "time", "days"],
      "time.days: [] matches any day; remove it or name days",
    );
  }
}

const isEmpty = (list?: readonly string[]) => list === undefined || list.length === 0;

/** A deny without conditions is an explicit "deny everything else", not an exception to carve. */
function hasConditions(conditions: Conditions): boolean {
  return conditions.time !== undefined ||
    NAME_CONDITIONS.some((key) => !isEmpty(conditions[key]));
}

/** Whether a rule with these conditions matches every request (a catch-all). */
function matchesEverything(conditions: Conditions): boolean {
  return !hasConditions(conditions) ||
    (NAME_CONDITIONS.every((key) => isEmpty(conditions[key])) && isAlways(conditions.time!));
}

/** Whether a time window holds at every instant: all days, all hours (the zone is then moot). */
function isAlways(time: TimeWindow): boolean {
  const w = toWindow(time);
  return w.days === ALL_DAYS && w.start === 0 && w.end === MINUTES_PER_DAY;
}

/** Whether every request matching `inner` also matches `outer`. */
function covers(outer: Conditions, inner: Conditions): boolean {
  for (const key of NAME_CONDITIONS) {
    const o: readonly string[] | undefined = outer[key];
    const i: readonly string[] | undefined = inner[key];
    if (isEmpty(o)) continue;
    if (isEmpty(i)) return false;
    if (
      !i!.every((value) => o!.some((pattern) => globCovers(pattern, value)))
    ) return false;
  }
  if (outer.time === undefined) return true;
  if (inner.time === undefined) return false;
  return windowCovers(outer.time, inner.time);
}

/** Whether some request could match both. */
function overlaps(a: Conditions, b: Conditions): boolean {
  for (const key of NAME_CONDITIONS) {
    const x: readonly string[] | undefined = a[key];
    const y: readonly string[] | undefined = b[key];
    if (isEmpty(x) || isEmpty(y)) continue;
    if (!x!.some((p) => y!.some((q) => globsMayOverlap(p, q)))) return false;
  }
  if (a.time === undefined || b.time === undefined) return true;
  return windowsMayOverlap(a.time, b.time);
}

interface Window {
  zone: string;
  days: number;
  start: number;
  end: number;
}

const ALL_DAYS = 0b1111111;

function toWindow(time: TimeWindow): Window {
  return {
    zone: time.timezone ?? "UTC",
    // Absent or empty means any day, as evaluation reads it.
    days: isEmpty(time.days)
      ? ALL_DAYS
      : time.days!.reduce((mask, day) => mask | (1 << weekdayNumber(day)!), 0),
    start: time.hours ? parseClockTime(time.hours.start)! : 0,
    end: time.hours ? parseClockTime(time.hours.end)! : MINUTES_PER_DAY,
  };
}

function windowCovers(outerTime: TimeWindow, innerTime: TimeWindow): boolean {
  const outer = toWindow(outerTime);
  const inner = toWindow(innerTime);
  if (outer.zone !== inner.zone) return false;
  if ((inner.days & ~outer.days) !== 0) return false;
  if (outer.start === 0 && outer.end === MINUTES_PER_DAY) return true;
  // Same shape (both cross midnight or neither) and the inner's [start, end) inside the outer's.
  const sameShape = (outer.end < outer.start) === (inner.end < inner.start);
  return sameShape && outer.start <= inner.start && inner.end <= outer.end;
}

function windowsMayOverlap(aTime: TimeWindow, bTime: TimeWindow): boolean {
  const a = toWindow(aTime);
  const b = toWindow(bTime);
  if (a.zone !== b.zone) return true;
  return segments(a).some((x) =>
    segments(b).some((y) => (x.days & y.days) !== 0 && x.start < y.end && y.start < x.end)
  );
}

/** A window as same-day pieces: one crossing midnight becomes its evening and the next mornings. */
function segments(w: Window): Window[] {
  if (w.end >= w.start) return [w];
  const nextDays = ((w.days << 1) | (w.days >> 6)) & ALL_DAYS;
  return [
    { ...w, end: MINUTES_PER_DAY },
    { ...w, days: nextDays, start: 0 },
  ];
}

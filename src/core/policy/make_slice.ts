/**
 * Builds a {@link PolicySlice} for one subject (user, profile, role) from an indexed policy: the
 * profile's candidate rules, in rule order, whose profiles, users and roles conditions hold for
 * the subject, with the offsets of their zones over `[from, to)`. What the cold path stores with
 * the credentials it issues, so the warm path can decide again without the whole policy.
 *
 * @example
 * ```ts
 * import { compilePolicy } from "./evaluate.ts";
 * import { evaluateSlice } from "./slice.ts";
 * import { indexPolicy } from "./policy_index.ts";
 * import { slicePolicy } from "./make_slice.ts";
 *
 * const index = indexPolicy(compilePolicy({
 *   version: "1",
 *   rules: [
 *     { name: "bob", effect: "allow", conditions: { users: ["bob"] } },
 *     { name: "berlin-days", effect: "allow", conditions: {
 *       time: { hours: { start: "09:00", end: "18:00" }, timezone: "Europe/Berlin" } } },
 *   ],
 * }));
 * const from = Date.UTC(2026, 2, 2);
 * const slice = slicePolicy(index, { user: "alice", profile: "prod" }, from, from + 86_400_000);
 * console.assert(slice.rules.length === 1); // bob's rule can never match alice
 * console.assert(evaluateSlice(slice, { time: from + 10 * 3_600_000 })?.rule === "berlin-days");
 * ```
 * @module
 */
import { type AccessSubject, matchesSubject } from "./evaluate.ts";
import type { PolicySlice, SliceRule } from "./slice.ts";
import { candidateRules, type PolicyIndex } from "./policy_index.ts";
import type { OffsetTable } from "./time/zone_offsets.ts";

export type { PolicySlice } from "./slice.ts";

/**
 * The slice of the policy for `subject`, valid for instants in `[from, to)` (epoch ms): outside
 * that span, `evaluateSlice` declines whenever a time window must be checked.
 */
export function slicePolicy(
  index: PolicyIndex,
  subject: AccessSubject,
  from: number,
  to: number,
): PolicySlice {
  const rules: SliceRule[] = [];
  const zones: Record<string, OffsetTable> = {};
  for (const rule of candidateRules(index, subject.profile)) {
    if (!matchesSubject(rule, subject)) continue;
    const time = rule.time;
    if (time !== undefined && !Object.hasOwn(zones, time.timeZone)) {
      zones[time.timeZone] = time.clock.offsets.table(from, to);
    }
    rules.push({
      decision: rule.decision,
      ...(rule.modes === undefined ? {} : { modes: [...rule.modes] }),
      ...(time === undefined ? {} : {
        time: { zone: time.timeZone, dayMask: time.dayMask, start: time.start, end: time.end },
      }),
    });
  }
  return { rules, zones };
}

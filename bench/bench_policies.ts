/**
 * The policies the whole-process benchmark (bench/cli_timing.ts) runs against: a small one whose
 * rules carry time windows in two non-UTC zones, and a 2,000-rule one with windows in six zones,
 * exact and glob profiles, and the rule that allows the benchmark's user near the very end — the
 * shapes that made the warm path's cost grow with a policy's size and its zones.
 *
 * @module
 */

/** Zones the large policy's windows rotate through (all non-UTC, with and without DST). */
const ZONES = [
  "Europe/Berlin",
  "America/New_York",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Asia/Kolkata",
  "America/Sao_Paulo",
];

const WEEKDAYS = "[monday, tuesday, wednesday, thursday, friday]";

/**
 * Allows `user` on `profile` (role `role`) at any instant, through rules with windows in
 * America/New_York (weekdays) and Europe/Berlin (any day): whichever the instant, at least one
 * zone is evaluated, and both are part of the policy.
 */
export function twoZonePolicy(profile: string, user: string, role: string): string {
  return `version: "1"
rules:
  - name: no-mallory
    effect: deny
    conditions: { users: [mallory] }
    reason: mallory is offboarded
  - name: ${profile}-new-york-weekdays
    effect: allow
    conditions:
      profiles: [${profile}]
      users: [${user}]
      roles: ["${role}"]
      time:
        days: ${WEEKDAYS}
        hours: { start: "00:00", end: "24:00" }
        timezone: America/New_York
    max_duration: 1h
  - name: ${profile}-berlin-any-day
    effect: allow
    conditions:
      profiles: [${profile}]
      users: [${user}]
      roles: ["${role}"]
      time:
        hours: { start: "00:00", end: "24:00" }
        timezone: Europe/Berlin
    max_duration: 1h
`;
}

/**
 * A policy of `count` rules (at least 20) with windows in six zones: mostly exact-profile team
 * rules, a deny for a departed user every tenth rule (no profile condition: it applies to every
 * profile), glob-profile rules, rules for `profile` that name other users, and the one rule that
 * allows `user` on `profile` ten rules from the end.
 */
export function largePolicy(count: number, profile: string, user: string, role: string): string {
  const lines = ['version: "1"', "rules:"];
  const allowAt = count - 10;
  for (let i = 0; i < count; i++) {
    const zone = ZONES[i % ZONES.length];
    if (i === allowAt) {
      lines.push(
        `  - name: ${profile}-for-${user}`,
        "    effect: allow",
        "    conditions:",
        `      profiles: [${profile}]`,
        `      users: [${user}]`,
        `      roles: ["${role}"]`,
        `      time: { hours: { start: "00:00", end: "24:00" }, timezone: Asia/Tokyo }`,
        "    max_duration: 1h",
      );
    } else if (i % 10 === 0) {
      lines.push(
        `  - name: leaver-${i}`,
        "    effect: deny",
        `    conditions: { users: [leaver-${i}@example.com] }`,
      );
    } else if (i % 100 === 7) {
      lines.push(
        `  - name: dev-glob-${i}`,
        "    effect: allow",
        "    conditions:",
        `      profiles: ["dev-*", "sandbox-${i}-?"]`,
        `      users: ["*@example.com"]`,
        `      time: { days: ${WEEKDAYS}, hours: { start: "09:00", end: "18:00" }, timezone: ${zone} }`,
      );
    } else if (i % 250 === 3) {
      lines.push(
        `  - name: ${profile}-for-bob-${i}`,
        "    effect: allow",
        "    conditions:",
        `      profiles: [${profile}]`,
        `      users: [bob]`,
        `      time: { days: ${WEEKDAYS}, hours: { start: "22:00", end: "06:00" }, timezone: ${zone} }`,
      );
    } else {
      lines.push(
        `  - name: team-${i}`,
        `    effect: ${i % 7 === 0 ? "deny" : "allow"}`,
        "    conditions:",
        `      profiles: [team-${i}, team-${i}-ro]`,
        `      users: [user-${i % 50}@example.com]`,
        `      time: { days: ${WEEKDAYS}, hours: { start: "08:00", end: "20:00" }, timezone: ${zone} }`,
        "    max_duration: 1h",
      );
    }
  }
  return lines.join("\n") + "\n";
}

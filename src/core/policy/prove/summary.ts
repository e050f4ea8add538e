/**
 * The words for a proof's regions (prove.ts): who, on which profiles, as which roles, in which
 * modes and when — "names matching *@sre on prod, Sat, Sun 00:00–06:00 Europe/Berlin" — and the
 * `sentinel check` command that shows a region's example request decided as the region says.
 *
 * A region's times are told in the time zone that tells them most briefly (of the policies' zones
 * and UTC): as weekly local times where they recur every week of the span, with their dates where
 * a daylight-saving change makes them recur only for part of it.
 *
 * @module
 */
import { commandLine } from "../../text/advice.ts";
import { formatDuration } from "../../text/duration.ts";
import { formatClockTime, MINUTES_PER_DAY } from "../time/clock_time.ts";
import { localTime } from "../time/local_time.ts";
import { ZoneOffsets } from "../time/zone_offsets.ts";
import type { NameAtom } from "./name_atoms.ts";
import type { PolicyProof, ProofRegion, RegionDecision } from "./prove.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** How many names, and time patterns, one line lists before "and N more". */
const LISTED = 4;

/** One region in words. */
export interface RegionWords {
  /** `+` (the new policy gives more) or `-`. */
  readonly sign: "+" | "-";
  readonly users: string;
  readonly profiles: string;
  /** Absent when the region holds for every role (and for none known). */
  readonly roles?: string;
  /** Absent when the region holds in every mode. */
  readonly modes?: string;
  /** `at any time`, or the weekly local times and dates. */
  readonly when: string;
  /** The time zone `when` and the example are told in. */
  readonly zone: string;
  /** `deny (rule weekend-block) → allow (rule sre)`. */
  readonly change: string;
  /** The whole line: `+ alice on prod, Sat 00:00–06:00 Europe/Berlin`. */
  readonly line: string;
  /** The example's time as RFC 3339 in {@link zone}. */
  readonly exampleAt: string;
}

/** Describes `region` of `proof`; `zones` are the time zones the two policies name. */
export function describeRegion(
  proof: PolicyProof,
  region: ProofRegion,
  zones: readonly string[],
): RegionWords {
  const users = namesOf(proof.users, region.users, "anyone", "user");
  const profiles = namesOf(proof.profiles, region.profiles, "any profile", "profile");
  const roles = rolesOf(proof, region);
  const modes = region.modes.length === 4
    ? undefined
    : region.modes.map((mode) => mode ?? "no mode known").join(", ");
  const { when, zone } = briefestTimes(region.times, proof.from, proof.to, zones);
  const sign = region.kind === "widens" ? "+" : "-";
  const parts = [`${users} on ${profiles}`];
  if (roles !== undefined) parts.push(roles);
  if (modes !== undefined) parts.push(`in mode ${modes}`);
  return {
    sign,
    users,
    profiles,
    ...(roles === undefined ? {} : { roles }),
    ...(modes === undefined ? {} : { modes }),
    when,
    zone,
    change: `${decisionWords(region.was)} → ${decisionWords(region.now)}`,
    line: `${sign} ${parts.join(" ")}, ${when}`,
    exampleAt: rfc3339In(region.example.time, new ZoneOffsets(zone)),
  };
}

/** `allow (rule sre, at most 1h)`, `deny (no rule matched)`. */
export function decisionWords(decision: RegionDecision): string {
  const rule = decision.rule === undefined ? "no rule matched" : `rule ${decision.rule}`;
  const cap = decision.effect !== "deny" && decision.maxDurationSeconds !== undefined
    ? `, at most ${formatDuration(decision.maxDurationSeconds)}`
    : "";
  const guard = decision.effect !== "allow" && decision.guarded === true
    ? "; role guarded: no approval or break-glass opens it"
    : "";
  return `${decision.effect} (${rule}${cap}${guard})`;
}

/**
 * The `sentinel check` command that decides the region's example request under `policy` (as
 * `--flag=value`, so that a name starting with `-` is never read as a flag), with `flags` (how to
 * reach an `ssm:` policy).
 */
export function checkCommand(
  region: ProofRegion,
  policy: string,
  at: string,
  flags: readonly string[] = [],
): string {
  const { example } = region;
  return commandLine([
    "sentinel",
    "check",
    `--policy=${policy}`,
    ...flags,
    `--user=${example.user}`,
    `--at=${at}`,
    ...(example.roleArn === undefined ? [] : [`--role-arn=${example.roleArn}`]),
    ...(example.mode === undefined ? [] : [`--mode=${example.mode}`]),
    "--",
    example.profile,
  ]);
}

/**
 * The names of `chosen` atoms: per family (plain names, and for users ARNs), `any user` for the
 * whole family, `any user but …` when fewer are left out than taken, else each atom.
 */
function namesOf(
  atoms: readonly NameAtom[],
  chosen: readonly number[],
  everything: string,
  noun: string,
): string {
  if (chosen.length === atoms.length) return everything;
  const inside = new Set(chosen);
  const isArn = (atom: NameAtom) => noun === "user" && atom.globs.includes("arn:*");
  const parts: string[] = [];
  const arnLeftOut = atoms.some((atom, i) => isArn(atom) && !inside.has(i));
  const plainWhole = noun === "user" && arnLeftOut ? "any user not named by an ARN" : `any ${noun}`;
  for (const [family, whole] of [[false, plainWhole], [true, "any ARN"]] as const) {
    const members = atoms.flatMap((atom, i) => (isArn(atom) === family ? [i] : []));
    const taken = members.filter((i) => inside.has(i));
    if (taken.length === 0) continue;
    const left = members.filter((i) => !inside.has(i));
    const allNamed = left.every((i) => atoms[i].literal !== undefined || atoms[i].globs.length > 0);
    if (left.length === 0) parts.push(whole);
    else if (left.length < taken.length && allNamed) {
      parts.push(
        `any ${family ? "ARN" : noun} but ${listed(left.map((i) => atomWords(atoms[i], noun)))}`,
      );
    } else parts.push(listed(taken.map((i) => atomWords(atoms[i], noun))));
  }
  return parts.join(" and ");
}

function rolesOf(proof: PolicyProof, region: ProofRegion): string | undefined {
  if (region.roles.length === proof.roles.length + 1) return undefined;
  const known = region.roles.filter((role) => role !== -1);
  const named = known.length === 0 ? [] : [`as ${namesOf(proof.roles, known, "any role", "role")}`];
  if (region.roles.includes(-1)) named.push("with no role known");
  return named.join(" or ");
}

function atomWords(atom: NameAtom, noun: string): string {
  if (atom.literal !== undefined) return atom.literal;
  const arn = atom.globs.includes("arn:*") && noun === "user";
  // A plain pattern (even *) never matches an ARN, nor an ARN pattern a plain name.
  const globs = atom.globs.filter((glob) =>
    glob !== "arn:*" && (noun !== "user" || glob.startsWith("arn:") === arn)
  );
  if (globs.length === 0) return `any other ${arn ? "ARN" : noun}`;
  return `${noun}s matching ${globs.join(" and ")}`;
}

function listed(items: readonly string[], separator = ", "): string {
  if (items.length <= LISTED) return items.join(separator);
  return `${items.slice(0, LISTED).join(separator)} and ${items.length - LISTED} more`;
}

/** The region's times told in each candidate zone; the briefest wins (the first zone on a tie). */
function briefestTimes(
  times: ProofRegion["times"],
  from: number,
  to: number,
  zones: readonly string[],
): { when: string; zone: string } {
  const covered = times.reduce((sum, t) => sum + t.end - t.start, 0);
  if (covered === to - from) return { when: "at any time", zone: zones[0] ?? "UTC" };
  let best: { when: string; zone: string; patterns: number } | undefined;
  for (const zone of [...new Set([...zones, "UTC"])]) {
    const patterns = weeklyPatterns(times, from, to, new ZoneOffsets(zone));
    if (best === undefined || patterns.length < best.patterns) {
      best = { when: `${patternWords(patterns)} ${zone}`, zone, patterns: patterns.length };
    }
  }
  return best!;
}

interface WeeklyPattern {
  /** `Sat 00:00–06:00`, `Fri 18:00–Mon 09:00`, or for a stretch of over a week its dates. */
  readonly shape: string;
  readonly count: number;
  /** Local dates of the first and last time it holds. */
  readonly first: string;
  readonly last: string;
  /** Whether it recurs in every week of the span. */
  readonly weekly: boolean;
  /** The local dates of the weeks between its first and last it skips, when it skips a week. */
  readonly missing: readonly string[];
}

/** The days a week apart from one another between the first and the last that are not among them. */
function missingWeeks(days: readonly number[], offsets: ZoneOffsets): string[] {
  if (days.some((day, i) => i > 0 && (day - days[i - 1]) % 7 !== 0)) return [];
  const missing: string[] = [];
  for (let i = 1; i < days.length; i++) {
    for (let day = days[i - 1] + 7; day < days[i]; day += 7) {
      missing.push(
        rfc3339In(day * DAY_MS - offsets.offsetMinutes(day * DAY_MS) * MINUTE_MS, offsets).slice(
          0,
          10,
        ),
      );
    }
  }
  return missing;
}

function weeklyPatterns(
  times: ProofRegion["times"],
  from: number,
  to: number,
  offsets: ZoneOffsets,
): WeeklyPattern[] {
  const byShape = new Map<
    string,
    { count: number; first: string; last: string; days: number[]; opens: number; closes: number }
  >();
  const localDay = (epochMs: number) =>
    Math.floor((epochMs + offsets.offsetMinutes(epochMs) * MINUTE_MS) / DAY_MS);
  const cut = times.filter((t) => cutByTheSpan(t, times, from, to));
  const [cutAtStart, cutAtEnd] = [cut.some((t) => t.start === from), cut.some((t) => t.end === to)];
  for (const { start, end } of times.filter((t) => !cut.includes(t))) {
    const shape = shapeOf(start, end, offsets);
    const date = rfc3339In(start, offsets).slice(0, 10);
    const seen = byShape.get(shape) ??
      { count: 0, first: date, last: date, days: [], opens: start, closes: end };
    byShape.set(shape, {
      ...seen,
      count: seen.count + 1,
      last: date,
      days: [...seen.days, localDay(start)],
      closes: end,
    });
  }
  return [...byShape].map(([shape, seen]) => ({
    shape,
    count: seen.count,
    first: seen.first,
    last: seen.last,
    // Every week of the span: no gap but a week's, and no week left at either end that would fit
    // in the span (a piece cut by the span's edge stands for the week it would have filled).
    weekly: (seen.opens - WEEK_MS < from || cutAtStart) &&
      (seen.closes + WEEK_MS > to || cutAtEnd) &&
      seen.days.every((day, i) => i === 0 || day - seen.days[i - 1] === 7),
    missing: missingWeeks(seen.days, offsets),
  }));
}

/**
 * Whether an interval at the span's start (or end) is only the part inside the span of one that
 * recurs: the same stretch a week later (earlier) is in the region too. Its words would only repeat
 * the weekly pattern.
 */
function cutByTheSpan(
  interval: ProofRegion["times"][number],
  times: ProofRegion["times"],
  from: number,
  to: number,
): boolean {
  const shift = interval.start === from ? WEEK_MS : interval.end === to ? -WEEK_MS : 0;
  if (shift === 0) return false;
  const [start, end] = [interval.start + shift, interval.end + shift];
  return times.some((t) => t.start <= start && end <= t.end);
}

function shapeOf(start: number, end: number, offsets: ZoneOffsets): string {
  if (end - start > WEEK_MS) {
    return `${rfc3339In(start, offsets)} to ${rfc3339In(end, offsets)}`;
  }
  const opens = localTime(start, offsets.offsetMinutes(start));
  const closes = (localTime(end - MINUTE_MS, offsets.offsetMinutes(end - MINUTE_MS)) + 1) %
    (7 * MINUTES_PER_DAY);
  const [openDay, openMinute] = [Math.floor(opens / MINUTES_PER_DAY), opens % MINUTES_PER_DAY];
  const [closeDay, closeMinute] = [Math.floor(closes / MINUTES_PER_DAY), closes % MINUTES_PER_DAY];
  const sameDay = closeDay === openDay && closeMinute > openMinute;
  const endsAtMidnight = closeMinute === 0 && closeDay === (openDay + 1) % 7;
  const overnight = closeDay === (openDay + 1) % 7 && closeMinute > 0 && closeMinute <= openMinute;
  if ((sameDay || endsAtMidnight || overnight) && end - start < DAY_MS + 2 * 60 * MINUTE_MS) {
    return `${DAY_NAMES[openDay]} ${formatClockTime(openMinute)}–${
      endsAtMidnight ? "24:00" : formatClockTime(closeMinute)
    }${overnight ? " (next day)" : ""}`;
  }
  return `${DAY_NAMES[openDay]} ${formatClockTime(openMinute)}–${DAY_NAMES[closeDay]} ${
    formatClockTime(closeMinute)
  }`;
}

/**
 * `Sat, Sun 00:00–06:00; daily 02:00–03:00 on 217 dates, 2027-03-29 to 2027-10-31`: patterns of
 * the same hours grouped by day, weekly ones first.
 */
function patternWords(patterns: readonly WeeklyPattern[]): string {
  const grouped = new Map<string, WeeklyPattern & { days: number[] }>();
  const parts: string[] = [];
  for (const pattern of patterns) {
    const match = /^(\w{3}) (\d\d:\d\d–\d\d:\d\d(?: \(next day\))?)$/.exec(pattern.shape);
    if (match === null) {
      parts.push(pattern.shape.includes(" to ") ? pattern.shape : shapeWithDates(pattern));
      continue;
    }
    const key = `${pattern.weekly}|${pattern.missing.length > 0}|${match[2]}`;
    const day = DAY_NAMES.indexOf(match[1] as (typeof DAY_NAMES)[number]);
    const seen = grouped.get(key);
    grouped.set(
      key,
      seen === undefined ? { ...pattern, shape: match[2], days: [day] } : {
        ...seen,
        days: [...seen.days, day],
        count: seen.count + pattern.count,
        first: pattern.first < seen.first ? pattern.first : seen.first,
        last: pattern.last > seen.last ? pattern.last : seen.last,
        missing: [...seen.missing, ...pattern.missing].sort(),
      },
    );
  }
  const hours = [...grouped.values()].sort((a, b) => Number(b.weekly) - Number(a.weekly))
    .map((group) => shapeWithDates({ ...group, shape: `${dayWords(group.days)} ${group.shape}` }));
  return listed([...hours, ...parts], "; ");
}

function shapeWithDates(pattern: WeeklyPattern): string {
  if (pattern.weekly) return pattern.shape;
  if (pattern.missing.length > 0 && pattern.missing.length <= 3) {
    return `${pattern.shape} every week from ${pattern.first} to ${pattern.last} but ${
      pattern.missing.join(", ")
    }`;
  }
  if (pattern.count === 1) return `${pattern.shape} on ${pattern.first}`;
  return `${pattern.shape} on ${pattern.count} dates, ${pattern.first} to ${pattern.last}`;
}

/** `daily`, `Mon–Fri`, `Sat, Sun`, `Mon–Wed, Fri`. */
function dayWords(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  if (sorted.length === 7) return "daily";
  const runs: number[][] = [];
  for (const day of sorted) {
    const run = runs.at(-1);
    if (run !== undefined && (run.at(-1)! + 1) % 7 === day) run.push(day);
    else runs.push([day]);
  }
  return runs.map((run) =>
    run.length >= 3
      ? `${DAY_NAMES[run[0]]}–${DAY_NAMES[run.at(-1)!]}`
      : run.map((day) => DAY_NAMES[day]).join(", ")
  ).join(", ");
}

/** `2026-12-12T00:00:00+01:00`: the instant as local time in the zone, with its offset. */
export function rfc3339In(epochMs: number, offsets: ZoneOffsets): string {
  const offset = offsets.offsetMinutes(epochMs);
  const local = new Date(epochMs + offset * MINUTE_MS).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
  const minutes = String(Math.abs(offset) % 60).padStart(2, "0");
  return `${local}${sign}${hours}:${minutes}`;
}

/**
 * A policy slice: what a cached session needs of its policy to be decided again — the rules that
 * can still match its user, profile and role, in rule order, reduced to their mode and time
 * conditions, with the offsets of their time zones over a bounded span. Plain data, kept in the
 * credential cache entry (built by make_slice.ts), so a warm call reads a few rules whatever the
 * policy's size, and needs no time zone data, no compiler and no npm package.
 *
 * {@link evaluateSlice} decides exactly as the whole policy would for that subject at an instant
 * inside the span; outside it, it declines (`undefined`) and the cold path decides afresh.
 *
 * @example
 * ```ts
 * import { evaluateSlice } from "./slice.ts";
 *
 * const slice = {
 *   rules: [{
 *     decision: { effect: "allow" as const, rule: "weekdays", ruleIndex: 3, reason: "ok" },
 *     time: { zone: "UTC", dayMask: 0b0111110, start: 540, end: 1080 },
 *   }],
 *   zones: { UTC: { from: 0, to: Date.UTC(2030, 0, 1), starts: [0], offsets: [0] } },
 * };
 * const monday = evaluateSlice(slice, { time: Date.UTC(2026, 2, 2, 10) });
 * console.assert(monday?.rule === "weekdays");
 * const later = evaluateSlice(slice, { time: Date.UTC(2031, 2, 3, 10) });
 * console.assert(later === undefined); // outside the cached offsets: decide cold
 * ```
 * @module
 */
import { type Decision, DEFAULT_DENY } from "./decision.ts";
import { localTime, type WindowBounds, windowContains } from "./time/local_time.ts";
import type { CredentialMode, Effect } from "./schema.ts";
import { type OffsetTable, tableOffset } from "./time/offset_table.ts";

/** A rule's time window in a slice: its bounds and the name of its zone's offset table. */
export interface SliceWindow extends WindowBounds {
  readonly zone: string;
}

/** One rule of a slice: its decision and the conditions left to check. */
export interface SliceRule {
  readonly decision: Decision;
  /** The rule's `mode` condition, when it has one. */
  readonly modes?: readonly CredentialMode[];
  readonly time?: SliceWindow;
}

/** The rules of a policy that can match one subject, with the offsets their windows need. */
export interface PolicySlice {
  readonly rules: readonly SliceRule[];
  /** Offset tables by zone name, each covering the span the slice is valid for. */
  readonly zones: Readonly<Record<string, OffsetTable>>;
}

/** What varies between requests of one subject. */
export interface SliceRequest {
  mode?: CredentialMode;
  /** Epoch milliseconds. */
  time: number;
}

/**
 * The decision for a request of the slice's subject, or `undefined` when a time window must be
 * checked at an instant outside the slice's offset tables.
 */
export function evaluateSlice(slice: PolicySlice, request: SliceRequest): Decision | undefined {
  for (const rule of slice.rules) {
    if (
      rule.modes !== undefined &&
      (request.mode === undefined || !rule.modes.includes(request.mode))
    ) continue;
    if (rule.time !== undefined) {
      const offset = tableOffset(slice.zones[rule.time.zone], request.time);
      if (offset === undefined) return undefined;
      if (!windowContains(rule.time, localTime(request.time, offset))) continue;
    }
    return rule.decision;
  }
  return DEFAULT_DENY;
}

const EFFECTS: Record<Effect, true> = { allow: true, deny: true, require_approval: true };
const MODES: Record<CredentialMode, true> = { credential_process: true, cli: true, server: true };

/**
 * Whether a value read back from the cache is a well-formed slice (a damaged one must read as
 * absent, never crash or decide).
 */
export function isPolicySlice(value: unknown): value is PolicySlice {
  if (!isRecord(value) || !Array.isArray(value.rules) || !isRecord(value.zones)) return false;
  const zones = value.zones;
  return Object.values(zones).every(isOffsetTable) &&
    value.rules.every((rule) =>
      isRecord(rule) && isDecision(rule.decision) &&
      (rule.modes === undefined ||
        (Array.isArray(rule.modes) && rule.modes.every((m) => Object.hasOwn(MODES, m)))) &&
      (rule.time === undefined ||
        (isRecord(rule.time) && typeof rule.time.zone === "string" &&
          Object.hasOwn(zones, rule.time.zone) &&
          [rule.time.dayMask, rule.time.start, rule.time.end].every(Number.isSafeInteger)))
    );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isDecision(value: unknown): value is Decision {
  return isRecord(value) && typeof value.effect === "string" &&
    Object.hasOwn(EFFECTS, value.effect) && typeof value.rule === "string" &&
    Number.isSafeInteger(value.ruleIndex) && typeof value.reason === "string" &&
    (value.maxDurationSeconds === undefined || Number.isSafeInteger(value.maxDurationSeconds));
}

function isOffsetTable(value: unknown): value is OffsetTable {
  return isRecord(value) && Number.isFinite(value.from) && Number.isFinite(value.to) &&
    Array.isArray(value.starts) && Array.isArray(value.offsets) && value.starts.length > 0 &&
    value.starts.length === value.offsets.length &&
    value.starts.every(Number.isFinite) && value.offsets.every(Number.isFinite);
}

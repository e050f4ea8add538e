/**
 * `sentinel policy diff OLD NEW --prove` as a use case (issue 22): both policies read (files or
 * `ssm:` parameters) and every request they decide differently found over the horizon
 * (core/policy/prove/), with the sections the proof does not cover listed apart. Reads files and
 * SSM; writes nothing.
 *
 * @module
 */
import type { PolicyDocument } from "../core/policy/schema.ts";
import { type PolicyProof, provePolicyChange } from "../core/policy/prove/prove.ts";
import { type SectionChange, sectionChanges } from "../core/policy/prove/sections.ts";
import type { Deps } from "../ports/deps.ts";
import { type CallerAccess, readPolicy } from "./policy.ts";

const DAY_MS = 86_400_000;

/** The default horizon: a year and a month, so that every daylight-saving change is in it. */
export const DEFAULT_HORIZON_SECONDS = 400 * 86_400;

/** The proof of one policy change, and what it was made from. */
export interface PolicyChangeProof {
  readonly proof: PolicyProof;
  /** Entries of approvals, breakglass and identity that differ (not covered by the proof). */
  readonly sections: readonly SectionChange[];
  /** Whether the new policy may give anything the old did not: a widening region or a section change that may. */
  readonly opensAccess: boolean;
  /** The time zones the two policies name, for telling times. */
  readonly zones: readonly string[];
}

/**
 * Proves what `next` decides differently from `old` over the horizon: whole UTC days, from the
 * start of the day of `now` (a few hours of the past are in it, so that the first day's times
 * read as every other day's).
 */
export function proveChange(
  old: PolicyDocument,
  next: PolicyDocument,
  now: number,
  horizonSeconds: number,
): PolicyChangeProof {
  const from = Math.floor(now / DAY_MS) * DAY_MS;
  const proof = provePolicyChange(
    old,
    next,
    from,
    from + Math.ceil(horizonSeconds / 86_400) * DAY_MS,
  );
  const sections = sectionChanges(old, next);
  const zones = [...old.rules, ...next.rules].flatMap((rule) => {
    const time = rule.conditions?.time;
    return time === undefined ? [] : [time.timezone ?? "UTC"];
  });
  return {
    proof,
    sections,
    opensAccess: proof.widens || sections.some((change) => change.mayOpen),
    zones: mostNamedFirst(zones),
  };
}

/** Reads both policies and proves the change from now over the horizon. */
export async function provePolicyFiles(
  deps: Deps,
  request: { old: string; next: string; horizonSeconds: number; access: CallerAccess },
): Promise<PolicyChangeProof & { old: string; next: string }> {
  const old = await readPolicy(deps, request.old, request.access);
  const next = await readPolicy(deps, request.next, request.access);
  return {
    ...proveChange(old.document, next.document, deps.clock.now(), request.horizonSeconds),
    old: old.source,
    next: next.source,
  };
}

function mostNamedFirst(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

/**
 * The policy sections a proof does not cover (prove.ts decides `rules:` only): `approvals:`,
 * `breakglass:` and `identity:`. An entry added, changed or moved there may open access — a new
 * break-glass user, an approver, a wider auto-approval, another account's names, a looser entry
 * now first — so it is never taken as proven safe: it is listed, and counted as opening access
 * until a person accepts it. So is an entry removed while others remain (its requests may fall to
 * one of them); removing the section's last entry only takes access away.
 *
 * @example
 * ```ts
 * import { sectionChanges } from "./sections.ts";
 *
 * const rules = [{ name: "all", effect: "allow" as const }];
 * const changes = sectionChanges(
 *   { version: "1", rules },
 *   { version: "1", rules, breakglass: [{ name: "sre", profiles: ["prod"], users: ["alice"] }] },
 * );
 * console.assert(changes[0].change === "added" && changes[0].mayOpen);
 * ```
 * @module
 */
import type { PolicyDocument } from "../schema.ts";

/** One entry of a section that the two policies hold differently. */
export interface SectionChange {
  readonly section: "approvals" | "breakglass" | "identity";
  /** The entry's name (`identity` for the identity section). */
  readonly name: string;
  readonly change: "added" | "removed" | "changed" | "moved";
  /**
   * Whether the change may give access the old policy did not: anything but the removal of an
   * entry that leaves the section empty (the first matching entry decides, so a removed or moved
   * one hands its requests to another).
   */
  readonly mayOpen: boolean;
}

/** The entries of `approvals:`, `breakglass:` and `identity:` that differ between the two. */
export function sectionChanges(old: PolicyDocument, next: PolicyDocument): SectionChange[] {
  const changes: SectionChange[] = [];
  for (const section of ["approvals", "breakglass"] as const) {
    const before = new Map((old[section] ?? []).map((entry) => [entry.name, canonical(entry)]));
    const after = new Map((next[section] ?? []).map((entry) => [entry.name, canonical(entry)]));
    const kept = [...before.keys()].filter((name) => after.has(name));
    const keptAfter = [...after.keys()].filter((name) => before.has(name));
    for (const [name, entry] of after) {
      const was = before.get(name);
      if (was === undefined) changes.push({ section, name, change: "added", mayOpen: true });
      else if (was !== entry) changes.push({ section, name, change: "changed", mayOpen: true });
      else if (kept.indexOf(name) !== keptAfter.indexOf(name)) {
        changes.push({ section, name, change: "moved", mayOpen: true });
      }
    }
    for (const name of before.keys()) {
      // The first matching entry decides: what the removed one decided may fall to a later one.
      if (!after.has(name)) {
        changes.push({ section, name, change: "removed", mayOpen: after.size > 0 });
      }
    }
  }
  if (canonical(old.identity ?? {}) !== canonical(next.identity ?? {})) {
    changes.push({ section: "identity", name: "identity", change: "changed", mayOpen: true });
  }
  return changes;
}

/** JSON with keys sorted, so that the order keys were written in is no change. */
function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_, inner) =>
      inner !== null && typeof inner === "object" && !Array.isArray(inner)
        ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
        : inner,
  );
}

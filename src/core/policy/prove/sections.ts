/**
 * The policy sections a proof does not cover (prove.ts decides `rules:` only): `approvals:`,
 * `breakglass:` and `identity:`. An entry added or changed there may open access — a new
 * break-glass user, an approver, a wider auto-approval, another account's names — so it is never
 * taken as proven safe: it is listed, and counted as opening access until a person accepts it. An
 * entry removed only takes access away.
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
  readonly change: "added" | "removed" | "changed";
  /** Whether the change may give access the old policy did not (anything but a removal). */
  readonly mayOpen: boolean;
}

/** The entries of `approvals:`, `breakglass:` and `identity:` that differ between the two. */
export function sectionChanges(old: PolicyDocument, next: PolicyDocument): SectionChange[] {
  const changes: SectionChange[] = [];
  for (const section of ["approvals", "breakglass"] as const) {
    const before = new Map((old[section] ?? []).map((entry) => [entry.name, canonical(entry)]));
    const after = new Map((next[section] ?? []).map((entry) => [entry.name, canonical(entry)]));
    for (const [name, entry] of after) {
      const was = before.get(name);
      if (was === undefined) changes.push({ section, name, change: "added", mayOpen: true });
      else if (was !== entry) changes.push({ section, name, change: "changed", mayOpen: true });
    }
    for (const name of before.keys()) {
      if (!after.has(name)) changes.push({ section, name, change: "removed", mayOpen: false });
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

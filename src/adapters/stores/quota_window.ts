/**
 * The window arithmetic both stores apply to rate limits, so that they refuse at the same
 * instant. A use at `u` counts at time `t` under a slot while `u > t - windowMs` (uses stamped
 * after `t` by a clock ahead count too): it leaves the window at `u + windowMs`. An invocation
 * fits a slot while fewer than `max` uses count; a full slot frees up when enough of its oldest
 * uses have left the window for one more to fit.
 *
 * @module
 */
import type { QuotaSlot } from "../../core/breakglass/event.ts";
import { SentinelError } from "../../core/errors.ts";
import type { InvokeRefusal } from "../../ports/stores.ts";

/** The earliest use time that still counts under `slot` at `at`, exclusive. */
export function windowStart(slot: QuotaSlot, at: number): number {
  return at - slot.windowMs;
}

/** How many of `uses` count under `slot` at `at`. */
export function usesInWindow(slot: QuotaSlot, uses: readonly number[], at: number): number {
  const start = windowStart(slot, at);
  return uses.filter((use) => use > start).length;
}

/**
 * The refusal of an invocation at `at`, or `undefined` when every slot has room. `usesOf(key)` is
 * every use recorded under the key (at least those of the longest window). When several slots
 * are full, the one that frees up last is named: trying again before then cannot succeed.
 */
export function quotaRefusal(
  slots: readonly QuotaSlot[],
  usesOf: (key: string) => readonly number[],
  at: number,
): (InvokeRefusal & { reason: "quota" }) | undefined {
  let refusal: (InvokeRefusal & { reason: "quota" }) | undefined;
  for (const slot of slots) {
    checkSlot(slot);
    const start = windowStart(slot, at);
    const counted = usesOf(slot.key).filter((use) => use > start).sort((a, b) => a - b);
    if (counted.length < slot.max) continue;
    const freesAt = counted[counted.length - slot.max] + slot.windowMs;
    if (refusal === undefined || freesAt > refusal.freesAt) {
      refusal = { reason: "quota", slot, freesAt };
    }
  }
  return refusal;
}

/** The longest window of each distinct key among `slots`: how far back its uses must be kept. */
export function windowsByKey(slots: readonly QuotaSlot[]): Map<string, number> {
  const windows = new Map<string, number>();
  for (const slot of slots) {
    checkSlot(slot);
    windows.set(slot.key, Math.max(windows.get(slot.key) ?? 0, slot.windowMs));
  }
  return windows;
}

function checkSlot(slot: QuotaSlot): void {
  if (
    !Number.isSafeInteger(slot.max) || slot.max < 1 || !Number.isSafeInteger(slot.windowMs) ||
    slot.windowMs < 1 || slot.key === ""
  ) {
    throw new SentinelError(
      "internal_error",
      `rate limit "${slot.label}" (${slot.key}) needs a key, max ≥ 1 and a window ≥ 1 ms; ` +
        "check the break-glass rule's quotas",
    );
  }
}

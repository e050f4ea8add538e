/**
 * Checks and errors both stores share for the records they write: a conditional update must
 * carry a higher version than the one it was computed from (or a second update from the same base
 * could win too), and a new record's id must be new; and for the records they read: one that is
 * asked for by id but damaged is refused with what is wrong and what to do.
 *
 * @module
 */
import { SentinelError } from "../../core/errors.ts";

/** Throws unless `next` is a version above `expected`. */
export function checkVersion(next: number, expected: number): void {
  if (!Number.isSafeInteger(next) || next <= expected) {
    throw new SentinelError(
      "internal_error",
      `a store update from version ${expected} must carry a higher version, not ${next}`,
    );
  }
}

/** The error of a second record with an existing id. */
export function alreadyExists(what: string, id: string): SentinelError {
  return new SentinelError(
    "already_exists",
    `${what} ${id} already exists; ids are random, so run the command again for a new one`,
  );
}

/**
 * The error of a record asked for by id that the store holds but cannot read (exit 3,
 * `store_damaged`): which record, in which store, what is wrong, and what to do.
 */
export function damagedRecord(
  what: "approval request" | "break-glass event",
  id: string,
  where: string,
  why: string,
  fix: string,
): SentinelError {
  const list = what === "approval request" ? "sentinel requests" : "sentinel breakglass list";
  return new SentinelError(
    "store_damaged",
    `the ${what} ${id} in ${where} is damaged (${why}), so Sentinel cannot show it or act on it; ${fix} (\`${list}\` still lists the others)`,
  );
}

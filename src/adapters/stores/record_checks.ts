/**
 * Checks and errors both stores share for the records they write: a conditional update must
 * carry a higher version than the one it was computed from (or a second update from the same base
 * could win too), and a new record's id must be new; and for the records they read: one that is
 * asked for by id but damaged is refused with what is wrong and what to do, and records read
 * together are sorted into the readable and the damaged. And what a replay record may be: a key
 * no store has to cut short or rewrite, and a time it is kept until; and a revocation, by the
 * rules it is read back with (core/store/records.ts).
 *
 * @module
 */
import { SentinelError } from "../../core/errors.ts";
import type { RevocationRecord } from "../../core/revocation/record.ts";
import { parseRevocationRecord, type StoredRecord } from "../../core/store/records.ts";
import { isRoleArn } from "../../core/trust_policy.ts";
import type { DamagedRecord } from "../../ports/stores.ts";

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

/** Records read together, in order: the readable ones, and the damaged named with `where`. */
export function readableAndDamaged<T>(
  reads: readonly { id: string; read: StoredRecord<T> }[],
  where: string,
): { items: T[]; damaged: DamagedRecord[] } {
  const items: T[] = [];
  const damaged: DamagedRecord[] = [];
  for (const { id, read } of reads) {
    if (read.ok) items.push(read.record);
    else damaged.push({ id, why: read.why, where });
  }
  return { items, damaged };
}

/**
 * Throws (`internal_error`: the revoker makes its records, so a bad one is a bug) unless `record`
 * keeps every rule of a revocation (core/store/records.ts `parseRevocationRecord`).
 */
export function checkRevocation(record: RevocationRecord): void {
  const checked = parseRevocationRecord(record);
  if (!checked.ok) {
    throw new SentinelError(
      "internal_error",
      `a revocation record cannot be stored: ${checked.why}; nothing was recorded`,
    );
  }
}

/**
 * Throws (`internal_error`, a bug of the caller) unless `roleArn` is an IAM role ARN and `now` a
 * time in whole epoch milliseconds: the revocations of one role, at one time.
 */
export function checkLiveQuery(roleArn: string, now: number): void {
  const why = typeof roleArn !== "string" || !isRoleArn(roleArn)
    ? "the role is not an IAM role ARN"
    : !Number.isSafeInteger(now)
    ? `the time ${now} is not whole epoch milliseconds`
    : undefined;
  if (why !== undefined) {
    throw new SentinelError("internal_error", `the revocations of a role cannot be read: ${why}`);
  }
}

/**
 * The longest replay key a store records, in UTF-16 code units (a caller proof's key,
 * `proof#<64 hex digits>`, has 70). A longer one is refused, never cut short: two keys that share
 * their first 256 characters stay two keys. (Its `replay#` item key stays far below DynamoDB's
 * 2,048 bytes for a partition key, at most 3 bytes a code unit.)
 */
export const REPLAY_KEY_MAX_LENGTH = 256;

/**
 * Throws (`internal_error`: the broker makes its keys and times, so a bad one is a bug) unless
 * `key` is 1 to {@link REPLAY_KEY_MAX_LENGTH} code units of well-formed UTF-16 with no control
 * character, `until` and `now` are safe integers and `until` is after `now`. The message never
 * repeats the key itself (it may be huge, or hold what a terminal would act on).
 */
export function checkReplay(key: string, until: number, now: number): void {
  const why = replayProblem(key, until, now);
  if (why !== undefined) {
    throw new SentinelError(
      "internal_error",
      `a replay record cannot be stored: ${why}; nothing was recorded (a caller proof's key is ` +
        "proof#<64 hex digits>, kept until a time after now)",
    );
  }
}

/** What is wrong with a replay record, if anything. */
function replayProblem(key: string, until: number, now: number): string | undefined {
  if (typeof key !== "string") return "the key is not text";
  if (key.length === 0) return "the key is empty";
  if (key.length > REPLAY_KEY_MAX_LENGTH) {
    return `the key has ${key.length} characters, more than ${REPLAY_KEY_MAX_LENGTH}`;
  }
  if (!key.isWellFormed()) return "the key is not well-formed UTF-16 (it holds a lone surrogate)";
  // deno-lint-ignore no-control-regex -- the point: find a control character
  const control = key.search(/[\u0000-\u001f\u007f-\u009f]/);
  if (control >= 0) {
    const code = key.charCodeAt(control).toString(16).toUpperCase().padStart(4, "0");
    return `the key holds a control character (U+${code} at position ${control})`;
  }
  if (!Number.isSafeInteger(until) || !Number.isSafeInteger(now)) {
    return `its times must be whole epoch milliseconds (until ${until}, now ${now})`;
  }
  if (until <= now) return `it would expire at ${until}, not after now (${now})`;
  return undefined;
}

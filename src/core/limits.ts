/**
 * Numbers that are fixed by AWS or by Sentinel's own formats, stated once.
 *
 * @module
 */

/** The shortest role session STS issues (15 minutes), in seconds. */
export const STS_MIN_DURATION_SECONDS = 900;
/** The longest role session STS issues (12 hours), in seconds. */
export const STS_MAX_DURATION_SECONDS = 43_200;
/**
 * The shortest approval window or break-glass event: 20 minutes. STS cannot issue a session
 * shorter than 15 minutes and a session never outlives its window, so a window must leave room
 * for a full 15-minute session after the moment it opens.
 */
export const MIN_WINDOW_SECONDS = 1_200;
/** The session length asked for when nothing else says: one hour. */
export const DEFAULT_SESSION_SECONDS = 3_600;

/**
 * The longest session STS gives when the caller is itself a role session (role chaining): a
 * broker whose identity is an assumed role (an ECS task, an EC2 instance profile) asks no longer.
 */
export const ROLE_CHAINING_MAX_SECONDS = 3_600;
/** The region used when no flag, profile or environment names one. */
export const DEFAULT_REGION = "us-east-1";
/**
 * The longest request reason or break-glass justification, in characters: enough for a sentence
 * and a ticket link, far below what a store item (DynamoDB: 400 KB) or a chat message holds.
 */
export const MAX_REASON_CHARS = 2_000;

/**
 * Why `text`, given as `flag`, is too long to be a reason, or `undefined` when it is not.
 *
 * @example
 * ```ts
 * import { reasonTooLong } from "./limits.ts";
 *
 * console.assert(reasonTooLong("x".repeat(2_001), "--reason")?.startsWith("--reason is 2001"));
 * console.assert(reasonTooLong("deploy", "--reason") === undefined);
 * ```
 */
export function reasonTooLong(text: string, flag: string): string | undefined {
  const length = [...text].length;
  return length <= MAX_REASON_CHARS
    ? undefined
    : `${flag} is ${length} characters long; keep it to ${MAX_REASON_CHARS} (say what and why, and link a ticket for the details)`;
}

/** How long a verified identity of long-term keys is trusted before STS is asked again. */
export const IDENTITY_TTL_SECONDS = 12 * 3_600;

/**
 * Version of the on-disk cache entry formats; an entry of another version is ignored. Bump it
 * also when policy validation or compilation changes: the cold path reuses a cached validated
 * policy document, and a credential entry carries a slice of its policy.
 */
export const CACHE_FORMAT = 5;

/**
 * How far ahead of this machine's clock a stored record's own time may lie (another machine's
 * clock a little ahead) before the record counts as stamped in the future and grants nothing; and
 * how far this clock may differ from the store's before a break-glass invocation is refused.
 */
export const MAX_CLOCK_SKEW_SECONDS = 120;

/** Whether `seconds` is a session length STS accepts. */
export function isStsDuration(seconds: number): boolean {
  return Number.isSafeInteger(seconds) && seconds >= STS_MIN_DURATION_SECONDS &&
    seconds <= STS_MAX_DURATION_SECONDS;
}

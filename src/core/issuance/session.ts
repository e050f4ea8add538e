/**
 * How long a role session may last: the requested (or profile) duration, capped by the rule's
 * `max_duration` and by the end of whatever window lent the access (an approval, a break-glass
 * event), within STS's limits. Pure: the time is an argument.
 *
 * @example
 * ```ts
 * import { sessionLength } from "./session.ts";
 *
 * const length = sessionLength({ requestedSeconds: 7200, ruleMaxSeconds: 3600 });
 * console.assert(length.ok && length.seconds === 3600);
 * ```
 * @module
 */
import {
  DEFAULT_SESSION_SECONDS,
  STS_MAX_DURATION_SECONDS,
  STS_MIN_DURATION_SECONDS,
} from "../limits.ts";

/** What decides a session's length. */
export interface SessionLimits {
  /** `--duration` or the profile's `duration_seconds`. */
  requestedSeconds?: number;
  /** The deciding rule's `max_duration`. */
  ruleMaxSeconds?: number;
  /** When the approval or break-glass window ends (epoch ms); sessions never outlive it. */
  windowEndsAt?: number;
  /** Now, epoch ms (needed with `windowEndsAt`). */
  now?: number;
}

/** A length STS can issue, or why none fits in the window. */
export type SessionLength =
  | { ok: true; seconds: number }
  | { ok: false; remainingSeconds: number };

/**
 * The session length to ask STS for. When a window ends in less than STS's 900 s minimum, no
 * session fits: the caller refuses and says how much time was left (an STS session would outlive
 * the window it was granted under).
 */
export function sessionLength(limits: SessionLimits): SessionLength {
  let seconds = Math.min(
    limits.requestedSeconds ?? DEFAULT_SESSION_SECONDS,
    limits.ruleMaxSeconds ?? STS_MAX_DURATION_SECONDS,
    STS_MAX_DURATION_SECONDS,
  );
  if (limits.windowEndsAt !== undefined) {
    const remaining = Math.floor((limits.windowEndsAt - (limits.now ?? 0)) / 1000);
    if (remaining < STS_MIN_DURATION_SECONDS) {
      return { ok: false, remainingSeconds: Math.max(0, remaining) };
    }
    seconds = Math.min(seconds, remaining);
  }
  return { ok: true, seconds: Math.max(STS_MIN_DURATION_SECONDS, seconds) };
}

/**
 * The least time a session must be usable before its refresh window begins. With less, every
 * session would be stale on arrival: an AssumeRole and a decision-log line per call, and
 * `exec --server` clients told their credentials are already expiring. Kept small on purpose: a
 * short use is a valid (if costly) choice, and tests use it to see refreshes within seconds.
 */
export const MIN_SESSION_USE_SECONDS = 5;

/**
 * How long a session of `sessionSeconds` is used before `refreshWindowSeconds` takes it for a
 * refresh, or `undefined` when that is under {@link MIN_SESSION_USE_SECONDS} (the refresh window
 * is too long for the session: a configuration error).
 *
 * @example
 * ```ts
 * import { sessionUseSeconds } from "./session.ts";
 *
 * console.assert(sessionUseSeconds(3600, 300) === 3300);
 * console.assert(sessionUseSeconds(900, 898) === undefined);
 * ```
 */
export function sessionUseSeconds(
  sessionSeconds: number,
  refreshWindowSeconds: number,
): number | undefined {
  const use = sessionSeconds - refreshWindowSeconds;
  return use >= MIN_SESSION_USE_SECONDS ? use : undefined;
}

/**
 * When a cached entry may still be used. Every rule here refuses an entry stamped in the future:
 * after a clock that was once ahead (an NTP step, a VM resumed), "fetched within the TTL" must not
 * keep a revoked policy, identity or session alive. Pure: `now` is an argument.
 *
 * @example
 * ```ts
 * import { withinTtl } from "./freshness.ts";
 *
 * console.assert(withinTtl(1_000, 300, 200_000));       // fetched 199 s ago, TTL 300 s
 * console.assert(!withinTtl(900_000, 300, 200_000));    // stamped in the future
 * ```
 * @module
 */

/** Stamped at `stampedAt` (epoch ms), not in the future, and younger than `ttlSeconds`. */
export function withinTtl(stampedAt: number, ttlSeconds: number, now: number): boolean {
  return stampedAt <= now && now - stampedAt < ttlSeconds * 1000;
}

/** What decides whether cached credentials may be handed out again. */
export interface CachedSession {
  issuedAt: number;
  /** Epoch ms. */
  expiration: number;
  sessionDurationSeconds: number;
  refreshWindowSeconds: number;
  /** The approval or break-glass window the session was issued under. */
  windowEndsAt?: number;
}

/**
 * Cached credentials are reusable when they were issued in the past, last no longer than they were
 * issued for, are not within the refresh window of expiry, and their grant's window is still open.
 */
export function sessionReusable(session: CachedSession, now: number): boolean {
  const slackMs = 60_000;
  return session.issuedAt <= now &&
    session.expiration - session.issuedAt <= session.sessionDurationSeconds * 1000 + slackMs &&
    session.expiration - now > session.refreshWindowSeconds * 1000 &&
    (session.windowEndsAt === undefined || now < session.windowEndsAt);
}

/** A verified identity is trusted from when STS said so until the base credential's end. */
export function identityTrusted(verifiedAt: number, validUntil: number, now: number): boolean {
  return verifiedAt <= now && now < validUntil;
}

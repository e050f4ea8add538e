/**
 * Per-caller rate limits of the broker: a token bucket per key (the caller's access key, the
 * client's address), refilled at `perSecond` up to `burst`. The table of buckets is bounded: past
 * `maxKeys` the least recently used bucket is forgotten (a forgotten caller starts full again, so
 * a flood of made-up keys costs the flooder its own requests, not memory). Time is an argument.
 *
 * @example
 * ```ts
 * import { RateLimiter } from "./rate_limit.ts";
 *
 * const limits = new RateLimiter({ perSecond: 1, burst: 2, maxKeys: 100 });
 * console.assert(limits.take("AKIA1", 0).ok && limits.take("AKIA1", 0).ok);
 * const third = limits.take("AKIA1", 0);
 * console.assert(!third.ok && third.retryAfterMs === 1000);
 * ```
 * @module
 */

/** A bucket's shape. */
export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** The most tokens a bucket holds (the burst a caller may make at once). */
  burst: number;
  /** The most buckets kept. */
  maxKeys: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by key. */
export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit) {
    this.#limit = limit;
  }

  /** Takes one token of `key`'s bucket at `now` (epoch ms), or says when the next one comes. */
  take(key: string, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const { perSecond, burst, maxKeys } = this.#limit;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now };
    this.#buckets.delete(key); // re-inserted below: the map's order is the order of last use
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    const tokens = Math.min(burst, bucket.tokens + elapsed * perSecond);
    const ok = tokens >= 1;
    this.#buckets.set(key, { tokens: ok ? tokens - 1 : tokens, at: Math.max(now, bucket.at) });
    if (this.#buckets.size > maxKeys) {
      this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    return ok ? { ok } : { ok, retryAfterMs: Math.ceil(((1 - tokens) / perSecond) * 1000) };
  }

  /** How many keys have a bucket. */
  get size(): number {
    return this.#buckets.size;
  }
}

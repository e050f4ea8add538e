/**
 * Rate limits of the broker: a token bucket per key (a caller's access key at an address, an
 * address), refilled at `perSecond` up to `burst`; and the set of callers recently proven at an
 * address, who skip the newcomers' bucket (app/broker/routes.ts says how the two combine). Both
 * tables are bounded: past `maxKeys` the least recently used entry is forgotten (a forgotten
 * caller starts full again, or is a newcomer again, so a flood of made-up keys costs the flooder
 * its own requests, not memory). Time is an argument.
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

/**
 * Keys proven recently: each is remembered for `forMs` after its last proof, and at most
 * `maxKeys` are (past it the least recently proven is forgotten, and is a newcomer again).
 *
 * @example
 * ```ts
 * import { RecentlyProven } from "./rate_limit.ts";
 *
 * const proven = new RecentlyProven({ forMs: 60_000, maxKeys: 100 });
 * proven.add("AKIA1 10.0.0.7", 0);
 * console.assert(proven.has("AKIA1 10.0.0.7", 59_999) && !proven.has("AKIA1 10.0.0.7", 60_000));
 * ```
 */
export class RecentlyProven {
  readonly #forMs: number;
  readonly #maxKeys: number;
  readonly #until = new Map<string, number>();

  constructor(options: { forMs: number; maxKeys: number }) {
    this.#forMs = options.forMs;
    this.#maxKeys = options.maxKeys;
  }

  /** Remembers `key` as proven at `now`. */
  add(key: string, now: number): void {
    this.#until.delete(key); // re-inserted: the map's order is the order of last proof
    this.#until.set(key, now + this.#forMs);
    if (this.#until.size > this.#maxKeys) this.#until.delete(this.#until.keys().next().value!);
  }

  /** Whether `key` was proven less than `forMs` before `now`. */
  has(key: string, now: number): boolean {
    const until = this.#until.get(key);
    return until !== undefined && now < until;
  }
}

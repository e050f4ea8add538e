/**
 * Time and randomness as ports: the core never reads a clock or draws a random number; use cases
 * get them from here, and tests pass fixed ones.
 *
 * @module
 */

/** The current time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves once `ms` milliseconds have passed on this clock (a poll's pause). */
  sleep(ms: number): Promise<void>;
}

/** Fresh random ids. */
export interface IdSource {
  /** 16 lowercase hex digits (64 random bits). */
  newId(): string;
}

/**
 * The decision journal: the local hash-chained log every decision is written to before any
 * credentials leave the process (copies to log-sink plugins go through the plugin port).
 *
 * @module
 */

/** The local decision log. */
export interface DecisionLog {
  /** Appends one record whole or not at all; throws when it cannot (the caller fails closed). */
  append(path: string, record: Record<string, unknown>): Promise<void>;
}

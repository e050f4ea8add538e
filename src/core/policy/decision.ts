/**
 * What a policy decides for one request: the matching rule's effect, name, index, reason and
 * session cap — or the default deny. Its own small module so that the warm credential path can
 * hold decisions without loading the evaluator.
 *
 * @module
 */
import type { Effect } from "./schema.ts";

/** The outcome of an evaluation. */
export interface Decision {
  readonly effect: Effect;
  /** The matching rule's name, or `null` for the default deny. */
  readonly rule: string | null;
  /** The matching rule's index, or -1 for the default deny. */
  readonly ruleIndex: number;
  readonly reason: string;
  /** The rule's `max_duration` in seconds, when it sets one. */
  readonly maxDurationSeconds?: number;
}

/** The decision when no rule matches. */
export const DEFAULT_DENY: Decision = Object.freeze({
  effect: "deny",
  rule: null,
  ruleIndex: -1,
  reason: "no rule matched (default deny)",
});

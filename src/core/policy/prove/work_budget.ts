/**
 * The work a proof may do. Some patterns need exponentially many automaton states (`*a` and two
 * dozen `?`, or twenty `*x*` that can all match one name), and some policies make millions of
 * combinations to compare; every step of the proof spends from one budget, and past it the proof
 * stops with `proof_too_large` — within seconds, never a run of minutes.
 *
 * @example
 * ```ts
 * import { WorkBudget } from "./work_budget.ts";
 *
 * const budget = new WorkBudget(100);
 * budget.spend(60, "names");
 * let stopped = false;
 * try {
 *   budget.spend(60, "names");
 * } catch {
 *   stopped = true;
 * }
 * console.assert(stopped);
 * ```
 * @module
 */
import { SentinelError } from "../../errors.ts";

/**
 * Units of work, each about 20 ns on a laptop core (a character stepped through one automaton
 * state, an interval asked of one window): a few seconds in all.
 */
export const PROOF_WORK_UNITS = 300_000_000;

/** What a proof may still spend. */
export class WorkBudget {
  #left: number;

  constructor(units = PROOF_WORK_UNITS) {
    this.#left = units;
  }

  /** Spends `units` on `what`; @throws SentinelError `proof_too_large` past the budget. */
  spend(units: number, what: string | (() => string)): void {
    this.#left -= units;
    if (this.#left >= 0) return;
    throw new SentinelError(
      "proof_too_large",
      `the proof needs more work than it may do (${
        PROOF_WORK_UNITS.toLocaleString("en-US")
      } steps): ${
        typeof what === "string" ? what : what()
      }. Compare the change in smaller steps, or replay it on the decision log with \`sentinel policy impact\``,
    );
  }
}

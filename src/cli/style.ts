/**
 * A little colour for people at a terminal: ✓ and ALLOW in green, ✗ and DENY in red, warnings and
 * REQUIRE_APPROVAL in yellow — never in a pipe or a file, never with `NO_COLOR` set, always with
 * `FORCE_COLOR` set (to anything but `0`; `NO_COLOR` wins). Pure: the decision's inputs are
 * arguments.
 *
 * @module
 */

/** Paints text, or leaves it as it is. */
export interface Style {
  readonly enabled: boolean;
  ok(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  /** A policy effect (`allow`, `deny`, `require_approval`) in its colour. */
  effect(effect: string, text?: string): string;
}

/** Whether to colour: NO_COLOR (any value) off, FORCE_COLOR (not "0") on, else only a terminal. */
export function colourWanted(env: (key: string) => string | undefined, terminal: boolean): boolean {
  if (env("NO_COLOR") !== undefined) return false;
  const force = env("FORCE_COLOR");
  if (force !== undefined) return force !== "0" && force !== "false";
  return terminal;
}

const paint = (code: number) => (text: string) => `\x1b[${code}m${text}\x1b[0m`;
const plain = (text: string) => text;

/** The style for one stream. */
export function styleFor(enabled: boolean): Style {
  const ok = enabled ? paint(32) : plain;
  const bad = enabled ? paint(31) : plain;
  const warn = enabled ? paint(33) : plain;
  return {
    enabled,
    ok,
    bad,
    warn,
    dim: enabled ? paint(2) : plain,
    effect: (effect, text = effect.toUpperCase()) =>
      effect === "allow" ? ok(text) : effect === "deny" ? bad(text) : warn(text),
  };
}

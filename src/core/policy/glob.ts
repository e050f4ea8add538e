/**
 * Glob patterns for names: `*` matches any run of characters (also none), `?` exactly one; every
 * other character matches itself, case-sensitively. Patterns are compiled once into matchers.
 *
 * @example
 * ```ts
 * const matches = compileNameMatcher(["prod", "staging-*"]);
 * matches("staging-eu"); // true
 * matches("Prod"); // false: names compare case-sensitively
 * ```
 * @module
 */

/** A compiled list of names and patterns: true when any of them matches. */
export type NameMatcher = (name: string) => boolean;

/** Whether the text contains a wildcard and is therefore a pattern, not a literal name. */
export function isGlob(text: string): boolean {
  return text.includes("*") || text.includes("?");
}

/** Compiles one glob pattern into an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let source = "^";
  for (const char of pattern) {
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(source + "$", "u");
}

/** Whether `name` matches the glob `pattern`. Compiles on every call: prefer {@link compileNameMatcher}. */
export function globMatches(pattern: string, name: string): boolean {
  return isGlob(pattern) ? globToRegExp(pattern).test(name) : pattern === name;
}

/**
 * Compiles a list of names and glob patterns into one matcher. Literal names are looked up in a
 * set; patterns are tried in order; a lone `*` short-circuits to "always".
 */
export function compileNameMatcher(patterns: readonly string[]): NameMatcher {
  const literals = new Set<string>();
  const globs: RegExp[] = [];
  for (const pattern of patterns) {
    if (pattern === "*") return () => true;
    if (isGlob(pattern)) globs.push(globToRegExp(pattern));
    else literals.add(pattern);
  }
  if (globs.length === 0) {
    if (literals.size === 1) {
      const [only] = literals;
      return (name) => name === only;
    }
    return (name) => literals.has(name);
  }
  return (name) => {
    if (literals.has(name)) return true;
    for (const glob of globs) if (glob.test(name)) return true;
    return false;
  };
}

/**
 * Whether every name that `inner` matches is also matched by `outer` — exact for literals and
 * for `*`, conservative (false when unsure) for two non-trivial patterns. Used by lint.
 */
export function globCovers(outer: string, inner: string): boolean {
  if (outer === inner || outer === "*") return true;
  if (!isGlob(inner)) return globMatches(outer, inner);
  // A pattern covers another when it matches the other's text with each wildcard read literally,
  // and the outer's wildcards are all `*` (a `*` in the inner can stand for any length).
  if (outer.includes("?")) return false;
  return globToRegExp(outer).test(inner);
}

/**
 * Whether some name could match both patterns — exact when either is a literal, otherwise a
 * conservative yes (lint only uses it to warn).
 */
export function globsMayOverlap(a: string, b: string): boolean {
  if (!isGlob(a)) return globMatches(b, a);
  if (!isGlob(b)) return globMatches(a, b);
  return true;
}

/**
 * Patterns that name principals (`users`, `approvers`, `reviewers`, `auto_approve.users`): a
 * principal is named either plainly (`alice`, `Ops/alice`: an identity of an account the policy
 * trusts for plain names) or by its ARN (anyone else). The two never mix: a plain pattern —
 * `"*"` included — matches only plain names, and only a pattern that is itself an ARN
 * (`arn:aws:iam::111122223333:user/*`) matches an ARN. So a name from another account, or one
 * its bearer chose, never stands in for a name the policy lists unless the policy says so.
 *
 * @example
 * ```ts
 * import { compilePrincipalMatcher } from "./principal.ts";
 *
 * const anyone = compilePrincipalMatcher(["*"]);
 * console.assert(anyone("bob") && !anyone("arn:aws:iam::999999999999:user/bob"));
 * const partner = compilePrincipalMatcher(["arn:aws:iam::999999999999:user/*"]);
 * console.assert(partner("arn:aws:iam::999999999999:user/bob") && !partner("bob"));
 * ```
 * @module
 */
import { compileNameMatcher, type NameMatcher } from "./glob.ts";

/** Whether a principal name is an ARN (an identity named by its ARN, or an ARN pattern). */
export function isArnName(name: string): boolean {
  return name.startsWith("arn:");
}

/** Compiles principal patterns: ARN patterns match ARN names, plain patterns plain names. */
export function compilePrincipalMatcher(patterns: readonly string[]): NameMatcher {
  const arns = patterns.filter(isArnName);
  const plain = patterns.filter((pattern) => !isArnName(pattern));
  const never: NameMatcher = () => false;
  const byArn = arns.length > 0 ? compileNameMatcher(arns) : never;
  const byName = plain.length > 0 ? compileNameMatcher(plain) : never;
  return (name) => isArnName(name) ? byArn(name) : byName(name);
}

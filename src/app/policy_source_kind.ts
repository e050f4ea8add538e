/**
 * Policy sources are `ssm:<parameter name>` or a file path.
 *
 * @module
 */

/** `ssm:/sentinel/policy` → `/sentinel/policy`; `undefined` for a file path. */
export function ssmParameterNameOf(source: string): string | undefined {
  return source.startsWith("ssm:") ? source.slice(4) : undefined;
}

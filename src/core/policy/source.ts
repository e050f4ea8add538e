/**
 * Where a policy comes from: `ssm:<parameter name>` or a file path. No npm imports: the warm path
 * reads the source of a cached policy.
 *
 * @example
 * ```ts
 * import { policySourceOf } from "./source.ts";
 *
 * console.assert(policySourceOf("ssm:/sentinel/policy").kind === "ssm");
 * console.assert(policySourceOf("./policy.yaml").kind === "file");
 * ```
 * @module
 */
import { SentinelError } from "../errors.ts";

/** A policy source. */
export type PolicySource =
  | { kind: "ssm"; parameter: string; text: string }
  | { kind: "file"; path: string; text: string };

/** Parses a source as written in settings and flags. */
export function policySourceOf(text: string): PolicySource {
  if (!text.startsWith("ssm:")) return { kind: "file", path: text, text };
  const parameter = text.slice(4);
  if (!/^[A-Za-z0-9_.\/-]{1,2048}$/.test(parameter)) {
    throw new SentinelError(
      "usage",
      `"${text}" is not an SSM parameter; write ssm:<name>, for example ssm:/sentinel/policy`,
    );
  }
  return { kind: "ssm", parameter, text };
}

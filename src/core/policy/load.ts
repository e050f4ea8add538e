/**
 * How policy text becomes a validated document: invalid text is a {@link SentinelError} with exit
 * code 3 and every issue as a detail line. Pure.
 *
 * @example
 * ```ts
 * import { validatePolicyText } from "./load.ts";
 *
 * const loaded = validatePolicyText('version: "1"\nrules:\n  - { name: all, effect: deny }\n', "p.yaml");
 * console.assert(loaded.document.rules.length === 1);
 * ```
 * @module
 */
import { SentinelError } from "../errors.ts";
import type { Locate } from "../text/yaml_source.ts";
import { formatIssue, parsePolicy } from "./parse.ts";
import type { PolicyDocument } from "./schema.ts";

/** A validated policy and where it came from. */
export interface LoadedPolicy {
  source: string;
  text: string;
  document: PolicyDocument;
  locate: Locate;
}

/** Parses and validates policy text; throws exit code 3 with every issue. */
export function validatePolicyText(text: string, source: string): LoadedPolicy {
  const result = parsePolicy(text);
  if (!result.ok) {
    const count = result.issues.length;
    throw new SentinelError(
      "invalid_config",
      `invalid policy ${source}: ${count} ${
        count === 1 ? "error" : "errors"
      }; fix them and run \`sentinel policy validate ${source}\``,
      { details: result.issues.map((issue) => formatIssue(issue, source)) },
    );
  }
  return { source, text, document: result.policy, locate: result.locate };
}

/**
 * Helpers for the policy unit tests: build a compiled policy from YAML text, failing loudly when
 * the text is not a valid policy.
 *
 * @module
 */
import { type CompiledPolicy, compilePolicy } from "../../src/core/policy/evaluate.ts";
import { formatIssue, parsePolicy } from "../../src/core/policy/parse.ts";
import type { PolicyDocument } from "../../src/core/policy/schema.ts";

/** Parses and validates YAML, throwing with every issue when it is invalid. */
export function policyFromYaml(text: string): PolicyDocument {
  const result = parsePolicy(text);
  if (!result.ok) {
    throw new Error(result.issues.map((i) => formatIssue(i, "<policy>")).join("\n"));
  }
  return result.policy;
}

/** Parses, validates and compiles YAML. */
export function compiledFromYaml(text: string): CompiledPolicy {
  return compilePolicy(policyFromYaml(text));
}

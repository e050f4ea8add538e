/**
 * The credential_process loop guard: every Sentinel process that resolves a profile lists it in
 * `SENTINEL_RESOLVING` for its children (aws-vault, the SDK's credential_process), and refuses to
 * resolve a profile already on that list. No npm imports: used on the warm path.
 *
 * @module
 */
import { SentinelError } from "../../core/errors.ts";

/** Environment variable listing the profiles being resolved, as a JSON array of names. */
export const RESOLVING_ENV = "SENTINEL_RESOLVING";

/** The chain as {@link RESOLVING_ENV} holds it: JSON, so any profile name (commas too) fits. */
export function encodeChain(chain: readonly string[]): string {
  return JSON.stringify(chain);
}

/** The profiles on the chain; a value that is not a JSON list of names counts as one name. */
function decodeChain(value: string | undefined): string[] {
  if (value === undefined || value === "") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && parsed.every((name) => typeof name === "string")) return parsed;
  } catch {
    // not JSON: below
  }
  return [value];
}

/** Fails fast when this process was started, directly or not, to resolve the same profile. */
export function guardRecursion(profile: string, env: Record<string, string>): string[] {
  const chain = decodeChain(env[RESOLVING_ENV]);
  if (chain.includes(profile)) {
    throw new SentinelError(
      "invalid_config",
      `credential_process loop: resolving profile ${profile} asked Sentinel for ${profile} again (${
        [...chain, profile].join(" -> ")
      }); point the source profile at base credentials that do not run \`sentinel credentials ${profile}\``,
    );
  }
  return [...chain, profile];
}

/**
 * The credential_process loop guard: every Sentinel process that resolves a profile lists it in
 * `SENTINEL_RESOLVING` for its children (aws-vault, the SDK's credential_process), and refuses to
 * resolve a profile already on that list. No npm imports: used on the warm path.
 *
 * @module
 */
import { ExitCode, SentinelError } from "../core/errors.ts";

/** Environment variable listing the profiles being resolved. */
export const RESOLVING_ENV = "SENTINEL_RESOLVING";

/** Fails fast when this process was started, directly or not, to resolve the same profile. */
export function guardRecursion(profile: string, env: Record<string, string>): string[] {
  const chain = (env[RESOLVING_ENV] ?? "").split(",").filter((p) => p !== "");
  if (chain.includes(profile)) {
    throw new SentinelError(
      ExitCode.InvalidConfig,
      `credential_process loop: resolving profile ${profile} asked Sentinel for ${profile} again (${
        [...chain, profile].join(" -> ")
      }); point the source profile at base credentials that do not run \`sentinel credentials ${profile}\``,
    );
  }
  return [...chain, profile];
}

/**
 * The profile a command acts on, named either as its argument (`sentinel credentials prod`) or in
 * Sentinel v1's spelling (`--profile prod`) — never two different ones: which one wins would be a
 * guess, and a session for the wrong account is worse than a usage error.
 *
 * @example
 * ```ts
 * import { profileArgument } from "./profile_argument.ts";
 *
 * console.assert(profileArgument("credentials", "prod", undefined) === "prod");
 * console.assert(profileArgument("credentials", undefined, "prod") === "prod");
 * ```
 * @module
 */
import { displaySafe } from "../core/text/display.ts";
import { SentinelError } from "../core/errors.ts";

/** The one profile named; exit 2 when none is, or two different ones are. */
export function profileArgument(
  command: string,
  positional: string | undefined,
  flag: string | undefined,
  usage = `sentinel ${command} <profile>`,
): string {
  if (positional !== undefined && flag !== undefined && positional !== flag) {
    throw new SentinelError(
      "usage",
      `two profiles named: ${displaySafe(positional)} and --profile ${
        displaySafe(flag)
      }; name one (${usage})`,
    );
  }
  const profile = positional ?? flag;
  if (profile === undefined) throw new SentinelError("usage", `name the profile: ${usage}`);
  return profile;
}

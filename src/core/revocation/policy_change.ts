/**
 * Who a policy change takes access from (issue 21, `policy push`): every person a rule of either
 * policy names (patterns and rules without users cannot be listed, so they are reported apart), on
 * every profile given, evaluated now (not at other times of day) in every credential mode — someone the old policy allowed in a mode and the new
 * one does not (it denies, or now requires approval) has sessions the new policy would not issue.
 * Pure.
 *
 * @module
 */
import { compilePolicy, type Decision, evaluate } from "../policy/evaluate.ts";
import { isGlob } from "../policy/glob.ts";
import { CREDENTIAL_MODES, type PolicyDocument } from "../policy/schema.ts";

/** A profile the policy decides for, and its role. */
export interface DecidedProfile {
  profile: string;
  roleArn: string;
}

/** One person who loses access to one profile. */
export interface LostAccess {
  user: string;
  profile: string;
  roleArn: string;
  /** What the old policy decided (an allow) and what the new one decides, in the first mode lost. */
  was: Decision;
  now: Decision;
}

/** Who loses access, and the user patterns that could not be listed. */
export interface PolicyChangeImpact {
  lost: LostAccess[];
  /**
   * Who could not be listed: user patterns (`dev-*`), and the people of rules that name no users
   * — those people were not checked.
   */
  unlisted: string[];
}

/** Who `next` takes access from that `old` gave, on `profiles`, at `time`. */
export function accessLost(
  old: PolicyDocument,
  next: PolicyDocument,
  profiles: readonly DecidedProfile[],
  time: number,
): PolicyChangeImpact {
  const rules = [...old.rules, ...next.rules];
  const named = rules.flatMap((rule) => rule.conditions?.users ?? []);
  const users = [...new Set(named.filter((name) => !isGlob(name)))].sort();
  const everyone = rules.filter((rule) => !rule.conditions?.users?.length)
    .map((rule) => `everyone rule ${rule.name} matches (it names no users)`);
  const unlisted = [...new Set([...named.filter(isGlob), ...everyone])].sort();
  const [before, after] = [compilePolicy(old), compilePolicy(next)];
  const lost: LostAccess[] = [];
  for (const { profile, roleArn } of profiles) {
    for (const user of users) {
      for (const mode of CREDENTIAL_MODES) {
        const request = { user, profile, roleArn, time, mode };
        const was = evaluate(before, request);
        const now = evaluate(after, request);
        if (was.effect === "allow" && now.effect !== "allow") {
          lost.push({ user, profile, roleArn, was, now });
          break;
        }
      }
    }
  }
  return { lost, unlisted };
}

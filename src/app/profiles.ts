/**
 * `sentinel profiles` as a use case: every profile of the AWS config and credentials files, as
 * `aws-vault list` shows them, and for Sentinel's own — a profile with `sentinel_role_arn` or
 * `sentinel_policy`, or one a `credential_process` runs `sentinel credentials` for — the role, the
 * source profile and credential source (with what `auto` picks here), the policy, and whether a
 * cached session is still valid. A profile whose settings are broken is listed with the problem.
 *
 * @module
 */
import { filesResolve, knownProfiles } from "../core/aws_config/profile.ts";
import { issuanceSettings } from "../core/issuance/settings.ts";
import type { Deps } from "../ports/deps.ts";
import { frontProfiles } from "./doctor.ts";

/** One profile as listed. */
export interface ProfileRow {
  name: string;
  /** `sentinel`: guarded by Sentinel; `front`: its credential_process asks Sentinel for `target`. */
  kind: "sentinel" | "front" | "plain";
  /** For a front profile: the Sentinel profile it asks for. */
  target?: string;
  roleArn?: string;
  sourceProfile?: string;
  /** The configured source (`auto`, `aws-vault`, `sdk`, `env`). */
  source?: string;
  /** For `auto`: what it picks on this machine. */
  autoPicks?: "aws-vault" | "sdk";
  policy?: string;
  /** Where the profile's own keys are: the credentials file and/or aws-vault. */
  credentials: ("credentials-file" | "aws-vault")[];
  /** The latest cached session that has not expired (Sentinel profiles only). */
  session?: { user: string; expiresAt: number };
  /** Why the Sentinel settings cannot be resolved. */
  problem?: string;
}

/** Every profile, sorted by name, with where the files are. */
export async function listProfiles(
  deps: Deps,
): Promise<{ configPath: string; credentialsPath: string; profiles: ProfileRow[] }> {
  const config = await deps.config.load();
  const system = await deps.system();
  const awsVault = system.which("aws-vault") !== undefined;
  const held = awsVault ? await system.awsVaultCredentials().catch(() => undefined) : undefined;
  const now = deps.clock.now();
  const sessions = (await deps.cache.listSessions().catch(() => []))
    .filter((session) => session.expiration > now);
  const fronts = frontProfiles(config.aws);
  const rows = knownProfiles(config.aws).map((name): ProfileRow => {
    const section = config.aws.profiles.get(name) ?? {};
    const credentials: ProfileRow["credentials"] = [
      ...(config.aws.credentials.has(name) ? ["credentials-file" as const] : []),
      ...(held?.includes(name) ? ["aws-vault" as const] : []),
    ];
    const front = fronts.find((f) => f.name === name && f.target !== name);
    if (front !== undefined) return { name, kind: "front", target: front.target, credentials };
    const guarded = section.sentinel_role_arn !== undefined ||
      section.sentinel_policy !== undefined || fronts.some((f) => f.target === name);
    if (!guarded) return { name, kind: "plain", credentials };
    const session = sessions.filter((s) => s.profile === name)
      .sort((a, b) => b.expiration - a.expiration)[0];
    const row: ProfileRow = {
      name,
      kind: "sentinel",
      credentials,
      ...(session === undefined
        ? {}
        : { session: { user: session.user, expiresAt: session.expiration } }),
    };
    try {
      const settings = issuanceSettings(name, config.aws, config.sentinel, deps.env);
      row.roleArn = settings.roleArn;
      row.sourceProfile = settings.sourceProfile;
      row.source = settings.source;
      row.policy = settings.policy;
      if (settings.source === "auto" && settings.sourceProfile !== undefined) {
        row.autoPicks = !filesResolve(config.aws, settings.sourceProfile) && awsVault
          ? "aws-vault"
          : "sdk";
      }
    } catch (error) {
      row.problem = (error as Error).message;
    }
    return row;
  });
  return {
    configPath: config.aws.configPath,
    credentialsPath: config.aws.credentialsPath,
    profiles: rows,
  };
}

/**
 * `sentinel cache list | clear [profile]`: what the local issuance cache holds (sessions with
 * their user, role, policy and expiry — never a key) and a way to drop it, for one profile or all.
 * Clearing a profile that is neither in the AWS files nor in the cache is a usage error with the
 * near names (a typo must not read as "removed 0").
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { knownProfiles, unknownProfileMessage } from "../core/aws_config/profile.ts";
import { formatDuration } from "../core/text/duration.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import type { CachedSession } from "../ports/cache.ts";
import { declare } from "./_command.ts";
import type { Answer, CommandContext } from "./context.ts";
import { counted, isoSeconds, shortTime, table } from "./render.ts";

const UNREADABLE = [ExitCode.Internal, "the cache cannot be read"] as const;

function sessionsAnswer(dir: string, sessions: readonly CachedSession[], now: number): Answer {
  return {
    json: {
      dir,
      sessions: sessions.map((s) => ({
        profile: s.profile,
        user: s.user,
        role_arn: s.roleArn,
        policy: s.policySource,
        source_identity: s.sourceIdentity,
        issued_at: isoSeconds(s.issuedAt),
        expires_at: isoSeconds(s.expiration),
        expired: s.expiration <= now,
      })),
    },
    text: () =>
      sessions.length === 0 ? `no cached sessions in ${dir}\n` : table(
        ["PROFILE", "USER", "EXPIRES", "LEFT", "ROLE", "POLICY"],
        sessions.map((s) => [
          s.profile,
          s.user,
          shortTime(s.expiration),
          s.expiration <= now ? "expired" : formatDuration(Math.round((s.expiration - now) / 1000)),
          s.roleArn,
          s.policySource,
        ]),
      ),
  };
}

/** `cache list`. */
function listCommand(ctx: CommandContext) {
  return declare(
    new Command("list")
      .description("List cached sessions: profile, user, role, policy, expiry (no secrets)"),
    {
      exits: [ExitCode.Ok, UNREADABLE],
      examples: ["sentinel cache list", "sentinel cache list --output json"],
    },
  ).action(
    ctx.action(async () =>
      sessionsAnswer(ctx.deps.cache.dir, await ctx.deps.cache.listSessions(), ctx.deps.clock.now())
    ),
  );
}

/** Clearing a profile nobody knows is a typo, not "removed 0". */
async function refuseUnknown(ctx: CommandContext, profile: string): Promise<void> {
  const { aws } = await ctx.deps.config.load();
  if (knownProfiles(aws).includes(profile)) return;
  throw new SentinelError(
    "unknown_profile",
    `nothing was removed: ${
      unknownProfileMessage(aws, profile)
    }, and nothing is cached for it; run \`sentinel cache list\` to see what is cached`,
  );
}

type Cleared = Awaited<ReturnType<CommandContext["deps"]["cache"]["clear"]>>;

function clearedText(dir: string, profile: string | undefined, cleared: Cleared): string {
  return profile !== undefined
    ? `removed ${counted(cleared.sessions, "cached session", "cached sessions")} of ${profile}\n`
    : `removed ${counted(cleared.sessions, "session", "sessions")}, ${
      counted(cleared.policies, "policy", "policies")
    } and ${counted(cleared.identities, "identity", "identities")} from ${dir}\n`;
}

/** `cache clear [profile]`. */
function clearCommand(ctx: CommandContext) {
  return declare(
    new Command("clear")
      .description("Remove cached sessions of a profile, or everything cached")
      .argument(
        "[profile]",
        "only this profile's sessions (default: sessions, policies, identities)",
      ),
    {
      exits: [
        [ExitCode.Ok, "ok (also when there was nothing to remove)"],
        [ExitCode.Usage, "no such profile (neither in the AWS files nor in the cache)"],
        [ExitCode.InvalidConfig, "the cache folder is a symbolic link (nothing removed)"],
      ],
      examples: [
        "sentinel cache clear prod       # prod's sessions: the next call issues afresh",
        "sentinel cache clear            # everything: sessions, cached policies, verified identities",
      ],
    },
  ).action(ctx.action(async (profile): Promise<Answer> => {
    const cleared = await ctx.deps.cache.clear(profile);
    if (profile !== undefined && cleared.sessions === 0) await refuseUnknown(ctx, profile);
    return {
      json: { profile: profile ?? null, ...cleared },
      text: () => clearedText(ctx.deps.cache.dir, profile, cleared),
    };
  }));
}

/** Builds `cache` with `list` and `clear`. */
export function cacheCommand(ctx: CommandContext) {
  const cache = declare(
    new Command("cache")
      .description("Show or clear the local cache of issued sessions, policies and identities"),
    {
      about: `
The cache directory is $SENTINEL_CACHE_DIR (default $XDG_CACHE_HOME/sentinel). Clearing it is
always safe: the next call decides and issues afresh.`,
      exits: [ExitCode.Ok, UNREADABLE],
      examples: ["sentinel cache list", "sentinel cache clear prod", "sentinel cache clear"],
    },
  );
  cache.addCommand(listCommand(ctx));
  cache.addCommand(clearCommand(ctx));
  return cache;
}

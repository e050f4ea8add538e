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
import { SentinelError } from "../core/errors.ts";
import { type CommandContext, writeJson } from "./context.ts";
import { counted, isoSeconds, shortTime, table } from "./render.ts";

/** Builds `cache` with `list` and `clear`. */
export function cacheCommand(ctx: CommandContext) {
  const cache = new Command("cache")
    .description("Show or clear the local cache of issued sessions, policies and identities")
    .addHelpText(
      "after",
      `
The cache directory is $SENTINEL_CACHE_DIR (default $XDG_CACHE_HOME/sentinel). Clearing it is
always safe: the next call decides and issues afresh.

Exit codes: 0 ok, 1 the cache cannot be read.

Examples:
  $ sentinel cache list
  $ sentinel cache clear prod
  $ sentinel cache clear`,
    );
  cache.addCommand(
    new Command("list")
      .description("List cached sessions: profile, user, role, policy, expiry (no secrets)")
      .addHelpText(
        "after",
        `
Exit codes: 0 ok, 1 the cache cannot be read.

Examples:
  $ sentinel cache list
  $ sentinel cache list --output json`,
      )
      .action(ctx.action(async () => {
        const sessions = await ctx.deps.cache.listSessions();
        const now = ctx.deps.clock.now();
        if (ctx.output() === "json") {
          writeJson(ctx.io.stdout, {
            dir: ctx.deps.cache.dir,
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
          });
          return;
        }
        if (sessions.length === 0) {
          ctx.say(`no cached sessions in ${ctx.deps.cache.dir}\n`);
          return;
        }
        ctx.say(table(
          ["PROFILE", "USER", "EXPIRES", "LEFT", "ROLE", "POLICY"],
          sessions.map((s) => [
            s.profile,
            s.user,
            shortTime(s.expiration),
            s.expiration <= now
              ? "expired"
              : formatDuration(Math.round((s.expiration - now) / 1000)),
            s.roleArn,
            s.policySource,
          ]),
        ));
      })),
  );
  cache.addCommand(
    new Command("clear")
      .description("Remove cached sessions of a profile, or everything cached")
      .argument(
        "[profile]",
        "only this profile's sessions (default: sessions, policies, identities)",
      )
      .addHelpText(
        "after",
        `
Exit codes: 0 ok (also when there was nothing to remove), 2 no such profile (neither in the
            AWS files nor in the cache), 3 the cache folder is a symbolic link (nothing removed).

Examples:
  $ sentinel cache clear prod       # prod's sessions: the next call issues afresh
  $ sentinel cache clear            # everything: sessions, cached policies, verified identities`,
      )
      .action(ctx.action(async (profile) => {
        const cleared = await ctx.deps.cache.clear(profile);
        if (profile !== undefined && cleared.sessions === 0) {
          const { aws } = await ctx.deps.config.load();
          if (!knownProfiles(aws).includes(profile)) {
            throw new SentinelError(
              "unknown_profile",
              `nothing was removed: ${
                unknownProfileMessage(aws, profile)
              }, and nothing is cached for it; run \`sentinel cache list\` to see what is cached`,
            );
          }
        }
        if (ctx.output() === "json") {
          writeJson(ctx.io.stdout, { profile: profile ?? null, ...cleared });
        } else if (profile !== undefined) {
          ctx.say(
            `removed ${
              counted(cleared.sessions, "cached session", "cached sessions")
            } of ${profile}\n`,
          );
        } else {
          ctx.say(
            `removed ${counted(cleared.sessions, "session", "sessions")}, ${
              counted(cleared.policies, "policy", "policies")
            } and ${
              counted(cleared.identities, "identity", "identities")
            } from ${ctx.deps.cache.dir}\n`,
          );
        }
      })),
  );
  return cache;
}

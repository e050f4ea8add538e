/**
 * `sentinel revoke --user <name> | --request <id> | --event <id> [--profiles …] [--dry-run]`:
 * cuts off sessions already issued, on each protected role, as the verified caller with their
 * own credentials (app/revoke.ts).
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { revoke, type RevokeOutcome, type RevokeTarget } from "../app/revoke.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { revocationJson } from "../core/revocation/record.ts";
import {
  REVOCATION_POLICY_NAME,
  ROLE_INLINE_POLICY_LIMIT,
} from "../core/revocation/role_policy.ts";
import { storeNamed } from "../core/store/location.ts";
import { declare } from "./_command.ts";
import { callerFlags, collect, withCallerFlags } from "./_flags.ts";
import type { Answer, CommandContext } from "./context.ts";
import { human, isoSeconds, storeJson } from "./render.ts";

const LIMIT = ROLE_INLINE_POLICY_LIMIT.toLocaleString("en");

const ABOUT = `
A Sentinel session lives until it expires (up to 12 h). Revoking writes, on each protected role,
the inline policy ${REVOCATION_POLICY_NAME}: it denies everything to sessions whose SourceIdentity
names the person (--user: every session of theirs; --request: the requester's sessions of that
request's role; --event: exactly the sessions of that break-glass event) and that were issued
before now. A role chained from those sessions keeps the stamp, and is cut off too where it is a
protected role in scope. Their next session, issued after it, is decided by the policy as usual;
others' sessions are not affected (but a name longer than the stamp keeps — about 37 characters —
also matches longer names that start the same way).

The roles: the request's or event's; for --user, those of --profiles and --role, else of every
Sentinel profile on this host; all of your credentials' account (another account's is refused).
The revocation is recorded in your store first (so revokers sharing that store and racing on a
role lose none), then each role's policy is written from every live revocation merged into what
IAM holds; statements older than 12 h are dropped, and a document that would pass IAM's ${LIMIT}
characters is consolidated into one statement (which denies more, never less). It is logged
(type revocation), announced to notifiers (credential_revoked), and cached sessions on this host
that it covers are no longer handed out (the warm path and exec --server get new ones).

Calls already in flight finish, and a service that cached the credentials is refused at its
next call. Your credentials (--aws-profile) need iam:GetRolePolicy and iam:PutRolePolicy on the
roles: \`sentinel enforce revocation-policy --print-iam\`. --dry-run reads the roles' policies
and prints the documents and what would change, recording and writing nothing.`;

/** Builds `revoke`. */
export function revokeCommand(ctx: CommandContext) {
  const command = declare(
    withCallerFlags(
      new Command("revoke")
        .description(
          "Cut off sessions already issued to a person, a request or a break-glass event",
        )
        .option("--user <name>", "the person, as the policy names them")
        .option("--request <id>", "an approval request: its requester's sessions of its role")
        .option("--event <id>", "a break-glass event: exactly its sessions")
        .option("--profiles <names>", "with --user: only these profiles' roles (comma-separated)")
        .option("--role <arn>", "with --user: a protected role by ARN (repeatable)", collect)
        .option("--reason <text>", "why, for the log and the notice")
        .option("--dry-run", "print the policies and what would change; write nothing"),
      "store only",
    ),
    {
      about: ABOUT,
      exits: [
        [ExitCode.Ok, "revoked (or, with --dry-run, printed)"],
        [ExitCode.Usage, "usage, or no such request or event"],
        [
          ExitCode.InvalidConfig,
          "a role's policy is not Sentinel's, would not fit, or is of another account",
        ],
        [ExitCode.AwsFailure, "AWS failure (IAM refused, unreachable)"],
        [ExitCode.Conflict, "a role's policy kept changing; the revocation is recorded: run again"],
      ],
      examples: [
        "sentinel revoke --user alice --reason 'left the team' --aws-profile admin",
        "sentinel revoke --user alice --profiles prod,prod-eu --dry-run",
        "sentinel revoke --user alice --role arn:aws:iam::123456789012:role/SentinelProd",
        "sentinel revoke --event 0123456789abcdef --aws-profile admin",
        "sentinel revoke --request 0123456789abcdef --output json",
      ],
    },
  );
  return command.action(ctx.action(async (options) => {
    const outcome = await revoke(ctx.deps, {
      target: targetOf(options),
      reason: options.reason ?? "",
      dryRun: options.dryRun === true,
    }, callerFlags(options));
    return revokeAnswer(outcome);
  }));
}

function targetOf(
  options: { user?: string; request?: string; event?: string; profiles?: string; role?: string[] },
): RevokeTarget {
  const named = [options.user, options.request, options.event].filter((v) => v !== undefined);
  if (named.length !== 1) {
    throw new SentinelError(
      "usage",
      "name exactly one of --user <name>, --request <id> or --event <id>",
    );
  }
  if (
    (options.profiles !== undefined || options.role !== undefined) && options.user === undefined
  ) {
    throw new SentinelError(
      "usage",
      "--profiles and --role go with --user (a request or event names its own role)",
    );
  }
  if (options.request !== undefined) return { kind: "request", id: options.request };
  if (options.event !== undefined) return { kind: "event", id: options.event };

  const user = options.user!;
  if (user.trim() === "" || /\p{Cc}/u.test(user) || user.length > 256) {
    throw new SentinelError("usage", "--user must be a name of 1 to 256 characters, no controls");
  }
  if (/[*?]/.test(user)) {
    throw new SentinelError(
      "usage",
      "--user names one person as the policy names them; * and ? are not patterns here (no identity's name holds them): revoke each person",
    );
  }
  const profiles = options.profiles?.split(",").map((p) => p.trim()).filter((p) => p !== "");
  if (profiles?.length === 0) {
    throw new SentinelError(
      "usage",
      "--profiles names no profile; name them (comma-separated), or leave the flag out for every Sentinel profile here",
    );
  }
  return {
    kind: "user",
    user,
    ...(profiles === undefined ? {} : { profiles }),
    ...(options.role === undefined ? {} : { roles: options.role }),
  };
}

function revokeAnswer(outcome: RevokeOutcome): Answer {
  return {
    json: {
      dry_run: outcome.dryRun,
      ...revocationJson({
        scope: outcome.scope,
        records: outcome.records,
        ...(outcome.byArn === undefined ? {} : { actorArn: outcome.byArn }),
      }),
      ...(outcome.dryRun ? { revocation_ids: [] } : {}),
      shared_prefix: outcome.sharedPrefix ?? null,
      source_identity_patterns: outcome.patterns,
      issued_before: new Date(outcome.before).toISOString(),
      roles: outcome.roles.map((role) => ({
        role_arn: role.roleArn,
        policy_name: REVOCATION_POLICY_NAME,
        size: role.size,
        limit: ROLE_INLINE_POLICY_LIMIT,
        writes: role.writes,
        collected: role.collected,
        consolidated: role.consolidated,
        changes: role.changes,
        document: role.document,
        current: role.current ?? null,
      })),
      ...storeJson(outcome.store),
    },
    text: () => revokeText(outcome),
  };
}

function revokeText(outcome: RevokeOutcome): string {
  const whose = outcome.scope.kind === "user"
    ? human`${outcome.scope.user}'s sessions`
    : outcome.scope.kind === "request"
    ? human`the sessions of request ${outcome.scope.requestId} (${outcome.scope.user})`
    : outcome.scope.kind === "event"
    ? human`the sessions of break-glass event ${outcome.scope.eventId} (${outcome.scope.user})`
    : human`${outcome.scope.user}'s sessions`;
  const lines = [
    outcome.dryRun
      ? human`dry run: ${whose} issued before ${
        isoSeconds(outcome.before)
      } would be revoked; nothing was recorded or written`
      : human`revoked ${whose} issued before ${isoSeconds(outcome.before)} (store: ${
        storeNamed(outcome.store)
      })`,
  ];
  if (outcome.sharedPrefix !== undefined) {
    lines.push(
      human`  a stamp keeps only the start of this name: every name starting with "${outcome.sharedPrefix}" is cut off too`,
    );
  }
  for (const role of outcome.roles) {
    const size = `${role.size} of ${ROLE_INLINE_POLICY_LIMIT} characters`;
    const done = outcome.dryRun
      ? "would be"
      : role.writes === 0
      ? "already held it"
      : `written (${role.writes} write${role.writes === 1 ? "" : "s"})`;
    lines.push(human`  ${role.roleArn}: ${REVOCATION_POLICY_NAME} ${done}, ${size}`);
    if (role.collected > 0) lines.push(`    ${role.collected} expired statement(s) dropped`);
    if (role.consolidated) {
      lines.push("    consolidated into one statement at the latest time to fit IAM's limit");
    }
    if (outcome.dryRun) {
      for (const change of role.changes) {
        lines.push(
          human`    ${
            change.change === "added" ? "+" : "-"
          } ${change.pattern} before ${change.before}`,
        );
      }
      lines.push(...JSON.stringify(role.document, null, 2).split("\n").map((l) => `    ${l}`));
    }
  }
  return lines.join("\n") + "\n";
}

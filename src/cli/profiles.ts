/**
 * `sentinel profiles`: the profiles of `~/.aws/config` (and the credentials file), as `aws-vault
 * list` shows them, with Sentinel's view of its own: role, source profile and credential source,
 * policy, and whether a cached session is still valid. Reads only; never asks AWS.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { listProfiles, type ProfileRow } from "../app/profiles.ts";
import { formatDuration } from "../core/text/duration.ts";
import { ExitCode } from "../core/errors.ts";
import { declare } from "./_command.ts";
import type { Answer, CommandContext } from "./context.ts";
import { isoSeconds, table } from "./render.ts";

const ABOUT = `
Like \`aws-vault list\`: one row per profile of $AWS_CONFIG_FILE (or ~/.aws/config) and
$AWS_SHARED_CREDENTIALS_FILE. SENTINEL says how Sentinel sees it: "yes" (it carries
sentinel_role_arn or sentinel_policy, or a credential_process asks Sentinel for it),
"→ <profile>" (its credential_process runs \`sentinel credentials <profile>\`), or "-". For
Sentinel's profiles: the role, the profile with the base credentials and where they come from
(auto says what it picks here), the policy, and the cached session (valid until when, for whom).
CREDENTIALS says where the profile's own keys are: the credentials file, aws-vault. Nothing is
asked of AWS: \`sentinel doctor\` checks the setup for real.`;

const HEADER = [
  "PROFILE",
  "SENTINEL",
  "ROLE",
  "SOURCE PROFILE",
  "SOURCE",
  "POLICY",
  "SESSION",
  "CREDENTIALS",
];

function rowJson(row: ProfileRow) {
  return {
    name: row.name,
    sentinel: row.kind === "sentinel" ? "yes" : row.kind === "front" ? "front" : "no",
    target: row.target ?? null,
    role_arn: row.roleArn ?? null,
    source_profile: row.sourceProfile ?? null,
    source: row.source ?? null,
    auto_picks: row.autoPicks ?? null,
    policy: row.policy ?? null,
    credentials: row.credentials,
    session: row.session === undefined
      ? null
      : { user: row.session.user, expires_at: isoSeconds(row.session.expiresAt) },
    problem: row.problem ?? null,
  };
}

function profilesAnswer(ctx: CommandContext, listed: Awaited<ReturnType<typeof listProfiles>>) {
  const now = ctx.deps.clock.now();
  return {
    json: {
      config: listed.configPath,
      credentials: listed.credentialsPath,
      profiles: listed.profiles.map(rowJson),
    },
    text: () => {
      if (listed.profiles.length === 0) {
        return `no profiles in ${listed.configPath} or ${listed.credentialsPath}; \`sentinel init\` sets one up\n`;
      }
      for (const row of listed.profiles.filter((r) => r.problem !== undefined)) {
        ctx.sayErr(`sentinel: profile ${row.name}: ${row.problem}\n`);
      }
      return table(HEADER, listed.profiles.map((row) => cells(row, now)));
    },
  } satisfies Answer;
}

/** Builds `profiles`. */
export function profilesCommand(ctx: CommandContext) {
  return declare(
    new Command("profiles")
      .description(
        "List the profiles in ~/.aws/config: for Sentinel's, the role, source, policy and cached session",
      ),
    {
      about: ABOUT,
      exits: [ExitCode.Ok, [ExitCode.InvalidConfig, "the AWS config cannot be read"]],
      examples: [
        "sentinel profiles",
        "sentinel profiles --output json | jq '.profiles[] | select(.sentinel == \"yes\") | .name'",
      ],
    },
  ).action(ctx.action(async () => profilesAnswer(ctx, await listProfiles(ctx.deps))));
}

function cells(row: ProfileRow, now: number): string[] {
  const credentials = row.credentials.length === 0 ? "-" : row.credentials.join(", ");
  if (row.kind !== "sentinel") {
    return [
      row.name,
      row.kind === "front" ? `→ ${row.target}` : "-",
      "-",
      "-",
      "-",
      "-",
      "-",
      credentials,
    ];
  }
  const source = row.source === undefined
    ? "-"
    : row.autoPicks === undefined
    ? row.source
    : `${row.source} (${row.autoPicks})`;
  const session = row.session === undefined
    ? "-"
    : `${row.session.user}, ${
      formatDuration(Math.round((row.session.expiresAt - now) / 1000))
    } left`;
  return [
    row.name,
    row.problem === undefined ? "yes" : "yes (broken: see below)",
    row.roleArn ?? "-",
    row.sourceProfile ?? "-",
    source,
    row.policy ?? "-",
    session,
    credentials,
  ];
}

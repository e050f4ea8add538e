/**
 * `sentinel log`: the decision log as a table (or JSON lines) — every record it holds: decisions,
 * approval transitions, break-glass steps, log repairs — filtered by kind, profile, user, effect
 * and time; `--follow` keeps printing new records as they are logged, until Ctrl-C (exit 0).
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { followLogRecords, readLogRecords } from "../app/decision_log_view.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { displaySafeJson } from "../core/text/display.ts";
import { type LogFilter, parseSince, parseTypes, RECORD_TYPES } from "../core/audit/log_query.ts";
import { EFFECTS } from "../core/policy/schema.ts";
import { declare } from "./_command.ts";
import {
  forProfileOption,
  lastOf,
  lastOption,
  misplacedProfileOption,
  refuseMisplacedProfile,
} from "./_flags.ts";
import type { CommandContext } from "./context.ts";
import { counted, logHeader, logRow } from "./render.ts";

const ABOUT = `
Every record is shown: decisions (EFFECT allow, deny or require_approval), approval transitions
(EFFECT approval, OUTCOME the new status), break-glass steps (EFFECT BREAK-GLASS, OUTCOME invoked,
escalated, closed or reviewed) and log repairs. Columns: time (UTC), user (for approvals and
break-glass: who acted), profile, effect (colored on a terminal), outcome (issued or denied), cache
(hit when served from the cache), rule, request (the decision id of the SourceIdentity, for
CloudTrail; the approval request or break-glass event id), reason. An issuance under break-glass
says "BREAK-GLASS <event id>:" before its reason, one under an approval "approved request <id>:".
With --output json each record is one JSON line, as logged.`;

interface LogOptions {
  follow?: boolean;
  type?: string;
  forProfile?: string;
  user?: string;
  effect?: LogFilter["effect"];
  since?: string;
  limit?: string;
  file?: string;
}

/** The filter the flags describe (a bad one is a usage error). */
function filterOf(options: LogOptions, now: number): LogFilter {
  const filter: LogFilter = {
    profile: options.forProfile,
    user: options.user,
    effect: options.effect,
  };
  if (options.type !== undefined) {
    const types = parseTypes(options.type);
    if (!types.ok) throw new SentinelError("usage", `--type ${types.message}`);
    filter.types = types.types;
  }
  if (options.since !== undefined) {
    const since = parseSince(options.since, now);
    if (!since.ok) throw new SentinelError("usage", `--since ${since.message}`);
    filter.since = since.epochMs;
  }
  return filter;
}

type View = Awaited<ReturnType<typeof readLogRecords>>;

/** What a person is told about the view on stderr (nothing logged, nothing matched, skipped). */
function viewNotes(ctx: CommandContext, view: View, follow: boolean, json: boolean): void {
  if (!json) {
    if (!view.exists) ctx.sayErr(`nothing logged yet: ${view.file} does not exist\n`);
    else if (view.records.length === 0 && !follow) ctx.sayErr(`no records in ${view.file} match\n`);
    if (view.records.length > 0 || follow) ctx.io.stdout(logHeader());
  }
}

function skippedNote(ctx: CommandContext, view: View): void {
  if (view.skipped === 0) return;
  ctx.sayErr(
    `${counted(view.skipped, "line", "lines")} of ${view.file} ${
      view.skipped === 1 ? "is" : "are"
    } not JSON and ${view.skipped === 1 ? "was" : "were"} skipped\n`,
  );
}

/** Runs until Ctrl-C (SIGINT) or SIGTERM, the normal ways to stop following: exit 0. */
async function follow(
  ctx: CommandContext,
  view: View,
  filter: LogFilter,
  print: (record: Record<string, unknown>) => void,
): Promise<void> {
  const stop = new AbortController();
  const release = ctx.io.onInterrupt?.(() => stop.abort());
  try {
    await followLogRecords(ctx.deps, view.file, view.end, filter, print, stop.signal);
  } finally {
    release?.();
  }
}

/** Builds `log`. */
export function logCommand(ctx: CommandContext) {
  return declare(
    new Command("log")
      .description(
        "Show the decision log as a table: decisions, approvals and break-glass; --follow prints new records as they come",
      )
      .option("-f, --follow", "keep running and print each new record (stop with Ctrl-C)")
      .option(
        "--type <types>",
        `only these kinds of record, comma-separated: ${RECORD_TYPES.join(", ")} (default: all)`,
      )
      .addOption(forProfileOption("records"))
      .addOption(misplacedProfileOption())
      .option(
        "--user <user>",
        "only records about or by this user (the decision's user, the requester, invoker or approver)",
      )
      .addOption(
        new Option("--effect <effect>", "only decisions with this effect").choices(EFFECTS),
      )
      .option(
        "--since <when>",
        "only records since a duration ago (1h, 30m, 2d) or an RFC 3339 time",
      )
      .addOption(lastOption())
      .option("--file <file>", "read this log instead of the configured log_file"),
    {
      about: ABOUT,
      exits: [
        [ExitCode.Ok, "ok (also when --follow is stopped with Ctrl-C)"],
        [ExitCode.Usage, "a bad filter"],
        [ExitCode.InvalidConfig, "the log cannot be read"],
      ],
      examples: [
        "sentinel log",
        "sentinel log --for-profile prod --effect deny --since 24h",
        "sentinel log --type breakglass,approval --since 7d",
        "sentinel log --user alice --since 2026-03-02T00:00:00Z --limit 10",
        "sentinel log --follow",
        "sentinel log --output json --since 1h | jq .request_id",
      ],
    },
  ).action(ctx.action(async (options) => {
    refuseMisplacedProfile(options, ["--for-profile"]);
    const filter = filterOf(options, ctx.deps.clock.now());
    const limit = lastOf(options.limit);
    const view = await readLogRecords(ctx.deps, { file: options.file, filter, limit });
    const json = ctx.output() === "json";
    const paint = (effect: string, text: string) => ctx.style.effect(effect, text);
    const print = (record: Record<string, unknown>) =>
      ctx.io.stdout(json ? displaySafeJson(record) : logRow(record, paint));
    viewNotes(ctx, view, options.follow === true, json);
    for (const record of view.records) print(record);
    skippedNote(ctx, view);
    if (options.follow) await follow(ctx, view, filter, print);
  }));
}

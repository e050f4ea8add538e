/**
 * `sentinel log`: the decision log as a table (or JSON lines), filtered by profile, user, effect
 * and time; `--follow` keeps printing new decisions as they are logged.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { followDecisions, readDecisions } from "../app/decision_log_view.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { displaySafeJson } from "../core/display_text.ts";
import { type LogFilter, parseSince } from "../core/log_query.ts";
import { EFFECTS } from "../core/policy/schema.ts";
import type { CommandContext } from "./context.ts";
import { logHeader, logRow } from "./render.ts";

/** Builds `log`. */
export function logCommand(ctx: CommandContext) {
  return new Command("log")
    .description("Show the decision log as a table; --follow prints new decisions as they come")
    .option("-f, --follow", "keep running and print each new decision (stop with Ctrl-C)")
    .option("--profile <profile>", "only decisions for this profile")
    .option("--user <user>", "only decisions for this user")
    .addOption(new Option("--effect <effect>", "only this effect").choices(EFFECTS))
    .option(
      "--since <when>",
      "only decisions since a duration ago (1h, 30m, 2d) or an RFC 3339 time",
    )
    .option("--limit <n>", "show at most the last n decisions (default 50)")
    .option("--file <file>", "read this log instead of the configured log_file")
    .addHelpText(
      "after",
      `
Columns: time (UTC), user, profile, effect (colored on a terminal), outcome (issued or denied),
cache (hit when served from the cache), rule, request id (the SourceIdentity's, for CloudTrail),
reason (or why nothing was issued). With --output json each decision is one JSON line, as logged.

Exit codes: 0 ok, 2 a bad filter, 3 the log cannot be read.

Examples:
  $ sentinel log
  $ sentinel log --profile prod --effect deny --since 24h
  $ sentinel log --user alice --since 2026-03-02T00:00:00Z --limit 10
  $ sentinel log --follow
  $ sentinel log --output json --since 1h | jq .request_id`,
    )
    .action(ctx.action(async (options) => {
      const now = ctx.deps.clock.now();
      const filter: LogFilter = {
        profile: options.profile,
        user: options.user,
        effect: options.effect,
      };
      if (options.since !== undefined) {
        const since = parseSince(options.since, now);
        if (!since.ok) throw new SentinelError(ExitCode.Usage, `--since ${since.message}`);
        filter.since = since.epochMs;
      }
      const limit = options.limit === undefined ? 50 : Number(options.limit);
      if (!Number.isSafeInteger(limit) || limit < 0) {
        throw new SentinelError(
          ExitCode.Usage,
          `--limit "${options.limit}" must be a whole number`,
        );
      }
      const view = await readDecisions(ctx.deps, { file: options.file, filter, limit });
      const json = ctx.output() === "json";
      const paint = (effect: string, text: string) => ctx.style.effect(effect, text);
      const print = (record: Record<string, unknown>) =>
        ctx.io.stdout(json ? displaySafeJson(record) : logRow(record, paint));
      if (!json) {
        if (!view.exists) ctx.sayErr(`no decisions logged yet: ${view.file} does not exist\n`);
        else if (view.decisions.length === 0 && !options.follow) {
          ctx.sayErr(`no decisions in ${view.file} match\n`);
        }
        if (view.decisions.length > 0 || options.follow) ctx.io.stdout(logHeader());
      }
      for (const record of view.decisions) print(record);
      if (view.skipped > 0) {
        ctx.sayErr(`${view.skipped} line(s) of ${view.file} are not JSON and were skipped\n`);
      }
      if (options.follow) {
        // Runs until the process is interrupted (Ctrl-C ends it with 130).
        await followDecisions(
          ctx.deps,
          view.file,
          view.end,
          filter,
          print,
          new AbortController().signal,
        );
      }
    }));
}

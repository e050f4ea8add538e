/**
 * `sentinel requests [--status s] [--for-profile p] [--mine] [--limit n]`, `requests show <id>` and
 * `requests sweep`: the approval requests in the store, newest first. `list` is the original
 * Sentinel's spelling.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { listRequests, showRequest, sweepRequests } from "../app/approvals.ts";
import { requestJson } from "../core/approval/record.ts";
import { REQUEST_STATUSES } from "../core/approval/request.ts";
import { statusAt } from "../core/approval/transitions.ts";
import { SentinelError } from "../core/errors.ts";
import { CALLER_HELP, callerFlags, withCallerFlags } from "./_flags.ts";
import { type CommandContext, writeJson } from "./context.ts";
import { storeNamed } from "../core/store/location.ts";
import { storeJson } from "./render.ts";
import { human, requestsTable, requestText } from "./render.ts";

/** Parses `--limit`. */
export function limitFlag(text: string): number {
  const limit = Number(text);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
    throw new SentinelError(
      "usage",
      human`--limit "${text}" must be a whole number from 1 to 1000`,
    );
  }
  return limit;
}

/** Builds `requests` (alias `list`) with `show` and `sweep`. */
export function requestsCommand(ctx: CommandContext) {
  const requests = withCallerFlags(
    new Command("requests")
      .alias("list")
      .description("List approval requests, newest first")
      .addOption(
        new Option("--status <status>", "only requests in this state").choices(REQUEST_STATUSES),
      )
      .option("--for-profile <profile>", "only requests for this profile")
      .option("--mine", "only your own requests")
      .option("--limit <n>", "at most this many per page", "50")
      .option("--cursor <cursor>", "continue after a previous page (its next_cursor)"),
  ).addHelpText(
    "after",
    `${CALLER_HELP}

\`sentinel list\` is Sentinel v1's name for this list of approval requests. To list the profiles
of ~/.aws/config (as \`aws-vault list\` does), run \`sentinel profiles\`.

Exit codes: 0 ok, 2 usage, 3 invalid configuration, 6 AWS failure.

Examples:
  $ sentinel requests --status pending --for-profile prod
  $ sentinel requests --mine --output json
  $ sentinel requests show 0123456789abcdef
  $ sentinel requests sweep           # expire every pending request whose time is up`,
  ).action(ctx.action(async (options) => {
    const page = await listRequests(ctx.deps, {
      status: options.status,
      profile: options.forProfile,
      mine: options.mine,
      limit: limitFlag(options.limit),
      cursor: options.cursor,
    }, callerFlags(options, true));
    const now = ctx.deps.clock.now();
    if (ctx.output() === "json") {
      writeJson(ctx.io.stdout, {
        requests: page.items.map((r) => requestJson(r, statusAt(r, now))),
        next_cursor: page.next ?? null,
        ...storeJson(page.store),
      });
    } else {
      ctx.io.stdout(requestsTable(page.items, now, page.store));
      if (page.next !== undefined) ctx.say(human`more: --cursor ${page.next}\n`);
    }
  }));
  requests.addCommand(
    withCallerFlags(new Command("show").description("Show one request").argument("<id>"))
      .addHelpText(
        "after",
        `\nExit codes: 0 ok, 2 no such request, 3 invalid configuration, 6 AWS failure.\n\nExamples:\n  $ sentinel requests show 0123456789abcdef --output json`,
      )
      .action(ctx.action(async (id, options) => {
        const { request, store } = await showRequest(ctx.deps, id, callerFlags(options));
        const now = ctx.deps.clock.now();
        if (ctx.output() === "json") {
          writeJson(ctx.io.stdout, {
            ...requestJson(request, statusAt(request, now)),
            ...storeJson(store),
          });
        } else {ctx.io.stdout(
            requestText(request, now) + human`  store:     ${storeNamed(store)}\n`,
          );}
      })),
  );
  requests.addCommand(
    withCallerFlags(
      new Command("sweep").description("Expire every pending request whose time is up"),
    )
      .addHelpText(
        "after",
        `\nExit codes: 0 swept (also when nothing was due), 3 invalid configuration, 6 AWS failure.\n\nExamples:\n  $ sentinel requests sweep --store dynamodb:sentinel-state`,
      )
      .action(ctx.action(async (options) => {
        const { expired, store } = await sweepRequests(ctx.deps, callerFlags(options));
        if (ctx.output() === "json") writeJson(ctx.io.stdout, { expired, ...storeJson(store) });
        else ctx.say(human`${expired} request(s) expired in the store ${storeNamed(store)}\n`);
      })),
  );
  return requests;
}

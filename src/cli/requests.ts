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
import { ExitCode } from "../core/errors.ts";
import { storeNamed } from "../core/store/location.ts";
import { declare } from "./_command.ts";
import {
  CALLER_HELP,
  callerFlags,
  cursorOption,
  forProfileOption,
  limitOf,
  limitOption,
  withCallerFlags,
} from "./_flags.ts";
import type { Answer, CommandContext } from "./context.ts";
import { human, requestsTable, requestText, storeJson } from "./render.ts";

const CONFIG_EXITS = [
  [ExitCode.Denied, "broker mode: refused by the broker (not of its accounts, rate-limited)"],
  [ExitCode.InvalidConfig, "invalid configuration"],
  [ExitCode.AwsFailure, "AWS failure, or the broker unreachable"],
  [ExitCode.Conflict, "the store is busy; try again"],
] as const;

/** `requests show <id>`. */
function showCommand(ctx: CommandContext) {
  return declare(
    withCallerFlags(new Command("show").description("Show one request").argument("<id>")),
    {
      exits: [ExitCode.Ok, [ExitCode.Usage, "no such request"], ...CONFIG_EXITS],
      examples: ["sentinel requests show 0123456789abcdef --output json"],
    },
  ).action(ctx.action(async (id, options): Promise<Answer> => {
    const { request, store } = await showRequest(ctx.deps, id, callerFlags(options));
    const now = ctx.deps.clock.now();
    return {
      json: { ...requestJson(request, statusAt(request, now)), ...storeJson(store) },
      text: () => requestText(request, now) + human`  store:     ${storeNamed(store)}\n`,
    };
  }));
}

/** `requests sweep`. */
function sweepCommand(ctx: CommandContext) {
  return declare(
    withCallerFlags(
      new Command("sweep").description(
        "Expire pending requests whose time is up; revoke ended windows under revoke_on_end",
      ),
    ),
    {
      about: `${CALLER_HELP}

An approved request whose window has ended, under an approvals: rule with revoke_on_end: true, has
its requester's sessions of that role issued before the window's end revoked (once; see
\`sentinel revoke --help\`). In local mode nothing runs when a window ends: run this from a timer
(cron, systemd) with credentials that may write the roles' revocation policies, or set
revoker_profile. A broker sweeps by itself every minute. Each sweep also writes again, on this host's
protected roles, the revocations recorded in the store that IAM does not hold (a write IAM
refused, or one erased by a write that landed late).`,
      exits: [[ExitCode.Ok, "swept (also when nothing was due)"], ...CONFIG_EXITS],
      examples: [
        "sentinel requests sweep --store dynamodb:sentinel-state",
        "sentinel requests sweep --aws-profile admin --output json",
      ],
    },
  ).action(ctx.action(async (options): Promise<Answer> => {
    const { expired, revoked, repaired, store } = await sweepRequests(
      ctx.deps,
      callerFlags(options),
    );
    return {
      json: { expired, revoked, repaired, ...storeJson(store) },
      text: () =>
        human`${expired} request(s) expired, ${revoked} ended window(s) revoked, in the store ${
          storeNamed(store)
        }\n` + repaired.map((role) => human`revocations written again on ${role}\n`).join(""),
    };
  }));
}

const ABOUT = `${CALLER_HELP}

\`sentinel list\` is Sentinel v1's name for this list of approval requests. To list the profiles
of ~/.aws/config (as \`aws-vault list\` does), run \`sentinel profiles\`.`;

/** Builds `requests` (alias `list`) with `show` and `sweep`. */
export function requestsCommand(ctx: CommandContext) {
  const requests = declare(
    withCallerFlags(
      new Command("requests")
        .alias("list")
        .description("List approval requests, newest first")
        .addOption(
          new Option("--status <status>", "only requests in this state").choices(REQUEST_STATUSES),
        )
        .addOption(forProfileOption("requests"))
        .option("--mine", "only your own requests")
        .addOption(limitOption())
        .addOption(cursorOption()),
    ),
    {
      about: ABOUT,
      exits: [ExitCode.Ok, ExitCode.Usage, ...CONFIG_EXITS],
      examples: [
        "sentinel requests --status pending --for-profile prod",
        "sentinel requests --mine --output json",
        "sentinel requests show 0123456789abcdef",
        "sentinel requests sweep           # expire every pending request whose time is up",
      ],
    },
  ).action(ctx.action(async (options): Promise<Answer> => {
    const page = await listRequests(ctx.deps, {
      status: options.status,
      profile: options.forProfile,
      mine: options.mine,
      limit: limitOf(options.limit),
      cursor: options.cursor,
    }, callerFlags(options, true));
    const now = ctx.deps.clock.now();
    return {
      json: {
        requests: page.items.map((r) => requestJson(r, statusAt(r, now))),
        next_cursor: page.next ?? null,
        ...storeJson(page.store),
      },
      text: () =>
        requestsTable(page.items, now, page.store) +
        (page.next === undefined ? "" : human`more: --cursor ${page.next}\n`),
    };
  }));
  requests.addCommand(showCommand(ctx));
  requests.addCommand(sweepCommand(ctx));
  return requests;
}

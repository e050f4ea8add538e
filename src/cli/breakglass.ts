/**
 * `sentinel breakglass <profile> --reason-code … --justification … [--duration 30m]` invokes
 * emergency access; `breakglass list | show | close | review` are the post-incident tools. The
 * original Sentinel's spellings `breakglass-list`, `breakglass-check` and `breakglass-close` work.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import {
  actOnEvent,
  type Invocation,
  invokeBreakglass,
  listEvents,
  showEvent,
} from "../app/breakglass.ts";
import { commandLine, ownerFlags } from "../core/text/advice.ts";
import { eventJson } from "../core/breakglass/record.ts";
import type { BreakglassEvent } from "../core/breakglass/event.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { BREAKGLASS_REASON_CODES } from "../core/policy/schema.ts";
import { storeNamed, type StoreSetting } from "../core/store/location.ts";
import { declare, type ExitEntry } from "./_command.ts";
import {
  CALLER_HELP,
  callerFlags,
  cursorOption,
  forProfileOption,
  limitOf,
  limitOption,
  storeOption,
  windowDurationOption,
  windowSeconds,
  withCallerFlags,
} from "./_flags.ts";
import type { Answer, CommandContext } from "./context.ts";
import { eventsTable, eventText, human, isoSeconds, storeJson } from "./render.ts";

const INVOKE_HELP = `
Break-glass gives you the profile at once, whatever the access rules say, if a breakglass: rule
of the policy allows you, the profile and the reason code. It is loud: every notifier hears of
it, the decision log records it as elevated, and someone else reviews it afterwards. It is
rate-limited (cooldown, quotas) and time-bounded: sessions issued under it end with it. STS
cannot issue sessions shorter than 15 minutes, so once less than 15 minutes of the event remain,
credentials are refused (with the time left) rather than outliving it.`;

const READ_EXITS: readonly ExitEntry[] = [
  ExitCode.Ok,
  [ExitCode.Denied, "broker mode: refused by the broker (not of its accounts, rate-limited)"],
  [ExitCode.InvalidConfig, "invalid configuration"],
  [ExitCode.AwsFailure, "AWS failure, or the broker unreachable"],
  [ExitCode.Conflict, "the store is busy; try again"],
];

/** An event and its store, as JSON. */
function eventAnswerJson(event: BreakglassEvent, store: StoreSetting) {
  return { ...eventJson(event), ...storeJson(store) };
}

/** What the invoker learns: until when, how to use it and how to end it. */
function invocationAnswer(profile: string, invocation: Invocation): Answer {
  const { event, escalated, resumed, owner } = invocation;
  return {
    json: { ...eventJson(event), escalated, resumed: resumed === true, ...storeJson(owner.store) },
    text: () =>
      human`break-glass ${event.id}: ${profile} is open for ${event.invoker} until ${
        isoSeconds(event.endsAt)
      }${
        resumed
          ? "\n  (already open from an earlier invocation that was cut off before announcing it; announced now, no second event)"
          : ""
      }\n  every notifier has been told${
        escalated ? "; the escalation threshold was reached" : ""
      }\n  use it:   sentinel exec ${profile} -- <command>   (or your credential_process profile)\n  end it:   ${
        commandLine(["sentinel", "breakglass", "close", event.id, ...ownerFlags(owner)])
      } --reason "<why>"\n  store:    ${storeNamed(owner.store)}\n`,
  };
}

/** The profile, reason code and justification of an invocation, or the usage error. */
function invocationArgs(
  profile: string | undefined,
  options: { reasonCode?: (typeof BREAKGLASS_REASON_CODES)[number]; justification?: string },
) {
  if (profile === undefined) {
    throw new SentinelError(
      "usage",
      "name the profile: sentinel breakglass <profile> --reason-code <code> --justification <text> (or a subcommand: list, show, close, review)",
    );
  }
  if (options.reasonCode === undefined || options.justification === undefined) {
    throw new SentinelError(
      "usage",
      human`break-glass needs --reason-code (${
        BREAKGLASS_REASON_CODES.join(", ")
      }) and --justification <text>`,
    );
  }
  return { profile, reasonCode: options.reasonCode, justification: options.justification };
}

/** `breakglass <profile>` itself: the invocation. */
function invokeCommand(ctx: CommandContext) {
  return declare(
    new Command("breakglass")
      .description("Emergency access: invoke, list, show, close, review")
      .argument("[profile]", "the profile to open in an emergency")
      .addOption(
        new Option("--reason-code <code>", "what kind of emergency").choices(
          BREAKGLASS_REASON_CODES,
        ),
      )
      .option("-j, --justification <text>", "what is happening (incident, ticket, …)")
      .addOption(windowDurationOption("how long, such as 30m (20m-12h, capped by the rule)"))
      .addOption(storeOption()),
    {
      about: INVOKE_HELP,
      exits: [
        [ExitCode.Ok, "invoked"],
        [
          ExitCode.Denied,
          "not allowed or rate-limited (the message says which limit and when it frees up)",
        ],
        [ExitCode.PluginFailure, "a required notifier failed (the event is closed at once)"],
        ExitCode.Usage,
        [ExitCode.InvalidConfig, "invalid configuration"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples: [
        'sentinel breakglass prod --reason-code incident --justification "INC-4711 checkout down" --duration 30m',
        "sentinel breakglass list --active",
        "sentinel breakglass show 0123456789abcdef",
        'sentinel breakglass close 0123456789abcdef --reason "mitigated"',
        'sentinel breakglass review 0123456789abcdef --notes "root cause: expired cert"',
      ],
    },
  ).action(ctx.action(async (positional, options) => {
    const args = invocationArgs(positional, options);
    const invocation = await invokeBreakglass(ctx.deps, {
      ...args,
      durationSeconds: windowSeconds(options.duration),
      store: options.store,
    });
    return invocationAnswer(args.profile, invocation);
  }));
}

/** `breakglass list` (also `breakglass-list`). */
function listCommand(ctx: CommandContext, name: string) {
  return declare(
    withCallerFlags(
      new Command(name)
        .description("List break-glass events, newest first")
        .option("--active", "only events whose access has not ended")
        .option("--unreviewed", "only events awaiting review")
        .option("--user <name>", "only events invoked by this user")
        .addOption(forProfileOption("events"))
        .addOption(limitOption())
        .addOption(cursorOption()),
    ),
    {
      about: CALLER_HELP,
      exits: READ_EXITS,
      examples: [
        "sentinel breakglass list --active",
        "sentinel breakglass list --unreviewed --output json",
      ],
    },
  ).action(ctx.action(async (options): Promise<Answer> => {
    const page = await listEvents(ctx.deps, {
      active: options.active,
      unreviewed: options.unreviewed,
      invoker: options.user,
      profile: options.forProfile,
      limit: limitOf(options.limit),
      cursor: options.cursor,
    }, callerFlags(options, true));
    return {
      json: {
        events: page.items.map(eventJson),
        next_cursor: page.next ?? null,
        ...storeJson(page.store),
      },
      text: () =>
        eventsTable(page.items, ctx.deps.clock.now(), page.store) +
        (page.next === undefined ? "" : human`more: --cursor ${page.next}\n`),
    };
  }));
}

/** `breakglass show <id>` (also `breakglass-check`). */
function showCommand(ctx: CommandContext, name: string) {
  return declare(
    withCallerFlags(new Command(name).description("Show one break-glass event").argument("<id>")),
    {
      about: CALLER_HELP,
      exits: [
        ExitCode.Ok,
        [ExitCode.Usage, "no such event"],
        [ExitCode.InvalidConfig, "invalid configuration"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples: [
        "sentinel breakglass show 0123456789abcdef",
        "sentinel breakglass show 0123456789abcdef --output json",
      ],
    },
  ).action(ctx.action(async (id, options): Promise<Answer> => {
    const { event, store } = await showEvent(ctx.deps, id, callerFlags(options));
    return {
      json: eventAnswerJson(event, store),
      text: () =>
        eventText(event, ctx.deps.clock.now()) + human`  store:         ${storeNamed(store)}\n`,
    };
  }));
}

/** `breakglass close <id>` (also `breakglass-close`). */
function closeCommand(ctx: CommandContext, name: string) {
  return declare(
    withCallerFlags(
      new Command(name)
        .description(
          "End a break-glass event's access now (its invoker or an approver of the profile)",
        )
        .argument("<id>")
        .option("--reason <text>", "why it is closed"),
    ),
    {
      about: CALLER_HELP,
      exits: [
        [ExitCode.Ok, "closed"],
        [ExitCode.Conflict, "already ended"],
        [ExitCode.Denied, "not allowed to close it"],
        [ExitCode.Usage, "no --reason, or no such event"],
        [ExitCode.InvalidConfig, "invalid configuration"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples: ['sentinel breakglass close 0123456789abcdef --reason "mitigated"'],
    },
  ).action(ctx.action(async (id, options): Promise<Answer> => {
    const reason = options.reason as string | undefined;
    if (reason === undefined || reason.trim() === "") {
      throw new SentinelError("usage", "say why: --reason <text>");
    }
    const done = await actOnEvent(ctx.deps, id, { kind: "close", reason }, callerFlags(options));
    const revoked = done.revoked;
    return {
      json: {
        ...eventAnswerJson(done.event, done.store),
        revoked_before: revoked === undefined ? null : new Date(revoked.before).toISOString(),
      },
      text: () =>
        human`break-glass ${id} closed by ${done.actor}; no new sessions are issued under it${
          revoked === undefined
            ? ""
            : `, and those issued under it were revoked on ${revoked.roleArns.join(", ")}`
        } (store: ${storeNamed(done.store)})\n`,
    };
  }));
}

/** `breakglass review <id>`. */
function reviewCommand(ctx: CommandContext) {
  return declare(
    withCallerFlags(
      new Command("review")
        .description("Record the post-incident review (never by the invoker)")
        .argument("<id>")
        .option("--notes <text>", "what happened and what follows"),
    ),
    {
      about: `${CALLER_HELP}

Reviewers: the rule's reviewers, or the profile's approvers; never the invoker.`,
      exits: [
        [ExitCode.Ok, "reviewed"],
        [ExitCode.Conflict, "already reviewed"],
        [ExitCode.Denied, "not allowed to review it"],
        [ExitCode.Usage, "no --notes, or no such event"],
        [ExitCode.InvalidConfig, "invalid configuration"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples: [
        'sentinel breakglass review 0123456789abcdef --notes "root cause: expired certificate"',
      ],
    },
  ).action(ctx.action(async (id, options): Promise<Answer> => {
    const notes = options.notes as string | undefined;
    if (notes === undefined || notes.trim() === "") {
      throw new SentinelError("usage", "write the review: --notes <text>");
    }
    const done = await actOnEvent(ctx.deps, id, { kind: "review", notes }, callerFlags(options));
    return {
      json: eventAnswerJson(done.event, done.store),
      text: () =>
        human`break-glass ${id} reviewed by ${done.actor} (store: ${storeNamed(done.store)})\n`,
    };
  }));
}

/** Builds `breakglass` with its subcommands, and v1's spellings as hidden aliases. */
export function breakglassCommand(ctx: CommandContext) {
  const command = invokeCommand(ctx);
  command.addCommand(listCommand(ctx, "list"));
  command.addCommand(showCommand(ctx, "show"));
  command.addCommand(closeCommand(ctx, "close"));
  command.addCommand(reviewCommand(ctx));
  return {
    command,
    aliases: [
      listCommand(ctx, "breakglass-list"),
      showCommand(ctx, "breakglass-check"),
      closeCommand(ctx, "breakglass-close"),
    ],
  };
}

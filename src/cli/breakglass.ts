/**
 * `sentinel breakglass <profile> --reason-code … --justification … [--duration 30m]` invokes
 * emergency access; `breakglass list | show | close | review` are the post-incident tools. The
 * original Sentinel's spellings `breakglass-list`, `breakglass-check` and `breakglass-close` work.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { actOnEvent, invokeBreakglass, listEvents, showEvent } from "../app/breakglass.ts";
import { commandLine, ownerFlags } from "../core/text/advice.ts";
import { eventJson } from "../core/breakglass/record.ts";
import { SentinelError } from "../core/errors.ts";
import { BREAKGLASS_REASON_CODES } from "../core/policy/schema.ts";
import { CALLER_HELP, callerFlags, withCallerFlags } from "./_flags.ts";
import { type CommandContext, writeJson } from "./context.ts";
import { eventsTable, eventText, human, isoSeconds, storeJson } from "./render.ts";
import { storeNamed } from "../core/store/location.ts";
import { windowFlag } from "./request.ts";
import { limitFlag } from "./requests.ts";

const INVOKE_HELP = `
Break-glass gives you the profile at once, whatever the access rules say, if a breakglass: rule
of the policy allows you, the profile and the reason code. It is loud: every notifier hears of
it, the decision log records it as elevated, and someone else reviews it afterwards. It is
rate-limited (cooldown, quotas) and time-bounded: sessions issued under it end with it. STS
cannot issue sessions shorter than 15 minutes, so once less than 15 minutes of the event remain,
credentials are refused (with the time left) rather than outliving it.

Exit codes: 0 invoked, 4 not allowed or rate-limited (the message says which limit and when it
            frees up), 7 a required notifier failed (the event is closed at once),
            3 invalid configuration, 6 AWS failure.`;

/** Builds `breakglass` with its subcommands. */
export function breakglassCommand(ctx: CommandContext) {
  const command = new Command("breakglass")
    .description("Emergency access: invoke, list, show, close, review")
    .argument("[profile]", "the profile to open in an emergency")
    .addOption(
      new Option("--reason-code <code>", "what kind of emergency").choices(BREAKGLASS_REASON_CODES),
    )
    .option("-j, --justification <text>", "what is happening (incident, ticket, …)")
    .option("-d, --duration <duration>", "how long, such as 30m (20m-12h, capped by the rule)")
    .option("--store <store>", "sqlite:<path> or dynamodb:<table>")
    .addHelpText(
      "after",
      `${INVOKE_HELP}

Examples:
  $ sentinel breakglass prod --reason-code incident --justification "INC-4711 checkout down" --duration 30m
  $ sentinel breakglass list --active
  $ sentinel breakglass show 0123456789abcdef
  $ sentinel breakglass close 0123456789abcdef --reason "mitigated"
  $ sentinel breakglass review 0123456789abcdef --notes "root cause: expired cert"`,
    )
    .action(ctx.action(async (profile, options) => {
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
      const { event, escalated, resumed, owner } = await invokeBreakglass(ctx.deps, {
        profile,
        reasonCode: options.reasonCode,
        justification: options.justification,
        durationSeconds: windowFlag(options.duration),
        store: options.store,
      });
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, {
          ...eventJson(event),
          escalated,
          resumed: resumed === true,
          ...storeJson(owner.store),
        });
      } else {
        ctx.say(
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
        );
      }
    }));

  const list = () =>
    withCallerFlags(
      new Command("list")
        .description("List break-glass events, newest first")
        .option("--active", "only events whose access has not ended")
        .option("--unreviewed", "only events awaiting review")
        .option("--user <name>", "only events invoked by this user")
        .option("--for-profile <profile>", "only events for this profile")
        .option("--limit <n>", "at most this many per page", "50")
        .option("--cursor <cursor>", "continue after a previous page"),
    ).addHelpText(
      "after",
      `${CALLER_HELP}\n\nExit codes: 0 ok, 3 invalid configuration, 6 AWS failure.\n\nExamples:\n  $ sentinel breakglass list --active\n  $ sentinel breakglass list --unreviewed --output json`,
    ).action(ctx.action(async (options) => {
      const page = await listEvents(ctx.deps, {
        active: options.active,
        unreviewed: options.unreviewed,
        invoker: options.user,
        profile: options.forProfile,
        limit: limitFlag(options.limit),
        cursor: options.cursor,
      }, callerFlags(options, true));
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, {
          events: page.items.map(eventJson),
          next_cursor: page.next ?? null,
          ...storeJson(page.store),
        });
      } else {
        ctx.io.stdout(eventsTable(page.items, ctx.deps.clock.now(), page.store));
        if (page.next !== undefined) ctx.say(human`more: --cursor ${page.next}\n`);
      }
    }));

  const show = (name: string) =>
    withCallerFlags(
      new Command(name).description("Show one break-glass event").argument("<id>"),
    )
      .addHelpText(
        "after",
        `${CALLER_HELP}\n\nExit codes: 0 ok, 2 no such event, 3 invalid configuration, 6 AWS failure.\n\nExamples:\n  $ sentinel breakglass show 0123456789abcdef\n  $ sentinel breakglass show 0123456789abcdef --output json`,
      )
      .action(ctx.action(async (id, options) => {
        const { event, store } = await showEvent(ctx.deps, id, callerFlags(options));
        if (ctx.output() === "json") {
          writeJson(ctx.io.stdout, { ...eventJson(event), ...storeJson(store) });
        } else {
          ctx.io.stdout(
            eventText(event, ctx.deps.clock.now()) + human`  store:         ${storeNamed(store)}\n`,
          );
        }
      }));

  const close = (name: string) =>
    withCallerFlags(
      new Command(name)
        .description(
          "End a break-glass event's access now (its invoker or an approver of the profile)",
        )
        .argument("<id>")
        .option("--reason <text>", "why it is closed"),
    ).addHelpText(
      "after",
      `${CALLER_HELP}\n\nExit codes: 0 closed, 12 already ended, 4 not allowed to close it.\n\nExamples:\n  $ sentinel breakglass close 0123456789abcdef --reason "mitigated"`,
    ).action(ctx.action(async (id, options) => {
      const reason = options.reason as string | undefined;
      if (reason === undefined || reason.trim() === "") {
        throw new SentinelError("usage", "say why: --reason <text>");
      }
      const { event, actor, store } = await actOnEvent(
        ctx.deps,
        id,
        { kind: "close", reason },
        callerFlags(options),
      );
      if (ctx.output() === "json") {
        writeJson(ctx.io.stdout, { ...eventJson(event), ...storeJson(store) });
      } else {
        ctx.say(
          human`break-glass ${id} closed by ${actor}; no new sessions are issued under it (store: ${
            storeNamed(store)
          })\n`,
        );
      }
    }));

  const review = withCallerFlags(
    new Command("review")
      .description("Record the post-incident review (never by the invoker)")
      .argument("<id>")
      .option("--notes <text>", "what happened and what follows"),
  ).addHelpText(
    "after",
    `${CALLER_HELP}\n\nReviewers: the rule's reviewers, or the profile's approvers; never the invoker.\n\nExit codes: 0 reviewed, 12 already reviewed, 4 not allowed to review it.\n\nExamples:\n  $ sentinel breakglass review 0123456789abcdef --notes "root cause: expired certificate"`,
  ).action(ctx.action(async (id, options) => {
    const notes = options.notes as string | undefined;
    if (notes === undefined || notes.trim() === "") {
      throw new SentinelError("usage", "write the review: --notes <text>");
    }
    const { event, actor, store } = await actOnEvent(
      ctx.deps,
      id,
      { kind: "review", notes },
      callerFlags(options),
    );
    if (ctx.output() === "json") {
      writeJson(ctx.io.stdout, { ...eventJson(event), ...storeJson(store) });
    } else ctx.say(human`break-glass ${id} reviewed by ${actor} (store: ${storeNamed(store)})\n`);
  }));

  command.addCommand(list());
  command.addCommand(show("show"));
  command.addCommand(close("close"));
  command.addCommand(review);
  return {
    command,
    aliases: [list().name("breakglass-list"), show("breakglass-check"), close("breakglass-close")],
  };
}

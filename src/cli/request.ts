/**
 * `sentinel request <profile> --reason <text> [--duration 1h] [--wait [--timeout 15m]]`: asks for
 * access to a `require_approval` profile (the use case: src/app/access_request.ts), prints the id
 * and what happens next; with `--wait`, waits for the decision (a live status line on a
 * terminal). The original Sentinel's spelling `request --profile P --justification J --duration D`
 * works too.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { askForAccess, type AskResult } from "../app/access_request.ts";
import type { AccessRequestOutcome } from "../app/approvals.ts";
import { commandLine, ownerFlags, storeFlags } from "../core/text/advice.ts";
import { requestJson } from "../core/approval/record.ts";
import type { ApprovalRequest } from "../core/approval/request.ts";
import { parseDuration } from "../core/text/duration.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { storeNamed } from "../core/store/location.ts";
import { type Declaration, declare } from "./_command.ts";
import { storeOption, v1ProfileOption, windowDurationOption, windowSeconds } from "./_flags.ts";
import type { Answer, CommandContext } from "./context.ts";
import { human, isoSeconds, requestText, storeJson } from "./render.ts";
import { profileArgument } from "./profile_argument.ts";

const ABOUT = `
The request is stored (the profile's sentinel_store, SENTINEL_STORE, the config file's store,
else a local SQLite file), announced to the notifiers, and approved by someone the policy's
approvals: rule names — never by you. Once approved, \`sentinel credentials\` and \`exec\` for
the profile issue sessions that end no later than the approved window.`;

/** What happens next for a new request: who approves it and how to follow it. */
function createdText(outcome: Extract<AccessRequestOutcome, { kind: "created" }>): string {
  const { request, owner: requester } = outcome;
  const owner = ownerFlags(requester);
  return request.status === "approved"
    ? human`request ${request.id}: approved by the policy (auto_approve) until ${
      isoSeconds(request.windowEndsAt!)
    }\n`
    : human`request ${request.id}: pending, needs ${request.requiredApprovals} approval(s) from ${
      outcome.approvers.join(", ")
    }\n  approvers run: ${
      commandLine(["sentinel", "approve", request.id, ...storeFlags(requester.store)])
    }\n  status:        ${
      commandLine(["sentinel", "requests", "show", request.id, ...owner])
    }\n  cancel:        ${
      commandLine(["sentinel", "cancel", request.id, ...owner])
    }\n  store:         ${storeNamed(requester.store)}\n`;
}

/** The end of `sentinel request` as an answer. */
function askAnswer(ctx: CommandContext, profile: string, result: AskResult): Answer {
  if (result.kind === "already_approved") {
    const held = result.request;
    return {
      json: { needed: false, ...requestJson(held) },
      text: () =>
        human`you already have ${profile} until ${
          isoSeconds(result.windowEndsAt)
        } (request ${held.id}, approved by ${
          held.decidedBy ?? "?"
        }); nothing new was asked. To ask for more anyway: sentinel request ${profile} --reason "<why>" --anyway\n`,
    };
  }
  if (result.kind === "not_needed") {
    return {
      json: { needed: false, profile, rule: result.rule },
      text: () =>
        `no approval needed: the policy allows ${profile} now (${
          result.rule === null ? "default" : `rule "${result.rule}"`
        }); use it directly\n`,
    };
  }
  return {
    json: { ...requestJson(result.final), ...storeJson(result.owner.store) },
    text: () => result.waited ? requestText(result.final, ctx.deps.clock.now()) : "",
    exitCode: result.exitCode,
    error: result.timedOut,
  };
}

/** `--timeout` of the wait, in seconds. */
function waitSeconds(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds < 1) {
    throw new SentinelError("usage", human`--timeout "${text}" is not a duration such as 15m`);
  }
  return seconds;
}

/** The live status line of a wait, on a terminal's stderr. */
function progressLine(ctx: CommandContext) {
  const live = ctx.output() === "text" && ctx.io.stderrIsTerminal();
  return {
    live,
    progress: (current: ApprovalRequest, waited: number) => {
      if (!live) return;
      ctx.io.stderr(
        human`\r\x1b[2Kwaiting for approval of ${current.id}: ${current.status}, ${current.approvals.length}/${current.requiredApprovals} approvals, ${
          Math.round(waited / 1000)
        }s`,
      );
    },
  };
}

const DECLARATION: Declaration = {
  about: ABOUT,
  exits: [
    [ExitCode.Ok, "created (or approved, with --wait)"],
    [ExitCode.ApprovalRequired, "denied, cancelled, expired or timed out (with --wait)"],
    [ExitCode.Denied, "the policy denies the profile or no approvals: rule covers it"],
    ExitCode.Usage,
    [ExitCode.InvalidConfig, "invalid configuration"],
    [ExitCode.AwsFailure, "AWS failure"],
    [ExitCode.PluginFailure, "a required notifier failed"],
    [ExitCode.Conflict, "the store is busy; try again"],
  ],
  examples: [
    'sentinel request prod --reason "deploy hotfix 1.2.3" --duration 1h',
    'sentinel request prod --reason "incident 42" --wait --timeout 10m && aws s3 ls --profile prod',
    'sentinel request --profile prod --justification "deploy" --duration 2h    # v1 spelling',
  ],
};

/** Builds `request`. */
export function requestCommand(ctx: CommandContext) {
  return declare(
    new Command("request")
      .description("Ask for access to a profile whose policy requires approval")
      .argument("[profile]", "the profile to ask for")
      .addOption(v1ProfileOption("the profile (Sentinel v1 spelling)"))
      .option("-r, --reason <text>", "why you need the access (shown to approvers)")
      .option("--justification <text>", "the reason (Sentinel v1 spelling)")
      .addOption(
        windowDurationOption("how long the access should last, such as 1h (20m-12h)"),
      )
      .option("--wait", "wait for the decision")
      .option("--anyway", "ask even while an approved request still covers the profile")
      .option("--timeout <duration>", "with --wait: give up after this long", "15m")
      .addOption(storeOption()),
    DECLARATION,
  ).action(ctx.action(async (positional, options) => {
    const profile = profileArgument(
      "request",
      positional,
      options.profile,
      "sentinel request <profile> --reason <text>",
    );
    const reason = options.reason ?? options.justification;
    if (reason === undefined) {
      throw new SentinelError("usage", "say why you need the access: --reason <text>");
    }
    const timeout = { seconds: waitSeconds(options.timeout), text: options.timeout };
    const line = progressLine(ctx);
    const result = await askForAccess(ctx.deps, {
      profile,
      reason,
      durationSeconds: windowSeconds(options.duration),
      store: options.store,
      anyway: options.anyway,
      ...(options.wait ? { wait: timeout } : {}),
    }, {
      created: (outcome) => ctx.output() === "text" && ctx.say(createdText(outcome)),
      progress: line.progress,
      sleep: (ms) => ctx.deps.clock.sleep(ms),
    });
    if (line.live && result.kind === "created" && result.waited) ctx.io.stderr("\r\x1b[2K");
    return askAnswer(ctx, profile, result);
  }));
}

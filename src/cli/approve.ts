/**
 * `sentinel approve <id> [--comment …]`, `sentinel deny <id> --comment …` and
 * `sentinel cancel <id>`: the verdicts on a request, as the verified caller. Of concurrent calls
 * exactly one wins; the others learn who decided first, and when (a conflict, exit 12).
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { actOnRequest, type RequestAction } from "../app/approvals.ts";
import { requestJson } from "../core/approval/record.ts";
import { SentinelError } from "../core/errors.ts";
import { CALLER_HELP, callerFlags, withCallerFlags } from "./_flags.ts";
import { type CommandContext, writeJson } from "./context.ts";
import { human, isoSeconds, storeJson } from "./render.ts";
import { storeNamed } from "../core/store/location.ts";

const EXIT_HELP = `
Exit codes: 0 done, 12 someone else decided first (or the request ended), 2 no such request,
            4 you may not do this (not an approver, your own request, no approvals: rule),
            3 invalid configuration, 6 AWS failure.`;

function verdictCommand(
  ctx: CommandContext,
  name: "approve" | "deny" | "cancel",
  description: string,
  examples: string,
) {
  const command = withCallerFlags(
    new Command(name).description(description).argument("<id>", "the request id")
      .option("-c, --comment <text>", name === "deny" ? "why (required)" : "a note for the log"),
  ).addHelpText("after", `${CALLER_HELP}\n${EXIT_HELP}\n\nExamples:\n${examples}`);
  return command.action(ctx.action(async (id, options) => {
    const comment = options.comment as string | undefined;
    if (name === "deny" && (comment === undefined || comment.trim() === "")) {
      throw new SentinelError("usage", "say why you deny it: --comment <text>");
    }
    const action: RequestAction = name === "approve"
      ? { kind: "approve", comment }
      : name === "deny"
      ? { kind: "deny", comment: comment! }
      : { kind: "cancel" };
    const { request, actor, store } = await actOnRequest(
      ctx.deps,
      id,
      action,
      callerFlags(options),
    );
    const where = human` (store: ${storeNamed(store)})`;
    if (ctx.output() === "json") {
      writeJson(ctx.io.stdout, { ...requestJson(request), ...storeJson(store) });
    } else if (request.status === "pending") {
      ctx.say(
        human`${actor} approved request ${id}; it needs ${
          request.requiredApprovals - request.approvals.length
        } more approval(s) from other approvers${where}\n`,
      );
    } else if (request.status === "approved") {
      ctx.say(
        human`request ${id} approved by ${actor}: ${request.requester} may use ${request.profile} until ${
          isoSeconds(request.windowEndsAt!)
        }${where}\n`,
      );
    } else ctx.say(human`request ${id} ${request.status} by ${actor}${where}\n`);
  }));
}

/** Builds `approve`. */
export function approveCommand(ctx: CommandContext) {
  return verdictCommand(
    ctx,
    "approve",
    "Approve a pending request (you must be an approver, never the requester)",
    "  $ sentinel approve 0123456789abcdef --comment 'ok for the hotfix'\n  $ sentinel approve 0123456789abcdef --aws-profile bob --store dynamodb:sentinel-state",
  );
}

/** Builds `deny`. */
export function denyCommand(ctx: CommandContext) {
  return verdictCommand(
    ctx,
    "deny",
    "Deny a pending request (approvers only)",
    "  $ sentinel deny 0123456789abcdef --comment 'use staging first'",
  );
}

/** Builds `cancel`. */
export function cancelCommand(ctx: CommandContext) {
  return verdictCommand(
    ctx,
    "cancel",
    "Cancel your own pending request",
    "  $ sentinel cancel 0123456789abcdef",
  );
}

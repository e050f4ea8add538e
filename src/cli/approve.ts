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
import type { ApprovalRequest } from "../core/approval/request.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { declare } from "./_command.ts";
import { CALLER_HELP, callerFlags, withCallerFlags } from "./_flags.ts";
import type { Answer, CommandContext } from "./context.ts";
import { human, isoSeconds, storeJson } from "./render.ts";
import { storeNamed, type StoreSetting } from "../core/store/location.ts";

/** What a verdict answers: the request as it now stands, and who did what. */
function verdictAnswer(
  id: string,
  done: { request: ApprovalRequest; actor: string; store: StoreSetting },
): Answer {
  const { request, actor, store } = done;
  const where = human` (store: ${storeNamed(store)})`;
  return {
    json: { ...requestJson(request), ...storeJson(store) },
    text: () =>
      request.status === "pending"
        ? human`${actor} approved request ${id}; it needs ${
          request.requiredApprovals - request.approvals.length
        } more approval(s) from other approvers${where}\n`
        : request.status === "approved"
        ? human`request ${id} approved by ${actor}: ${request.requester} may use ${request.profile} until ${
          isoSeconds(request.windowEndsAt!)
        }${where}\n`
        : human`request ${id} ${request.status} by ${actor}${where}\n`,
  };
}

function verdictCommand(
  ctx: CommandContext,
  name: "approve" | "deny" | "cancel",
  description: string,
  examples: string[],
) {
  const command = declare(
    withCallerFlags(
      new Command(name).description(description).argument("<id>", "the request id")
        .option("-c, --comment <text>", name === "deny" ? "why (required)" : "a note for the log"),
    ),
    {
      about: CALLER_HELP,
      exits: [
        [ExitCode.Ok, "done"],
        [ExitCode.Conflict, "someone else decided first (or the request ended)"],
        [ExitCode.Usage, "no such request"],
        [
          ExitCode.Denied,
          "you may not do this (not an approver, your own request, no approvals: rule)",
        ],
        [ExitCode.InvalidConfig, "invalid configuration"],
        [ExitCode.AwsFailure, "AWS failure"],
      ],
      examples,
    },
  );
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
    return verdictAnswer(id, await actOnRequest(ctx.deps, id, action, callerFlags(options)));
  }));
}

/** Builds `approve`. */
export function approveCommand(ctx: CommandContext) {
  return verdictCommand(
    ctx,
    "approve",
    "Approve a pending request (you must be an approver, never the requester)",
    [
      "sentinel approve 0123456789abcdef --comment 'ok for the hotfix'",
      "sentinel approve 0123456789abcdef --aws-profile bob --store dynamodb:sentinel-state",
    ],
  );
}

/** Builds `deny`. */
export function denyCommand(ctx: CommandContext) {
  return verdictCommand(
    ctx,
    "deny",
    "Deny a pending request (approvers only)",
    ["sentinel deny 0123456789abcdef --comment 'use staging first'"],
  );
}

/** Builds `cancel`. */
export function cancelCommand(ctx: CommandContext) {
  return verdictCommand(
    ctx,
    "cancel",
    "Cancel your own pending request",
    ["sentinel cancel 0123456789abcdef"],
  );
}

/**
 * `sentinel request <profile> --reason <text> [--duration 1h] [--wait [--timeout 15m]]`: asks for
 * access to a `require_approval` profile, prints the id and what happens next; with `--wait`,
 * waits for the decision (a live status line on a terminal). The original Sentinel's spelling
 * `request --profile P --justification J --duration D` works too.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { requestAccess, waitForDecision } from "../app/approvals.ts";
import { commandLine, ownerFlags, ownerOf, storeFlags } from "../core/text/advice.ts";
import { requestJson } from "../core/approval/record.ts";
import { parseDuration } from "../core/text/duration.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { isStsDuration, MIN_WINDOW_SECONDS } from "../core/limits.ts";
import { type CommandContext, writeJson } from "./context.ts";
import { human, isoSeconds, requestText, storeJson } from "./render.ts";
import { storeNamed } from "../core/store/location.ts";
import { profileArgument } from "./profile_argument.ts";

/** Parses the `--duration` of an approval window or a break-glass: 20m to 12h. */
export function windowFlag(text: string | undefined, flag = "--duration"): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined || !isStsDuration(seconds) || seconds < MIN_WINDOW_SECONDS) {
    throw new SentinelError(
      "usage",
      human`${flag} "${text}" must be a duration from 20m to 12h, such as 30m or 1h (sessions need 15 minutes left, so a shorter window could never be used)`,
    );
  }
  return seconds;
}

/** Builds `request`. */
export function requestCommand(ctx: CommandContext) {
  return new Command("request")
    .description("Ask for access to a profile whose policy requires approval")
    .argument("[profile]", "the profile to ask for")
    .option("--profile <profile>", "the profile (Sentinel v1 spelling)")
    .option("-r, --reason <text>", "why you need the access (shown to approvers)")
    .option("--justification <text>", "the reason (Sentinel v1 spelling)")
    .option("-d, --duration <duration>", "how long the access should last, such as 1h (20m-12h)")
    .option("--wait", "wait for the decision")
    .option("--anyway", "ask even while an approved request still covers the profile")
    .option("--timeout <duration>", "with --wait: give up after this long", "15m")
    .option("--store <store>", "sqlite:<path> or dynamodb:<table>")
    .addHelpText(
      "after",
      `
The request is stored (the profile's sentinel_store, SENTINEL_STORE, the config file's store,
else a local SQLite file), announced to the notifiers, and approved by someone the policy's
approvals: rule names — never by you. Once approved, \`sentinel credentials\` and \`exec\` for
the profile issue sessions that end no later than the approved window.

Exit codes: 0 created (or approved, with --wait), 5 denied, cancelled, expired or timed out
            (with --wait), 4 the policy denies the profile or no approvals: rule covers it,
            3 invalid configuration, 6 AWS failure, 7 a required notifier failed.

Examples:
  $ sentinel request prod --reason "deploy hotfix 1.2.3" --duration 1h
  $ sentinel request prod --reason "incident 42" --wait --timeout 10m && aws s3 ls --profile prod
  $ sentinel request --profile prod --justification "deploy" --duration 2h    # v1 spelling`,
    )
    .action(ctx.action(async (positional, options) => {
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
      const timeoutSeconds = parseDuration(options.timeout);
      if (timeoutSeconds === undefined || timeoutSeconds < 1) {
        throw new SentinelError(
          "usage",
          human`--timeout "${options.timeout}" is not a duration such as 15m`,
        );
      }
      const outcome = await requestAccess(ctx.deps, {
        profile,
        reason,
        durationSeconds: windowFlag(options.duration),
        store: options.store,
        anyway: options.anyway,
      });
      const json = ctx.output() === "json";
      if (outcome.kind === "already_approved") {
        const held = outcome.request;
        if (json) {
          writeJson(ctx.io.stdout, { needed: false, ...requestJson(held) });
        } else {
          ctx.say(
            human`you already have ${profile} until ${
              isoSeconds(outcome.windowEndsAt)
            } (request ${held.id}, approved by ${
              held.decidedBy ?? "?"
            }); nothing new was asked. To ask for more anyway: sentinel request ${profile} --reason "<why>" --anyway\n`,
          );
        }
        return ExitCode.Ok;
      }
      if (outcome.kind === "not_needed") {
        const message = `no approval needed: the policy allows ${profile} now (${
          outcome.rule === null ? "default" : `rule "${outcome.rule}"`
        }); use it directly`;
        if (json) writeJson(ctx.io.stdout, { needed: false, profile, rule: outcome.rule });
        else ctx.say(message + "\n");
        return ExitCode.Ok;
      }
      let request = outcome.request;
      const { settings } = outcome.context;
      const owner = ownerFlags(ownerOf(settings));
      if (!json) {
        ctx.say(
          request.status === "approved"
            ? human`request ${request.id}: approved by the policy (auto_approve) until ${
              isoSeconds(request.windowEndsAt!)
            }\n`
            : human`request ${request.id}: pending, needs ${request.requiredApprovals} approval(s) from ${
              outcome.approvers.join(", ")
            }\n  approvers run: ${
              commandLine(["sentinel", "approve", request.id, ...storeFlags(settings.store)])
            }\n  status:        ${
              commandLine(["sentinel", "requests", "show", request.id, ...owner])
            }\n  cancel:        ${
              commandLine(["sentinel", "cancel", request.id, ...owner])
            }\n  store:         ${storeNamed(settings.store)}\n`,
        );
      }
      if (options.wait && request.status === "pending") {
        const live = !json && ctx.io.stderrIsTerminal();
        request = await waitForDecision(
          ctx.deps,
          outcome.context,
          request.id,
          timeoutSeconds * 1000,
          (current, waited) => {
            if (live) {
              ctx.io.stderr(
                human`\r\x1b[2Kwaiting for approval of ${current.id}: ${current.status}, ${current.approvals.length}/${current.requiredApprovals} approvals, ${
                  Math.round(waited / 1000)
                }s`,
              );
            }
          },
          (ms) => ctx.deps.clock.sleep(ms),
        );
        if (live) ctx.io.stderr("\r\x1b[2K");
        if (!json) ctx.io.stdout(requestText(request, ctx.deps.clock.now()));
      }
      if (json) writeJson(ctx.io.stdout, { ...requestJson(request), ...storeJson(settings.store) });
      if (!options.wait || request.status === "approved") return ExitCode.Ok;
      if (request.status === "pending") {
        throw new SentinelError(
          "approval_timed_out",
          human`no decision on request ${request.id} within ${options.timeout}; it stays pending — check later with \`sentinel requests show ${request.id}\``,
        );
      }
      return ExitCode.ApprovalRequired;
    }));
}

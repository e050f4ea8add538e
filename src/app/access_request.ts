/**
 * `sentinel request` as one use case: ask for access ({@link requestAccess}) and, when asked to,
 * wait for the decision ({@link waitForDecision}) — ending with what the person needs: the request
 * as it stands and the exit code (0 created or approved, 5 denied, cancelled or expired; a
 * pending request at the end of the wait is `approval_timed_out`, exit 5 too).
 *
 * @module
 */
import type { ApprovalRequest } from "../core/approval/request.ts";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { displaySafe } from "../core/text/display.ts";
import type { Deps } from "../ports/deps.ts";
import {
  type AccessRequestInput,
  type AccessRequestOutcome,
  requestAccess,
  waitForDecision,
} from "./approvals.ts";

/** What `sentinel request` asks for, and how long to wait for the decision. */
export interface AskInput extends AccessRequestInput {
  /** Wait for the decision this long (`text` as typed, for the message at the end). */
  wait?: { seconds: number; text: string };
}

/** Whom the asking tells on the way. */
export interface AskHooks {
  /** The request was created (before any wait). */
  created?(outcome: Extract<AccessRequestOutcome, { kind: "created" }>): void;
  /** The request's state while waiting. */
  progress?(request: ApprovalRequest, waitedMs: number): void;
  sleep(ms: number): Promise<void>;
}

/** The end of `sentinel request`. */
export type AskResult =
  | Exclude<AccessRequestOutcome, { kind: "created" }> & { exitCode: 0 }
  | Extract<AccessRequestOutcome, { kind: "created" }> & {
    /** The request as it stands at the end (after the wait, if there was one). */
    final: ApprovalRequest;
    /** Whether it was waited for. */
    waited: boolean;
    exitCode: number;
    /** Still pending when the wait ended (`approval_timed_out`): the command fails with it. */
    timedOut?: SentinelError;
  };

/** Asks for access and, with `wait`, waits for the decision. */
export async function askForAccess(
  deps: Deps,
  input: AskInput,
  hooks: AskHooks,
): Promise<AskResult> {
  const outcome = await requestAccess(deps, input);
  if (outcome.kind !== "created") return { ...outcome, exitCode: ExitCode.Ok };
  hooks.created?.(outcome);
  const waits = input.wait !== undefined && outcome.request.status === "pending";
  const final = waits
    ? await waitForDecision(
      deps,
      outcome.read,
      input.wait!.seconds * 1000,
      (request, waited) => hooks.progress?.(request, waited),
      hooks.sleep,
    )
    : outcome.request;
  return { ...outcome, final, waited: waits, ...endOf(final, input.wait) };
}

/** 0 unless waited for and not approved: a refusal is exit 5, a timeout an error. */
function endOf(
  request: ApprovalRequest,
  wait: AskInput["wait"],
): { exitCode: number; timedOut?: SentinelError } {
  if (wait === undefined || request.status === "approved") return { exitCode: ExitCode.Ok };
  if (request.status !== "pending") return { exitCode: ExitCode.ApprovalRequired };
  return {
    exitCode: ExitCode.ApprovalRequired,
    timedOut: new SentinelError(
      "approval_timed_out",
      `no decision on request ${request.id} within ${
        displaySafe(wait.text)
      }; it stays pending — check later with \`sentinel requests show ${request.id}\``,
    ),
  };
}

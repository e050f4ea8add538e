/**
 * What a policy decision means for issuance, in one pure function: issue (and under which grant,
 * with which caps), or refuse with the error the user sees. An approved request turns
 * `require_approval` into an issuance within the approval's window; an active break-glass event
 * overrides a deny or `require_approval` within the event's window — except where a role guard
 * (a deny rule naming the role, anywhere in the policy) matches: nothing opens a guarded role.
 * The covers arrive already judged against the policy in force (approvalHolds, eventHolds).
 *
 * @example
 * ```ts
 * import { issuanceVerdict } from "./verdict.ts";
 *
 * const verdict = issuanceVerdict({
 *   decision: { effect: "deny", rule: "offboarded", ruleIndex: 0, reason: "left the company" },
 *   profile: "prod", user: "mallory", decisionId: "00112233aabbccdd",
 * });
 * console.assert(!verdict.issue && verdict.error.exitCode === 4);
 * ```
 * @module
 */
import { SentinelError } from "../errors.ts";
import type { Decision } from "../policy/evaluate.ts";
import type { IssuanceGrant } from "./record.ts";

/** An approved request that covers this issuance under the policy in force. */
export interface ApprovalCover {
  id: string;
  /** When the approved access window ends, epoch ms. */
  windowEndsAt: number;
  /** The longest session it may lend now, seconds (the approved length within today's caps). */
  maxSessionSeconds: number;
}

/** An active break-glass event that covers this issuance under the policy in force. */
export interface BreakglassCover {
  id: string;
  /** When the event ends, epoch ms. */
  endsAt: number;
  /** The longest session it may lend, seconds (its rule's `max_duration`). */
  maxSessionSeconds: number;
}

/** What is known when deciding. */
export interface VerdictInput {
  decision: Decision;
  /**
   * The role guard matching this request (roleGuard: a deny rule naming the role, wherever it
   * stands in the policy): no approval or break-glass overrides it.
   */
  guard?: Decision;
  profile: string;
  user: string;
  decisionId: string;
  approval?: ApprovalCover;
  breakglass?: BreakglassCover;
  /** Why records the user holds lend nothing ("approved request 0a1b…: its window is over"). */
  unusable?: readonly string[];
  /** A `breakglass:` rule allows this user into this profile: the refusal says how to use it. */
  breakglassAllowed?: boolean;
}

/** Issue, or refuse. */
export type Verdict =
  | {
    issue: true;
    grant: IssuanceGrant;
    /** The deciding rule's cap (or the cover's), when one is set. */
    ruleMaxSeconds?: number;
    /** The end of the window that lent the access; sessions never outlive it. */
    windowEndsAt?: number;
  }
  | { issue: false; error: SentinelError };

/** Decides whether to issue. */
export function issuanceVerdict(input: VerdictInput): Verdict {
  const { decision } = input;
  if (decision.effect === "allow") {
    return { issue: true, grant: {}, ruleMaxSeconds: decision.maxDurationSeconds };
  }
  if (input.guard === undefined && input.breakglass !== undefined) {
    return {
      issue: true,
      grant: { breakglassEventId: input.breakglass.id },
      ruleMaxSeconds: input.breakglass.maxSessionSeconds,
      windowEndsAt: input.breakglass.endsAt,
    };
  }
  if (
    input.guard === undefined && decision.effect === "require_approval" &&
    input.approval !== undefined
  ) {
    return {
      issue: true,
      grant: { approvalRequestId: input.approval.id },
      ruleMaxSeconds: Math.min(
        input.approval.maxSessionSeconds,
        decision.maxDurationSeconds ?? Infinity,
      ),
      windowEndsAt: input.approval.windowEndsAt,
    };
  }
  return { issue: false, error: refusal(input) };
}

function refusal(input: VerdictInput): SentinelError {
  const { decision, profile, user, decisionId, guard } = input;
  const by = decision.rule === null ? "no rule matched (default deny)" : `rule "${decision.rule}"`;
  const unusable = (input.unusable ?? []).map((why) => ` ${why}.`).join("");
  const guarded = guard === undefined || guard === decision
    ? ""
    : ` Rule "${guard.rule}" denies this role outright (${guard.reason}): no approval or break-glass opens it.`;
  const breakglass = input.breakglassAllowed && guard === undefined
    ? ` In an emergency, a breakglass: rule lets you in: sentinel breakglass ${profile} --reason-code <code> --justification "<what is happening>"`
    : "";
  if (decision.effect === "require_approval") {
    return new SentinelError(
      "approval_required",
      `access to ${profile} for ${user} requires approval (${by}: ${decision.reason}).${unusable}${guarded}${
        guard === undefined ? ` Request it with: sentinel request ${profile} --reason "<why>"` : ""
      }${breakglass ? `.${breakglass}` : ""}`,
    );
  }
  return new SentinelError(
    "denied",
    `denied: ${profile} for ${user} by ${by}: ${decision.reason} (decision ${decisionId}).${unusable}${guarded}${breakglass}`,
  );
}

/**
 * What a policy decision means for issuance, in one pure function: issue (and under which grant,
 * with which caps), or refuse with the error the user sees. An approved request turns
 * `require_approval` into an issuance within the approval's window; an active break-glass event
 * overrides a deny or `require_approval` within the event's window — except a deny that names the
 * role itself, which nothing overrides.
 *
 * @example
 * ```ts
 * import { issuanceVerdict } from "./verdict.ts";
 *
 * const verdict = issuanceVerdict({
 *   decision: { effect: "deny", rule: "offboarded", ruleIndex: 0, reason: "left the company" },
 *   profile: "prod", user: "mallory", requestId: "00112233aabbccdd",
 * });
 * console.assert(!verdict.issue && verdict.error.exitCode === 4);
 * ```
 * @module
 */
import { ExitCode, SentinelError } from "../errors.ts";
import type { Decision } from "../policy/evaluate.ts";
import type { IssuanceGrant } from "./record.ts";

/** An approved request that covers this issuance. */
export interface ApprovalCover {
  id: string;
  /** When the approved access window ends, epoch ms. */
  windowEndsAt: number;
  /** The approved session length, seconds. */
  maxDurationSeconds?: number;
}

/** An active break-glass event that covers this issuance. */
export interface BreakglassCover {
  id: string;
  /** When the event ends, epoch ms. */
  endsAt: number;
}

/** What is known when deciding. */
export interface VerdictInput {
  decision: Decision;
  /**
   * The deciding rule is a deny that names the role (`conditions.roles`): a guardrail on the role
   * itself, which break-glass never overrides (it opens closed profiles, not forbidden roles).
   */
  roleDenied?: boolean;
  profile: string;
  user: string;
  requestId: string;
  approval?: ApprovalCover;
  breakglass?: BreakglassCover;
}

/** Issue, or refuse. */
export type Verdict =
  | {
    issue: true;
    grant: IssuanceGrant;
    /** The deciding rule's cap, when it sets one. */
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
  if (input.breakglass !== undefined && !(decision.effect === "deny" && input.roleDenied)) {
    return {
      issue: true,
      grant: { breakglassEventId: input.breakglass.id },
      windowEndsAt: input.breakglass.endsAt,
    };
  }
  if (decision.effect === "require_approval" && input.approval !== undefined) {
    return {
      issue: true,
      grant: { approvalRequestId: input.approval.id },
      ruleMaxSeconds: input.approval.maxDurationSeconds ?? decision.maxDurationSeconds,
      windowEndsAt: input.approval.windowEndsAt,
    };
  }
  return { issue: false, error: refusal(input) };
}

function refusal({ decision, profile, user, requestId }: VerdictInput): SentinelError {
  const by = decision.rule === null ? "no rule matched (default deny)" : `rule "${decision.rule}"`;
  if (decision.effect === "require_approval") {
    return new SentinelError(
      ExitCode.ApprovalRequired,
      `access to ${profile} for ${user} requires approval (${by}: ${decision.reason}). Request it with: sentinel request ${profile} --reason "<why>"`,
    );
  }
  return new SentinelError(
    ExitCode.Denied,
    `denied: ${profile} for ${user} by ${by}: ${decision.reason} (request ${requestId})`,
  );
}

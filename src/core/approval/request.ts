/**
 * An approval request (DESIGN §8): who asks for which profile and role, for how long and why, and
 * what became of it. States: pending → approved | denied | cancelled | expired, all terminal.
 * Plain data with a version, so a store can apply a transition only while the version it was
 * computed from is still current.
 *
 * @module
 */

/** Where a request stands. */
export const REQUEST_STATUSES = ["pending", "approved", "denied", "cancelled", "expired"] as const;
/** One of {@link REQUEST_STATUSES}. */
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** One approver's approval (a rule may require several distinct ones). */
export interface Approval {
  /** The approver's name under the policy they were judged by. */
  approver: string;
  /** The approver's verified ARN. */
  approverArn?: string;
  at: number;
  comment?: string;
}

/** An approval request. Times are epoch milliseconds (UTC). */
export interface ApprovalRequest {
  /** 16 hex digits or more (at least 64 random bits). */
  id: string;
  /** The name the policy knows the verified identity that asked by. */
  requester: string;
  /** The verified ARN of who asked (absent on records from before it was kept). */
  requesterArn?: string;
  profile: string;
  roleArn: string;
  /** The session length asked for, seconds. */
  durationSeconds: number;
  reason: string;
  status: RequestStatus;
  /** The `approvals:` rule that governs it. */
  rule: string;
  /**
   * The policy it was made under (a file path or `ssm:<name>`), for the record. Approvers are
   * judged by the policy in force for the profile (never one the requester picked), and issuance
   * checks every approval again against the policy it issues under.
   */
  policySource?: string;
  /** Distinct approvals needed (the rule's `required_approvals`, default 1). */
  requiredApprovals: number;
  approvals: Approval[];
  createdAt: number;
  updatedAt: number;
  /** A pending request expires at this instant. */
  expiresAt: number;
  /** Who ended it (approver, denier, requester, `policy` for auto-approval, `sentinel` for expiry). */
  decidedBy?: string;
  /** The verified ARN of who ended it, when that was a person. */
  decidedByArn?: string;
  decidedAt?: number;
  comment?: string;
  /** For an approved request: the access window ends here (it opened at approval). */
  windowEndsAt?: number;
  /** A terminal record may be deleted by the store after this instant. */
  retainUntil?: number;
  /**
   * Set while a stored request's approvers have not been told of it yet (cleared once the
   * announcement went out): it cannot be approved meanwhile, and one its maker never announced
   * (killed first) is withdrawn after a grace period (see unannounced.ts). Absent on records from
   * before it was kept, and on auto-approved requests.
   */
  unannounced?: true;
  /** Incremented by every transition. */
  version: number;
}

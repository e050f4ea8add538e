/**
 * Policies the in-process command tests share: prod needs an approval from bob or carol (up to
 * 2 h), and alice may break glass into it.
 *
 * @module
 */

/** prod requires approval (bob, carol approve); alice may break glass. */
export const APPROVAL_POLICY = `version: "1"
rules:
  - name: prod-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob, carol]
    max_duration: 2h
breakglass:
  - name: sre
    profiles: [prod]
    users: [alice]
    reason_codes: [incident]
    max_duration: 1h
    reviewers: [carol]
`;

/** The fields of a request as `--output json` gives it (requestJson and the store). */
export const REQUEST_JSON_KEYS = [
  "id",
  "requester",
  "requester_arn",
  "profile",
  "role_arn",
  "duration_seconds",
  "reason",
  "status",
  "rule",
  "required_approvals",
  "approvals",
  "created_at",
  "expires_at",
  "decided_by",
  "decided_by_arn",
  "decided_at",
  "comment",
  "window_ends_at",
  "store",
  "store_from",
];

/** The fields of a break-glass event as `--output json` gives it (eventJson and the store). */
export const EVENT_JSON_KEYS = [
  "id",
  "invoker",
  "invoker_arn",
  "profile",
  "role_arn",
  "reason_code",
  "justification",
  "rule",
  "created_at",
  "announced_at",
  "ends_at",
  "closed_at",
  "closed_by",
  "closed_by_arn",
  "close_reason",
  "reviewed_at",
  "reviewed_by",
  "reviewed_by_arn",
  "review_notes",
];

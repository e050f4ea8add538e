/**
 * The policy document's schema (DESIGN §5): Sentinel v1 rules plus the extensions — glob patterns,
 * `conditions.roles`, `max_duration`, and the `approvals:` and `breakglass:` sections.
 *
 * Validation is strict: unknown keys, unknown effects, bad days, hours and time zones are errors,
 * so a typo can never silently widen access.
 *
 * @module
 */
import { z } from "zod";
import { parseDuration } from "../text/duration.ts";
import { STS_MAX_DURATION_SECONDS, STS_MIN_DURATION_SECONDS } from "../limits.ts";
import { parseClockTime } from "./time/clock_time.ts";
import { weekdayNumber, weekdaySpellings } from "./time/weekday.ts";
import { isKnownTimeZone } from "./time/zone_offsets.ts";

/** Rule effects. */
export const EFFECTS = ["allow", "deny", "require_approval"] as const;
/** What a matching rule decides. */
export type Effect = (typeof EFFECTS)[number];

/** How credentials are being asked for (the v1 `mode` condition). */
export const CREDENTIAL_MODES = [
  "credential_process",
  "cli",
  "server",
] as const;
/** One of {@link CREDENTIAL_MODES}. */
export type CredentialMode = (typeof CREDENTIAL_MODES)[number];

/** Break-glass reason codes (DESIGN §9). */
export const BREAKGLASS_REASON_CODES = [
  "incident",
  "maintenance",
  "security",
  "recovery",
  "other",
] as const;
/** One of {@link BREAKGLASS_REASON_CODES}. */
export type BreakglassReasonCode = (typeof BREAKGLASS_REASON_CODES)[number];

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(", ");

const nonEmptyName = z.string({ error: "must be a text" }).min(
  1,
  "must not be empty",
);

const nameList = z.array(
  z.string({ error: "must be a text (a name or a glob pattern)" }).min(
    1,
    "must not be empty",
  ).refine(
    // A lone surrogate (`"\uD83D"` in YAML) is no character: patterns are matched by character.
    (text) => text.isWellFormed(),
    "must be well-formed text (it holds half of a UTF-16 surrogate pair)",
  ),
  { error: "must be a list of names or glob patterns" },
);

const duration = (min: number, max: number) =>
  z.union([z.string(), z.number()], {
    error: 'must be a duration such as 900, "15m", "1h" or "1h30m"',
  }).transform((value, ctx) => {
    const seconds = parseDuration(value);
    if (seconds === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not a duration; write seconds (900) or units d/h/m/s ("1h30m")`,
      });
      return z.NEVER;
    }
    if (seconds < min || seconds > max) {
      ctx.addIssue({
        code: "custom",
        message: `${value} is out of range: must be between ${min}s and ${max}s`,
      });
      return z.NEVER;
    }
    return seconds;
  });

/** A session length STS can issue: 15 minutes to 12 hours. */
const sessionDuration = duration(
  STS_MIN_DURATION_SECONDS,
  STS_MAX_DURATION_SECONDS,
);
/** Any positive span up to a year (cooldowns, quota windows, request lifetimes). */
const span = duration(1, 366 * 86_400);

const weekday = z.string({ error: "must be a weekday name" }).refine(
  (day) => weekdayNumber(day) !== undefined,
  {
    error: (issue) => `unknown day "${issue.input}"; use ${weekdaySpellings()}`,
  },
);

const clockTime = (what: string) =>
  z.string({ error: `${what} must be a time "HH:MM" in quotes` }).refine(
    (text) => parseClockTime(text) !== undefined,
    {
      error: (issue) => `${what} "${issue.input}" is not a time "HH:MM" between 00:00 and 24:00`,
    },
  );

const timeZone = z.string({ error: "must be an IANA time zone name" }).refine(
  isKnownTimeZone,
  {
    error: (issue) =>
      `unknown time zone "${issue.input}"; use an IANA name such as "Europe/Berlin" or "UTC"`,
  },
);

const hourRange = z.strictObject({
  start: clockTime("start"),
  end: clockTime("end"),
}).superRefine((hours, ctx) => {
  const start = parseClockTime(hours.start)!;
  const end = parseClockTime(hours.end)!;
  if (start === 1440) {
    ctx.addIssue({
      code: "custom",
      path: ["start"],
      message: "start cannot be 24:00; use 00:00",
    });
  } else if (start === end) {
    ctx.addIssue({
      code: "custom",
      path: ["end"],
      message: `the window ${hours.start}-${hours.end} is empty; for the whole day use 00:00-24:00`,
    });
  }
});

/** `time:` — days, hours (start inclusive, end exclusive, may cross midnight) and time zone. */
export const timeWindowSchema = z.strictObject({
  days: z.array(weekday, { error: "must be a list of weekday names" })
    .optional(),
  hours: hourRange.optional(),
  timezone: timeZone.optional(),
});
/** A validated time window. */
export type TimeWindow = z.infer<typeof timeWindowSchema>;

/** `conditions:` — all present conditions must hold; an absent one matches anything. */
export const conditionsSchema = z.strictObject({
  profiles: nameList.optional(),
  users: nameList.optional(),
  roles: nameList.optional(),
  time: timeWindowSchema.optional(),
  mode: z.array(z.enum(CREDENTIAL_MODES, {
    error: `must be one of ${quoted(CREDENTIAL_MODES)}`,
  })).optional(),
});
/** A rule's validated conditions. */
export type Conditions = z.infer<typeof conditionsSchema>;

/** One access rule. */
export const ruleSchema = z.strictObject({
  name: nonEmptyName,
  effect: z.enum(EFFECTS, { error: `must be one of ${quoted(EFFECTS)}` }),
  conditions: conditionsSchema.optional(),
  reason: z.string({ error: "must be a text" }).optional(),
  max_duration: sessionDuration.optional(),
});
/** A validated access rule. */
export type Rule = z.infer<typeof ruleSchema>;

/** `approvals:` — who may approve requests for which profiles, and when a request approves itself. */
export const approvalRuleSchema = z.strictObject({
  name: nonEmptyName,
  profiles: nameList.min(1, "must name at least one profile"),
  approvers: nameList.min(1, "must name at least one approver"),
  auto_approve: z.strictObject({
    users: nameList.optional(),
    time: timeWindowSchema.optional(),
    max_duration: sessionDuration.optional(),
  }).optional(),
  max_duration: sessionDuration.optional(),
  request_ttl: span.optional(),
  required_approvals: z.int({ error: "must be a whole number" })
    .min(1, "must be at least 1")
    .max(10, "must be at most 10")
    .optional(),
  /** When an approved request's window ends, its requester's sessions of that role are revoked. */
  revoke_on_end: z.boolean({ error: "must be true or false" }).optional(),
});
/** A validated approval rule. */
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;

const quota = z.strictObject({
  max: z.int({ error: "must be a whole number" }).min(1, "must be at least 1"),
  window: span,
});

/** `breakglass:` — who may invoke emergency access, for which profiles, how often. */
export const breakglassRuleSchema = z.strictObject({
  name: nonEmptyName,
  profiles: nameList.min(1, "must name at least one profile"),
  users: nameList.min(1, "must name at least one user"),
  reason_codes: z.array(
    z.enum(BREAKGLASS_REASON_CODES, {
      error: `must be one of ${quoted(BREAKGLASS_REASON_CODES)}`,
    }),
  ).min(1).optional(),
  max_duration: sessionDuration.optional(),
  cooldown: span.optional(),
  quota: z.strictObject({
    per_user: quota.optional(),
    per_profile: quota.optional(),
  }).optional(),
  escalation_threshold: z.int({ error: "must be a whole number" }).min(1)
    .optional(),
  require_review: z.boolean({ error: "must be true or false" }).optional(),
  reviewers: nameList.optional(),
  roles: nameList.optional(),
  /** When an event is closed, the sessions issued under it are revoked. */
  revoke_on_end: z.boolean({ error: "must be true or false" }).optional(),
});
/** A validated break-glass rule. */
export type BreakglassRule = z.infer<typeof breakglassRuleSchema>;

/** `identity:` — how verified identities are named. */
export const identitySchema = z.strictObject({
  /**
   * Roles whose session names name a person (AWS sets them, as for IAM Identity Center); under
   * other roles a session is named `<role>/<session>`. Default: `["AWSReservedSSO_*"]`.
   */
  session_name_roles: nameList.optional(),
  /**
   * The AWS accounts whose identities policies name by plain names (`alice`, `Ops/alice`). An
   * identity from any other account is named by its ARN, which only ARN patterns match. Default:
   * the account of the role being decided on.
   */
  accounts: z.array(
    z.string({ error: "must be a 12-digit AWS account id in quotes" }).regex(
      /^\d{12}$/,
      'must be a 12-digit AWS account id in quotes, such as "123456789012"',
    ),
    { error: "must be a list of 12-digit AWS account ids" },
  ).min(1, "must name at least one account (leave it out for the role's own account)").optional(),
});

/** The whole policy document. */
export const policySchema = z.strictObject({
  version: z.union([z.literal("1"), z.literal(1)], {
    error: 'must be "1" (the only policy format version)',
  }).transform(() => "1" as const),
  rules: z.array(ruleSchema, { error: "must be a list of rules" }).min(
    1,
    "must contain at least one rule (an empty policy would deny everything)",
  ),
  approvals: z.array(approvalRuleSchema, {
    error: "must be a list of approval rules",
  }).optional(),
  breakglass: z.array(breakglassRuleSchema, {
    error: "must be a list of break-glass rules",
  })
    .optional(),
  identity: identitySchema.optional(),
}, { error: "the policy must be a mapping with version and rules" });

/** The sections whose entries carry a `name` that must be unique within the section. */
export const NAMED_SECTIONS = ["rules", "approvals", "breakglass"] as const;

/** A validated policy document. */
export type PolicyDocument = z.infer<typeof policySchema>;

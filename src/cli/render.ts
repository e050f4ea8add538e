/**
 * Pure renderers: decisions, traces and errors as text for people and as JSON for scripts. No
 * I/O; commands write what these return.
 *
 * @module
 */
import { formatDuration } from "../core/text/duration.ts";
import { displaySafe, displaySafeJson } from "../core/text/display.ts";
import type { ErrorCode, ExitCode } from "../core/errors.ts";
import type { Decision, Explanation } from "../core/policy/evaluate.ts";
import type { CheckResult } from "../app/check.ts";
import type { ApprovalRequest } from "../core/approval/request.ts";
import { statusAt } from "../core/approval/transitions.ts";
import type { BreakglassEvent } from "../core/breakglass/event.ts";
import { storeNamed, type StoreSetting } from "../core/store/location.ts";

/**
 * A template for human output whose interpolated values are made safe for a terminal: a newline,
 * an escape sequence or a bidi override in a name shows as a visible escape, so no value can
 * forge a line of output (`human\`request ${id}: ${status}\``).
 */
export function human(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce(
    (text, part, i) => text + part + (i < values.length ? displaySafe(String(values[i])) : ""),
    "",
  );
}

/**
 * Human text made safe for a terminal, line by line: controls, ANSI escapes and bidi overrides in
 * names show as visible escapes (see core/display_text.ts). JSON output never goes through this.
 */
export function safeText(text: string): string {
  return text.split("\n").map(displaySafe).join("\n");
}

/** RFC 3339 UTC without milliseconds when they are zero: `2026-03-02T09:00:00Z`. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(".000Z", "Z");
}

/** A decision as snake_case JSON. */
export function decisionJson(decision: Decision) {
  return {
    effect: decision.effect,
    rule: decision.rule,
    rule_index: decision.ruleIndex,
    reason: decision.reason,
    max_duration_seconds: decision.maxDurationSeconds ?? null,
  };
}

/** A trace as snake_case JSON. */
export function traceJson(explanation: Explanation) {
  return explanation.trace.map((step) => ({
    rule_index: step.index,
    rule: step.rule,
    effect: step.effect,
    matched: step.matched,
    failed_condition: step.failed?.condition ?? null,
    detail: step.failed?.detail ?? null,
  }));
}

/** `check`'s JSON document. */
export function checkJson(result: CheckResult, withTrace: boolean) {
  return {
    request: {
      profile: result.profile,
      user: result.user,
      role_arn: result.roleArn ?? null,
      mode: result.mode ?? null,
      at: isoSeconds(result.at),
    },
    policy: result.policySource,
    source: result.source ?? null,
    decision: decisionJson(result.explanation),
    approval: result.approval?.cover === undefined ? null : {
      request_id: result.approval.cover.id,
      window_ends_at: isoSeconds(Math.floor(result.approval.cover.windowEndsAt / 1000) * 1000),
      store: result.approval.store,
    },
    ...(withTrace ? { trace: traceJson(result.explanation) } : {}),
  };
}

/** `check`'s text; `paint` colours the effect (identity when colour is off). */
export function checkText(
  result: CheckResult,
  withTrace: boolean,
  paint: (effect: string, text: string) => string = (_, text) => text,
): string {
  const { explanation } = result;
  const utc = isoSeconds(result.at);
  // --at as typed (its offset kept), with the UTC instant when they differ.
  const when = result.atText === undefined || result.atText === utc
    ? utc
    : `${result.atText} (${utc})`;
  const lines = [
    human`${explanation.effect.toUpperCase()}: ${result.profile} for ${result.user} at ${when}`,
    explanation.rule === null
      ? "  rule:   none matched (default deny)"
      : human`  rule:   ${explanation.rule} (rules[${explanation.ruleIndex}])`,
    human`  reason: ${explanation.reason}`,
  ];
  if (explanation.maxDurationSeconds !== undefined) {
    lines.push(human`  max session: ${formatDuration(explanation.maxDurationSeconds)}`);
  }
  const approval = result.approval;
  if (approval?.cover !== undefined) {
    lines.push(
      human`  approval: approved request ${approval.cover.id} covers ${result.user} until ${
        isoSeconds(Math.floor(approval.cover.windowEndsAt / 1000) * 1000)
      }: credentials will be issued (store ${approval.store})`,
    );
  } else if (approval !== undefined) {
    lines.push(
      approval.problem === undefined
        ? human`  approval: no approved request covers ${result.user} in ${approval.store}; ask with: sentinel request ${result.profile} --reason '…'`
        : human`  approval: the store ${approval.store} could not say (${approval.problem})`,
    );
  }
  if (withTrace && result.source !== undefined) {
    lines.push(
      `  source: ${result.source}${
        result.sourceProfile ? ` (base credentials of profile ${result.sourceProfile})` : ""
      }`,
    );
  }
  if (withTrace) {
    lines.push("  trace:");
    for (const step of explanation.trace) {
      lines.push(
        step.matched
          ? human`    rules[${step.index}] ${step.rule} (${step.effect}): matched`
          : human`    rules[${step.index}] ${step.rule} (${step.effect}): skipped, ${
            step.failed!.detail
          }`,
      );
    }
    if (explanation.rule === null) lines.push("    no rule matched: default deny");
  }
  const [first, ...rest] = safeText(lines.join("\n")).split("\n");
  const effect = explanation.effect.toUpperCase();
  return [paint(explanation.effect, effect) + first.slice(effect.length), ...rest].join("\n") +
    "\n";
}

/** An error as the CLI reports it. */
export interface RenderedError {
  exitCode: ExitCode;
  /** The catalogue code (`invalid_config`, `conflict`, …). */
  code: ErrorCode;
  message: string;
  details: readonly string[];
  /** A line of our own after the message (text output only), such as the --help pointer. */
  hint?: string;
}

/** An error on stderr: JSON `{code, error, message, details}` or `sentinel: …` lines. */
export function errorText(error: RenderedError, format: "text" | "json"): string {
  if (format === "json") {
    return displaySafeJson({
      exit_code: error.exitCode,
      code: error.code,
      message: error.message,
      details: error.details,
      // The code's name under its old key, for one release (CHANGELOG: removed in the next).
      error: error.code,
    });
  }
  return `sentinel: ${displaySafe(error.message)}\n` +
    error.details.map((line) => `  ${displaySafe(line)}\n`).join("") +
    (error.hint === undefined ? "" : `${error.hint}\n`);
}

/** A duration as `1h30m` (`-` for none). */
function span(seconds: number | undefined): string {
  return seconds === undefined ? "-" : formatDuration(Math.max(0, Math.round(seconds)));
}

/** `1 policy`, `2 policies`: a count with the noun in its number. */
export function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2026-03-02 09:00Z`: compact UTC for tables. */
export function shortTime(epochMs: number | undefined): string {
  return epochMs === undefined
    ? "-"
    : isoSeconds(epochMs).replace("T", " ").replace(/:\d\dZ$/, "Z");
}

/** Rows as an aligned text table with a header. */
export function table(header: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((row) => row.map(displaySafe));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => i === cells.length - 1 ? cell : cell.padEnd(widths[i])).join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** Approval requests as a table. */
export function requestsTable(
  requests: readonly ApprovalRequest[],
  now: number,
  store: StoreSetting,
): string {
  if (requests.length === 0) return human`no requests in the store ${storeNamed(store)}\n`;
  return storeFooter(
    store,
    table(
      ["ID", "STATUS", "PROFILE", "REQUESTER", "DURATION", "CREATED", "APPROVALS", "REASON"],
      requests.map((r) => [
        r.id,
        statusAt(r, now),
        r.profile,
        r.requester,
        span(r.durationSeconds),
        shortTime(r.createdAt),
        human`${r.approvals.length}/${r.requiredApprovals}`,
        r.reason,
      ]),
    ),
  );
}

/** The store in `--output json` answers. */
export function storeJson(
  store: StoreSetting,
): { store: string; store_from: string | null; broker?: string } {
  return {
    store: store.text,
    store_from: store.from ?? null,
    ...(store.broker === undefined ? {} : { broker: store.broker }),
  };
}

/** A table, then the store it came from. */
function storeFooter(store: StoreSetting, text: string): string {
  return text + human`(store: ${storeNamed(store)})\n`;
}

/** One request in full. */
export function requestText(r: ApprovalRequest, now: number): string {
  const lines = [
    human`request ${r.id}: ${statusAt(r, now)}`,
    human`  requester: ${r.requester}`,
    human`  profile:   ${r.profile} (${r.roleArn})`,
    human`  duration:  ${span(r.durationSeconds)}`,
    human`  reason:    ${r.reason}`,
    human`  rule:      ${r.rule} (needs ${r.requiredApprovals} approval${
      r.requiredApprovals > 1 ? "s" : ""
    })`,
    human`  created:   ${isoSeconds(r.createdAt)}`,
  ];
  if (r.status === "pending") lines.push(human`  expires:   ${isoSeconds(r.expiresAt)}`);
  if (r.status === "pending" && r.unannounced) {
    lines.push("  not announced yet: it cannot be approved until its approvers have been told");
  }
  for (const a of r.approvals) {
    lines.push(
      human`  approved by ${a.approver} at ${isoSeconds(a.at)}${a.comment ? `: ${a.comment}` : ""}`,
    );
  }
  if (r.decidedBy !== undefined && r.status !== "approved") {
    lines.push(
      human`  ${r.status} by ${r.decidedBy} at ${isoSeconds(r.decidedAt!)}${
        r.comment ? `: ${r.comment}` : ""
      }`,
    );
  }
  if (r.windowEndsAt !== undefined) {
    lines.push(
      human`  access until ${isoSeconds(r.windowEndsAt)} (${
        span((r.windowEndsAt - now) / 1000)
      } left)`,
    );
  }
  return safeText(lines.join("\n")) + "\n";
}

/** Break-glass events as a table. */
export function eventsTable(
  events: readonly BreakglassEvent[],
  now: number,
  store: StoreSetting,
): string {
  if (events.length === 0) return human`no break-glass events in the store ${storeNamed(store)}\n`;
  return storeFooter(
    store,
    table(
      [
        "ID",
        "STATE",
        "PROFILE",
        "INVOKER",
        "REASON",
        "STARTED",
        "ENDS",
        "REVIEWED",
        "JUSTIFICATION",
      ],
      events.map((e) => [
        e.id,
        eventState(e, now),
        e.profile,
        e.invoker,
        e.reasonCode,
        shortTime(e.createdAt),
        shortTime(e.endsAt),
        e.reviewedBy ?? "no",
        e.justification,
      ]),
    ),
  );
}

/** `active`, `unannounced` (open, but it grants nothing until announced), `closed` or `ended`. */
export function eventState(e: BreakglassEvent, now: number): string {
  if (e.closedAt !== undefined) return "closed";
  if (now >= e.endsAt) return "ended";
  return e.announcedAt === undefined ? "unannounced" : "active";
}

/** One event in full. */
export function eventText(e: BreakglassEvent, now: number): string {
  const lines = [
    human`break-glass ${e.id}: ${eventState(e, now)}`,
    human`  invoker:       ${e.invoker}${
      e.invokerArn === undefined || e.invokerArn === e.invoker ? "" : ` (${e.invokerArn})`
    }`,
    human`  profile:       ${e.profile} (${e.roleArn})`,
    human`  reason code:   ${e.reasonCode}`,
    human`  justification: ${e.justification}`,
    human`  rule:          ${e.rule}`,
    human`  started:       ${isoSeconds(e.createdAt)}`,
    e.announcedAt === undefined
      ? "  announced:     not yet (it grants nothing until every required notifier has heard of it)"
      : human`  announced:     ${isoSeconds(e.announcedAt)}`,
    human`  ends:          ${isoSeconds(e.endsAt)}${
      now < e.endsAt && e.closedAt === undefined ? ` (${span((e.endsAt - now) / 1000)} left)` : ""
    }`,
  ];
  if (e.closedAt !== undefined) {
    lines.push(
      human`  closed by ${e.closedBy} at ${isoSeconds(e.closedAt)}: ${e.closeReason ?? ""}`,
    );
  }
  lines.push(
    e.reviewedAt === undefined
      ? "  review:        pending"
      : human`  reviewed by ${e.reviewedBy} at ${isoSeconds(e.reviewedAt)}: ${e.reviewNotes ?? ""}`,
  );
  return safeText(lines.join("\n")) + "\n";
}

/** The decision log's columns: header and width (the last column is not padded). */
const LOG_COLUMNS: readonly [string, number][] = [
  ["TIME", 20],
  ["USER", 16],
  ["PROFILE", 12],
  ["EFFECT", 16],
  ["OUTCOME", 9],
  ["CACHE", 5],
  ["RULE", 20],
  ["REQUEST", 16],
  ["REASON", 0],
];

function logLine(cells: readonly string[], paintEffect?: (text: string) => string): string {
  return cells.map((cell, i) => {
    const [, width] = LOG_COLUMNS[i];
    const padded = width === 0 ? cell : cell.padEnd(width);
    return i === 3 && paintEffect !== undefined ? paintEffect(padded) : padded;
  }).join("  ").trimEnd() + "\n";
}

/** The header of `sentinel log`'s table. */
export function logHeader(): string {
  return logLine(LOG_COLUMNS.map(([name]) => name));
}

/**
 * One record of the decision log as a row of `sentinel log`'s table; `paint` colours the EFFECT
 * cell. Decisions show their effect; an issuance under break-glass says `BREAK-GLASS <event id>`
 * (and one under an approval `approved request <id>`) before its reason. Approval transitions
 * show `approval` and the new status, break-glass steps `BREAK-GLASS` and the step, each with the
 * person who acted in USER and the request or event id in REQUEST.
 */
export function logRow(
  record: Record<string, unknown>,
  paint: (effect: string, text: string) => string = (_, text) => text,
): string {
  const time = typeof record.time === "string" && !Number.isNaN(Date.parse(record.time))
    ? new Date(Date.parse(record.time)).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z")
    : cellText(record.time);
  const row = ROW_OF[String(record.type)] ?? decisionRow;
  const [cells, effect] = row(record);
  return logLine([time, ...cells], (padded) => paint(effect, padded));
}

/** A value as a cell: `-` when absent, made safe for a terminal. */
function cellText(value: unknown): string {
  return value === null || value === undefined ? "-" : displaySafe(String(value));
}

function given(value: unknown): boolean {
  return value !== null && value !== undefined && value !== "";
}

/** A record's cells after TIME, and the effect its EFFECT cell is painted as. */
type Row = (record: Record<string, unknown>) => [string[], string];

const ROW_OF: Record<string, Row> = {
  approval: (record) => {
    const text = cellText;
    const window = given(record.window_ends_at)
      ? `; window until ${text(record.window_ends_at)}`
      : "";
    return [[
      text(record.actor),
      text(record.profile),
      "approval",
      text(record.to),
      "-",
      text(record.rule),
      text(record.approval_request_id),
      `${text(record.from)} → ${text(record.to)} for ${text(record.requester)}: ${
        text(record.comment ?? record.reason)
      }${window}`,
    ], "approval"];
  },
  breakglass: (record) => {
    const text = cellText;
    const why = record.action === "closed"
      ? `closed: ${text(record.close_reason)}`
      : record.action === "reviewed"
      ? `reviewed: ${text(record.review_notes)}`
      : `${text(record.reason_code)}: ${text(record.justification)}`;
    return [[
      text(record.actor),
      text(record.profile),
      "BREAK-GLASS",
      text(record.action),
      "-",
      text(record.rule),
      text(record.breakglass_event_id ?? record.id),
      `${why} (invoked by ${text(record.invoker)}, until ${text(record.ends_at)})`,
    ], "breakglass"];
  },
  log_repair: (record) => [[
    "-",
    "-",
    "log_repair",
    "-",
    "-",
    "-",
    "-",
    `a torn line of ${cellText(record.removed_bytes)} bytes was cut off (${
      cellText(record.reason)
    })`,
  ], "log_repair"],
};

/** A decision: its effect, and the grant it was issued under before its reason. */
function decisionRow(record: Record<string, unknown>): [string[], string] {
  const text = cellText;
  const effect = text(record.effect);
  const grant = given(record.breakglass_event_id)
    ? `BREAK-GLASS ${text(record.breakglass_event_id)}: `
    : given(record.approval_request_id)
    ? `approved request ${text(record.approval_request_id)}: `
    : "";
  return [[
    text(record.user),
    text(record.profile),
    effect,
    text(record.outcome),
    record.cache_hit === true ? "hit" : "-",
    text(record.rule),
    text(record.request_id),
    grant + text(record.failure ?? record.reason),
  ], given(record.breakglass_event_id) ? "breakglass" : effect];
}

/** One line of `doctor` per check, grouped by profile, with the fix under each failure. */
export function doctorText(
  report: { profiles: readonly string[]; checks: readonly DoctorLine[]; ok: boolean },
  style: { ok(text: string): string; bad(text: string): string },
): string {
  const lines: string[] = [];
  let group: string | undefined = "";
  for (const check of report.checks) {
    if (check.profile !== group) {
      group = check.profile;
      lines.push(group === undefined ? "this machine:" : `profile ${displaySafe(group)}:`);
    }
    const mark = check.ok ? style.ok("✓") : style.bad("✗");
    lines.push(`  ${mark} ${displaySafe(check.check)}: ${displaySafe(check.detail)}`);
    if (!check.ok && check.fix !== undefined) lines.push(`      fix: ${displaySafe(check.fix)}`);
  }
  const failed = report.checks.filter((check) => !check.ok).length;
  lines.push(
    failed === 0
      ? style.ok(`all ${report.checks.length} checks passed`)
      : style.bad(`${failed} of ${report.checks.length} checks failed`),
  );
  return lines.join("\n") + "\n";
}

/** A doctor check as the renderer needs it. */
export interface DoctorLine {
  profile?: string;
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

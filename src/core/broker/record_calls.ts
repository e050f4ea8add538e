/**
 * How the broker reads the calls that act on approval requests and break-glass events (DESIGN
 * §15, core/broker/api.ts has the paths): strictly, as calls.ts reads a credentials call — an
 * unknown field, a wrong type, an id or profile outside its alphabet is a refusal. What the use
 * cases check themselves (a reason's length, a window the rule allows) they still check.
 *
 * @example
 * ```ts
 * import { parseDecideCall } from "./record_calls.ts";
 *
 * const call = parseDecideCall('{"id":"0a1b2c3d4e5f6a7b","action":"approve"}');
 * console.assert(call.ok && call.value.action === "approve");
 * console.assert(!parseDecideCall('{"id":"0a1b2c3d4e5f6a7b","action":"approve","as":"bob"}').ok);
 * ```
 * @module
 */
import { REQUEST_STATUSES, type RequestStatus } from "../approval/request.ts";
import { isStsDuration, MAX_REASON_CHARS } from "../limits.ts";
import { BREAKGLASS_REASON_CODES, type BreakglassReasonCode } from "../policy/schema.ts";
import { jsonObject, PROFILE } from "./calls.ts";

/** A call read, or why it is refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

/** What one field must hold: its check, and what to say when it does not. */
interface FieldSpec {
  check(value: unknown): boolean;
  what: string;
  required?: true;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const field = {
  id: { check: (v: unknown) => typeof v === "string" && ID.test(v), what: "a record id" },
  profile: {
    check: (v: unknown) => typeof v === "string" && PROFILE.test(v),
    what: "a profile name (letters, digits, _.+=,@:/-)",
  },
  text: {
    // The use cases say what is wrong with empty or long text; this only bounds what is read.
    check: (v: unknown) => typeof v === "string" && [...v].length <= MAX_REASON_CHARS,
    what: `text of at most ${MAX_REASON_CHARS} characters`,
  },
  flag: { check: (v: unknown) => typeof v === "boolean", what: "true or false" },
  duration: {
    check: (v: unknown) => typeof v === "number" && isStsDuration(v),
    what: "a whole number from 900 to 43200",
  },
  limit: {
    check: (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 1000,
    what: "a whole number from 1 to 1000",
  },
  cursor: {
    check: (v: unknown) => typeof v === "string" && v.length > 0 && v.length <= 2048,
    what: "a cursor from an earlier page",
  },
  oneOf: (choices: readonly string[]) => ({
    check: (v: unknown) => typeof v === "string" && choices.includes(v),
    what: `one of ${choices.join(", ")}`,
  }),
};
const required = (spec: FieldSpec): FieldSpec => ({ ...spec, required: true });

/** The fields of `body` by `specs`, every one checked and no other allowed. */
function parseFields(
  body: string,
  specs: Record<string, FieldSpec>,
): Parsed<Record<string, unknown>> {
  const object = body.trim() === "" ? { ok: true as const, value: {} } : jsonObject(body);
  if (!object.ok) return object;
  const unknown = Object.keys(object.value).filter((key) => !Object.hasOwn(specs, key));
  if (unknown.length > 0) {
    return {
      ok: false,
      why: `unknown field(s) in the call: ${
        unknown.slice(0, 5).map((key) => key.slice(0, 40)).join(", ")
      }`,
    };
  }
  for (const [name, spec] of Object.entries(specs)) {
    const value = object.value[name];
    if (value === undefined) {
      if (spec.required) return { ok: false, why: `${name} is missing` };
    } else if (!spec.check(value)) {
      return { ok: false, why: `${name} must be ${spec.what}` };
    }
  }
  return object;
}

/** `POST /v1/requests/create`: what `sentinel request` asks for. */
export interface CreateRequestCall {
  profile: string;
  reason: string;
  durationSeconds?: number;
  anyway?: boolean;
}

/** The body of a create-request call, or why it is refused. */
export function parseCreateRequestCall(body: string): Parsed<CreateRequestCall> {
  const read = parseFields(body, {
    profile: required(field.profile),
    reason: required(field.text),
    duration_seconds: field.duration,
    anyway: field.flag,
  });
  if (!read.ok) return read;
  const { profile, reason, duration_seconds: duration, anyway } = read.value;
  return {
    ok: true,
    value: {
      profile: profile as string,
      reason: reason as string,
      ...(duration === undefined ? {} : { durationSeconds: duration as number }),
      ...(anyway === true ? { anyway: true } : {}),
    },
  };
}

/** `POST /v1/requests/list`: which requests. */
export interface ListRequestsCall {
  status?: RequestStatus;
  profile?: string;
  mine?: boolean;
  limit: number;
  cursor?: string;
}

/** The body of a list-requests call, or why it is refused. */
export function parseListRequestsCall(body: string): Parsed<ListRequestsCall> {
  const read = parseFields(body, {
    status: field.oneOf(REQUEST_STATUSES),
    profile: field.profile,
    mine: field.flag,
    limit: field.limit,
    cursor: field.cursor,
  });
  if (!read.ok) return read;
  const { status, profile, mine, limit, cursor } = read.value;
  return {
    ok: true,
    value: {
      limit: (limit as number | undefined) ?? 50,
      ...(status === undefined ? {} : { status: status as RequestStatus }),
      ...(profile === undefined ? {} : { profile: profile as string }),
      ...(mine === true ? { mine: true } : {}),
      ...(cursor === undefined ? {} : { cursor: cursor as string }),
    },
  };
}

/** `POST /v1/requests/show` and `/v1/breakglass/show`: one record. */
export function parseShowCall(body: string): Parsed<{ id: string }> {
  const read = parseFields(body, { id: required(field.id) });
  return read.ok ? { ok: true, value: { id: read.value.id as string } } : read;
}

/** `POST /v1/requests/sweep`: no arguments. */
export function parseSweepCall(body: string): Parsed<Record<never, never>> {
  const read = parseFields(body, {});
  return read.ok ? { ok: true, value: {} } : read;
}

/** The verdicts on a request. */
export const DECIDE_ACTIONS = ["approve", "deny", "cancel"] as const;

/** `POST /v1/requests/decide`: approve, deny or cancel a request. */
export interface DecideCall {
  id: string;
  action: (typeof DECIDE_ACTIONS)[number];
  comment?: string;
}

/** The body of a decide call, or why it is refused. */
export function parseDecideCall(body: string): Parsed<DecideCall> {
  const read = parseFields(body, {
    id: required(field.id),
    action: required(field.oneOf(DECIDE_ACTIONS)),
    comment: field.text,
  });
  if (!read.ok) return read;
  const { id, action, comment } = read.value;
  if (action === "deny" && (typeof comment !== "string" || comment.trim() === "")) {
    return { ok: false, why: "a denial needs a comment saying why" };
  }
  return {
    ok: true,
    value: {
      id: id as string,
      action: action as DecideCall["action"],
      ...(comment === undefined ? {} : { comment: comment as string }),
    },
  };
}

/** `POST /v1/breakglass/invoke`: what `sentinel breakglass <profile>` asks for. */
export interface InvokeCall {
  profile: string;
  reasonCode: BreakglassReasonCode;
  justification: string;
  durationSeconds?: number;
}

/** The body of an invoke call, or why it is refused. */
export function parseInvokeCall(body: string): Parsed<InvokeCall> {
  const read = parseFields(body, {
    profile: required(field.profile),
    reason_code: required(field.oneOf(BREAKGLASS_REASON_CODES)),
    justification: required(field.text),
    duration_seconds: field.duration,
  });
  if (!read.ok) return read;
  const { profile, reason_code: code, justification, duration_seconds: duration } = read.value;
  return {
    ok: true,
    value: {
      profile: profile as string,
      reasonCode: code as BreakglassReasonCode,
      justification: justification as string,
      ...(duration === undefined ? {} : { durationSeconds: duration as number }),
    },
  };
}

/** `POST /v1/breakglass/list`: which events. */
export interface ListEventsCall {
  active?: boolean;
  unreviewed?: boolean;
  invoker?: string;
  profile?: string;
  limit: number;
  cursor?: string;
}

/** The body of a list-events call, or why it is refused. */
export function parseListEventsCall(body: string): Parsed<ListEventsCall> {
  const read = parseFields(body, {
    active: field.flag,
    unreviewed: field.flag,
    invoker: field.text,
    profile: field.profile,
    limit: field.limit,
    cursor: field.cursor,
  });
  if (!read.ok) return read;
  const { active, unreviewed, invoker, profile, limit, cursor } = read.value;
  return {
    ok: true,
    value: {
      limit: (limit as number | undefined) ?? 50,
      ...(active === true ? { active: true } : {}),
      ...(unreviewed === true ? { unreviewed: true } : {}),
      ...(invoker === undefined ? {} : { invoker: invoker as string }),
      ...(profile === undefined ? {} : { profile: profile as string }),
      ...(cursor === undefined ? {} : { cursor: cursor as string }),
    },
  };
}

/** What may be done to an event. */
export const EVENT_ACTIONS = ["close", "review"] as const;

/** `POST /v1/breakglass/act`: close or review an event. */
export interface EventActCall {
  id: string;
  action: (typeof EVENT_ACTIONS)[number];
  /** The close reason or the review notes. */
  text: string;
}

/** The body of an event call, or why it is refused. */
export function parseEventActCall(body: string): Parsed<EventActCall> {
  const read = parseFields(body, {
    id: required(field.id),
    action: required(field.oneOf(EVENT_ACTIONS)),
    text: required(field.text),
  });
  if (!read.ok) return read;
  const { id, action, text } = read.value;
  return {
    ok: true,
    value: { id: id as string, action: action as EventActCall["action"], text: text as string },
  };
}

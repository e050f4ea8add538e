/**
 * How the broker reads the body of each call of its API (core/broker/api.ts): strictly — an
 * unknown field, a wrong type or a profile name outside its alphabet is a refusal, never a guess.
 *
 * @example
 * ```ts
 * import { parseCredentialsCall } from "./calls.ts";
 *
 * const call = parseCredentialsCall('{"profile":"prod","duration_seconds":3600}');
 * console.assert(call.ok && call.value.profile === "prod");
 * console.assert(!parseCredentialsCall('{"profile":"prod","role_arn":"x"}').ok);
 * ```
 * @module
 */
import { isStsDuration } from "../limits.ts";
import { CREDENTIAL_MODES, type CredentialMode } from "../policy/schema.ts";

/** What `POST /v1/credentials` asks for. */
export interface CredentialsCall {
  /** The profile, as the broker's own configuration names it. */
  profile: string;
  /** The session length asked for (900-43200 s); the policy's caps still apply. */
  durationSeconds?: number;
  /** How the client will use the credentials (the policy's `mode` condition). */
  mode: CredentialMode;
}

/** A profile name as AWS config files allow it (no spaces, no brackets), bounded. */
export const PROFILE = /^[A-Za-z0-9_.+=,@:\/-]{1,128}$/;

/** The body of a credentials call, or why it is refused. */
export function parseCredentialsCall(
  body: string,
): { ok: true; value: CredentialsCall } | { ok: false; why: string } {
  const object = jsonObject(body);
  if (!object.ok) return object;
  const { profile, duration_seconds: duration, mode, ...rest } = object.value;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    return { ok: false, why: `unknown field(s) in the call: ${unknown.slice(0, 5).join(", ")}` };
  }
  if (typeof profile !== "string" || !PROFILE.test(profile)) {
    return { ok: false, why: "profile must be a profile name (letters, digits, _.+=,@:/-)" };
  }
  if (duration !== undefined && (typeof duration !== "number" || !isStsDuration(duration))) {
    return { ok: false, why: "duration_seconds must be a whole number from 900 to 43200" };
  }
  if (mode !== undefined && !(CREDENTIAL_MODES as readonly unknown[]).includes(mode)) {
    return { ok: false, why: `mode must be one of ${CREDENTIAL_MODES.join(", ")}` };
  }
  return {
    ok: true,
    value: {
      profile,
      mode: (mode ?? "credential_process") as CredentialMode,
      ...(duration === undefined ? {} : { durationSeconds: duration as number }),
    },
  };
}

/** The body of a call that takes no arguments (`whoami`): empty, or an empty JSON object. */
export function parseEmptyCall(body: string): { ok: true } | { ok: false; why: string } {
  if (body.trim() === "") return { ok: true };
  const object = jsonObject(body);
  if (!object.ok) return object;
  const keys = Object.keys(object.value);
  return keys.length === 0
    ? { ok: true }
    : { ok: false, why: `unknown field(s) in the call: ${keys.slice(0, 5).join(", ")}` };
}

/** `body` as a JSON object with no key repeated, or why it is not one. */
export function jsonObject(
  body: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, why: "the body is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, why: "the body is not a JSON object" };
  }
  const repeated = repeatedKey(body);
  if (repeated !== undefined) {
    // JSON.parse keeps the last; another reader (a proxy, an audit tool) may keep the first.
    return { ok: false, why: `the field ${JSON.stringify(repeated.slice(0, 40))} appears twice` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The first key some object of `json` (valid JSON) holds twice, at any depth. */
export function repeatedKey(json: string): string | undefined {
  const open: (Set<string> | undefined)[] = []; // one per open object (a Set) or array
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === "{") open.push(new Set());
    else if (c === "[") open.push(undefined);
    else if (c === "}" || c === "]") open.pop();
    else if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      let next = end + 1;
      while (" \t\r\n".includes(json[next] ?? "x")) next++;
      const keys = open.at(-1);
      if (keys !== undefined && json[next] === ":") {
        const key: string = JSON.parse(json.slice(i, end + 1));
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end;
    }
  }
  return undefined;
}

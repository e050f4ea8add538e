/**
 * The caller proof of broker mode (DESIGN §15): how a client proves who it is to a broker without
 * sending its credentials. The client signs an STS `GetCallerIdentity` request with its own base
 * credentials — the signed headers include `x-sentinel-server` (the broker's id) and
 * `x-sentinel-request` (the SHA-256 of the API call it accompanies, and of a nonce the client picks
 * for that call) — and sends only the pieces of the signature. The broker rebuilds that STS request itself, with its own pinned STS endpoint, the
 * fixed body, the request hash it computes from what it received and its own id, and lets STS
 * check the signature: a proof made for another call, another broker, or with a header changed no
 * longer matches. Nothing the client names is fetched.
 *
 * This module is the pure part: the fixed request, the proof's headers and their checks, the
 * digest of an API call, the replay key, and the strict reading of STS's answer. Time is an
 * argument.
 *
 * @example
 * ```ts
 * import { checkProof, proofOf } from "./caller_proof.ts";
 *
 * const proof = proofOf(new Headers({
 *   "x-sentinel-proof-authorization":
 *     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261207/us-east-1/sts/aws4_request, " +
 *     "SignedHeaders=host;x-amz-date;x-sentinel-request;x-sentinel-server, Signature=" + "ab".repeat(32),
 *   "x-sentinel-proof-date": "20261207T101500Z",
 *   "x-sentinel-proof-nonce": "k2Xy9mQbT1uVn8wZr4LcPa",
 * }));
 * console.assert(proof.ok);
 * if (proof.ok) {
 *   const checked = checkProof(proof.proof, { region: "us-east-1", now: Date.UTC(2026, 11, 7, 10, 16) });
 *   console.assert(checked.ok);
 * }
 * ```
 * @module
 */

/** The STS API version and the one action a proof may sign. */
export const STS_VERSION = "2011-06-15";
/** The fixed body of the STS request a proof signs. */
export const PROOF_BODY = `Action=GetCallerIdentity&Version=${STS_VERSION}`;
/** Its content type (not signed by SigV4 clients, but part of the request STS receives). */
export const PROOF_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

/** The signed header naming the broker the proof is for. */
export const SERVER_HEADER = "x-sentinel-server";
/** The signed header carrying the digest of the API call the proof accompanies. */
export const REQUEST_HEADER = "x-sentinel-request";

/** The headers a client sends the proof in, beside its API call. */
export const PROOF_HEADERS = {
  authorization: "x-sentinel-proof-authorization",
  date: "x-sentinel-proof-date",
  token: "x-sentinel-proof-token",
  nonce: "x-sentinel-proof-nonce",
} as const;

/** How far a proof's date may lie from the broker's clock, either way. */
export const PROOF_MAX_AGE_MS = 5 * 60_000;

/** The longest a proof header may be (a session token is ~1-2 KB; generous, but bounded). */
const MAX_HEADER_LENGTH = 4096;

/** A proof as the client sent it. */
export interface CallerProof {
  authorization: string;
  /** `x-amz-date`: `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
  /** The session token of temporary base credentials. */
  securityToken?: string;
  /**
   * Picked by the client for this one call (16 random bytes or more) and covered by the digest:
   * `x-amz-date` has whole seconds, so without it two calls alike in one second — two AWS CLI
   * processes asking for the same profile at once — would be one proof, and the second a replay.
   */
  nonce: string;
}

/** The parts of a SigV4 `Authorization` a broker checks. */
export interface SignatureParts {
  accessKeyId: string;
  /** `YYYYMMDD` of the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION = new RegExp(
  "^AWS4-HMAC-SHA256 Credential=([A-Z0-9]{16,128})/(\\d{8})/([a-z0-9-]{1,32})/([a-z0-9]{1,16})" +
    "/aws4_request, ?SignedHeaders=([a-z0-9;-]{1,512}), ?Signature=([0-9a-f]{64})$",
);
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const TOKEN = /^[A-Za-z0-9+/=]{16,4096}$/;
const NONCE = /^[A-Za-z0-9_-]{22,128}$/;

/** The proof in a request's headers, or why there is none to check. */
export function proofOf(
  headers: Headers,
): { ok: true; proof: CallerProof } | { ok: false; why: string } {
  const authorization = headers.get(PROOF_HEADERS.authorization);
  const amzDate = headers.get(PROOF_HEADERS.date);
  const token = headers.get(PROOF_HEADERS.token) ?? undefined;
  const nonce = headers.get(PROOF_HEADERS.nonce);
  if (authorization === null || amzDate === null) {
    return {
      ok: false,
      why:
        `the request carries no caller proof (${PROOF_HEADERS.authorization} and ${PROOF_HEADERS.date})`,
    };
  }
  if ([authorization, amzDate, token ?? ""].some((value) => value.length > MAX_HEADER_LENGTH)) {
    return { ok: false, why: "a caller-proof header is too long" };
  }
  if (token !== undefined && !TOKEN.test(token)) {
    return { ok: false, why: `${PROOF_HEADERS.token} is not a session token` };
  }
  if (nonce === null || !NONCE.test(nonce)) {
    return {
      ok: false,
      why:
        `${PROOF_HEADERS.nonce} is missing or not 22-128 characters of A-Z a-z 0-9 _ - (a client older than this broker: update it)`,
    };
  }
  return {
    ok: true,
    proof: {
      authorization,
      amzDate,
      nonce,
      ...(token === undefined ? {} : { securityToken: token }),
    },
  };
}

/** The headers a signed proof must cover, exactly (sorted, as SigV4 lists them). */
export function requiredSignedHeaders(withToken: boolean): string[] {
  return [
    "host",
    "x-amz-date",
    ...(withToken ? ["x-amz-security-token"] : []),
    REQUEST_HEADER,
    SERVER_HEADER,
  ];
}

/** The epoch ms of an `x-amz-date`, or `undefined` when it is not one. */
export function amzDateMs(amzDate: string): number | undefined {
  const match = AMZ_DATE.exec(amzDate);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}

/** `x-amz-date` for an instant. */
export function amzDateOf(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/**
 * Whether a proof can be sent to STS at all: an `Authorization` of SigV4 shape for STS in the
 * broker's region, signing exactly the required headers, with a scope date matching `x-amz-date`,
 * and that date within {@link PROOF_MAX_AGE_MS} of `now` (STS itself accepts 15 minutes; the
 * broker keeps its replay records for its own window only, so it must hold the line itself).
 */
export function checkProof(
  proof: CallerProof,
  broker: { region: string; now: number },
): { ok: true; parts: SignatureParts; signedAt: number } | { ok: false; why: string } {
  const match = AUTHORIZATION.exec(proof.authorization);
  if (!match) return { ok: false, why: "the caller proof's signature is not a SigV4 signature" };
  const [, accessKeyId, scopeDate, region, service, signedHeaders, signature] = match;
  const parts = {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: signedHeaders.split(";"),
    signature,
  };
  if (service !== "sts") return { ok: false, why: `the proof is signed for ${service}, not sts` };
  if (region !== broker.region) {
    return {
      ok: false,
      why:
        `the proof is signed for STS in ${region}; this broker checks proofs in ${broker.region}`,
    };
  }
  const required = requiredSignedHeaders(proof.securityToken !== undefined);
  if (parts.signedHeaders.join(";") !== required.join(";")) {
    return {
      ok: false,
      why: `the proof must sign exactly ${required.join(", ")} (it signed ${
        parts.signedHeaders.join(", ")
      })`,
    };
  }
  const signedAt = amzDateMs(proof.amzDate);
  if (signedAt === undefined) return { ok: false, why: "the proof's x-amz-date is not a date" };
  if (proof.amzDate.slice(0, 8) !== scopeDate) {
    return { ok: false, why: "the proof's credential scope is for another day than its date" };
  }
  const skew = signedAt - broker.now;
  if (Math.abs(skew) > PROOF_MAX_AGE_MS) {
    return {
      ok: false,
      why: `the proof was signed ${Math.round(Math.abs(skew) / 1000)} s ${
        skew < 0 ? "ago" : "ahead of this broker's clock"
      }; proofs are accepted within ${PROOF_MAX_AGE_MS / 60_000} minutes (check the clock)`,
    };
  }
  return { ok: true, parts, signedAt };
}

/**
 * The digest `x-sentinel-request` carries: SHA-256 (hex) of the call's method, path, nonce and
 * body.
 */
export async function requestDigest(
  call: { method: string; path: string; nonce: string; body: string },
): Promise<string> {
  const { method, path, nonce, body } = call;
  const bytes = new TextEncoder().encode(`${method.toUpperCase()}\n${path}\n${nonce}\n${body}`);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The key a proof is remembered under, so that it is accepted once: its signature, which STS
 * made unique to the exact request (the digest — with the call's nonce — and the date are signed).
 */
export function replayKey(parts: SignatureParts): string {
  return `proof#${parts.signature}`;
}

/** Who STS says signed the proof. */
export interface ProvenCaller {
  arn: string;
  /** The principal's unique id (`AIDA…`, or `AROA…:session`): a recreated user is another. */
  userId: string;
  account: string;
}

/**
 * Reads STS's answer to the rebuilt request strictly: exactly one `GetCallerIdentityResult`,
 * holding exactly one `Arn`, `UserId` and `Account` of the expected shapes — anything else is
 * not an answer the broker trusts.
 */
export function parseCallerIdentity(
  xml: string,
): { ok: true; caller: ProvenCaller } | { ok: false; why: string } {
  const fail = (why: string) => ({ ok: false as const, why: `STS's answer ${why}` });
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<GetCallerIdentityResponse[\s>]/.test(xml)) {
    return fail("is not a GetCallerIdentityResponse");
  }
  const results = elements(xml, "GetCallerIdentityResult");
  if (results?.length !== 1) return fail("does not hold exactly one GetCallerIdentityResult");
  const [result] = results;
  const one = (name: string, shape: RegExp): string | undefined => {
    const found = elements(result, name);
    return found?.length === 1 && shape.test(found[0]) ? found[0] : undefined;
  };
  const arn = one("Arn", /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[!-~]{1,2048}$/);
  const userId = one("UserId", /^[A-Za-z0-9:@._+=,-]{1,512}$/);
  const account = one("Account", /^\d{12}$/);
  if (arn === undefined || userId === undefined || account === undefined) {
    return fail("does not hold exactly one Arn, UserId and Account of their shapes");
  }
  if (!arn.includes(`::${account}:`)) return fail("names an Arn outside its Account");
  return { ok: true, caller: { arn, userId, account } };
}

/**
 * The texts of every `<name>…</name>`, or `undefined` when an element of that name has
 * attributes, is empty-tagged or nests: a shape STS does not send.
 */
function elements(xml: string, name: string): string[] | undefined {
  const found: string[] = [];
  const pattern = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, "g");
  for (const match of xml.matchAll(pattern)) found.push(match[1].trim());
  const opened = (xml.match(new RegExp(`<${name}[\\s>/]`, "g")) ?? []).length;
  return opened === found.length ? found : undefined;
}

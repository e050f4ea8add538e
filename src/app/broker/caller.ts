/**
 * Who is calling the broker (DESIGN §15): the caller proof in a call's headers checked in full —
 * its shape, its date within five minutes of the broker's clock, STS's verdict on the request the
 * broker rebuilds (its own endpoint, the fixed body, the digest of the call it actually received,
 * its own id), a strict reading of STS's answer — and accepted once: its signature is remembered
 * in the store until the proof could no longer be used anyway, so every broker sharing the store
 * refuses a replay.
 *
 * @module
 */
import {
  checkProof,
  parseCallerIdentity,
  PROOF_MAX_AGE_MS,
  proofOf,
  type ProvenCaller,
  replayKey,
  REQUEST_HEADER,
  requestDigest,
  SERVER_HEADER,
} from "../../core/broker/caller_proof.ts";
import { SentinelError } from "../../core/errors.ts";
import { type Identity, identityFromArn } from "../../core/identity.ts";
import type { ProofSts } from "../../ports/broker.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Stores } from "../../ports/stores.ts";

/** An API call as the broker received it. */
export interface ReceivedCall {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** What checking a proof needs. */
export interface ProofCheck {
  /** The broker's id: its origin as clients are configured with it. */
  brokerId: string;
  sts: ProofSts;
  /** Where proofs are remembered (shared by every broker of a fleet). */
  stores: Pick<Stores, "replays">;
  clock: Clock;
  signal: AbortSignal;
}

/** How long after its date a proof is remembered: past it, the date check refuses it anyway. */
const REMEMBER_MS = PROOF_MAX_AGE_MS + 60_000;

/**
 * The caller STS proves signed `call`'s proof; a `caller_unproven` refusal (exit 6) saying what
 * failed, or `proof_replayed` for a proof already used.
 */
export async function provenCaller(call: ReceivedCall, check: ProofCheck): Promise<ProvenCaller> {
  const unproven = (why: string) =>
    new SentinelError("caller_unproven", `caller not proven: ${why}`);
  const found = proofOf(call.headers);
  if (!found.ok) throw unproven(found.why);
  const now = check.clock.now();
  const endpoint = check.sts.endpoint();
  const checked = checkProof(found.proof, { region: endpoint.region, now });
  if (!checked.ok) throw unproven(checked.why);
  const answer = await check.sts.send({
    authorization: found.proof.authorization,
    "x-amz-date": found.proof.amzDate,
    ...(found.proof.securityToken === undefined
      ? {}
      : { "x-amz-security-token": found.proof.securityToken }),
    [REQUEST_HEADER]: await requestDigest({ ...call, nonce: found.proof.nonce }),
    [SERVER_HEADER]: check.brokerId,
  }, check.signal);
  if (answer.status !== 200) {
    throw unproven(
      `STS at ${endpoint.display} refused the proof (HTTP ${answer.status}${
        stsCode(answer.text)
      }): ` +
        `it was signed for another call, another broker than ${check.brokerId}, or with credentials AWS does not accept`,
    );
  }
  const parsed = parseCallerIdentity(answer.text);
  if (!parsed.ok) throw unproven(parsed.why);
  const first = await check.stores.replays.remember(
    replayKey(checked.parts),
    checked.signedAt + REMEMBER_MS,
    now,
  );
  if (!first) {
    throw new SentinelError(
      "proof_replayed",
      "this caller proof was used before; every call needs a fresh one (a client makes one per call — if yours did, someone replayed it)",
    );
  }
  return parsed.caller;
}

/** `, SignatureDoesNotMatch` from an STS error answer, when it names one of the expected shape. */
function stsCode(text: string): string {
  const code = /<Code>([A-Za-z.]{1,64})<\/Code>/.exec(text)?.[1];
  return code === undefined ? "" : `, ${code}`;
}

/** The identity Sentinel names a proven caller by; a principal it cannot name is refused. */
export function callerIdentity(caller: ProvenCaller): Identity {
  const identity = identityFromArn(caller.arn);
  if (identity === undefined) {
    throw new SentinelError(
      "caller_unproven",
      `STS proved ${caller.arn}, which Sentinel cannot name a user for; sign with IAM user, SSO or role-session credentials`,
    );
  }
  return identity;
}

/**
 * The approval and break-glass stores (DESIGN §8, §9), the replay records of broker mode
 * (DESIGN §15) and the revocations of issued sessions (issue 21). The rules live in core; a store
 * only guarantees atomicity: a transition is applied only while the version it was computed from
 * is current, a break-glass invocation is recorded only if every rate limit still has room, a
 * replay key is recorded by exactly one of the callers racing to record it, and a revocation is
 * recorded once under its id, beside every other of its role. SQLite meets this with one
 * transaction, DynamoDB with conditional writes.
 *
 * @module
 */
import type { ApprovalRequest, RequestStatus } from "../core/approval/request.ts";
import type { BreakglassEvent, QuotaSlot } from "../core/breakglass/event.ts";
import type { RevocationRecord } from "../core/revocation/record.ts";
import type { StoreKindReached } from "../core/store/kinds.ts";
import type { StoreSetting } from "../core/store/location.ts";
import type { AwsCall, AwsCredentials } from "./aws.ts";

/**
 * Where the stores are, and how to reach them: a store that is a file needs nothing more; one
 * reached over AWS (DynamoDB) needs the caller's credentials, and the region and deadline of the
 * call (see core/store/kinds.ts).
 */
export type StoreLocation =
  | Extract<StoreSetting, { kind: StoreKindReached<"file"> }>
  | (Extract<StoreSetting, { kind: StoreKindReached<"aws"> }> & {
    credentials: AwsCredentials;
    call: AwsCall;
  });

/** The stores at one location. */
export interface Stores {
  approvals: ApprovalStore;
  breakglass: BreakglassStore;
  /** Proofs seen, so each is accepted once (broker mode). */
  replays: ReplayStore;
  /** Revocations of sessions already issued, per protected role (issue 21). */
  revocations: RevocationStore;
  /**
   * Creates what the stores need (SQLite: the schema, or what an older one lacks; DynamoDB: the
   * table, its indexes and TTL), leaving what exists; returns what it did, one line each.
   */
  init(): Promise<string[]>;
  /**
   * The store's own clock, epoch ms — not this process's: DynamoDB's is AWS's (the Date of an
   * answer), SQLite's the file system's (the time a file written beside the store gets). Rate
   * limits count by the clock that stamps the uses; a process whose clock is far from the
   * store's must not stamp any.
   */
  clock(): Promise<number>;
  /** Releases connections. */
  close(): void;
}

/** One page of a list, and the cursor of the next (absent on the last page). */
export interface Page<T> {
  items: T[];
  next?: string;
  /** Records in the page's range that the store holds but cannot read (left out of `items`). */
  damaged?: DamagedRecord[];
}

/**
 * A record a store holds but cannot read as one (see core/store_records.ts). `get` of such a
 * record throws a `store_damaged` error; lists leave it out and name it here; the credential
 * path's lookups skip it (it grants nothing).
 */
export interface DamagedRecord {
  /** The id it is stored under. */
  id: string;
  /** What is wrong with it. */
  why: string;
  /** Which store holds it: "the SQLite store <path>", "the DynamoDB table <name>". */
  where: string;
}

/** Which requests to list. */
export interface RequestQuery {
  status?: RequestStatus;
  profile?: string;
  requester?: string;
  limit: number;
  /** From a previous page's `next`. */
  cursor?: string;
}

/** Approval requests. */
export interface ApprovalStore {
  /** Stores a new request; throws when the id exists. */
  create(request: ApprovalRequest): Promise<void>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  /** Applies `next` only while the stored version is still `expectedVersion`; false: another caller won. */
  transition(next: ApprovalRequest, expectedVersion: number): Promise<boolean>;
  /** Newest first. */
  list(query: RequestQuery): Promise<Page<ApprovalRequest>>;
  /** Approved requests of `requester` for `profile`, whose window has not ended at `now`. */
  approvedFor(requester: string, profile: string, now: number): Promise<ApprovalRequest[]>;
}

/** Which events to list. */
export interface EventQuery {
  invoker?: string;
  profile?: string;
  /** Only events whose access has not ended at `now`. */
  activeAt?: number;
  unreviewed?: boolean;
  limit: number;
  cursor?: string;
}

/** Why an invocation was refused by the store. */
export type InvokeRefusal =
  | { reason: "quota"; slot: QuotaSlot; freesAt: number }
  | { reason: "unreviewed"; eventId: string }
  | { reason: "open"; event: BreakglassEvent };

/** What else an invocation is conditional on, besides its rate-limit slots. */
export interface InvokeConditions {
  /** That user must have no unreviewed event. */
  requireReviewOf?: string;
  /**
   * The invoker must have no open event (not closed, not ended at `event.createdAt`) for the
   * same profile: one person holds one open event per profile.
   */
  onlyOpenEvent?: boolean;
}

/** Break-glass events. */
export interface BreakglassStore {
  /**
   * Records the event only if every slot still has room at `event.createdAt` and every one of
   * `conditions` holds — all or nothing, atomically against concurrent invocations.
   */
  invoke(
    event: BreakglassEvent,
    slots: readonly QuotaSlot[],
    conditions?: InvokeConditions,
  ): Promise<{ ok: true } | ({ ok: false } & InvokeRefusal)>;
  get(id: string): Promise<BreakglassEvent | undefined>;
  /**
   * Gives back the rate-limit uses `eventId` took under `slots`: for an invocation that never
   * granted anything (its announcement failed), so it does not hold the next one up.
   */
  release(eventId: string, slots: readonly QuotaSlot[]): Promise<void>;
  /** Applies `next` only while the stored version is still `expectedVersion`. */
  update(next: BreakglassEvent, expectedVersion: number): Promise<boolean>;
  /** Newest first. */
  list(query: EventQuery): Promise<Page<BreakglassEvent>>;
  /** Events of `invoker` for `profile` whose access has not ended at `now`. */
  activeFor(invoker: string, profile: string, now: number): Promise<BreakglassEvent[]>;
  /** How many events under `slot.key` fall in the window ending at `now` (for escalation). */
  countInWindow(slot: QuotaSlot, now: number): Promise<number>;
}

/**
 * Replay records: keys seen, each until a time of its own (broker mode: every proof a broker
 * accepts, until it is too old to be accepted anyway). Every broker sharing the store refuses a
 * key another one recorded.
 */
export interface ReplayStore {
  /**
   * Records `key` as seen until `until` (epoch ms) unless a record of it that has not expired at
   * `now` exists (a record expires at its `until`): true when this call recorded it (first use),
   * false when it was seen already. Atomic against concurrent callers (of this and other
   * processes sharing the store): of N racing calls with one key exactly one gets true. A record
   * the store holds but cannot read counts as seen (false): it fails closed. Records expired at a
   * call's `now` may be purged opportunistically — so callers sharing a store whose clocks differ
   * should give `until` a margin for that difference.
   *
   * Bad input is an `internal_error` that records nothing: a key that is empty, longer than 256
   * characters (UTF-16 code units; a caller proof's, `proof#<64 hex digits>`, has 70), not
   * well-formed UTF-16 or holding a control character — refused, never cut short or rewritten, so
   * two keys stay two records; an `until` or `now` that is not a safe integer; an `until` not
   * after `now`.
   */
  remember(key: string, until: number, now: number): Promise<boolean>;
}

/**
 * Revocations of sessions already issued, kept per protected role until no session they can
 * match is alive. A recorded revocation is never lost or changed: the role's IAM policy is
 * rewritten from all of them (IAM itself has no conditional write).
 */
export interface RevocationStore {
  /**
   * Stores `record`; throws when its id exists. Bad input is an `internal_error` that records
   * nothing: an id that is not 16 hex digits, a role that is not an IAM role ARN, no pattern or
   * a pattern that is empty or longer than 128 characters, more than 50 patterns, times that are
   * not safe integers (or are before 1970: negative), `expiresAt` not after `before`, a reason
   * over 500 characters, a field of the wrong type (core/store/records.ts checks them all).
   */
  record(record: RevocationRecord): Promise<void>;
  /**
   * The revocations of `roleArn` not yet expired at `now` (`expiresAt > now`), oldest `before`
   * first (then by id). Records the store holds but cannot read are left out and named in
   * `damaged` — a revocation is never silently dropped from what the caller is told. A role that
   * is not an IAM role ARN, or a `now` that is not a safe integer, is an `internal_error`.
   */
  liveFor(
    roleArn: string,
    now: number,
  ): Promise<{ items: RevocationRecord[]; damaged: DamagedRecord[] }>;
}

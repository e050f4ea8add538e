/**
 * The approval, break-glass, replay and revocation stores in memory, for fast tests of the use
 * cases and commands: a third subject of the store contract
 * (test/contracts/store_contract_test.ts), so it keeps every promise the SQLite and DynamoDB
 * stores keep — or that suite fails.
 *
 * How it stays honest:
 * - every record is kept as the JSON text of its body and read back through core/store/records.ts,
 *   as the real stores do: a caller never holds the stored object (no aliasing), and a body
 *   written by {@link MemoryStoreState.writeRaw} that is not a record is damaged exactly as it
 *   would be on disk (named in lists, `store_damaged` by id, skipped on the credential path);
 * - lists, cursors and rate-limit windows use the same helpers as both real stores
 *   (adapters/stores/list_cursor.ts, quota_window.ts, record_checks.ts);
 * - every operation first yields (as I/O would), then runs its checks and writes with no `await`
 *   in between: concurrent callers interleave, and each operation is atomic exactly as the
 *   Stores port states it.
 *
 * It lives under test/ because nothing in the product wants state that dies with the process:
 * the air-gapped, one-machine store is the SQLite file.
 *
 * @example
 * ```ts
 * const host = new MemoryStoreHost({ clock: () => Date.now() });
 * const stores = host.open({ text: "sqlite:/team/sentinel.db" });
 * await stores.approvals.create(request);
 * ```
 * @module
 */
import type { ApprovalRequest } from "../../src/core/approval/request.ts";
import type { BreakglassEvent, QuotaSlot } from "../../src/core/breakglass/event.ts";
import { SentinelError } from "../../src/core/errors.ts";
import type { RevocationRecord } from "../../src/core/revocation/record.ts";
import {
  parseApprovalRequest,
  parseBreakglassEvent,
  parseStoredJson,
  parseStoredRevocation,
  type StoredRecord,
} from "../../src/core/store/records.ts";
import type {
  ApprovalStore,
  BreakglassStore,
  DamagedRecord,
  EventQuery,
  InvokeConditions,
  InvokeRefusal,
  Page,
  ReplayStore,
  RequestQuery,
  RevocationStore,
  Stores,
} from "../../src/ports/stores.ts";
import {
  checkLimit,
  decodeCursor,
  type ListKind,
  pageOfEntries,
} from "../../src/adapters/stores/list_cursor.ts";
import { quotaRefusal, windowsByKey } from "../../src/adapters/stores/quota_window.ts";
import {
  alreadyExists,
  checkLiveQuery,
  checkReplay,
  checkRevocation,
  checkVersion,
  damagedRecord,
  readableAndDamaged,
} from "../../src/adapters/stores/record_checks.ts";
import { callFailure } from "../../src/adapters/aws/failure.ts";
import { FakeAws } from "./fake_aws.ts";

/** One stored record: the fields lists filter on (as columns), and its body as text. */
interface Row<T> {
  index: T;
  body: string;
}

/** One rate-limit use. */
interface Use {
  at: number;
  eventId: string;
}

/** The state behind one store location, shared by every handle opened on it. */
export class MemoryStoreState {
  readonly requests = new Map<string, Row<ApprovalRequest>>();
  readonly events = new Map<string, Row<BreakglassEvent>>();
  readonly uses = new Map<string, Use[]>();
  /**
   * Replay records: each key's time, epoch ms — or text, a damaged record as another program
   * could leave it (it never compares as expired, so it counts as seen).
   */
  readonly replays = new Map<string, number | string>();
  /**
   * Revocations by id, none purged: what the SQLite store purges and DynamoDB's TTL deletes has
   * expired, so `liveFor` leaves it out anyway.
   */
  readonly revocations = new Map<string, Row<RevocationRecord>>();
  initialised = false;

  /**
   * `table`: a DynamoDB location, which (as the real table) does not exist until `init()`
   * creates it — every other call fails as AWS answers for a missing table.
   */
  constructor(
    readonly where: string,
    readonly clock: () => number,
    readonly table?: string,
  ) {}

  /**
   * Stores `body` under `index.id` as it stands, whatever it holds — what another program, an
   * older version or a person editing the store could leave there. `index` gives the columns the
   * lists filter and sort on.
   */
  writeRaw(kind: "request", index: ApprovalRequest, body: string): void;
  writeRaw(kind: "event", index: BreakglassEvent, body: string): void;
  writeRaw(kind: ListKind, index: ApprovalRequest | BreakglassEvent, body: string): void {
    const table = kind === "request" ? this.requests : this.events;
    (table as Map<string, Row<typeof index>>).set(index.id, {
      index: structuredClone(index),
      body,
    });
  }
}

/** Every store location a test world knows, by its setting's text. */
export class MemoryStoreHost {
  readonly #states = new Map<string, MemoryStoreState>();
  readonly #clock: () => number;

  /** `clock`: the stores' own clock (see Stores.clock), which may differ from the process's. */
  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? (() => Date.now());
  }

  /**
   * Opens the stores at `location`. As the real ones: with `existing`, an SQLite location nothing
   * has created yet is the `store_missing` error, and nothing is created; a DynamoDB location
   * holds no table until `init()` (its calls fail with exit 6, naming `sentinel store init`).
   */
  open(
    location: { text: string; kind?: string; name?: string },
    options: { existing?: boolean } = {},
  ): Stores {
    let state = this.#states.get(location.text);
    const table = location.kind === "dynamodb" ? location.name ?? location.text : undefined;
    if (state === undefined) {
      if (options.existing === true && table === undefined) {
        throw new SentinelError(
          "store_missing",
          `there is no store at ${location.text}, and reading does not create one; create the store with \`sentinel store init\` (a request or a break-glass creates it too)`,
        );
      }
      state = new MemoryStoreState(`the in-memory store ${location.text}`, this.#clock, table);
      this.#states.set(location.text, state);
    }
    return memoryStores(state);
  }

  /** The state at `text`, to inspect or to damage (undefined: never opened). */
  state(text: string): MemoryStoreState | undefined {
    return this.#states.get(text);
  }
}

/** A handle on `state` (one "connection"): closing it leaves the state to the other handles. */
export function memoryStores(state: MemoryStoreState): Stores {
  let closed = false;
  const io = async (creating = false) => {
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    if (closed) throw new Error(`${state.where} was used after close()`);
    if (state.table !== undefined && !state.initialised && !creating) {
      throw missingTable(state.table);
    }
  };
  return {
    approvals: new MemoryApprovalStore(state, io),
    breakglass: new MemoryBreakglassStore(state, io),
    replays: new MemoryReplayStore(state, io),
    revocations: new MemoryRevocationStore(state, io),
    async init() {
      await io(true);
      const first = !state.initialised;
      state.initialised = true;
      return [first ? `created ${state.where}` : `${state.where} exists; left as it is`];
    },
    async clock() {
      await io();
      return state.clock();
    },
    close() {
      closed = true;
    },
  };
}

type Io = () => Promise<void>;

/** What the DynamoDB store says when its table does not exist (adapters/aws/failure.ts). */
function missingTable(table: string): SentinelError {
  return callFailure(
    {
      service: "dynamodb",
      operation: "Query",
      region: "us-east-1",
      endpoint: { url: FakeAws.endpoint("dynamodb"), source: undefined },
      subject: table,
    },
    {
      kind: "service",
      code: "ResourceNotFoundException",
      message: "Requested resource not found",
      status: 400,
    },
    { elapsedMs: 0, attempts: 1 },
    { accessKeyId: "", secretAccessKey: "" },
  );
}

class MemoryApprovalStore implements ApprovalStore {
  constructor(private readonly s: MemoryStoreState, private readonly io: Io) {}

  async create(request: ApprovalRequest): Promise<void> {
    await this.io();
    if (this.s.requests.has(request.id)) throw alreadyExists("approval request", request.id);
    this.s.writeRaw("request", request, JSON.stringify(request));
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    await this.io();
    const row = this.s.requests.get(id);
    return row === undefined ? undefined : readOne(this.s, "request", id, row);
  }

  async transition(next: ApprovalRequest, expectedVersion: number): Promise<boolean> {
    await this.io();
    checkVersion(next.version, expectedVersion);
    const row = this.s.requests.get(next.id);
    if (row === undefined || row.index.version !== expectedVersion) return false;
    this.s.writeRaw("request", next, JSON.stringify(next));
    return true;
  }

  async list(query: RequestQuery): Promise<Page<ApprovalRequest>> {
    await this.io();
    return listPage(
      this.s,
      "request",
      query,
      (r) =>
        (query.status === undefined || r.status === query.status) &&
        (query.profile === undefined || r.profile === query.profile) &&
        (query.requester === undefined || r.requester === query.requester),
    );
  }

  async approvedFor(requester: string, profile: string, now: number): Promise<ApprovalRequest[]> {
    await this.io();
    return readable(
      this.s,
      "request",
      (r) =>
        r.requester === requester && r.profile === profile && r.status === "approved" &&
        r.windowEndsAt !== undefined && r.windowEndsAt > now,
    );
  }
}

class MemoryBreakglassStore implements BreakglassStore {
  constructor(private readonly s: MemoryStoreState, private readonly io: Io) {}

  async invoke(
    event: BreakglassEvent,
    slots: readonly QuotaSlot[],
    conditions: InvokeConditions = {},
  ): Promise<{ ok: true } | ({ ok: false } & InvokeRefusal)> {
    await this.io();
    // From here to the end: no await, so no other caller runs in between.
    const windows = windowsByKey(slots);
    const at = event.createdAt;
    if (this.s.events.has(event.id)) throw alreadyExists("break-glass event", event.id);
    if (conditions.onlyOpenEvent) {
      const [open] = sorted(
        this.s.events,
        (e) =>
          e.invoker === event.invoker && e.profile === event.profile && e.closedAt === undefined &&
          e.endsAt > at,
      );
      if (open !== undefined) {
        return { ok: false, reason: "open", event: readOne(this.s, "event", open.index.id, open) };
      }
    }
    if (conditions.requireReviewOf !== undefined) {
      const blocking = sorted(
        this.s.events,
        (e) => e.invoker === conditions.requireReviewOf && e.reviewedAt === undefined,
      ).at(-1); // the oldest
      if (blocking !== undefined) {
        return { ok: false, reason: "unreviewed", eventId: blocking.index.id };
      }
    }
    const usesOf = (key: string) => (this.s.uses.get(key) ?? []).map((use) => use.at);
    const refusal = quotaRefusal(slots, usesOf, at);
    if (refusal) return { ok: false, ...refusal };
    this.s.writeRaw("event", event, JSON.stringify(event));
    for (const [key, windowMs] of windows) {
      const kept = (this.s.uses.get(key) ?? []).filter((use) => use.at > at - windowMs);
      this.s.uses.set(key, [...kept, { at, eventId: event.id }]);
    }
    return { ok: true };
  }

  async get(id: string): Promise<BreakglassEvent | undefined> {
    await this.io();
    const row = this.s.events.get(id);
    return row === undefined ? undefined : readOne(this.s, "event", id, row);
  }

  async release(eventId: string, slots: readonly QuotaSlot[]): Promise<void> {
    await this.io();
    for (const key of windowsByKey(slots).keys()) {
      this.s.uses.set(key, (this.s.uses.get(key) ?? []).filter((use) => use.eventId !== eventId));
    }
  }

  async update(next: BreakglassEvent, expectedVersion: number): Promise<boolean> {
    await this.io();
    checkVersion(next.version, expectedVersion);
    const row = this.s.events.get(next.id);
    if (row === undefined || row.index.version !== expectedVersion) return false;
    this.s.writeRaw("event", next, JSON.stringify(next));
    return true;
  }

  async list(query: EventQuery): Promise<Page<BreakglassEvent>> {
    await this.io();
    return listPage(
      this.s,
      "event",
      query,
      (e) =>
        (query.invoker === undefined || e.invoker === query.invoker) &&
        (query.profile === undefined || e.profile === query.profile) &&
        (query.activeAt === undefined || (e.closedAt === undefined && e.endsAt > query.activeAt)) &&
        (query.unreviewed !== true || e.reviewedAt === undefined),
    );
  }

  async activeFor(invoker: string, profile: string, now: number): Promise<BreakglassEvent[]> {
    await this.io();
    return readable(
      this.s,
      "event",
      (e) =>
        e.invoker === invoker && e.profile === profile && e.closedAt === undefined &&
        e.endsAt > now,
    );
  }

  async countInWindow(slot: QuotaSlot, now: number): Promise<number> {
    await this.io();
    return (this.s.uses.get(slot.key) ?? []).filter((use) => use.at > now - slot.windowMs).length;
  }
}

/** How many expired replay records one `remember` deletes at most (as the SQLite store). */
const REPLAY_PURGE_BATCH = 100;

class MemoryReplayStore implements ReplayStore {
  constructor(private readonly s: MemoryStoreState, private readonly io: Io) {}

  async remember(key: string, until: number, now: number): Promise<boolean> {
    checkReplay(key, until, now);
    await this.io();
    // From here to the end: no await, so no other caller runs in between.
    const expired = (seen: number | string) => typeof seen === "number" && seen <= now;
    let purged = 0;
    for (const [other, seen] of this.s.replays) {
      if (purged === REPLAY_PURGE_BATCH) break;
      if (expired(seen)) {
        this.s.replays.delete(other);
        purged++;
      }
    }
    const seen = this.s.replays.get(key);
    if (seen !== undefined && !expired(seen)) return false;
    this.s.replays.set(key, until);
    return true;
  }
}

class MemoryRevocationStore implements RevocationStore {
  constructor(private readonly s: MemoryStoreState, private readonly io: Io) {}

  async record(record: RevocationRecord): Promise<void> {
    checkRevocation(record);
    await this.io();
    if (this.s.revocations.has(record.id)) throw alreadyExists("revocation", record.id);
    this.s.revocations.set(record.id, {
      index: structuredClone(record),
      body: JSON.stringify(record),
    });
  }

  async liveFor(
    roleArn: string,
    now: number,
  ): Promise<{ items: RevocationRecord[]; damaged: DamagedRecord[] }> {
    checkLiveQuery(roleArn, now);
    await this.io();
    const rows = [...this.s.revocations.values()]
      .filter((row) => row.index.roleArn === roleArn && row.index.expiresAt > now)
      .sort((a, b) =>
        a.index.before - b.index.before ||
        (a.index.id < b.index.id ? -1 : a.index.id > b.index.id ? 1 : 0)
      );
    const reads = rows.map((row) => ({
      id: row.index.id,
      read: parseStoredRevocation(row.body, row.index.id, roleArn),
    }));
    return readableAndDamaged(reads, this.s.where);
  }
}

// ---------------------------------------------------------------------------------------------

interface Kinds {
  request: ApprovalRequest;
  event: BreakglassEvent;
}

const KINDS = {
  request: { what: "approval request", parse: parseApprovalRequest },
  event: { what: "break-glass event", parse: parseBreakglassEvent },
} as const;

function tableOf<K extends ListKind>(s: MemoryStoreState, kind: K): Map<string, Row<Kinds[K]>> {
  return (kind === "request" ? s.requests : s.events) as unknown as Map<string, Row<Kinds[K]>>;
}

/** The rows whose columns match, newest first (ties: the higher id first). */
function sorted<T extends { id: string; createdAt: number }>(
  table: Map<string, Row<T>>,
  match: (index: T) => boolean,
): Row<T>[] {
  return [...table.values()].filter((row) => match(row.index)).sort((a, b) =>
    b.index.createdAt - a.index.createdAt ||
    (a.index.id < b.index.id ? 1 : a.index.id > b.index.id ? -1 : 0)
  );
}

function readRow<K extends ListKind>(kind: K, id: string, row: Row<Kinds[K]>) {
  const parse = KINDS[kind].parse as (value: unknown) => StoredRecord<Kinds[K]>;
  return parseStoredJson(row.body, parse, id);
}

/** The record asked for by id; a damaged one is the `store_damaged` error. */
function readOne<K extends ListKind>(
  s: MemoryStoreState,
  kind: K,
  id: string,
  row: Row<Kinds[K]>,
): Kinds[K] {
  const read = readRow(kind, id, row);
  if (read.ok) return read.record;
  throw damagedRecord(KINDS[kind].what, id, s.where, read.why, "delete that record");
}

/** The readable records that match, newest first: a damaged one grants nothing. */
function readable<K extends ListKind>(
  s: MemoryStoreState,
  kind: K,
  match: (index: Kinds[K]) => boolean,
): Kinds[K][] {
  return sorted(tableOf(s, kind), match).flatMap((row) => {
    const read = readRow(kind, row.index.id, row);
    return read.ok ? [read.record] : [];
  });
}

/** One page after the cursor's position, damaged records named (see list_cursor.ts). */
function listPage<K extends ListKind>(
  s: MemoryStoreState,
  kind: K,
  query: { limit: number; cursor?: string },
  match: (index: Kinds[K]) => boolean,
): Page<Kinds[K]> {
  const limit = checkLimit(query.limit);
  const after = query.cursor === undefined ? undefined : decodeCursor(kind, query.cursor);
  const rows = sorted(tableOf(s, kind), (index) =>
    match(index) &&
    (after === undefined || index.createdAt < after.createdAt ||
      (index.createdAt === after.createdAt && index.id < after.id)));
  const entries = rows.slice(0, limit + 1).map((row) => ({
    id: row.index.id,
    createdAt: row.index.createdAt,
    read: readRow(kind, row.index.id, row),
  }));
  return pageOfEntries(kind, entries, limit, s.where);
}

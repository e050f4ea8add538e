/**
 * The embedded store (DESIGN §8, §9, §15): approval requests, break-glass events, the replay
 * records of broker mode and the revocations of issued sessions (issue 21) in one SQLite file
 * (`node:sqlite`), for one machine. The file is created 0600 (its new parent directories 0700) —
 * only by commands that write (`request`, `breakglass`, `store init`): a command that reads opens
 * an existing store or says there is none, and a path that is a symbolic link to nothing is
 * refused rather than followed (see {@link prepareFile}). It runs in WAL mode, and waits up to
 * {@link BUSY_TIMEOUT_MS} for another process's write. The schema is created on open and
 * versioned with `PRAGMA user_version`; a file of an older version is brought up to date on open,
 * in one transaction that only adds ({@link MIGRATIONS}: version 1 lacks the replay records,
 * version 2 the revocations), so its records stay — and a Sentinel older than the file then
 * refuses it, naming both versions. Every conditional write runs in one `BEGIN IMMEDIATE`
 * transaction, so of two processes computing from the same version exactly one wins, a
 * break-glass invocation checks its rate limits and records its use atomically, of two processes
 * recording one replay key exactly one records it, and a revocation is recorded beside every
 * other one of its role, none lost.
 *
 * Bodies are stored as JSON; the columns beside them exist for filters, order and conditions.
 * Every body is read back through core/store_records.ts: a damaged one is named and left out of
 * a list, a `store_damaged` error when asked for by id, and nothing on the credential path.
 * Rate-limit uses live in `quota_uses` (key, time, event), kept for the longest window of a key.
 * Terminal requests past `retainUntil` are deleted when the next request is created; expired
 * replay records, at most {@link PURGE_BATCH} at a time, when the next key is recorded; and
 * revocations {@link REVOCATION_KEPT_PAST_EXPIRY_MS} past their expiry, as many, when the next
 * one is recorded. A replay record or a revocation whose time is not a number cannot be judged
 * expired: the record counts as seen, the revocation as live, and both stay.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { dirname, resolve } from "node:path";
import type { ApprovalRequest } from "../../core/approval/request.ts";
import type { BreakglassEvent, QuotaSlot } from "../../core/breakglass/event.ts";
import { SentinelError } from "../../core/errors.ts";
import type { RevocationRecord } from "../../core/revocation/record.ts";
import {
  parseApprovalRequest,
  parseBreakglassEvent,
  parseStoredJson,
  parseStoredRevocation,
  type StoredRecord,
} from "../../core/store/records.ts";
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
} from "../../ports/stores.ts";
import { checkLimit, decodeCursor, type ListKind, pageOfEntries } from "./list_cursor.ts";
import { quotaRefusal, windowsByKey } from "./quota_window.ts";
import {
  alreadyExists,
  checkLiveQuery,
  checkReplay,
  checkRevocation,
  checkVersion,
  damagedRecord,
  readableAndDamaged,
} from "./record_checks.ts";

/** How long a write waits for another process's write to finish before failing. */
export const BUSY_TIMEOUT_MS = 20_000;

/** The schema version this code writes (`PRAGMA user_version`). */
export const SCHEMA_VERSION = 3;

/** How many expired records one write of a replay key or a revocation deletes at most. */
export const PURGE_BATCH = 100;

/**
 * How long past its `expiresAt` a revocation is kept, as of the `createdAt` of the one being
 * recorded: a revoker whose clock runs ahead by less than this cannot purge a revocation that
 * another, whose clock is right, still needs (DynamoDB's TTL, on AWS's clock, takes days too).
 */
export const REVOCATION_KEPT_PAST_EXPIRY_MS = 24 * 60 * 60 * 1000;

/** Replay records (schema version 2): each key until its time, epoch ms. */
const REPLAYS = `
CREATE TABLE replays (
  key TEXT PRIMARY KEY,
  seen_until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX replays_by_until ON replays (seen_until);
`;

/** Revocations (schema version 3), by role in the order `liveFor` returns them. */
const REVOCATIONS = `
CREATE TABLE revocations (
  id TEXT PRIMARY KEY,
  role_arn TEXT NOT NULL,
  revoked_before INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX revocations_by_role ON revocations (role_arn, revoked_before, id);
CREATE INDEX revocations_by_expiry ON revocations (expires_at);
`;

/**
 * What brings a file of each older schema version to the next, in order: the entry of version
 * `n` makes it `n + 1` (`adds`: what, for `init` to say). Each only adds, so no record is lost.
 */
const MIGRATIONS: Readonly<Record<number, { sql: string; adds: string }>> = {
  1: { sql: REPLAYS, adds: "the table of replay records (broker mode)" },
  2: { sql: REVOCATIONS, adds: "the table of revocations (of sessions already issued)" },
};

const SCHEMA = `
CREATE TABLE requests (
  id TEXT PRIMARY KEY,
  requester TEXT NOT NULL,
  profile TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  window_ends_at INTEGER,
  retain_until INTEGER,
  version INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX requests_by_created ON requests (created_at, id);
CREATE INDEX requests_by_requester ON requests (requester, created_at, id);
CREATE INDEX requests_by_status ON requests (status, created_at, id);
CREATE INDEX requests_by_profile ON requests (profile, created_at, id);
CREATE INDEX requests_approved ON requests (requester, profile, window_ends_at)
  WHERE status = 'approved';
CREATE INDEX requests_retained ON requests (retain_until)
  WHERE retain_until IS NOT NULL AND status <> 'pending';
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  invoker TEXT NOT NULL,
  profile TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  closed_at INTEGER,
  reviewed_at INTEGER,
  version INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX events_by_created ON events (created_at, id);
CREATE INDEX events_by_invoker ON events (invoker, created_at, id);
CREATE INDEX events_by_profile ON events (profile, created_at, id);
CREATE INDEX events_unreviewed ON events (invoker, created_at, id) WHERE reviewed_at IS NULL;
CREATE INDEX events_open ON events (invoker, profile, ends_at) WHERE closed_at IS NULL;
CREATE TABLE quota_uses (
  key TEXT NOT NULL,
  used_at INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (key, used_at, event_id)
) WITHOUT ROWID;
${REPLAYS}
${REVOCATIONS}
PRAGMA user_version = ${SCHEMA_VERSION};
`;

/** How to open a store file: whether a missing one is created, and the setting that named it. */
export interface SqliteOpenOptions {
  /** Create the file when it is missing (commands that write); default true. */
  create?: boolean;
  /** The setting's text and where it came from, for messages. */
  setting?: { text: string; from?: string };
}

/** What opening did to the schema of a file. */
type SchemaChange = { did: "created" } | { did: "upgraded"; from: number } | { did: "nothing" };

/** One SQLite connection, shared by the stores of a {@link Stores} bundle. */
class Connection {
  readonly path: string;
  readonly db: DatabaseSync;
  /** What opening did to the schema. */
  readonly schema: SchemaChange;
  readonly #statements = new Map<string, StatementSync>();

  constructor(path: string, options: SqliteOpenOptions) {
    this.path = path;
    prepareFile(path, options);
    try {
      this.db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
    } catch (error) {
      throw storeFailure(path, "open", error);
    }
    try {
      this.db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.exec("PRAGMA journal_mode = WAL");
      this.schema = this.#ensureSchema();
    } catch (error) {
      this.db.close();
      throw storeFailure(path, "open", error);
    }
  }

  /** A cached prepared statement. */
  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work` in one `BEGIN IMMEDIATE` transaction (rolled back when it throws). */
  immediate<T>(action: string, work: () => T): T {
    try {
      this.db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      throw storeFailure(this.path, action, error);
    }
    try {
      const result = work();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw error instanceof SentinelError ? error : storeFailure(this.path, action, error);
    }
  }

  /** Runs a read, mapping SQLite failures to messages. */
  read<T>(action: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw storeFailure(this.path, action, error);
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /**
   * Creates the schema when the file has none, or brings an older one up to date (every step in
   * one transaction, so a process racing to do the same finds it done).
   */
  #ensureSchema(): SchemaChange {
    const version = () => Number(this.db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
    if (version() === SCHEMA_VERSION) return { did: "nothing" };
    return this.immediate("create or upgrade the schema of", (): SchemaChange => {
      const found = version();
      if (found === SCHEMA_VERSION) return { did: "nothing" };
      if (found === 0) {
        this.db.exec(SCHEMA);
        return { did: "created" };
      }
      if (!(found > 0 && found < SCHEMA_VERSION)) {
        throw new SentinelError(
          "invalid_config",
          `the store ${this.path} has schema version ${found}, this Sentinel knows ` +
            `${SCHEMA_VERSION}; use the Sentinel that wrote it, or another store file`,
        );
      }
      for (let step = found; step < SCHEMA_VERSION; step++) this.db.exec(MIGRATIONS[step].sql);
      this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      return { did: "upgraded", from: found };
    });
  }
}

/** Approval requests in SQLite. */
export class SqliteApprovalStore implements ApprovalStore {
  readonly #c: Connection;

  constructor(connection: Connection) {
    this.#c = connection;
  }

  /** Stores a new request (and deletes terminal requests retained past `request.createdAt`). */
  create(request: ApprovalRequest): Promise<void> {
    return settle(() =>
      this.#c.immediate("record a request in", () => {
        const exists = this.#c.statement("SELECT 1 AS found FROM requests WHERE id = ?").get(
          request.id,
        );
        if (exists) throw alreadyExists("approval request", request.id);
        this.#c.statement(
          "DELETE FROM requests WHERE retain_until < ? AND retain_until IS NOT NULL " +
            "AND status <> 'pending'",
        ).run(request.createdAt);
        this.#c.statement(
          "INSERT INTO requests (id, requester, profile, status, created_at, window_ends_at, " +
            "retain_until, version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ).run(...requestColumns(request));
      })
    );
  }

  get(id: string): Promise<ApprovalRequest | undefined> {
    return settle(() =>
      this.#c.read("read a request from", () => {
        const row = this.#c.statement("SELECT id, body FROM requests WHERE id = ?").get(id);
        return row ? readOne(this.#c, "requests", row) : undefined;
      })
    );
  }

  transition(next: ApprovalRequest, expectedVersion: number): Promise<boolean> {
    return settle(() => {
      checkVersion(next.version, expectedVersion);
      return this.#c.immediate("update a request in", () => {
        const [id, ...columns] = requestColumns(next);
        const changed = this.#c.statement(
          "UPDATE requests SET requester = ?, profile = ?, status = ?, created_at = ?, " +
            "window_ends_at = ?, retain_until = ?, version = ?, body = ? " +
            "WHERE id = ? AND version = ?",
        ).run(...columns, id, expectedVersion);
        return Number(changed.changes) === 1;
      });
    });
  }

  list(query: RequestQuery): Promise<Page<ApprovalRequest>> {
    return settle(() => {
      const filters: Filter[] = [];
      if (query.status !== undefined) filters.push({ sql: "status = ?", params: [query.status] });
      if (query.profile !== undefined) {
        filters.push({ sql: "profile = ?", params: [query.profile] });
      }
      if (query.requester !== undefined) {
        filters.push({ sql: "requester = ?", params: [query.requester] });
      }
      return listPage(this.#c, "requests", filters, query);
    });
  }

  approvedFor(requester: string, profile: string, now: number): Promise<ApprovalRequest[]> {
    return settle(() =>
      this.#c.read("read approvals from", () =>
        this.#c.statement(
          "SELECT id, body FROM requests WHERE requester = ? AND profile = ? " +
            "AND status = 'approved' AND window_ends_at > ? ORDER BY created_at DESC, id DESC",
        ).all(requester, profile, now).flatMap((row) => readable(readRow("requests", row))))
    );
  }
}

/** Break-glass events in SQLite. */
export class SqliteBreakglassStore implements BreakglassStore {
  readonly #c: Connection;

  constructor(connection: Connection) {
    this.#c = connection;
  }

  invoke(
    event: BreakglassEvent,
    slots: readonly QuotaSlot[],
    conditions: InvokeConditions = {},
  ): Promise<{ ok: true } | ({ ok: false } & InvokeRefusal)> {
    const { requireReviewOf } = conditions;
    return settle(() => {
      const windows = windowsByKey(slots);
      const at = event.createdAt;
      return this.#c.immediate("record a break-glass event in", () => {
        if (this.#c.statement("SELECT 1 AS found FROM events WHERE id = ?").get(event.id)) {
          throw alreadyExists("break-glass event", event.id);
        }
        const open = conditions.onlyOpenEvent && this.#c.statement(
          "SELECT id, body FROM events WHERE invoker = ? AND profile = ? AND closed_at IS NULL " +
            "AND ends_at > ? ORDER BY created_at DESC, id DESC LIMIT 1",
        ).get(event.invoker, event.profile, at);
        if (open) return { ok: false, reason: "open", event: readOne(this.#c, "events", open) };
        if (requireReviewOf !== undefined) {
          const blocking = this.#c.statement(
            "SELECT id FROM events WHERE invoker = ? AND reviewed_at IS NULL " +
              "ORDER BY created_at, id LIMIT 1",
          ).get(requireReviewOf);
          if (blocking) return { ok: false, reason: "unreviewed", eventId: String(blocking.id) };
        }
        const uses = new Map<string, number[]>();
        for (const [key, windowMs] of windows) {
          uses.set(
            key,
            this.#c.statement("SELECT used_at FROM quota_uses WHERE key = ? AND used_at > ?")
              .all(key, at - windowMs).map((row) => Number(row.used_at)),
          );
        }
        const refusal = quotaRefusal(slots, (key) => uses.get(key) ?? [], at);
        if (refusal) return { ok: false, ...refusal };
        this.#c.statement(
          "INSERT INTO events (id, invoker, profile, created_at, ends_at, closed_at, " +
            "reviewed_at, version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ).run(...eventColumns(event));
        for (const [key, windowMs] of windows) {
          this.#c.statement("DELETE FROM quota_uses WHERE key = ? AND used_at <= ?")
            .run(key, at - windowMs);
          this.#c.statement("INSERT INTO quota_uses (key, used_at, event_id) VALUES (?, ?, ?)")
            .run(key, at, event.id);
        }
        return { ok: true };
      });
    });
  }

  release(eventId: string, slots: readonly QuotaSlot[]): Promise<void> {
    return settle(() =>
      this.#c.immediate("give back the rate-limit uses of a break-glass event in", () => {
        for (const key of windowsByKey(slots).keys()) {
          this.#c.statement("DELETE FROM quota_uses WHERE key = ? AND event_id = ?")
            .run(key, eventId);
        }
      })
    );
  }

  get(id: string): Promise<BreakglassEvent | undefined> {
    return settle(() =>
      this.#c.read("read a break-glass event from", () => {
        const row = this.#c.statement("SELECT id, body FROM events WHERE id = ?").get(id);
        return row ? readOne(this.#c, "events", row) : undefined;
      })
    );
  }

  update(next: BreakglassEvent, expectedVersion: number): Promise<boolean> {
    return settle(() => {
      checkVersion(next.version, expectedVersion);
      return this.#c.immediate("update a break-glass event in", () => {
        const [id, ...columns] = eventColumns(next);
        const changed = this.#c.statement(
          "UPDATE events SET invoker = ?, profile = ?, created_at = ?, ends_at = ?, " +
            "closed_at = ?, reviewed_at = ?, version = ?, body = ? WHERE id = ? AND version = ?",
        ).run(...columns, id, expectedVersion);
        return Number(changed.changes) === 1;
      });
    });
  }

  list(query: EventQuery): Promise<Page<BreakglassEvent>> {
    return settle(() => {
      const filters: Filter[] = [];
      if (query.invoker !== undefined) {
        filters.push({ sql: "invoker = ?", params: [query.invoker] });
      }
      if (query.profile !== undefined) {
        filters.push({ sql: "profile = ?", params: [query.profile] });
      }
      if (query.activeAt !== undefined) {
        filters.push({ sql: "closed_at IS NULL AND ends_at > ?", params: [query.activeAt] });
      }
      if (query.unreviewed === true) filters.push({ sql: "reviewed_at IS NULL", params: [] });
      return listPage(this.#c, "events", filters, query);
    });
  }

  activeFor(invoker: string, profile: string, now: number): Promise<BreakglassEvent[]> {
    return settle(() =>
      this.#c.read("read break-glass events from", () =>
        this.#c.statement(
          "SELECT id, body FROM events WHERE invoker = ? AND profile = ? AND closed_at IS NULL " +
            "AND ends_at > ? ORDER BY created_at DESC, id DESC",
        ).all(invoker, profile, now).flatMap((row) => readable(readRow("events", row))))
    );
  }

  countInWindow(slot: QuotaSlot, now: number): Promise<number> {
    return settle(() =>
      this.#c.read("count break-glass uses in", () =>
        Number(
          this.#c.statement(
            "SELECT count(*) AS n FROM quota_uses WHERE key = ? AND used_at > ?",
          ).get(slot.key, now - slot.windowMs)?.n ?? 0,
        ))
    );
  }
}

/** Replay records in SQLite. */
export class SqliteReplayStore implements ReplayStore {
  readonly #c: Connection;

  constructor(connection: Connection) {
    this.#c = connection;
  }

  /**
   * In one transaction: deletes up to {@link PURGE_BATCH} records expired at `now`, then
   * inserts the key, or takes over its record when that has expired (a time that is not a number
   * never compares as expired: such a record counts as seen).
   */
  remember(key: string, until: number, now: number): Promise<boolean> {
    return settle(() => {
      checkReplay(key, until, now);
      return this.#c.immediate("record a replay key in", () => {
        this.#c.statement(
          "DELETE FROM replays WHERE key IN (SELECT key FROM replays WHERE seen_until <= ? " +
            "ORDER BY seen_until LIMIT ?)",
        ).run(now, PURGE_BATCH);
        const recorded = this.#c.statement(
          "INSERT INTO replays (key, seen_until) VALUES (?, ?) ON CONFLICT (key) DO UPDATE " +
            "SET seen_until = excluded.seen_until WHERE replays.seen_until <= ?",
        ).run(key, until, now);
        return Number(recorded.changes) === 1;
      });
    });
  }
}

/** Revocations in SQLite. */
export class SqliteRevocationStore implements RevocationStore {
  readonly #c: Connection;

  constructor(connection: Connection) {
    this.#c = connection;
  }

  /**
   * In one transaction: refuses an existing id, deletes up to {@link PURGE_BATCH} revocations
   * {@link REVOCATION_KEPT_PAST_EXPIRY_MS} past their expiry at `record.createdAt`, then inserts
   * the record.
   */
  record(record: RevocationRecord): Promise<void> {
    return settle(() => {
      checkRevocation(record);
      this.#c.immediate("record a revocation in", () => {
        if (this.#c.statement("SELECT 1 AS found FROM revocations WHERE id = ?").get(record.id)) {
          throw alreadyExists("revocation", record.id);
        }
        this.#c.statement(
          "DELETE FROM revocations WHERE id IN (SELECT id FROM revocations WHERE expires_at <= ? " +
            "ORDER BY expires_at LIMIT ?)",
        ).run(record.createdAt - REVOCATION_KEPT_PAST_EXPIRY_MS, PURGE_BATCH);
        this.#c.statement(
          "INSERT INTO revocations (id, role_arn, revoked_before, expires_at, body) " +
            "VALUES (?, ?, ?, ?, ?)",
        ).run(record.id, record.roleArn, record.before, record.expiresAt, JSON.stringify(record));
      });
    });
  }

  /** Text in `expires_at` sorts after every number in SQLite: such a row is never expired. */
  liveFor(
    roleArn: string,
    now: number,
  ): Promise<{ items: RevocationRecord[]; damaged: DamagedRecord[] }> {
    return settle(() => {
      checkLiveQuery(roleArn, now);
      const rows = this.#c.read("read revocations from", () =>
        this.#c.statement(
          "SELECT id, body FROM revocations WHERE role_arn = ? AND expires_at > ? " +
            "ORDER BY revoked_before, id",
        ).all(roleArn, now));
      const reads = rows.map((row) => ({
        id: String(row.id),
        read: readBody(row, (body) => parseStoredRevocation(body, String(row.id), roleArn)),
      }));
      return readableAndDamaged(reads, `the SQLite store ${this.#c.path}`);
    });
  }
}

/** Opens the SQLite store at `path` (creating it when missing, unless `options.create` is false). */
export function openSqliteStores(path: string, options: SqliteOpenOptions = {}): Stores {
  const connection = new Connection(path, options);
  return {
    approvals: new SqliteApprovalStore(connection),
    breakglass: new SqliteBreakglassStore(connection),
    replays: new SqliteReplayStore(connection),
    revocations: new SqliteRevocationStore(connection),
    init: () => Promise.resolve([schemaLine(path, connection.schema)]),
    clock: () => settle(() => fileSystemNow(path)),
    close: () => connection.close(),
  };
}

/** What `init` says opening did to the schema. */
function schemaLine(path: string, schema: SchemaChange): string {
  switch (schema.did) {
    case "created":
      return `created the SQLite store ${path} (schema version ${SCHEMA_VERSION})`;
    case "upgraded": {
      const added: string[] = [];
      for (let step = schema.from; step < SCHEMA_VERSION; step++) {
        added.push(MIGRATIONS[step].adds);
      }
      return `upgraded the SQLite store ${path} from schema version ${schema.from} to ` +
        `${SCHEMA_VERSION}: added ${added.join(", ")}; every record it held stays`;
    }
    case "nothing":
      return `the SQLite store ${path} exists (schema version ${SCHEMA_VERSION}); left as it is`;
  }
}

/**
 * The time the file system gives a file created now beside the store at `path`: the kernel's
 * clock, which a process cannot set for itself as it can its own idea of the time.
 */
function fileSystemNow(path: string): number {
  let probe: string | undefined;
  try {
    probe = Deno.makeTempFileSync({ dir: dirname(path), prefix: ".sentinel-clock-" });
    const mtime = Deno.statSync(probe).mtime;
    if (mtime === null) throw new Error("the file system keeps no modification times");
    return mtime.getTime();
  } catch (error) {
    throw storeFailure(path, "read the clock of", error);
  } finally {
    if (probe !== undefined) removeProbe(probe);
  }
}

function removeProbe(path: string): void {
  try {
    Deno.removeSync(path);
  } catch {
    // A probe left behind (the directory turned read-only meanwhile) is an empty file: harmless.
  }
}

/**
 * Makes sure the store file is there before SQLite opens it (SQLite would create a missing one
 * with the umask's mode, 0644 as a rule): an existing file (or a link to one) is used as it is;
 * a missing one is created 0600, with its missing parent directories 0700, when `create` is set,
 * and otherwise is an error that says how to create it — nothing is created for a read.
 *
 * A path that is a symbolic link to nothing is refused, naming both: following it would make a
 * new, empty store wherever the link points, and a dangling link to a store is far more often a
 * store that moved (or a disk not mounted) than a wish for a new one — the team's approvals would
 * silently start over in a fresh file. Fixing the link, or pointing the setting at the target,
 * is the person's choice to make.
 */
function prepareFile(path: string, options: SqliteOpenOptions): void {
  const setting = settingText(options);
  let link: Deno.FileInfo;
  try {
    link = Deno.lstatSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw storeFailure(path, "open", error, setting);
    if (options.create === false) {
      throw new SentinelError(
        "store_missing",
        `there is no store at ${path} (${setting}), and reading does not create one; check the path, or create the store with \`sentinel store init${
          options.setting?.from === "--store" ? ` --store ${options.setting.text}` : ""
        }\` (a request or a break-glass creates it too)`,
      );
    }
    createFile(path, setting);
    return;
  }
  if (!link.isSymlink) return;
  try {
    Deno.statSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw storeFailure(path, "open", error, setting);
    let target = "(unreadable)";
    try {
      target = resolve(dirname(path), Deno.readLinkSync(path));
    } catch { /* named as unreadable */ }
    throw new SentinelError(
      "store_missing",
      `the store path ${path} (${setting}) is a symbolic link to ${target}, which does not exist; Sentinel does not create a store through a dangling link (the store it pointed to may have moved, or its disk is not mounted). Fix or remove the link, or point sentinel_store at the file you mean`,
    );
  }
}

/** Creates the store file 0600 (and its missing parent directories 0700). */
function createFile(path: string, setting: string): void {
  try {
    Deno.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const file = Deno.openSync(path, { write: true, createNew: true, mode: 0o600 });
    file.close();
    if (Deno.build.os !== "windows") Deno.chmodSync(path, 0o600);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      throw storeFailure(path, "create", error, setting);
    }
  }
}

/** Where the store setting came from, for messages: "the store setting from --store". */
function settingText(options: SqliteOpenOptions): string {
  const from = options.setting?.from;
  return from === undefined ? "sentinel_store (SENTINEL_STORE)" : `the store setting from ${from}`;
}

/** A condition of a list and its parameters. */
interface Filter {
  sql: string;
  params: SQLInputValue[];
}

/** What each table holds. */
interface Tables {
  requests: ApprovalRequest;
  events: BreakglassEvent;
}

const TABLES = {
  requests: { kind: "request", what: "approval request", parse: parseApprovalRequest },
  events: { kind: "event", what: "break-glass event", parse: parseBreakglassEvent },
} as const satisfies {
  [K in keyof Tables]: {
    kind: ListKind;
    what: string;
    parse: (value: unknown) => StoredRecord<Tables[K]>;
  };
};

/**
 * One page of `table`, newest first, after the cursor's position: damaged rows are left out of
 * the items and named (their position still moves the cursor on).
 */
function listPage<K extends keyof Tables>(
  c: Connection,
  table: K,
  filters: Filter[],
  query: { limit: number; cursor?: string },
): Page<Tables[K]> {
  const kind = TABLES[table].kind;
  const limit = checkLimit(query.limit);
  const where = filters.map((filter) => filter.sql);
  const params = filters.flatMap((filter) => filter.params);
  if (query.cursor !== undefined) {
    const after = decodeCursor(kind, query.cursor);
    where.push("(created_at < ? OR (created_at = ? AND id < ?))");
    params.push(after.createdAt, after.createdAt, after.id);
  }
  const sql = `SELECT id, created_at, body FROM ${table}${
    where.length ? ` WHERE ${where.join(" AND ")}` : ""
  } ORDER BY created_at DESC, id DESC LIMIT ?`;
  const rows = c.read(`list ${kind}s in`, () => c.statement(sql).all(...params, limit + 1));
  const entries = rows.map((row) => ({
    id: String(row.id),
    createdAt: Number(row.created_at),
    read: readRow(table, row),
  }));
  return pageOfEntries(kind, entries, limit, `the SQLite store ${c.path}`);
}

/** A row's body read back as a record of `table`, or why it is not one. */
function readRow<K extends keyof Tables>(
  table: K,
  row: Record<string, unknown>,
): StoredRecord<Tables[K]> {
  const parse = TABLES[table].parse as (value: unknown) => StoredRecord<Tables[K]>;
  return readBody(row, (body) => parseStoredJson(body, parse, String(row.id)));
}

/** A row's body read back with `read`, or why it is not one. */
function readBody<T>(
  row: Record<string, unknown>,
  read: (body: string) => StoredRecord<T>,
): StoredRecord<T> {
  if (typeof row.body !== "string") return { ok: false, why: "its body is not text" };
  return read(row.body);
}

/** The record of a row asked for by id; a damaged one is a `store_damaged` error. */
function readOne<K extends keyof Tables>(
  c: Connection,
  table: K,
  row: Record<string, unknown>,
): Tables[K] {
  const read = readRow(table, row);
  if (read.ok) return read.record;
  const id = String(row.id);
  throw damagedRecord(
    TABLES[table].what,
    id,
    `the SQLite store ${c.path}`,
    read.why,
    `restore the store file from a backup, or delete that row (table ${table}, id ${id}) with the sqlite3 tool`,
  );
}

/** The record, or nothing for a damaged one: the credential path's lookups grant nothing on it. */
function readable<T>(read: StoredRecord<T>): T[] {
  return read.ok ? [read.record] : [];
}

function requestColumns(r: ApprovalRequest): SQLInputValue[] {
  return [
    r.id,
    r.requester,
    r.profile,
    r.status,
    r.createdAt,
    r.windowEndsAt ?? null,
    r.status === "pending" ? null : r.retainUntil ?? null,
    r.version,
    JSON.stringify(r),
  ];
}

function eventColumns(e: BreakglassEvent): SQLInputValue[] {
  return [
    e.id,
    e.invoker,
    e.profile,
    e.createdAt,
    e.endsAt,
    e.closedAt ?? null,
    e.reviewedAt ?? null,
    e.version,
    JSON.stringify(e),
  ];
}

/** Runs synchronous store work as a promise (a throw becomes a rejection). */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** An SQLite failure as a message: which file, what was being done, what to do next. */
function storeFailure(
  path: string,
  action: string,
  error: unknown,
  setting = "sentinel_store (SENTINEL_STORE)",
): SentinelError {
  if (error instanceof SentinelError) return error;
  if (error instanceof Deno.errors.NotCapable) {
    // Deno guards system paths (/proc, /sys, /dev, …) beyond the permissions Sentinel runs with.
    return new SentinelError(
      "invalid_config",
      `cannot ${action} the store ${path}: it is a system path (such as /proc, /sys or /dev), not a place for a store file; point ${setting} at an ordinary file, such as ~/.local/share/sentinel/sentinel.db`,
      { cause: error },
    );
  }
  const detail = String((error as { message?: unknown })?.message ?? error).split("\n")[0];
  const busy = /database (table )?is locked|SQLITE_BUSY/i.test(detail);
  const denied = error instanceof Deno.errors.PermissionDenied ||
    /readonly|permission|access/i.test(detail);
  const next = busy
    ? `another process kept it locked for over ${BUSY_TIMEOUT_MS / 1000} s; try again`
    : denied
    ? "check the permissions of the file and its directory"
    : action === "create"
    ? `check ${setting} and that its directory can be created`
    : `check ${setting} and that the file is an SQLite store Sentinel wrote`;
  return new SentinelError(
    busy ? "store_busy" : "invalid_config",
    `cannot ${action} the store ${path}: ${detail}; ${next}`,
    { cause: error },
  );
}

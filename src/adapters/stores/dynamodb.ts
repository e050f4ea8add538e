/**
 * The team store (DESIGN §8, §9, §15): approval requests, break-glass events, the replay records
 * of broker mode and the revocations of issued sessions (issue 21) in one DynamoDB table, over the
 * light client of `aws/dynamodb.ts` (no AWS SDK). Names come from `core/store_table.ts`, which the
 * CloudFormation template and the IAM policy are made from too.
 *
 * Single-table design (`pk`, `sk` strings; every GSI projects all attributes):
 *
 * | item              | pk                            | sk              | other attributes               |
 * | ----------------- | ----------------------------- | --------------- | ------------------------------ |
 * | approval request  | `request#<id>`                | `request`       | doc (JSON), ver, index keys    |
 * | break-glass event | `event#<id>`                  | `event`         | doc (JSON), ver, index keys    |
 * | rate-limit uses   | `quota#<slot key>`            | `quota`         | uses (JSON [[at, id]…]), ver   |
 * | review marker     | `unreviewed#<user>`           | `unreviewed`    | pending (string set)           |
 * | open-event marker | `open#["<user>","<profile>"]` | `open`          | event (id), ends, ver          |
 * | replay record     | `replay#<key>`                | `replay`        | until (ms), writer, expires_at |
 * | revocation        | `revocations#<role ARN>`      | `<before>#<id>` | doc, until (ms), expires_at    |
 * | revocation id     | `revocation#<id>`             | `revocation`    | role, expires_at               |
 *
 * (A revocation's `<before>` is 16 digits, as wide as the largest safe integer.)
 *
 * Index keys (`created` = 15-digit creation time `#` id, so descending queries list newest first):
 * `by_user` (user_key = `request#<requester>` | `event#<invoker>`), `by_status` (status_key =
 * `request#<status>`, or `event#unreviewed` until reviewed), `by_profile` (profile_key =
 * `request#<profile>` | `event#<profile>`), `by_kind` (kind_key = `request` | `event`: unfiltered
 * lists), and the sparse `by_grant` (grant_key = `request#["<requester>","<profile>"]` on approved
 * requests, `event#[…]` on open events; grant_ends = when the access ends): the credential
 * path's one query. Every list follows LastEvaluatedKey; its cursor is the position of the last
 * item it returned, from which the ExclusiveStartKey of the next page is rebuilt.
 *
 * Atomicity: a request or event is written with a condition on the version it was computed from
 * (`ver = :expected`; new ones with `attribute_not_exists(pk)`). An invocation is one
 * TransactWriteItems: the event, each rate-limit item rewritten on the condition that its
 * version is still the one read (so two invocations that read the same uses cannot both pass),
 * the invoker's review marker (the event added to `pending`; with require_review, on the
 * condition that `pending` is empty), and the invoker's open-event marker for the profile
 * (rewritten on the condition that its version is still the one read, after checking that the
 * event it named is no longer open: one open event per person and profile). A cancelled
 * transaction is read again and retried within the deadline. A review removes the event from the
 * marker in the same transaction as the update. A replay record is one PutItem on the condition
 * that no item of its key exists or the one there has expired (`until` a number `<= now`), so of
 * every broker sharing the table exactly one records a key; an item whose `until` is not a
 * number never meets that condition (it counts as seen). A revocation is one TransactWriteItems
 * of two new items (`attribute_not_exists`): the record, in its role's partition, and its id's,
 * so that an id is recorded once whatever the role or time it comes with. A role's revocations
 * are then one consistent Query of the table on that partition (sorted by `before`, then id, by
 * the sort key; every page followed), which a revoker rewriting the role's IAM policy from them
 * must have: an index is only eventually consistent, and would let it miss one just recorded.
 * Rate limits keep one item per key holding every use still in the window, rather than `max` slot
 * items: the count stays exact when a policy lowers `max` or changes the window, and
 * `countInWindow` reads the same item. The price is that invocations under one key serialise
 * (each retry re-reads), which break-glass rates never notice. `by_kind` puts every request (and
 * every event) under one index partition: fine for approval volumes, not for millions a day.
 *
 * Every `doc` is read back through core/store_records.ts: a damaged one is named and left out of
 * a list, a `store_damaged` error when asked for by id, and nothing on the credential path.
 *
 * TTL (`expires_at`, epoch seconds) is set only on data that may vanish: terminal requests with
 * `retainUntil`, rate-limit items once their newest use has left the longest window, replay
 * records from the second their `until` has passed (DynamoDB deletes them within days; until
 * then the condition on `until`, in ms, already treats them as expired), and revocations and
 * their ids from their `expiresAt` (until then a filter on `until` leaves them out; one whose
 * `until` is not a number is never left out). Pending requests, events (whose type has no
 * retention time) and review markers never expire.
 *
 * @module
 */
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
import {
  type IndexDesign,
  STORE_INDEXES,
  TABLE_KEY,
  tableDefinition,
  TTL_ATTRIBUTE,
} from "../../core/store/table.ts";
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
import type {
  DynamoDbClient,
  Item,
  PutItemInput,
  TransactItem,
  TransactResult,
} from "../aws/dynamodb.ts";
import {
  checkLimit,
  decodeCursor,
  type ListedEntry,
  type ListKind,
  pageOfEntries,
} from "./list_cursor.ts";
import { quotaRefusal, usesInWindow, windowsByKey } from "./quota_window.ts";
import {
  alreadyExists,
  checkLiveQuery,
  checkReplay,
  checkRevocation,
  checkVersion,
  damagedRecord,
  readableAndDamaged,
} from "./record_checks.ts";

const PK = TABLE_KEY.partition;
const SK = TABLE_KEY.sort;
const { byUser, byStatus, byProfile, byKind, byGrant } = STORE_INDEXES;
const DOC = "doc";
const VERSION = "ver";
const USES = "uses";
const PENDING = "pending";
const OPEN_EVENT = "event";
const OPEN_ENDS = "ends";
/** A replay record's or a revocation's time, epoch ms: what it is judged expired by. */
const UNTIL = "until";
const REVOCATION_ROLE = "role";
const REPLAY_WRITER = "writer";

/** How often a contended transaction is tried before giving up (within the deadline anyway). */
const MAX_ROUNDS = 40;
/** How often `init` looks whether a new table is ACTIVE. */
const ACTIVE_POLL_MS = 1_000;

/** The store's table and the client that reaches it. */
interface Table {
  name: string;
  db: DynamoDbClient;
}

/** Approval requests in DynamoDB. */
export class DynamoDbApprovalStore implements ApprovalStore {
  readonly #t: Table;

  constructor(table: Table) {
    this.#t = table;
  }

  async create(request: ApprovalRequest): Promise<void> {
    const item = requestItem(request);
    const result = await this.#t.db.putItem({
      TableName: this.#t.name,
      Item: item,
      ConditionExpression: "attribute_not_exists(#pk)",
      ExpressionAttributeNames: { "#pk": PK },
    });
    if (!result.ok && !ownWrite(result, item)) throw alreadyExists("approval request", request.id);
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    const item = await this.#t.db.getItem({
      TableName: this.#t.name,
      Key: recordKey("request", id),
      ConsistentRead: true,
    });
    return item && readOne(this.#t, "request", item);
  }

  async transition(next: ApprovalRequest, expectedVersion: number): Promise<boolean> {
    checkVersion(next.version, expectedVersion);
    const item = requestItem(next);
    const result = await this.#t.db.putItem({
      TableName: this.#t.name,
      Item: item,
      ConditionExpression: "#ver = :expected",
      ExpressionAttributeNames: { "#ver": VERSION },
      ExpressionAttributeValues: { ":expected": num(expectedVersion) },
    });
    return result.ok || ownWrite(result, item);
  }

  list(query: RequestQuery): Promise<Page<ApprovalRequest>> {
    const filters: Filter[] = [];
    const keyed = (index: IndexDesign, value: string) => ({ index, value: `request#${value}` });
    const chosen = query.requester !== undefined
      ? keyed(byUser, query.requester)
      : query.profile !== undefined
      ? keyed(byProfile, query.profile)
      : query.status !== undefined
      ? keyed(byStatus, query.status)
      : { index: byKind, value: "request" };
    if (query.status !== undefined && chosen.index !== byStatus) {
      filters.push(equals(byStatus.partition, `request#${query.status}`));
    }
    if (query.profile !== undefined && chosen.index !== byProfile) {
      filters.push(equals(byProfile.partition, `request#${query.profile}`));
    }
    return listPage(this.#t, "request", chosen.index, chosen.value, filters, query);
  }

  async approvedFor(requester: string, profile: string, now: number): Promise<ApprovalRequest[]> {
    const items = await grants(this.#t, grantKey("request", requester, profile), now);
    return newestFirst(items.flatMap((item) => readable(readItem("request", item))))
      .filter((request) => request.status === "approved");
  }
}

/** Break-glass events in DynamoDB. */
export class DynamoDbBreakglassStore implements BreakglassStore {
  readonly #t: Table;

  constructor(table: Table) {
    this.#t = table;
  }

  async invoke(
    event: BreakglassEvent,
    slots: readonly QuotaSlot[],
    conditions: InvokeConditions = {},
  ): Promise<{ ok: true } | ({ ok: false } & InvokeRefusal)> {
    const { requireReviewOf } = conditions;
    const windows = windowsByKey(slots);
    const keys = [...windows.keys()];
    const at = event.createdAt;
    for (let round = 1;; round++) {
      const [quotas, blocker, open] = await Promise.all([
        Promise.all(keys.map((key) => this.#readUses(key))),
        requireReviewOf === undefined ? undefined : this.#oldestUnreviewed(requireReviewOf),
        conditions.onlyOpenEvent ? this.#openEvent(event.invoker, event.profile, at) : undefined,
      ]);
      if (open?.event !== undefined) return { ok: false, reason: "open", event: open.event };
      if (blocker !== undefined) return { ok: false, reason: "unreviewed", eventId: blocker };
      const usesOf = new Map(keys.map((key, i) => [key, quotas[i].uses.map(([use]) => use)]));
      const refusal = quotaRefusal(slots, (key) => usesOf.get(key) ?? [], at);
      if (refusal) return { ok: false, ...refusal };

      const quotaPuts = keys.map((key, i): TransactItem => {
        const windowMs = windows.get(key)!;
        const kept = quotas[i].uses.filter(([use]) => use > at - windowMs);
        return {
          Put: quotaPut(this.#t.name, key, [...kept, [at, event.id]], windowMs, quotas[i].version),
        };
      });
      const result = await this.#t.db.transactWriteItems(
        invocationItems(this.#t.name, event, { quotaPuts, open, requireReviewOf }),
      );
      if (result.ok) return { ok: true };
      if (result.reasons[0]?.code === "ConditionalCheckFailed") {
        throw alreadyExists("break-glass event", event.id);
      }
      await contended(this.#t, result, round, "break-glass invocation");
    }
  }

  async release(eventId: string, slots: readonly QuotaSlot[]): Promise<void> {
    for (const [key, windowMs] of windowsByKey(slots)) {
      for (let round = 1;; round++) {
        const { uses, version } = await this.#readUses(key);
        const kept = uses.filter(([, id]) => id !== eventId);
        if (version === undefined || kept.length === uses.length) break;
        // An emptied item is written empty, not deleted: the IAM policy Sentinel prints grants no
        // DeleteItem (a user must not be able to erase a rate limit), and TTL removes it later.
        const spentAt = Math.max(...uses.map(([use]) => use));
        const write: TransactItem = {
          Put: quotaPut(this.#t.name, key, kept, windowMs, version, spentAt),
        };
        const result = await this.#t.db.transactWriteItems([write]);
        if (result.ok) break;
        await contended(this.#t, result, round, "break-glass release");
      }
    }
  }

  async get(id: string): Promise<BreakglassEvent | undefined> {
    const item = await this.#t.db.getItem({
      TableName: this.#t.name,
      Key: recordKey("event", id),
      ConsistentRead: true,
    });
    return item && readOne(this.#t, "event", item);
  }

  async update(next: BreakglassEvent, expectedVersion: number): Promise<boolean> {
    checkVersion(next.version, expectedVersion);
    for (let round = 1;; round++) {
      const result = await this.#t.db.transactWriteItems([
        {
          Put: {
            TableName: this.#t.name,
            Item: eventItem(next),
            ConditionExpression: "#ver = :expected",
            ExpressionAttributeNames: { "#ver": VERSION },
            ExpressionAttributeValues: { ":expected": num(expectedVersion) },
          },
        },
        {
          // The marker lists the invoker's unreviewed events: a review takes this one out.
          Update: {
            TableName: this.#t.name,
            Key: markerKey(next.invoker),
            UpdateExpression: `${next.reviewedAt === undefined ? "ADD" : "DELETE"} #pending :event`,
            ExpressionAttributeNames: { "#pending": PENDING },
            ExpressionAttributeValues: { ":event": { SS: [markerMember(next)] } },
          },
        },
      ]);
      if (result.ok) return true;
      if (result.reasons[0]?.code === "ConditionalCheckFailed") return false;
      await contended(this.#t, result, round, "break-glass update");
    }
  }

  list(query: EventQuery): Promise<Page<BreakglassEvent>> {
    const filters: Filter[] = [];
    const keyed = (index: IndexDesign, value: string) => ({ index, value: `event#${value}` });
    const chosen = query.invoker !== undefined
      ? keyed(byUser, query.invoker)
      : query.unreviewed === true
      ? keyed(byStatus, "unreviewed")
      : query.profile !== undefined
      ? keyed(byProfile, query.profile)
      : { index: byKind, value: "event" };
    if (query.unreviewed === true && chosen.index !== byStatus) {
      filters.push(equals(byStatus.partition, "event#unreviewed"));
    }
    if (query.profile !== undefined && chosen.index !== byProfile) {
      filters.push(equals(byProfile.partition, `event#${query.profile}`));
    }
    if (query.activeAt !== undefined) {
      // grant_ends exists only while the event is open.
      filters.push({
        expression: "#ends > :t",
        names: { "#ends": byGrant.sort },
        values: { ":t": num(query.activeAt) },
      });
    }
    return listPage(this.#t, "event", chosen.index, chosen.value, filters, query);
  }

  async activeFor(invoker: string, profile: string, now: number): Promise<BreakglassEvent[]> {
    const found = await grants(this.#t, grantKey("event", invoker, profile), now);
    // Indexes are eventually consistent and a close must take effect at once: confirm each. A
    // damaged event grants nothing.
    const current = await Promise.all(found.map(async (item) => {
      const read = await this.#t.db.getItem({
        TableName: this.#t.name,
        Key: recordKey("event", idOf(item)),
        ConsistentRead: true,
      });
      return read && readable(readItem("event", read))[0];
    }));
    return newestFirst(
      current.filter((event): event is BreakglassEvent =>
        event !== undefined && event.closedAt === undefined && event.endsAt > now
      ),
    );
  }

  async countInWindow(slot: QuotaSlot, now: number): Promise<number> {
    const { uses } = await this.#readUses(slot.key);
    return usesInWindow(slot, uses.map(([use]) => use), now);
  }

  /** The uses recorded under `key` and the version of their item (undefined: no item yet). */
  async #readUses(key: string): Promise<{ uses: [number, string][]; version?: number }> {
    const item = await this.#t.db.getItem({
      TableName: this.#t.name,
      Key: quotaKey(key),
      ConsistentRead: true,
    });
    if (item === undefined) return { uses: [] };
    return {
      uses: JSON.parse(str(item[USES])) as [number, string][],
      version: Number(numText(item[VERSION])),
    };
  }

  /**
   * The event `invoker`'s open-event marker for `profile` names, when it is still open at `at`,
   * and the marker's version (undefined: no marker yet), on which the invocation conditions its
   * rewrite — so of two invocations that both found no open event, one fails and reads again.
   */
  async #openEvent(
    invoker: string,
    profile: string,
    at: number,
  ): Promise<{ event?: BreakglassEvent; version?: number }> {
    const item = await this.#t.db.getItem({
      TableName: this.#t.name,
      Key: openMarkerKey(invoker, profile),
      ConsistentRead: true,
    });
    if (item === undefined) return {};
    const version = Number(numText(item[VERSION]));
    if (Number(numText(item[OPEN_ENDS])) <= at) return { version };
    const event = await this.get(str(item[OPEN_EVENT]));
    const open = event !== undefined && event.closedAt === undefined && event.endsAt > at;
    return open ? { event, version } : { version };
  }

  /** The id of `user`'s oldest unreviewed event, if any. */
  async #oldestUnreviewed(user: string): Promise<string | undefined> {
    const item = await this.#t.db.getItem({
      TableName: this.#t.name,
      Key: markerKey(user),
      ConsistentRead: true,
    });
    const pending = item?.[PENDING];
    if (pending === undefined || !("SS" in pending) || pending.SS.length === 0) return undefined;
    const oldest = [...pending.SS].sort()[0];
    return oldest.slice(oldest.indexOf("#") + 1);
  }
}

/** Replay records in DynamoDB: one item per key. */
export class DynamoDbReplayStore implements ReplayStore {
  readonly #t: Table;

  constructor(table: Table) {
    this.#t = table;
  }

  /**
   * One conditional PutItem. Its item carries a random `writer`, so that a retry after a lost
   * answer that finds this call's own first attempt still says true — and a racer that wrote the
   * same `until` never passes for this call.
   */
  async remember(key: string, until: number, now: number): Promise<boolean> {
    checkReplay(key, until, now);
    const writer = crypto.randomUUID();
    const result = await this.#t.db.putItem({
      TableName: this.#t.name,
      Item: {
        ...replayRecordKey(key),
        [UNTIL]: num(until),
        [REPLAY_WRITER]: { S: writer },
        [TTL_ATTRIBUTE]: num(Math.ceil(until / 1000)),
      },
      // DynamoDB compares only values of one type; the type check says so, and spares moto.
      ConditionExpression:
        "attribute_not_exists(#pk) OR (attribute_type(#until, :number) AND #until <= :now)",
      ExpressionAttributeNames: { "#pk": PK, "#until": UNTIL },
      ExpressionAttributeValues: { ":number": { S: "N" }, ":now": num(now) },
    });
    if (result.ok) return true;
    const found = result.item?.[REPLAY_WRITER];
    return result.retried && found !== undefined && "S" in found && found.S === writer;
  }
}

/** Revocations in DynamoDB: one item per record in its role's partition, and one per id. */
export class DynamoDbRevocationStore implements RevocationStore {
  readonly #t: Table;

  constructor(table: Table) {
    this.#t = table;
  }

  async record(record: RevocationRecord): Promise<void> {
    checkRevocation(record);
    for (let round = 1;; round++) {
      const result = await this.#t.db.transactWriteItems(revocationPuts(this.#t.name, record));
      if (result.ok) return;
      if (result.reasons.some((reason) => reason.code === "ConditionalCheckFailed")) {
        throw alreadyExists("revocation", record.id);
      }
      await contended(this.#t, result, round, "revocation record");
    }
  }

  /** One consistent Query of the role's partition, every page of it. */
  async liveFor(
    roleArn: string,
    now: number,
  ): Promise<{ items: RevocationRecord[]; damaged: DamagedRecord[] }> {
    checkLiveQuery(roleArn, now);
    const reads: { id: string; read: StoredRecord<RevocationRecord> }[] = [];
    let start: Item | undefined;
    do {
      const page = await this.#t.db.query({
        TableName: this.#t.name,
        KeyConditionExpression: "#pk = :role",
        // Expired, not yet deleted by TTL. A time that is not a number is not judged expired.
        FilterExpression: "NOT (attribute_type(#until, :number) AND #until <= :now)",
        ExpressionAttributeNames: { "#pk": PK, "#until": UNTIL },
        ExpressionAttributeValues: {
          ":role": { S: revocationPartition(roleArn) },
          ":number": { S: "N" },
          ":now": num(now),
        },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      });
      reads.push(...page.items.map((item) => {
        const id = idOf(item, SK);
        return { id, read: readDoc(item, (doc) => parseStoredRevocation(doc, id, roleArn)) };
      }));
      start = page.lastEvaluatedKey;
    } while (start !== undefined);
    return readableAndDamaged(reads, `the DynamoDB table ${this.#t.name}`);
  }
}

/**
 * The one transaction of a revocation: its id's item and its record's, both new, both deleted by
 * TTL once it has expired.
 */
function revocationPuts(table: string, r: RevocationRecord): TransactItem[] {
  const expires = { [TTL_ATTRIBUTE]: num(Math.ceil(r.expiresAt / 1000)) };
  const put = (item: Item): TransactItem => ({
    Put: {
      TableName: table,
      Item: { ...item, ...expires },
      ConditionExpression: "attribute_not_exists(#pk)",
      ExpressionAttributeNames: { "#pk": PK },
    },
  });
  return [
    put({ ...revocationIdKey(r.id), [REVOCATION_ROLE]: { S: r.roleArn } }),
    put({ ...revocationKey(r), [DOC]: { S: JSON.stringify(r) }, [UNTIL]: num(r.expiresAt) }),
  ];
}

/**
 * The one transaction of an invocation: the event (new), the invoker's open-event marker when it
 * was read (`open`), the rate-limit items, the invoker's review marker (on the condition that it
 * is empty when the invoker's own review is required), and a check that `requireReviewOf`'s is
 * empty when that is someone else.
 */
function invocationItems(
  table: string,
  event: BreakglassEvent,
  read: {
    quotaPuts: TransactItem[];
    open: { version?: number } | undefined;
    requireReviewOf: string | undefined;
  },
): TransactItem[] {
  const { open, requireReviewOf } = read;
  const items: TransactItem[] = [{
    Put: {
      TableName: table,
      Item: eventItem(event),
      ConditionExpression: "attribute_not_exists(#pk)",
      ExpressionAttributeNames: { "#pk": PK },
    },
  }];
  if (open !== undefined) items.push({ Put: openMarkerPut(table, event, open.version) });
  items.push(...read.quotaPuts, {
    Update: {
      TableName: table,
      Key: markerKey(event.invoker),
      UpdateExpression: "ADD #pending :event",
      ExpressionAttributeNames: { "#pending": PENDING },
      ExpressionAttributeValues: { ":event": { SS: [markerMember(event)] } },
      ...(requireReviewOf === event.invoker
        ? { ConditionExpression: "attribute_not_exists(#pending)" }
        : {}),
    },
  });
  if (requireReviewOf !== undefined && requireReviewOf !== event.invoker) {
    items.push({
      ConditionCheck: {
        TableName: table,
        Key: markerKey(requireReviewOf),
        ConditionExpression: "attribute_not_exists(#pending)",
        ExpressionAttributeNames: { "#pending": PENDING },
      },
    });
  }
  return items;
}

/** The store at DynamoDB table `name`, reached through `db`. */
export function openDynamoDbStores(name: string, db: DynamoDbClient): Stores {
  const table: Table = { name, db };
  return {
    approvals: new DynamoDbApprovalStore(table),
    breakglass: new DynamoDbBreakglassStore(table),
    replays: new DynamoDbReplayStore(table),
    revocations: new DynamoDbRevocationStore(table),
    init: () => initTable(table),
    clock: () => db.serverTime(name, { [PK]: { S: "clock" }, [SK]: { S: "clock" } }),
    close: () => {},
  };
}

/**
 * Creates the table with its indexes (on-demand), waits until it and they are ACTIVE, and
 * enables TTL; an existing table is left alone, after checking it has the keys the store uses.
 */
async function initTable({ name, db }: Table): Promise<string[]> {
  const existing = await db.describeTable(name);
  if (existing !== undefined) {
    checkShape(name, existing);
    return [`the DynamoDB table ${name} exists (${existing.status}); left as it is`];
  }
  const definition = tableDefinition(name);
  if (await db.createTable({ ...definition }) === "exists") {
    const raced = await db.describeTable(name);
    if (raced !== undefined) checkShape(name, raced);
    return [`the DynamoDB table ${name} was created meanwhile by someone else; left as it is`];
  }
  for (;;) {
    const state = await db.describeTable(name);
    if (state?.status === "ACTIVE" && state.indexes.every((index) => index.status === "ACTIVE")) {
      break;
    }
    await pause(ACTIVE_POLL_MS, db.signal);
  }
  await db.updateTimeToLive(name, TTL_ATTRIBUTE);
  const indexes = definition.GlobalSecondaryIndexes.map((index) => index.IndexName).join(", ");
  return [
    `created the DynamoDB table ${name} (on-demand) with the indexes ${indexes}`,
    `enabled TTL on ${TTL_ATTRIBUTE}: only terminal requests past their retention, spent ` +
    "rate-limit items, expired replay records and expired revocations expire",
  ];
}

/** Fails when an existing table lacks the key or an index the store uses. */
function checkShape(name: string, state: Awaited<ReturnType<DynamoDbClient["describeTable"]>>) {
  const keyText = (schema: { AttributeName: string; KeyType: string }[]) =>
    schema.map((key) => `${key.KeyType}:${key.AttributeName}`).sort().join(",");
  const want = tableDefinition(name);
  const missing: string[] = [];
  if (keyText(state!.keySchema) !== keyText(want.KeySchema)) missing.push(`the key ${PK}/${SK}`);
  for (const index of want.GlobalSecondaryIndexes) {
    const found = state!.indexes.find((candidate) => candidate.name === index.IndexName);
    if (found === undefined || keyText(found.keySchema) !== keyText(index.KeySchema)) {
      missing.push(`the index ${index.IndexName}`);
    }
  }
  if (missing.length > 0) {
    throw new SentinelError(
      "invalid_config",
      `the DynamoDB table ${name} exists but is not shaped as a Sentinel store (it lacks ` +
        `${missing.join(", ")}); name another table in sentinel_store, or see ` +
        "`sentinel store init --print-template` for the table Sentinel needs",
    );
  }
}

/** A condition of a list: a filter expression and its placeholders. */
interface Filter {
  expression: string;
  names: Record<string, string>;
  values: Item;
}

function equals(attribute: string, value: string): Filter {
  const n = attribute.replace(/[^a-z]/g, "");
  return {
    expression: `#${n} = :${n}`,
    names: { [`#${n}`]: attribute },
    values: { [`:${n}`]: { S: value } },
  };
}

/**
 * One page of `kind` records under `value` in `index`, newest first, after the cursor's
 * position; follows LastEvaluatedKey until the page (and one more, to know there is a next) is
 * full or the index is exhausted. Damaged items are left out of the items and named.
 */
async function listPage<K extends ListKind>(
  t: Table,
  kind: K,
  index: IndexDesign,
  value: string,
  filters: Filter[],
  query: { limit: number; cursor?: string },
): Promise<Page<Kinds[K]>> {
  const limit = checkLimit(query.limit);
  let start: Item | undefined;
  if (query.cursor !== undefined) {
    const after = decodeCursor(kind, query.cursor);
    start = {
      ...recordKey(kind, after.id),
      [index.partition]: { S: value },
      [index.sort]: { S: createdKey(after.createdAt, after.id) },
    };
  }
  const found: ListedEntry<Kinds[K]>[] = [];
  do {
    const wanted = limit + 1 - found.length;
    const page = await t.db.query({
      TableName: t.name,
      IndexName: index.name,
      KeyConditionExpression: "#key = :key",
      ...(filters.length > 0
        ? { FilterExpression: filters.map((f) => f.expression).join(" AND ") }
        : {}),
      ExpressionAttributeNames: Object.assign(
        { "#key": index.partition },
        ...filters.map((f) => f.names),
      ),
      ExpressionAttributeValues: Object.assign(
        { ":key": { S: value } },
        ...filters.map((f) => f.values),
      ),
      ScanIndexForward: false,
      // A filtered query reads further per page than it keeps.
      Limit: filters.length > 0 ? Math.max(wanted, 100) : wanted,
      ExclusiveStartKey: start,
    });
    found.push(...page.items.map((item) => ({
      ...positionOf(item, index),
      read: readItem(kind, item),
    })));
    start = page.lastEvaluatedKey;
  } while (start !== undefined && found.length <= limit);
  return pageOfEntries(kind, found, limit, `the DynamoDB table ${t.name}`);
}

/** Every item under `key` in `by_grant` whose access ends after `now` (all pages). */
async function grants(t: Table, key: string, now: number): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await t.db.query({
      TableName: t.name,
      IndexName: byGrant.name,
      KeyConditionExpression: "#key = :key AND #ends > :now",
      ExpressionAttributeNames: { "#key": byGrant.partition, "#ends": byGrant.sort },
      ExpressionAttributeValues: { ":key": { S: key }, ":now": num(now) },
      ExclusiveStartKey: start,
    });
    items.push(...page.items);
    start = page.lastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** After a cancelled transaction: waits a little (longer each round) before reading again. */
async function contended(t: Table, result: TransactResult, round: number, what: string) {
  if (round >= MAX_ROUNDS) {
    const codes = result.ok ? "" : [...new Set(result.reasons.map((r) => r.code))].join(", ");
    throw new SentinelError(
      "internal_error",
      `the ${what} in DynamoDB table ${t.name} was cancelled ${round} times ` +
        `(${codes}) by concurrent writes; try again`,
    );
  }
  await pause(Math.random() * 10 * Math.min(round, 5), t.db.signal);
}

function requestItem(r: ApprovalRequest): Item {
  const item: Item = {
    ...recordItem("request", r, r.version),
    [byUser.partition]: { S: `request#${r.requester}` },
    [byProfile.partition]: { S: `request#${r.profile}` },
    [byStatus.partition]: { S: `request#${r.status}` },
  };
  if (r.status === "approved" && r.windowEndsAt !== undefined) {
    item[byGrant.partition] = { S: grantKey("request", r.requester, r.profile) };
    item[byGrant.sort] = num(r.windowEndsAt);
  }
  if (r.status !== "pending" && r.retainUntil !== undefined) {
    item[TTL_ATTRIBUTE] = num(Math.ceil(r.retainUntil / 1000));
  }
  return item;
}

function eventItem(e: BreakglassEvent): Item {
  const item: Item = {
    ...recordItem("event", e, e.version),
    [byUser.partition]: { S: `event#${e.invoker}` },
    [byProfile.partition]: { S: `event#${e.profile}` },
  };
  if (e.reviewedAt === undefined) item[byStatus.partition] = { S: "event#unreviewed" };
  if (e.closedAt === undefined) {
    item[byGrant.partition] = { S: grantKey("event", e.invoker, e.profile) };
    item[byGrant.sort] = num(e.endsAt);
  }
  return item;
}

function recordItem(
  kind: ListKind,
  record: { id: string; createdAt: number },
  version: number,
): Item {
  return {
    ...recordKey(kind, record.id),
    [DOC]: { S: JSON.stringify(record) },
    [VERSION]: num(version),
    [byKind.partition]: { S: kind },
    [byKind.sort]: { S: createdKey(record.createdAt, record.id) },
  };
}

/** The rate-limit item of `key` with `uses`, on the condition that its version is still `read`. */
function quotaPut(
  table: string,
  key: string,
  uses: [number, string][],
  windowMs: number,
  read: number | undefined,
  newest = Math.max(...uses.map(([use]) => use)),
): PutItemInput {
  return versionedPut(table, {
    ...quotaKey(key),
    [USES]: { S: JSON.stringify(uses) },
    // Spent once the newest use has left the window: then it may vanish.
    [TTL_ATTRIBUTE]: num(Math.ceil((newest + windowMs) / 1000)),
  }, read);
}

/**
 * `item` written as the next version of what was read (`read`; undefined: nothing yet), on the
 * condition that nobody wrote it meanwhile.
 */
function versionedPut(table: string, item: Item, read: number | undefined): PutItemInput {
  return {
    TableName: table,
    Item: { ...item, [VERSION]: num((read ?? 0) + 1) },
    ...(read === undefined
      ? {
        ConditionExpression: "attribute_not_exists(#pk)",
        ExpressionAttributeNames: { "#pk": PK },
      }
      : {
        ConditionExpression: "#ver = :read",
        ExpressionAttributeNames: { "#ver": VERSION },
        ExpressionAttributeValues: { ":read": num(read) },
      }),
  };
}

function recordKey(kind: ListKind, id: string): Item {
  return { [PK]: { S: `${kind}#${id}` }, [SK]: { S: kind } };
}

function quotaKey(key: string): Item {
  return { [PK]: { S: `quota#${key}` }, [SK]: { S: "quota" } };
}

function replayRecordKey(key: string): Item {
  return { [PK]: { S: `replay#${key}` }, [SK]: { S: "replay" } };
}

/** The partition of `roleArn`'s revocations. */
function revocationPartition(roleArn: string): string {
  return `revocations#${roleArn}`;
}

/**
 * A revocation's item: in its role's partition, sorted by `before` (16 digits, as wide as the
 * largest safe integer), then id.
 */
function revocationKey(r: RevocationRecord): Item {
  return {
    [PK]: { S: revocationPartition(r.roleArn) },
    [SK]: { S: `${String(r.before).padStart(16, "0")}#${r.id}` },
  };
}

/** The item of a revocation's id: one per id, whatever role and time it comes with. */
function revocationIdKey(id: string): Item {
  return { [PK]: { S: `revocation#${id}` }, [SK]: { S: "revocation" } };
}

/** The item naming `invoker`'s latest event for `profile`: one open event per person and profile. */
function openMarkerKey(invoker: string, profile: string): Item {
  return { [PK]: { S: `open#${JSON.stringify([invoker, profile])}` }, [SK]: { S: "open" } };
}

/** The open-event marker naming `event`, on the condition that its version is still `read`. */
function openMarkerPut(
  table: string,
  event: BreakglassEvent,
  read: number | undefined,
): PutItemInput {
  return versionedPut(table, {
    ...openMarkerKey(event.invoker, event.profile),
    [OPEN_EVENT]: { S: event.id },
    [OPEN_ENDS]: num(event.endsAt),
  }, read);
}

function markerKey(user: string): Item {
  return { [PK]: { S: `unreviewed#${user}` }, [SK]: { S: "unreviewed" } };
}

/** An event in its invoker's marker: creation time first, so the oldest sorts first. */
function markerMember(e: BreakglassEvent): string {
  return `${createdKey(e.createdAt, e.id)}`;
}

function grantKey(kind: ListKind, user: string, profile: string): string {
  return `${kind}#${JSON.stringify([user, profile])}`;
}

/** Creation time (15 digits) and id: sorts by time, then id. */
function createdKey(createdAt: number, id: string): string {
  return `${String(createdAt).padStart(15, "0")}#${id}`;
}

function newestFirst<T extends { createdAt: number; id: string }>(records: T[]): T[] {
  return records.sort((a, b) =>
    b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}

/** Whether a failed conditional write found exactly what this call wrote (its lost first try). */
function ownWrite(result: { ok: false; item?: Item; retried: boolean }, item: Item): boolean {
  return result.retried && result.item?.[DOC] !== undefined &&
    str(result.item[DOC]) === str(item[DOC]);
}

/** What each kind of item holds. */
interface Kinds {
  request: ApprovalRequest;
  event: BreakglassEvent;
}

const KINDS = {
  request: { what: "approval request", parse: parseApprovalRequest },
  event: { what: "break-glass event", parse: parseBreakglassEvent },
} as const;

/**
 * The id an item is stored under: what follows the first `#` of its key `attribute` (`pk`
 * `<kind>#<id>`, or a revocation's `sk` `<before>#<id>`).
 */
function idOf(item: Item, attribute: string = PK): string {
  const value = item[attribute];
  const key = value !== undefined && "S" in value ? value.S : "";
  return key.slice(key.indexOf("#") + 1);
}

/** Where a listed item stands in `index`: its creation time and id (from its sort key). */
function positionOf(item: Item, index: IndexDesign): { createdAt: number; id: string } {
  const sort = item[index.sort];
  const created = sort !== undefined && "S" in sort ? sort.S : "";
  const at = Number(created.slice(0, created.indexOf("#")));
  return { createdAt: Number.isSafeInteger(at) ? at : 0, id: idOf(item) };
}

/** An item's document read back as a record of `kind`, or why it is not one. */
function readItem<K extends ListKind>(kind: K, item: Item): StoredRecord<Kinds[K]> {
  const parse = KINDS[kind].parse as (value: unknown) => StoredRecord<Kinds[K]>;
  return readDoc(item, (doc) => parseStoredJson(doc, parse, idOf(item)));
}

/** An item's document read back with `read`, or why it is not one. */
function readDoc<T>(item: Item, read: (doc: string) => StoredRecord<T>): StoredRecord<T> {
  const doc = item[DOC];
  if (doc === undefined || !("S" in doc)) {
    return { ok: false, why: `it has no ${DOC} attribute of text` };
  }
  return read(doc.S);
}

/** The record of an item asked for by id; a damaged one is a `store_damaged` error. */
function readOne<K extends ListKind>(t: Table, kind: K, item: Item): Kinds[K] {
  const read = readItem(kind, item);
  if (read.ok) return read.record;
  throw damagedRecord(
    KINDS[kind].what,
    idOf(item),
    `the DynamoDB table ${t.name}`,
    read.why,
    `restore the table from a backup, or delete that item (${PK} "${kind}#${
      idOf(item)
    }", ${SK} "${kind}")`,
  );
}

/** The record, or nothing for a damaged one: the credential path's lookups grant nothing on it. */
function readable<T>(read: StoredRecord<T>): T[] {
  return read.ok ? [read.record] : [];
}

function num(value: number): { N: string } {
  return { N: String(value) };
}

function str(value: Item[string] | undefined): string {
  if (value === undefined || !("S" in value)) {
    throw new SentinelError(
      "internal_error",
      "a store item lacks a string attribute it needs; was the table written by another program?",
    );
  }
  return value.S;
}

function numText(value: Item[string] | undefined): string {
  return value !== undefined && "N" in value ? value.N : "0";
}

/** Waits `ms`, or less when `signal` aborts (the next call then reports the deadline). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * The contract every approval, break-glass, replay and revocation store keeps — SQLite
 * (`sqlite.ts`, a temp file), DynamoDB (`dynamodb.ts`, a table that `init()` creates on a real
 * moto server) and the in-memory fake the fast tests use (test/support/memory_stores.ts): the same
 * cases run against each, every case on a new empty file, table or memory. Records: create, get,
 * duplicate ids, transitions from the right and a stale version. Lists: filters, newest first,
 * small pages with nothing lost or repeated. The credential path: approvedFor and activeFor at
 * their window boundaries, and their latency. Break-glass: quotas at max-1, max and the instant
 * the oldest use leaves the window; a cooldown as a max-1 slot; require_review blocking until a
 * review; close; countInWindow. Replay records (broker mode): first use, a repeat, expiry at
 * `until`, keys apart, odd keys kept as they are, bad keys and times refused with nothing
 * recorded, a second connection seeing the record, an unreadable record counting as seen.
 * Revocations (issue 21): recorded and returned for their own role only, oldest `before` first
 * then by id, every field as recorded; live at expiresAt - 1 and gone at expiresAt; a duplicate id
 * refused (with another reason, time or role too) and the first kept; each kind of bad input
 * refused as `internal_error` with nothing recorded; a second connection seeing the record; a
 * damaged record named in `damaged` (id, why, where) while the others are returned. Concurrency,
 * for real: 50 racers with their own connections (OS processes for SQLite, whose calls are
 * synchronous; concurrent promises in one process for the fake, whose racing harness is itself
 * shown to catch a store that reads, waits, then writes) transitioning one request from one
 * version, 20 racers invoking under a per-user max-1 slot, and 30 racers recording 3 replay keys
 * — exactly one wins each time; and 20 racers each recording a revocation of one role — none is
 * lost.
 *
 * Then what only one store has: SQLite's file (0600 in a new 0700 directory, WAL, schema
 * version 3; files of versions 1 and 2 upgraded on open with their records kept, also by racing
 * processes; expired replay records purged in bounded batches, revocations a day past their
 * expiry likewise); DynamoDB's table (indexes and TTL as designed, an existing table left alone, a
 * missing one naming `sentinel store init`, TTL only on data that may vanish), its client's typed
 * results for failed conditions and cancelled transactions, a replay record as one item with TTL
 * that a second broker's handle on the table refuses, a revocation as an item of its role's
 * partition with TTL beside its id's item (left out once expired, before TTL deletes it), 300 of
 * the largest revocations of one role over several Query pages, 2,500 requests through
 * pagination, and every call the store made granted by the IAM policy of the template.
 * Last, the module graph: no AWS SDK on the DynamoDB store's path.
 */
import { assertEquals, assertIncludes, assertRejects, assertTrue } from "../assert.ts";
import { moduleReach } from "../../scripts/module_graph.ts";
import { startMoto } from "../harness/moto.ts";
import { ROOT } from "../harness/tools.ts";
import { type RaceTask, runTask } from "../support/store_racer.ts";
import type { ApprovalRequest, RequestStatus } from "../../src/core/approval/request.ts";
import type { BreakglassEvent, QuotaSlot } from "../../src/core/breakglass/event.ts";
import { revocationExpiry, type RevocationRecord } from "../../src/core/revocation/record.ts";
import { ExitCode, SentinelError } from "../../src/core/errors.ts";
import { storeIamPolicy } from "../../src/core/store/template.ts";
import { STORE_INDEXES, TTL_ATTRIBUTE } from "../../src/core/store/table.ts";
import type { AwsCredentials } from "../../src/ports/aws.ts";
import type { Page, StoreLocation, Stores } from "../../src/ports/stores.ts";
import { openStores } from "../../src/adapters/stores/open.ts";
import { DynamoDbClient } from "../../src/adapters/aws/dynamodb.ts";
import { MemoryStoreHost } from "../support/memory_stores.ts";
import type { TransportOptions } from "../../src/adapters/aws/endpoints.ts";
import type { DatabaseSync } from "node:sqlite";

/** 2026-01-05 09:00 UTC: every time in these cases is relative to it. */
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const KEY: AwsCredentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

/** A store implementation under test. */
interface Subject {
  name: string;
  /** New empty stores at a place of their own, initialised. */
  fresh(): Promise<Opened>;
  /** Opens the stores at `location` again (a second connection, as another process would). */
  open(location: StoreLocation): Promise<Stores>;
  /** Runs every task with its own connection, all released at once; results in task order. */
  race(opened: Opened, tasks: RaceTask[]): Promise<unknown[]>;
  /**
   * Replaces the stored body of one record with `body`, as another program or a bad restore
   * would (the columns or keys beside it stay).
   */
  writeBody(opened: Opened, kind: "request" | "event", id: string, body: string): Promise<void>;
  /**
   * Replaces the time of the replay record of `key` with text that is no time, as another program
   * could (the record stays).
   */
  damageReplay(opened: Opened, key: string): Promise<void>;
  /** Replaces the stored body of the revocation `record` with `body` (its keys stay). */
  writeRevocationBody(opened: Opened, record: RevocationRecord, body: string): Promise<void>;
}

/** Open stores and where they are. */
interface Opened extends AsyncDisposable {
  stores: Stores;
  location: StoreLocation;
  /** What `init()` said when the case opened them. */
  initLines: string[];
}

// ---------------------------------------------------------------------------------------------
// Records

function hexId(n: number, prefix = "a"): string {
  return `${prefix}${n.toString(16).padStart(15, "0")}`;
}

function request(n: number, over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: hexId(n),
    requester: "arn:aws:iam::123456789012:user/alice",
    profile: "prod",
    roleArn: "arn:aws:iam::123456789012:role/Prod",
    durationSeconds: 3600,
    reason: "deploy hotfix #42",
    status: "pending",
    rule: "prod-needs-approval",
    requiredApprovals: 1,
    approvals: [],
    createdAt: T0 + n * 1000,
    updatedAt: T0 + n * 1000,
    expiresAt: T0 + n * 1000 + HOUR,
    version: 1,
    ...over,
  };
}

function approved(r: ApprovalRequest, at: number, windowEndsAt: number): ApprovalRequest {
  return {
    ...r,
    status: "approved",
    approvals: [{ approver: "bob", at }],
    decidedBy: "bob",
    decidedAt: at,
    updatedAt: at,
    windowEndsAt,
    retainUntil: windowEndsAt + 90 * 24 * HOUR,
    version: r.version + 1,
  };
}

function event(n: number, over: Partial<BreakglassEvent> = {}): BreakglassEvent {
  const createdAt = over.createdAt ?? T0 + n * 1000;
  return {
    id: hexId(n, "e"),
    invoker: "alice",
    profile: "prod",
    roleArn: "arn:aws:iam::123456789012:role/BreakGlass",
    reasonCode: "incident",
    justification: "INC-7 database down",
    rule: "oncall-breakglass",
    createdAt,
    endsAt: createdAt + HOUR,
    version: 1,
    ...over,
  };
}

/** A replay key as a caller proof's: `proof#` and a 64-hex-digit signature. */
function proofKey(n: number): string {
  return `proof#${n.toString(16).padStart(64, "0")}`;
}

const ROLE = "arn:aws:iam::123456789012:role/Prod";
const OTHER_ROLE = "arn:aws:iam::123456789012:role/team/Staging";

/** A revocation of alice's sessions on {@link ROLE}, made `n` seconds after T0. */
function revocation(n: number, over: Partial<RevocationRecord> = {}): RevocationRecord {
  const before = over.before ?? T0 + n * 1000;
  return {
    id: hexId(n, "c"),
    roleArn: ROLE,
    patterns: ["sentinel=alice=*"],
    before,
    by: "bob",
    scope: { kind: "user", user: "alice" },
    reason: "laptop stolen",
    createdAt: before,
    expiresAt: revocationExpiry(before),
    ...over,
  };
}

/** The largest revocation the port accepts: 50 patterns of 128 characters, 500 of reason. */
function largestRevocation(n: number): RevocationRecord {
  return revocation(n, {
    patterns: Array.from({ length: 50 }, (_, i) => `sentinel=user${i}=`.padEnd(127, "x") + "*"),
    reason: "r".repeat(500),
  });
}

function slot(key: string, max: number, windowMs: number): QuotaSlot {
  return { key, max, windowMs, label: `${key} (${max} per ${windowMs} ms)` };
}

/** Newest first, ties by id descending: the order every list keeps. */
function newestFirst<T extends { createdAt: number; id: string }>(records: T[]): T[] {
  return [...records].sort((a, b) =>
    b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}

/** Every page of a list, asserting that only the last has no `next` and none repeats an id. */
async function allPages<T extends { id: string }>(
  list: (cursor?: string) => Promise<Page<T>>,
  limit: number,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list(cursor);
    pages++;
    assertTrue(page.items.length <= limit, `a page of ${page.items.length} > ${limit}`);
    if (page.next !== undefined) assertEquals(page.items.length, limit, "only the last is short");
    items.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  const ids = items.map((item) => item.id);
  assertEquals(new Set(ids).size, ids.length, "no item repeated");
  return { items, pages };
}

async function rejectsWith(run: () => Promise<unknown>, code: string, exit: ExitCode) {
  const error = await assertRejects(run, SentinelError) as SentinelError;
  assertEquals(error.code, code, error.message);
  assertEquals(error.exitCode, exit);
  return error;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

// ---------------------------------------------------------------------------------------------
// The contract

async function contract(t: Deno.TestContext, subject: Subject) {
  const step = (name: string, run: (stores: Stores, opened: Opened) => Promise<void>) =>
    t.step(`${subject.name}: ${name}`, async () => {
      await using opened = await subject.fresh();
      await run(opened.stores, opened);
    });

  await step("create, get, and a duplicate id refused", async ({ approvals }) => {
    const r = request(1, { approvals: [{ approver: "carol", at: T0, comment: "ünï <ok>" }] });
    await approvals.create(r);
    assertEquals(await approvals.get(r.id), r);
    assertEquals(await approvals.get(hexId(999)), undefined);
    const error = await rejectsWith(
      () => approvals.create({ ...r, reason: "other" }),
      "already_exists",
      ExitCode.Internal,
    );
    assertIncludes(error.message, r.id);
    assertEquals((await approvals.get(r.id))?.reason, r.reason, "the first one stays");
  });

  await step("transition: applied from the stored version, refused from a stale one", async (s) => {
    const r = request(1);
    await s.approvals.create(r);
    const win = approved(r, T0 + 5000, T0 + HOUR);
    assertEquals(await s.approvals.transition(win, 1), true);
    assertEquals(await s.approvals.get(r.id), win);
    const late = { ...r, status: "denied" as const, decidedBy: "carol", version: 2 };
    assertEquals(await s.approvals.transition(late, 1), false, "stale version");
    assertEquals(await s.approvals.get(r.id), win, "unchanged by the loser");
    const expired = { ...win, status: "expired" as const, version: 3 };
    assertEquals(await s.approvals.transition(expired, 2), true);
    assertEquals((await s.approvals.get(r.id))?.status, "expired");
    assertEquals(await s.approvals.transition(request(7, { version: 2 }), 1), false, "no such id");
    assertEquals(await s.approvals.get(hexId(7)), undefined, "a transition creates nothing");
    await rejectsWith(() => s.approvals.transition({ ...win, version: 3 }, 3), "internal_error", 1);
  });

  await step(
    "requests: filters, newest first, pages of 1, 3 and 7 lose or repeat nothing",
    async (s) => {
      const statuses: RequestStatus[] = ["pending", "approved", "denied", "pending", "cancelled"];
      const seeded: ApprovalRequest[] = [];
      for (let n = 0; n < 23; n++) {
        const r = request(n, {
          // Some share a creation time: the id breaks the tie.
          createdAt: T0 + Math.floor(n / 3) * 1000,
          status: statuses[n % statuses.length],
          profile: n % 4 === 0 ? "staging" : "prod",
          requester: n % 3 === 0 ? "arn:aws:iam::123456789012:user/bob" : request(0).requester,
        });
        seeded.push(r);
        await s.approvals.create(r);
      }
      const queries = [
        {},
        { status: "pending" as const },
        { profile: "staging" },
        { requester: "arn:aws:iam::123456789012:user/bob" },
        { status: "pending" as const, profile: "prod" },
        { requester: request(0).requester, status: "approved" as const },
        { requester: request(0).requester, profile: "prod", status: "pending" as const },
        { status: "expired" as const },
      ];
      for (const query of queries) {
        const expected = newestFirst(
          seeded.filter((r) =>
            (query.status === undefined || r.status === query.status) &&
            (query.profile === undefined || r.profile === query.profile) &&
            (query.requester === undefined || r.requester === query.requester)
          ),
        ).map((r) => r.id);
        for (const limit of [1, 3, 7]) {
          const { items } = await allPages(
            (cursor) => s.approvals.list({ ...query, limit, cursor }),
            limit,
          );
          assertEquals(items.map((r) => r.id), expected, `${JSON.stringify(query)} by ${limit}`);
        }
      }
      const first = await s.approvals.list({ limit: 50 });
      assertEquals(first.items.length, 23);
      assertEquals(first.next, undefined, "one page holds all");
      await rejectsWith(() => s.approvals.list({ limit: 0 }), "usage", ExitCode.Usage);
      await rejectsWith(
        () => s.approvals.list({ limit: 2, cursor: "not-a-cursor" }),
        "usage",
        ExitCode.Usage,
      );
    },
  );

  await step(
    "approvedFor: approved, this requester and profile, until the window ends",
    async (s) => {
      const alice = request(0).requester;
      const ends = T0 + 2 * HOUR;
      const records = [
        approved(request(1), T0 + 10_000, ends),
        approved(request(2, { profile: "staging" }), T0 + 10_000, ends),
        approved(request(3, { requester: "arn:aws:iam::123456789012:user/bob" }), T0, ends),
        approved(request(4), T0 + 10_000, T0 + HOUR), // an earlier window
        { ...request(5), status: "denied" as const, version: 2 },
        request(6), // pending
      ];
      for (const r of records) {
        await s.approvals.create({ ...r, version: 1, status: "pending" });
        if (r.status !== "pending") assertTrue(await s.approvals.transition(r, 1));
      }
      const ids = async (now: number) =>
        (await s.approvals.approvedFor(alice, "prod", now)).map((r) => r.id);
      assertEquals(await ids(T0 + 20_000), [hexId(4), hexId(1)], "newest first");
      assertEquals(await ids(T0 + HOUR - 1), [hexId(4), hexId(1)]);
      assertEquals(await ids(T0 + HOUR), [hexId(1)], "a window ends at windowEndsAt");
      assertEquals(await ids(ends - 1), [hexId(1)]);
      assertEquals(await ids(ends), []);
      assertEquals(await s.approvals.approvedFor("nobody", "prod", T0), []);
      assertEquals(await s.approvals.approvedFor(alice, "staging", T0), [records[1]]);
    },
  );

  await step(
    "invoke: a quota at max-1 admits, at max refuses until the oldest use leaves",
    async (s) => {
      const perUser = slot("user:alice", 3, 10 * MINUTE);
      const perProfile = slot("profile:prod", 10, HOUR);
      const at = (ms: number) => T0 + ms;
      for (const [n, ms] of [[1, 0], [2, 1000], [3, 2000]]) {
        const result = await s.breakglass.invoke(event(n, { createdAt: at(ms) }), [
          perUser,
          perProfile,
        ]);
        assertEquals(result, { ok: true }, `use ${n}: ${3 - n} left before`);
      }
      const full = await s.breakglass.invoke(event(4, { createdAt: at(3000) }), [
        perUser,
        perProfile,
      ]);
      assertEquals(full, { ok: false, reason: "quota", slot: perUser, freesAt: at(10 * MINUTE) });
      const edge = await s.breakglass.invoke(
        event(5, { createdAt: at(10 * MINUTE - 1) }),
        [perUser, perProfile],
      );
      assertEquals(edge, { ok: false, reason: "quota", slot: perUser, freesAt: at(10 * MINUTE) });
      assertEquals(await s.breakglass.get(hexId(4, "e")), undefined, "a refusal records nothing");
      assertEquals(await s.breakglass.countInWindow(perProfile, at(10 * MINUTE)), 3);
      const freed = await s.breakglass.invoke(
        event(6, { createdAt: at(10 * MINUTE) }),
        [perUser, perProfile],
      );
      assertEquals(freed, { ok: true }, "the oldest use left the window at freesAt");
      const again = await s.breakglass.invoke(
        event(7, { createdAt: at(10 * MINUTE + 1) }),
        [perUser, perProfile],
      );
      assertEquals(again, {
        ok: false,
        reason: "quota",
        slot: perUser,
        freesAt: at(1000 + 10 * MINUTE),
      });
      assertEquals(await s.breakglass.countInWindow(perUser, at(10 * MINUTE)), 3);
      assertEquals(await s.breakglass.countInWindow(perProfile, at(10 * MINUTE)), 4);
    },
  );

  await step(
    "release gives back an invocation's uses, also the last use of a slot: the next invocation is admitted",
    async (s) => {
      const cooldown = slot("cooldown:alice", 1, HOUR);
      const quota = slot("user:alice", 2, HOUR);
      assertEquals(await s.breakglass.invoke(event(1, { createdAt: T0 }), [cooldown, quota]), {
        ok: true,
      });
      const held = await s.breakglass.invoke(event(2, { createdAt: T0 + 1000 }), [cooldown]);
      assertEquals(held.ok, false, "the cooldown holds the next one");
      await s.breakglass.release(hexId(1, "e"), [cooldown, quota]);
      assertEquals(await s.breakglass.countInWindow(cooldown, T0 + 2000), 0);
      assertEquals(await s.breakglass.countInWindow(quota, T0 + 2000), 0);
      assertEquals(
        await s.breakglass.invoke(event(3, { createdAt: T0 + 2000 }), [cooldown, quota]),
        {
          ok: true,
        },
      );
    },
  );

  await step(
    "invoke: all or nothing across slots; the slot that frees last is named",
    async (s) => {
      const perUser = slot("user:alice", 5, HOUR);
      const perProfile = slot("profile:prod", 2, HOUR);
      const bobUser = slot("user:bob", 5, HOUR);
      assertEquals(await s.breakglass.invoke(event(1), [perUser, perProfile]), { ok: true });
      assertEquals(
        await s.breakglass.invoke(event(2, { invoker: "bob" }), [bobUser, perProfile]),
        { ok: true },
      );
      const refused = await s.breakglass.invoke(event(3), [perUser, perProfile]);
      assertEquals(refused, {
        ok: false,
        reason: "quota",
        slot: perProfile,
        freesAt: event(1).createdAt + HOUR,
      });
      assertEquals(await s.breakglass.countInWindow(perUser, event(3).createdAt), 1, "untouched");
      const short = slot("user:alice", 1, MINUTE);
      const both = await s.breakglass.invoke(event(4), [short, perProfile]);
      assertEquals(both, {
        ok: false,
        reason: "quota",
        slot: perProfile,
        freesAt: event(1).createdAt + HOUR,
      }, "the profile quota frees later than the one-minute limit");
    },
  );

  await step("cooldown: a max-1 slot over the cooldown", async (s) => {
    const cooldown = slot("cooldown:alice:prod", 1, 30 * MINUTE);
    const first = event(1, { createdAt: T0 });
    assertEquals(await s.breakglass.invoke(first, [cooldown]), { ok: true });
    for (const ms of [1, 30 * MINUTE - 1]) {
      assertEquals(
        await s.breakglass.invoke(event(2, { createdAt: T0 + ms }), [cooldown]),
        { ok: false, reason: "quota", slot: cooldown, freesAt: T0 + 30 * MINUTE },
      );
    }
    const other = slot("cooldown:bob:prod", 1, 30 * MINUTE);
    assertEquals(
      await s.breakglass.invoke(event(3, { invoker: "bob", createdAt: T0 + 1 }), [other]),
      { ok: true },
      "another user's cooldown is another key",
    );
    assertEquals(
      await s.breakglass.invoke(event(4, { createdAt: T0 + 30 * MINUTE }), [cooldown]),
      { ok: true },
    );
  });

  await step(
    "require_review: the oldest unreviewed event blocks until it is reviewed",
    async (s) => {
      const e1 = event(1);
      const e2 = event(2);
      assertEquals(await s.breakglass.invoke(e1, [], { requireReviewOf: "alice" }), { ok: true });
      assertEquals(await s.breakglass.invoke(e2, []), { ok: true }, "without require_review");
      const blocked = await s.breakglass.invoke(event(3), [], { requireReviewOf: "alice" });
      assertEquals(blocked, { ok: false, reason: "unreviewed", eventId: e1.id });
      assertEquals(
        await s.breakglass.invoke(event(4, { invoker: "bob" }), [], { requireReviewOf: "bob" }),
        { ok: true },
        "bob has nothing unreviewed",
      );
      assertEquals(
        await s.breakglass.invoke(event(9, { invoker: "carol" }), [], { requireReviewOf: "dave" }),
        { ok: true },
        "require_review of another user, who has nothing unreviewed",
      );
      const closed = { ...e1, closedAt: e1.createdAt + 60_000, closedBy: "alice", version: 2 };
      assertTrue(await s.breakglass.update(closed, 1));
      assertEquals(
        await s.breakglass.invoke(event(5), [], { requireReviewOf: "alice" }),
        { ok: false, reason: "unreviewed", eventId: e1.id },
        "closing is not reviewing",
      );
      const reviewed = { ...closed, reviewedAt: T0 + HOUR, reviewedBy: "bob", version: 3 };
      assertTrue(await s.breakglass.update(reviewed, 2));
      assertEquals(
        await s.breakglass.invoke(event(6), [], { requireReviewOf: "alice" }),
        { ok: false, reason: "unreviewed", eventId: e2.id },
        "the next oldest unreviewed event",
      );
      assertTrue(
        await s.breakglass.update(
          { ...e2, reviewedAt: T0 + HOUR, reviewedBy: "bob", version: 2 },
          1,
        ),
      );
      assertEquals(await s.breakglass.invoke(event(7), [], { requireReviewOf: "alice" }), {
        ok: true,
      });
      assertEquals(
        await s.breakglass.invoke(event(8, { invoker: "carol" }), [], { requireReviewOf: "alice" }),
        { ok: false, reason: "unreviewed", eventId: event(7).id },
        "require_review may name another user than the invoker",
      );
      assertEquals(await s.breakglass.get(event(8).id), undefined);
      await rejectsWith(
        () => s.breakglass.invoke(event(7), []),
        "already_exists",
        ExitCode.Internal,
      );
    },
  );

  await step("activeFor and list(activeAt): open until endsAt, not after close", async (s) => {
    const e1 = event(1, { endsAt: T0 + HOUR });
    const e2 = event(2, { profile: "staging" });
    const e3 = event(3, { invoker: "bob" });
    for (const e of [e1, e2, e3]) assertEquals(await s.breakglass.invoke(e, []), { ok: true });
    const active = async (now: number) =>
      (await s.breakglass.activeFor("alice", "prod", now)).map((e) => e.id);
    assertEquals(await active(T0 + HOUR - 1), [e1.id]);
    assertEquals(await active(T0 + HOUR), [], "access ends at endsAt");
    const listed = async (activeAt: number) =>
      (await s.breakglass.list({ activeAt, limit: 10 })).items.map((e) => e.id);
    assertEquals(await listed(T0 + 10_000), [e3.id, e2.id, e1.id]);
    assertEquals(await listed(T0 + HOUR + 2500), [e3.id], "e1 and e2 ended");
    const close = {
      ...e1,
      endsAt: T0 + 30_000,
      closedAt: T0 + 30_000,
      closedBy: "alice",
      version: 2,
    };
    assertTrue(await s.breakglass.update(close, 1));
    assertEquals(
      await s.breakglass.update({ ...close, closeReason: "late", version: 2 }, 1),
      false,
    );
    assertEquals(await active(T0 + 10_000), [], "closed");
    assertEquals(await listed(T0 + 10_000), [e3.id, e2.id]);
    assertEquals(await s.breakglass.get(e1.id), close);
  });

  await step(
    "events: filters, newest first, pages of 1, 2 and 5 lose or repeat nothing",
    async (s) => {
      const seeded: BreakglassEvent[] = [];
      for (let n = 0; n < 14; n++) {
        const e = event(n, {
          createdAt: T0 + Math.floor(n / 2) * 1000,
          invoker: n % 3 === 0 ? "bob" : "alice",
          profile: n % 2 === 0 ? "prod" : "staging",
        });
        assertEquals(await s.breakglass.invoke(e, []), { ok: true });
        seeded.push(e);
      }
      for (const e of seeded.filter((_, n) => n % 4 === 1)) {
        assertTrue(
          await s.breakglass.update(
            { ...e, reviewedAt: T0 + HOUR, reviewedBy: "x", version: 2 },
            1,
          ),
        );
        e.reviewedAt = T0 + HOUR;
      }
      const queries = [
        {},
        { invoker: "bob" },
        { profile: "staging" },
        { unreviewed: true },
        { invoker: "alice", unreviewed: true },
        { profile: "prod", unreviewed: true },
        { invoker: "alice", profile: "prod", activeAt: T0 + HOUR + 3500 },
      ];
      for (const query of queries) {
        const expected = newestFirst(
          seeded.filter((e) =>
            (query.invoker === undefined || e.invoker === query.invoker) &&
            (query.profile === undefined || e.profile === query.profile) &&
            (query.unreviewed === undefined || e.reviewedAt === undefined) &&
            (query.activeAt === undefined || e.endsAt > query.activeAt)
          ),
        ).map((e) => e.id);
        for (const limit of [1, 2, 5]) {
          const { items } = await allPages(
            (cursor) => s.breakglass.list({ ...query, limit, cursor }),
            limit,
          );
          assertEquals(items.map((e) => e.id), expected, `${JSON.stringify(query)} by ${limit}`);
        }
      }
      const requestCursor = (await s.breakglass.list({ limit: 1 })).next!;
      await rejectsWith(() => s.approvals.list({ limit: 1, cursor: requestCursor }), "usage", 2);
    },
  );

  await step("countInWindow: uses under the key in the window ending now", async (s) => {
    const window = slot("profile:prod", 99, 1000);
    for (const [n, ms] of [[1, 100], [2, 500], [3, 900]]) {
      assertEquals(await s.breakglass.invoke(event(n, { createdAt: T0 + ms }), [window]), {
        ok: true,
      });
    }
    const count = (now: number, of = window) => s.breakglass.countInWindow(of, T0 + now);
    assertEquals(await count(1000), 3);
    assertEquals(await count(1099), 3);
    assertEquals(await count(1100), 2, "the use at 100 left at 1100");
    assertEquals(await count(1899), 1);
    assertEquals(await count(1900), 0);
    assertEquals(await count(1000, slot("profile:prod", 99, 200)), 1, "a shorter window");
    assertEquals(await count(1000, slot("profile:other", 99, 1000)), 0, "another key");
  });

  await step("credential path: approvedFor and activeFor, and their latency", async (s, opened) => {
    for (let n = 0; n < 20; n++) {
      const r = request(n, { profile: n % 2 ? "prod" : "staging" });
      await s.approvals.create(r);
      if (n % 3 === 0) assertTrue(await s.approvals.transition(approved(r, T0, T0 + HOUR), 1));
      const profile = n < 10 ? "staging" : n === 10 ? "prod" : "dev";
      assertEquals(await s.breakglass.invoke(event(n, { profile }), []), { ok: true });
    }
    const now = T0 + MINUTE;
    const calls: Record<string, () => Promise<void>> = {
      "approvedFor (3 approved)": async () => {
        const approvals = await s.approvals.approvedFor(request(0).requester, "prod", now);
        assertEquals(approvals.map((r) => r.id), [hexId(15), hexId(9), hexId(3)]);
      },
      "activeFor (1 open event)": async () => {
        const events = await s.breakglass.activeFor("alice", "prod", now);
        assertEquals(events.map((e) => e.id), [event(10).id]);
      },
      "activeFor (10 open events)": async () => {
        assertEquals((await s.breakglass.activeFor("alice", "staging", now)).length, 10);
      },
      "open + approvedFor + activeFor + close": async () => {
        const cold = await subject.open(opened.location);
        try {
          assertEquals((await cold.approvals.approvedFor("nobody", "prod", now)).length, 0);
          assertEquals((await cold.breakglass.activeFor("alice", "prod", now)).length, 1);
        } finally {
          cold.close();
        }
      },
    };
    for (const [name, call] of Object.entries(calls)) {
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        const started = performance.now();
        await call();
        times.push(performance.now() - started);
      }
      const line = `${subject.name} ${name}: median ${median(times).toFixed(2)} ms, ` +
        `p95 ${percentile(times, 0.95).toFixed(2)} ms (${times.length} calls)`;
      console.log(line);
      assertTrue(median(times) < 250, line);
    }
  });

  await step(
    "onlyOpenEvent: a second open event for one person and profile is refused with the first; closed, ended, other profiles and people do not block",
    async (s) => {
      const only = { onlyOpenEvent: true };
      const first = event(1, { endsAt: T0 + 1000 + HOUR });
      assertEquals(await s.breakglass.invoke(first, [], only), { ok: true });
      assertEquals(
        await s.breakglass.invoke(event(2, { createdAt: T0 + 2000 }), [], only),
        { ok: false, reason: "open", event: first },
      );
      assertEquals(await s.breakglass.invoke(event(3, { profile: "staging" }), [], only), {
        ok: true,
      });
      assertEquals(await s.breakglass.invoke(event(4, { invoker: "bob" }), [], only), { ok: true });
      // Without the condition nothing is checked (records of any shape can be stored).
      assertEquals(await s.breakglass.invoke(event(5, { createdAt: T0 + 5000 }), [], {}), {
        ok: true,
      });
      // Once the first has ended (and the fifth closed), a new one fits.
      assertTrue(
        await s.breakglass.update(
          { ...event(5, { createdAt: T0 + 5000 }), closedAt: T0 + 6000, closedBy: "x", version: 2 },
          1,
        ),
      );
      const later = event(6, { createdAt: first.endsAt });
      assertEquals(await s.breakglass.invoke(later, [], only), { ok: true });
      // A closed one no longer blocks either.
      assertTrue(
        await s.breakglass.update({
          ...later,
          closedAt: later.createdAt + 1,
          closedBy: "x",
          version: 2,
        }, 1),
      );
      assertEquals(
        await s.breakglass.invoke(event(7, { createdAt: later.createdAt + 2 }), [], only),
        { ok: true },
      );
    },
  );

  await step(
    "damaged records: named and left out of lists, store_damaged by id, nothing on the credential path",
    async (s, opened) => {
      const alice = request(0).requester;
      const reqs = [1, 2, 3].map((n) => approved(request(n), T0 + 10_000, T0 + HOUR));
      for (const r of reqs) {
        await s.approvals.create({ ...r, status: "pending", version: 1 });
        assertTrue(await s.approvals.transition(r, 1));
      }
      await subject.writeBody(opened, "request", reqs[0].id, "{not json");
      await subject.writeBody(opened, "request", reqs[1].id, JSON.stringify({ id: reqs[1].id }));
      const page = await s.approvals.list({ limit: 10 });
      assertEquals(page.items.map((r) => r.id), [reqs[2].id], "the readable one is listed");
      assertEquals(page.damaged?.map((d) => [d.id, d.why]), [
        [reqs[1].id, "the field requester is missing"],
        [reqs[0].id, "its body is not JSON"],
      ]);
      const paged: string[] = [];
      const pagedDamaged: string[] = [];
      let cursor: string | undefined;
      do {
        const one = await s.approvals.list({ limit: 1, cursor });
        paged.push(...one.items.map((r) => r.id));
        pagedDamaged.push(...(one.damaged ?? []).map((d) => d.id));
        cursor = one.next;
      } while (cursor !== undefined);
      assertEquals(
        [paged, pagedDamaged],
        [[reqs[2].id], [reqs[1].id, reqs[0].id]],
        "pages of 1: a damaged record neither ends the list nor repeats",
      );
      for (const r of reqs.slice(0, 2)) {
        const error = await rejectsWith(() => s.approvals.get(r.id), "store_damaged", 3);
        assertIncludes(error.message, r.id);
      }
      assertEquals(
        (await s.approvals.approvedFor(alice, "prod", T0 + MINUTE)).map((r) => r.id),
        [reqs[2].id],
        "a damaged approval grants nothing",
      );

      const events = [event(1), event(2)];
      for (const e of events) assertEquals(await s.breakglass.invoke(e, []), { ok: true });
      await subject.writeBody(
        opened,
        "event",
        events[0].id,
        JSON.stringify({ ...events[0], endsAt: "later" }),
      );
      assertEquals(
        (await s.breakglass.activeFor("alice", "prod", T0 + MINUTE)).map((e) => e.id),
        [events[1].id],
        "a damaged event grants nothing",
      );
      const listed = await s.breakglass.list({ invoker: "alice", limit: 10 });
      assertEquals(listed.items.map((e) => e.id), [events[1].id]);
      assertEquals(listed.damaged?.map((d) => d.id), [events[0].id]);
      assertIncludes(listed.damaged![0].why, "the field endsAt is the text");
      await rejectsWith(() => s.breakglass.get(events[0].id), "store_damaged", 3);
    },
  );

  await step("clock: the store's own time, close to this machine's", async (s) => {
    const before = Date.now();
    const storeNow = await s.clock();
    const after = Date.now();
    // DynamoDB's Date has whole seconds: allow for that and a slow call.
    assertTrue(storeNow >= before - 2000 && storeNow <= after + 2000, `${storeNow} vs ${before}`);
  });

  await step(
    "replays: first use true, again false until it expires at until, then true again; keys apart",
    async ({ replays }) => {
      const key = proofKey(1);
      const until = T0 + 5 * MINUTE;
      assertEquals(await replays.remember(key, until, T0), true, "first use");
      assertEquals(await replays.remember(key, until, T0), false, "the same call again");
      assertEquals(await replays.remember(key, T0 + HOUR, T0 + 1), false, "a later use");
      assertEquals(await replays.remember(key, T0 + HOUR, until - 1), false, "the last instant");
      assertEquals(await replays.remember(proofKey(2), T0 + HOUR, T0 + 1), true, "another key");
      assertEquals(
        await replays.remember(key, T0 + 10 * MINUTE, until),
        true,
        "expired at until: the refused calls did not extend it",
      );
      assertEquals(await replays.remember(key, T0 + HOUR, until + 1), false, "recorded anew");
      assertEquals(await replays.remember(key, T0 + HOUR, T0 + 10 * MINUTE), true);
      assertEquals(
        await replays.remember(proofKey(2), T0 + 2 * HOUR, T0 + 10 * MINUTE),
        false,
        "the other key's record is untouched",
      );
    },
  );

  await step(
    "replays: odd keys up to 256 characters are kept apart as they are; bad keys and times are refused and record nothing",
    async ({ replays }) => {
      const odd = [
        proofKey(1),
        proofKey(1).toUpperCase(),
        `replay#${proofKey(1)}`,
        `${proofKey(1)} `,
        "proof#'; DROP TABLE replays; --",
        `quote" back\\slash %_* ? #pk :now`,
        "ünïcødé 🔑 ключ 鍵",
        "k".repeat(256),
        "a",
      ];
      for (const key of odd) {
        assertEquals(await replays.remember(key, T0 + HOUR, T0), true, `first: ${key}`);
      }
      for (const key of odd) {
        assertEquals(await replays.remember(key, T0 + HOUR, T0 + 1), false, `again: ${key}`);
      }
      const refused = async (key: string, until: number, now: number, why: string) => {
        const error = await rejectsWith(
          () => replays.remember(key, until, now),
          "internal_error",
          ExitCode.Internal,
        );
        assertIncludes(error.message, why);
        assertIncludes(error.message, "nothing was recorded");
        assertTrue(!error.message.includes("x".repeat(100)), "the key is not repeated");
      };
      await refused("x".repeat(257), T0 + HOUR, T0, "257 characters, more than 256");
      await refused("x".repeat(100_000), T0 + HOUR, T0, "100000 characters");
      await refused("", T0 + HOUR, T0, "the key is empty");
      await refused(42 as unknown as string, T0 + HOUR, T0, "the key is not text");
      await refused("proof#\nx", T0 + HOUR, T0, "control character (U+000A at position 6)");
      await refused("proof#\u0000", T0 + HOUR, T0, "U+0000");
      await refused("proof#\u007f", T0 + HOUR, T0, "U+007F");
      await refused("proof#\u0085", T0 + HOUR, T0, "U+0085");
      await refused("proof#\ud800", T0 + HOUR, T0, "lone surrogate");
      const fresh = proofKey(3);
      await refused(fresh, T0, T0, "not after now");
      await refused(fresh, T0 - 1, T0, "not after now");
      await refused(fresh, NaN, T0, "whole epoch milliseconds");
      await refused(fresh, Infinity, T0, "whole epoch milliseconds");
      await refused(fresh, T0 + HOUR, T0 + 0.5, "whole epoch milliseconds");
      for (const key of [fresh, "x".repeat(256), "proof#x", "proof#", "proof#\ufffd"]) {
        assertEquals(
          await replays.remember(key, T0 + HOUR, T0),
          true,
          `not recorded by a refused call (nor cut short, nor rewritten): ${key.slice(0, 20)}`,
        );
      }
    },
  );

  await step(
    "replays: a second connection (another broker on the same store) refuses a key the first recorded",
    async ({ replays }, opened) => {
      const second = await subject.open(opened.location);
      try {
        assertEquals(await replays.remember(proofKey(1), T0 + MINUTE, T0), true);
        assertEquals(await second.replays.remember(proofKey(1), T0 + HOUR, T0 + 1), false);
        assertEquals(await second.replays.remember(proofKey(2), T0 + MINUTE, T0 + 1), true);
        assertEquals(await replays.remember(proofKey(2), T0 + HOUR, T0 + 2), false);
        assertEquals(await second.replays.remember(proofKey(1), T0 + HOUR, T0 + MINUTE), true);
      } finally {
        second.close();
      }
    },
  );

  await step(
    "replays: a record whose time cannot be read counts as seen (fails closed) and stays",
    async ({ replays }, opened) => {
      const key = proofKey(1);
      assertEquals(await replays.remember(key, T0 + MINUTE, T0), true);
      assertEquals(await replays.remember(proofKey(2), T0 + MINUTE, T0), true);
      await subject.damageReplay(opened, key);
      assertEquals(await replays.remember(key, T0 + 2 * HOUR, T0 + HOUR), false);
      assertEquals(await replays.remember(proofKey(2), T0 + 2 * HOUR, T0 + HOUR), true, "others");
      assertEquals(await replays.remember(key, T0 + 4 * HOUR, T0 + 3 * HOUR), false, "stays");
    },
  );

  await step(
    "50 racers transition one request from one version: exactly one wins",
    async (s, opened) => {
      const r = request(1);
      await s.approvals.create(r);
      const tasks: RaceTask[] = Array.from({ length: 50 }, (_, i) => ({
        op: "transition",
        next: { ...approved(r, T0 + i, T0 + HOUR), decidedBy: `approver-${i}` },
        expected: 1,
      }));
      const results = await subject.race(opened, tasks);
      assertEquals(results.filter((won) => won === true).length, 1, JSON.stringify(results));
      assertEquals(results.filter((won) => won === false).length, 49);
      const winner = results.indexOf(true);
      const stored = await s.approvals.get(r.id);
      assertEquals(stored?.version, 2);
      assertEquals(stored?.decidedBy, `approver-${winner}`, "the stored record is the winner's");
    },
  );

  await step(
    "20 racers invoke under a per-user max-1 slot: exactly one is recorded",
    async (s, opened) => {
      const perUser = slot("user:alice", 1, HOUR);
      const tasks: RaceTask[] = Array.from({ length: 20 }, (_, i) => ({
        op: "invoke",
        event: event(i, { createdAt: T0 + 5 }),
        slots: [perUser, slot(`cooldown:alice:p${i}`, 1, MINUTE)],
      }));
      const results = await subject.race(opened, tasks) as { ok: boolean }[];
      const winners = results.flatMap((result, i) => result.ok ? [i] : []);
      assertEquals(winners.length, 1, JSON.stringify(results));
      for (const result of results.filter((result) => !result.ok)) {
        assertEquals(result, { ok: false, reason: "quota", slot: perUser, freesAt: T0 + 5 + HOUR });
      }
      assertEquals(await s.breakglass.countInWindow(perUser, T0 + 10), 1);
      const listed = await s.breakglass.list({ invoker: "alice", limit: 50 });
      assertEquals(listed.items.map((e) => e.id), [event(winners[0]).id], "one event recorded");
    },
  );

  await step(
    "20 racers invoke with onlyOpenEvent for one person and profile: exactly one is recorded",
    async (s, opened) => {
      const tasks: RaceTask[] = Array.from({ length: 20 }, (_, i) => ({
        op: "invoke",
        event: event(i, { createdAt: T0 + 5 }),
        slots: [],
        conditions: { onlyOpenEvent: true },
      }));
      const results = await subject.race(opened, tasks) as { ok: boolean; reason?: string }[];
      const winners = results.flatMap((result, i) => result.ok ? [i] : []);
      assertEquals(winners.length, 1, JSON.stringify(results));
      assertTrue(results.every((result) => result.ok || result.reason === "open"));
      const listed = await s.breakglass.list({ invoker: "alice", limit: 50 });
      assertEquals(listed.items.map((e) => e.id), [event(winners[0]).id], "one event recorded");
    },
  );

  await step(
    "30 racers remember 3 keys, 10 each: exactly one per key gets true, and its time stands",
    async (s, opened) => {
      const untilOf = (i: number) => T0 + 5 * MINUTE + i * 1000;
      const tasks: RaceTask[] = Array.from({ length: 30 }, (_, i) => ({
        op: "remember",
        key: proofKey(i % 3),
        until: untilOf(i),
        now: T0,
      }));
      const results = await subject.race(opened, tasks);
      assertTrue(results.every((result) => typeof result === "boolean"), JSON.stringify(results));
      const winners = [0, 1, 2].map((k) => {
        const won = results.flatMap((result, i) => result === true && i % 3 === k ? [i] : []);
        assertEquals(won.length, 1, `key ${k}: ${JSON.stringify(results)}`);
        return { key: proofKey(k), until: untilOf(won[0]) };
      });
      // The earliest time first: a call may purge what has expired at its `now`.
      for (const { key, until } of winners.sort((a, b) => a.until - b.until)) {
        assertEquals(await s.replays.remember(key, T0 + HOUR, until - 1), false, "the winner's");
        assertEquals(await s.replays.remember(key, T0 + HOUR, until), true, "no loser's later");
      }
    },
  );

  await revocationContract(step, subject);
}

/** Runs one case on new empty stores. */
type Step = (
  name: string,
  run: (stores: Stores, opened: Opened) => Promise<void>,
) => Promise<unknown>;

/** The revocation store's part of the contract. */
async function revocationContract(step: Step, subject: Subject) {
  await step(
    "revocations: recorded and returned for their own role only, oldest before first, then by id",
    async ({ revocations }) => {
      const records = [
        revocation(3),
        revocation(1, { scope: { kind: "request", user: "alice", requestId: hexId(9) } }),
        revocation(2, { before: T0 + 3000, scope: { kind: "event", user: "al", eventId: "e1" } }),
        revocation(4, { roleArn: OTHER_ROLE, scope: { kind: "policy", user: "alice" } }),
        revocation(5, { before: T0, reason: "", by: "sentinel", patterns: ["a", "b*"] }),
        largestRevocation(6),
      ];
      for (const record of records) await revocations.record(record);
      const live = await revocations.liveFor(ROLE, T0);
      assertEquals(live.damaged, []);
      assertEquals(
        live.items,
        [records[4], records[1], records[2], records[0], records[5]],
        "by before, then id (c…2 and c…3 share theirs), every field as recorded",
      );
      assertEquals(await revocations.liveFor(OTHER_ROLE, T0), { items: [records[3]], damaged: [] });
      const nobody = "arn:aws:iam::123456789012:role/Prod2";
      assertEquals(await revocations.liveFor(nobody, T0), { items: [], damaged: [] });
    },
  );

  await step(
    "revocations: live until expiresAt (returned at expiresAt - 1, not at expiresAt)",
    async ({ revocations }) => {
      const early = revocation(1);
      const late = revocation(2, { expiresAt: early.expiresAt + 1 });
      await revocations.record(early);
      await revocations.record(late);
      const ids = async (now: number) =>
        (await revocations.liveFor(ROLE, now)).items.map((r) => r.id);
      assertEquals(await ids(early.before - HOUR), [early.id, late.id], "before its cutoff too");
      assertEquals(await ids(early.expiresAt - 1), [early.id, late.id]);
      assertEquals(await ids(early.expiresAt), [late.id], "expired at expiresAt");
      assertEquals(await ids(late.expiresAt), []);
    },
  );

  await step(
    "revocations: a duplicate id is refused (already_exists) and the first is kept unchanged",
    async ({ revocations }) => {
      const first = revocation(1);
      await revocations.record(first);
      for (
        const again of [
          first,
          { ...first, reason: "other" },
          { ...first, before: T0 + HOUR, expiresAt: revocationExpiry(T0 + HOUR) },
          { ...first, roleArn: OTHER_ROLE },
        ]
      ) {
        const error = await rejectsWith(
          () => revocations.record(again),
          "already_exists",
          ExitCode.Internal,
        );
        assertIncludes(error.message, first.id);
      }
      assertEquals(await revocations.liveFor(ROLE, T0), { items: [first], damaged: [] });
      assertEquals(await revocations.liveFor(OTHER_ROLE, T0), { items: [], damaged: [] });
    },
  );

  await step(
    "revocations: each kind of bad input is refused (internal_error) and records nothing",
    async ({ revocations }) => {
      const good = revocation(1);
      const { reason: _, ...withoutReason } = good;
      const bad: [Record<string, unknown>, string][] = [
        [{ id: "c00000000000001" }, 'the field id is the text "c00000000000001", not 16 hex'],
        [{ id: "c0000000000000001" }, "not 16 hex digits"],
        [{ id: "C000000000000001" }, "not 16 hex digits"],
        [{ id: 7 }, "the field id is the number 7"],
        [{ roleArn: "arn:aws:iam::123456789012:user/alice" }, "not an IAM role ARN"],
        [{ roleArn: "" }, "not an IAM role ARN"],
        [{ patterns: [] }, "not 1 to 50 patterns of 1 to 128 characters (it has 0)"],
        [{ patterns: Array(51).fill("sentinel=a=*") }, "(it has 51)"],
        [{ patterns: ["ok", ""] }, '(pattern 2 is the text "")'],
        [{ patterns: ["p".repeat(129)] }, "(pattern 1 is the text"],
        [{ patterns: [7] }, "(pattern 1 is the number 7)"],
        [{ patterns: "sentinel=a=*" }, "the field patterns is the text"],
        [{ before: NaN }, "the field before is the number NaN"],
        [{ before: T0 + 0.5 }, "not a time (whole epoch milliseconds, from 1970 on)"],
        [{ before: -1000, expiresAt: 1000 }, "the field before is the number -1000"],
        [{ createdAt: Infinity }, "the field createdAt is the number Infinity"],
        [{ expiresAt: "later" }, 'the field expiresAt is the text "later"'],
        [{ expiresAt: good.before }, `its expiresAt (${good.before}) is not after its before`],
        [{ expiresAt: good.before - 1 }, "is not after its before"],
        [{ reason: "r".repeat(501) }, "not text of at most 500 characters"],
        [{ by: "" }, 'the field by is the text "", not non-empty text'],
        [{ scope: { kind: "team", user: "alice" } }, "not a revocation scope (the field kind"],
        [{ scope: { kind: "request", user: "alice" } }, "(the field requestId is missing)"],
        [{ scope: null }, "the field scope is null"],
      ];
      const records: [unknown, string][] = [
        ...bad.map(([over, why]): [unknown, string] => [{ ...good, ...over }, why]),
        [withoutReason, "the field reason is missing"],
        ["not a record", "it is string, not a record"],
      ];
      for (const [record, why] of records) {
        const error = await rejectsWith(
          () => revocations.record(record as RevocationRecord),
          "internal_error",
          ExitCode.Internal,
        );
        assertIncludes(error.message, why);
        assertIncludes(error.message, "nothing was recorded");
      }
      assertEquals(await revocations.liveFor(ROLE, 0), { items: [], damaged: [] });
      assertEquals(await revocations.liveFor(OTHER_ROLE, 0), { items: [], damaged: [] });
      await rejectsWith(() => revocations.liveFor("Prod", T0), "internal_error", ExitCode.Internal);
      await rejectsWith(() => revocations.liveFor(ROLE, NaN), "internal_error", ExitCode.Internal);
      await revocations.record(good);
      assertEquals((await revocations.liveFor(ROLE, 0)).items, [good], "the good one, after all");
    },
  );

  await step(
    "revocations: a second connection sees what the first recorded, and the other way round",
    async ({ revocations }, opened) => {
      const second = await subject.open(opened.location);
      try {
        await revocations.record(revocation(1));
        assertEquals((await second.revocations.liveFor(ROLE, T0)).items, [revocation(1)]);
        await second.revocations.record(revocation(2));
        assertEquals((await revocations.liveFor(ROLE, T0)).items, [revocation(1), revocation(2)]);
        await rejectsWith(
          () => second.revocations.record(revocation(1)),
          "already_exists",
          ExitCode.Internal,
        );
      } finally {
        second.close();
      }
    },
  );

  await step(
    "revocations: a damaged record is named in damaged (id, why, where), the others still returned",
    async ({ revocations }, opened) => {
      const records = [1, 2, 3, 4].map((n) => revocation(n));
      for (const record of records) await revocations.record(record);
      await subject.writeRevocationBody(opened, records[0], "{not json");
      await subject.writeRevocationBody(
        opened,
        records[2],
        JSON.stringify({ ...records[2], patterns: [] }),
      );
      await subject.writeRevocationBody(
        opened,
        records[3],
        JSON.stringify({ ...records[3], roleArn: OTHER_ROLE }),
      );
      const live = await revocations.liveFor(ROLE, T0);
      assertEquals(live.items, [records[1]], "the readable one");
      assertEquals(live.damaged.map((d) => [d.id, d.why]), [
        [records[0].id, "its body is not JSON"],
        [
          records[2].id,
          "the field patterns is a list, not 1 to 50 patterns of 1 to 128 characters (it has 0)",
        ],
        [records[3].id, `its body is the record of another role (${OTHER_ROLE})`],
      ]);
      for (const damaged of live.damaged) assertIncludes(damaged.where, opened.location.name);
      assertEquals(await revocations.liveFor(OTHER_ROLE, T0), { items: [], damaged: [] });
      assertEquals(
        await revocations.liveFor(ROLE, records[3].expiresAt),
        { items: [], damaged: [] },
        "expired damaged records are not named",
      );
    },
  );

  await step(
    "20 racers each record a revocation of one role: all 20 are returned, none lost",
    async (s, opened) => {
      const records = Array.from({ length: 20 }, (_, i) => revocation(i, { before: T0 + 5 }));
      const tasks: RaceTask[] = records.map((record) => ({ op: "revoke", record }));
      const results = await subject.race(opened, tasks);
      assertEquals(results, records.map(() => "recorded"));
      const live = await s.revocations.liveFor(ROLE, T0);
      assertEquals(live, { items: records, damaged: [] }, "every one, by id (one before)");
    },
  );
}

// ---------------------------------------------------------------------------------------------
// SQLite

function sqliteSubject(dir: string): Subject {
  let cases = 0;
  return {
    name: "sqlite",
    async fresh() {
      const path = `${dir}/case-${++cases}/state/sentinel.db`;
      const location: StoreLocation = { kind: "sqlite", name: path, text: `sqlite:${path}` };
      const stores = await openStores(location);
      const initLines = await stores.init();
      return {
        stores,
        location,
        initLines,
        [Symbol.asyncDispose]: () => Promise.resolve(stores.close()),
      };
    },
    open: (location) => openStores(location),
    race: (opened, tasks) => raceProcesses(opened.location.text, tasks),
    async writeBody(opened, kind, id, body) {
      const { DatabaseSync } = await import("node:sqlite");
      const db = new DatabaseSync(opened.location.name);
      try {
        const table = kind === "request" ? "requests" : "events";
        const changed = db.prepare(`UPDATE ${table} SET body = ? WHERE id = ?`).run(body, id);
        assertEquals(Number(changed.changes), 1, `no ${kind} ${id}`);
      } finally {
        db.close();
      }
    },
    async damageReplay(opened, key) {
      const { DatabaseSync } = await import("node:sqlite");
      const db = new DatabaseSync(opened.location.name);
      try {
        const changed = db.prepare("UPDATE replays SET seen_until = 'soon' WHERE key = ?").run(key);
        assertEquals(Number(changed.changes), 1, `no replay record ${key}`);
      } finally {
        db.close();
      }
    },
    async writeRevocationBody(opened, record, body) {
      const changed = await onFile(
        opened.location.name,
        (db) => db.prepare("UPDATE revocations SET body = ? WHERE id = ?").run(body, record.id),
      );
      assertEquals(Number(changed.changes), 1, `no revocation ${record.id}`);
    },
  };
}

/** Runs each task in its own `deno` process, released together once all have opened the store. */
async function raceProcesses(store: string, tasks: RaceTask[]): Promise<unknown[]> {
  const racers = tasks.map((task) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-read", "--allow-write", "test/support/store_racer.ts"],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).values();
    const stderr = new Response(child.stderr).text();
    let buffered = "";
    const nextLine = async () => {
      for (;;) {
        const end = buffered.indexOf("\n");
        if (end >= 0) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 1);
          return line;
        }
        const chunk = await lines.next();
        if (chunk.done) throw new Error(`a racer ended early:\n${await stderr}`);
        buffered += chunk.value;
      }
    };
    const send = (line: string) => writer.write(new TextEncoder().encode(`${line}\n`));
    return { child, writer, nextLine, send, stderr, task };
  });
  try {
    await Promise.all(racers.map((r) => r.send(JSON.stringify({ ...r.task, store }))));
    for (const racer of racers) assertEquals(await racer.nextLine(), "ready");
    await Promise.all(racers.map((r) => r.send("go")));
    const results = await Promise.all(racers.map(async (r) => JSON.parse(await r.nextLine())));
    return results;
  } finally {
    for (const racer of racers) {
      await racer.writer.close().catch(() => {});
      const status = await racer.child.status;
      const stderr = await racer.stderr;
      assertTrue(status.success, `a racer failed:\n${stderr}`);
    }
  }
}

async function sqliteOnly(t: Deno.TestContext, subject: Subject) {
  await t.step(
    "sqlite: the file is 0600 in new 0700 directories, WAL, schema version 3",
    async () => {
      await using opened = await subject.fresh();
      const path = opened.location.name;
      assertEquals(Deno.statSync(path).mode! & 0o777, 0o600);
      const dir = path.slice(0, path.lastIndexOf("/"));
      assertEquals(Deno.statSync(dir).mode! & 0o777, 0o700, "state/");
      assertEquals(
        Deno.statSync(dir.slice(0, dir.lastIndexOf("/"))).mode! & 0o777,
        0o700,
        "case-N/",
      );
      assertEquals(opened.initLines, [`created the SQLite store ${path} (schema version 3)`]);
      await opened.stores.approvals.create(request(1));
      for (const side of ["-wal", "-shm"]) {
        assertEquals(Deno.statSync(path + side).mode! & 0o777, 0o600, side);
      }
      const { DatabaseSync } = await import("node:sqlite");
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        assertEquals(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
        assertEquals(db.prepare("PRAGMA user_version").get()?.user_version, 3);
      } finally {
        db.close();
      }
      const again = await openStores(opened.location);
      try {
        assertEquals(await again.init(), [
          `the SQLite store ${path} exists (schema version 3); left as it is`,
        ]);
        assertEquals((await again.approvals.get(hexId(1)))?.id, hexId(1));
      } finally {
        again.close();
      }
    },
  );

  await t.step("sqlite: a file of a newer schema is refused with what to do", async () => {
    await using opened = await subject.fresh();
    opened.stores.close();
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(opened.location.name);
    db.exec("PRAGMA user_version = 7");
    db.close();
    const error = await rejectsWith(() => openStores(opened.location), "invalid_config", 3);
    assertIncludes(error.message, "schema version 7");
  });

  await t.step(
    "sqlite: terminal requests past retainUntil go when the next one is created",
    async () => {
      await using opened = await subject.fresh();
      const { approvals } = opened.stores;
      const kept = request(1);
      const spent = request(2);
      await approvals.create(kept);
      await approvals.create(spent);
      assertTrue(
        await approvals.transition({
          ...spent,
          status: "denied",
          retainUntil: T0 + 5000,
          version: 2,
        }, 1),
      );
      assertTrue(
        await approvals.transition({
          ...kept,
          status: "cancelled",
          retainUntil: T0 + HOUR,
          version: 2,
        }, 1),
      );
      await approvals.create(request(3, { createdAt: T0 + 6000 }));
      assertEquals(await approvals.get(spent.id), undefined);
      assertEquals((await approvals.get(kept.id))?.status, "cancelled");
    },
  );
}

/** Runs `work` on the SQLite file at `path` directly, as the sqlite3 tool would. */
async function onFile<T>(path: string, work: (db: DatabaseSync) => T): Promise<T> {
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** The tables of the SQLite file at `path` and its schema version. */
function schemaOf(db: DatabaseSync): { tables: string[]; version: number } {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all().map((row) => String(row.name));
  return { tables, version: Number(db.prepare("PRAGMA user_version").get()?.user_version) };
}

/** Every table of a store of the current schema version, by name. */
const TABLES = ["events", "quota_uses", "replays", "requests", "revocations"];

async function sqliteUpgradesAndPurges(t: Deno.TestContext, subject: Subject) {
  await t.step(
    "sqlite: a store of schema version 1 gets the replay and revocation tables on open, every record kept; racing processes upgrade it once",
    async () => {
      await using opened = await subject.fresh();
      const { approvals, breakglass } = opened.stores;
      const perUser = slot("user:alice", 3, HOUR);
      await approvals.create(request(1));
      assertEquals(await breakglass.invoke(event(1), [perUser]), { ok: true });
      opened.stores.close();
      const path = opened.location.name;
      // What Sentinel wrote before replay records: schema version 1, which had neither table.
      const toVersion1 = () =>
        onFile(path, (db) => {
          db.exec("DROP TABLE replays; DROP TABLE revocations; PRAGMA user_version = 1");
          return schemaOf(db);
        });
      const v1 = await toVersion1();
      assertEquals(v1, { tables: ["events", "quota_uses", "requests"], version: 1 });

      const upgraded = await openStores(opened.location);
      try {
        assertEquals(await upgraded.init(), [
          `upgraded the SQLite store ${path} from schema version 1 to 3: added the table of ` +
          "replay records (broker mode), the table of revocations (of sessions already " +
          "issued); every record it held stays",
        ]);
        assertEquals(await upgraded.approvals.get(request(1).id), request(1));
        assertEquals(await upgraded.breakglass.get(event(1).id), event(1));
        assertEquals(await upgraded.breakglass.countInWindow(perUser, T0 + MINUTE), 1);
        assertEquals(await upgraded.replays.remember(proofKey(1), T0 + MINUTE, T0), true);
        assertEquals(await upgraded.replays.remember(proofKey(1), T0 + MINUTE, T0), false);
        await upgraded.revocations.record(revocation(1));
        assertEquals((await upgraded.revocations.liveFor(ROLE, T0)).items, [revocation(1)]);
      } finally {
        upgraded.close();
      }
      assertEquals(await onFile(path, schemaOf), { tables: TABLES, version: 3 });

      await toVersion1();
      const tasks: RaceTask[] = Array.from({ length: 10 }, (_, i) => ({
        op: "remember",
        key: proofKey(2),
        until: T0 + MINUTE + i,
        now: T0,
      }));
      const results = await raceProcesses(opened.location.text, tasks);
      assertEquals(results.filter((won) => won === true).length, 1, JSON.stringify(results));
      assertEquals((await onFile(path, schemaOf)).version, 3);
      const again = await openStores(opened.location);
      try {
        assertEquals(await again.init(), [
          `the SQLite store ${path} exists (schema version 3); left as it is`,
        ]);
        assertEquals(await again.approvals.get(request(1).id), request(1));
      } finally {
        again.close();
      }
    },
  );

  await t.step(
    "sqlite: a store of schema version 2 gets the revocation table on open, its records kept; 20 racing processes recording revocations upgrade it once and lose none",
    async () => {
      await using opened = await subject.fresh();
      await opened.stores.approvals.create(request(1));
      assertEquals(await opened.stores.replays.remember(proofKey(1), T0 + HOUR, T0), true);
      opened.stores.close();
      const path = opened.location.name;
      // What Sentinel wrote before revocations: schema version 2.
      const toVersion2 = () =>
        onFile(path, (db) => {
          db.exec("DROP TABLE revocations; PRAGMA user_version = 2");
          return schemaOf(db);
        });
      const v2 = await toVersion2();
      assertEquals(v2, { tables: TABLES.filter((t) => t !== "revocations"), version: 2 });

      const upgraded = await openStores(opened.location);
      try {
        assertEquals(await upgraded.init(), [
          `upgraded the SQLite store ${path} from schema version 2 to 3: added the table of ` +
          "revocations (of sessions already issued); every record it held stays",
        ]);
        assertEquals(await upgraded.approvals.get(request(1).id), request(1));
        assertEquals(await upgraded.replays.remember(proofKey(1), T0 + HOUR, T0 + 1), false);
      } finally {
        upgraded.close();
      }
      assertEquals(await onFile(path, schemaOf), { tables: TABLES, version: 3 });

      await toVersion2();
      const records = Array.from({ length: 20 }, (_, i) => revocation(i, { before: T0 + 5 }));
      const results = await raceProcesses(
        opened.location.text,
        records.map((record) => ({ op: "revoke", record })),
      );
      assertEquals(results, records.map(() => "recorded"));
      const again = await openStores(opened.location);
      try {
        assertEquals(await again.revocations.liveFor(ROLE, T0), { items: records, damaged: [] });
        assertEquals(await again.replays.remember(proofKey(1), T0 + HOUR, T0 + 1), false);
      } finally {
        again.close();
      }
      assertEquals(await onFile(path, schemaOf), { tables: TABLES, version: 3 });
    },
  );

  await t.step(
    "sqlite: revocations a day past their expiry are purged, at most 100 a record; the others stay",
    async () => {
      await using opened = await subject.fresh();
      const { revocations } = opened.stores;
      const path = opened.location.name;
      const DAY = 24 * HOUR;
      const old = Array.from({ length: 150 }, (_, n) => revocation(n, { before: T0 + n }));
      for (const record of old) await revocations.record(record);
      const recent = revocation(200, { before: T0 + DAY });
      await revocations.record(recent);
      const count = () =>
        onFile(path, (db) => Number(db.prepare("SELECT count(*) AS n FROM revocations").get()?.n));
      assertEquals(await count(), 151);
      // Less than a day past the first old one's expiry: nothing purged yet.
      await revocations.record(revocation(300, { createdAt: old[0].expiresAt + DAY - 1 }));
      assertEquals(await count(), 152);
      const counts: number[] = [];
      for (let n = 301; n < 304; n++) {
        await revocations.record(revocation(n, { createdAt: old.at(-1)!.expiresAt + DAY }));
        counts.push(await count());
      }
      // 150 old ones: 100, then 50, then none; each record adds one.
      assertEquals(counts, [53, 4, 5]);
      assertEquals(
        (await revocations.liveFor(ROLE, T0)).items.map((r) => r.id),
        [...[300, 301, 302, 303].map((n) => revocation(n)), recent].map((r) => r.id),
        "what is left: the recent one, and those recorded since",
      );
    },
  );

  await t.step(
    "sqlite: expired replay records are purged at most 100 a call; unexpired and unreadable ones stay",
    async () => {
      await using opened = await subject.fresh();
      const { replays } = opened.stores;
      const path = opened.location.name;
      for (let n = 0; n < 250; n++) {
        assertEquals(await replays.remember(proofKey(n), T0 + 1000, T0), true);
      }
      for (let n = 250; n < 260; n++) {
        assertEquals(await replays.remember(proofKey(n), T0 + HOUR, T0), true);
      }
      await subject.damageReplay(opened, proofKey(0));
      const count = () =>
        onFile(path, (db) => Number(db.prepare("SELECT count(*) AS n FROM replays").get()?.n));
      assertEquals(await count(), 260);
      const at = T0 + 1000;
      const counts: number[] = [];
      for (let n = 1000; n < 1005; n++) {
        assertEquals(await replays.remember(proofKey(n), T0 + HOUR, at), true);
        counts.push(await count());
      }
      // 249 expired (one is unreadable): 100, 100, 49, then none; each call adds one.
      assertEquals(counts, [161, 62, 14, 15, 16]);
      assertEquals(await replays.remember(proofKey(255), T0 + 2 * HOUR, at), false, "unexpired");
      assertEquals(await replays.remember(proofKey(0), T0 + 2 * HOUR, T0 + HOUR), false);
    },
  );
}

Deno.test("store contract: sqlite", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-store-contract-" });
  const started = performance.now();
  try {
    const subject = sqliteSubject(dir);
    await contract(t, subject);
    await sqliteOnly(t, subject);
    await sqliteUpgradesAndPurges(t, subject);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`sqlite contract: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

// ---------------------------------------------------------------------------------------------
// The in-memory fake

/**
 * The fake every fast test uses. Its locations are keyed by their text alone (the port's location
 * type only knows SQLite and DynamoDB; the fake stands in for either). Racers are concurrent
 * promises, each on its own handle of the shared state.
 */
function memorySubject(): Subject {
  const host = new MemoryStoreHost();
  let cases = 0;
  return {
    name: "memory",
    async fresh() {
      const text = `memory:case-${++cases}`;
      const location: StoreLocation = { kind: "sqlite", name: text, text };
      const stores = host.open(location);
      const initLines = await stores.init();
      return {
        stores,
        location,
        initLines,
        [Symbol.asyncDispose]: () => Promise.resolve(stores.close()),
      };
    },
    open: (location) => Promise.resolve(host.open(location, { existing: true })),
    race: (opened, tasks) => {
      const racers = tasks.map(() => host.open(opened.location, { existing: true }));
      return Promise.all(tasks.map((task, i) => runTask(racers[i], task)));
    },
    writeBody(opened, kind, id, body) {
      const state = host.state(opened.location.text)!;
      const row = (kind === "request" ? state.requests : state.events).get(id);
      assertTrue(row !== undefined, `no ${kind} ${id}`);
      row.body = body;
      return Promise.resolve();
    },
    damageReplay(opened, key) {
      const replays = host.state(opened.location.text)!.replays;
      assertTrue(replays.has(key), `no replay record ${key}`);
      replays.set(key, "soon");
      return Promise.resolve();
    },
    writeRevocationBody(opened, record, body) {
      const row = host.state(opened.location.text)!.revocations.get(record.id);
      assertTrue(row !== undefined, `no revocation ${record.id}`);
      row.body = body;
      return Promise.resolve();
    },
  };
}

Deno.test("store contract: the in-memory fake", async (t) => {
  const started = performance.now();
  await contract(t, memorySubject());
  console.log(`memory contract: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

Deno.test("the fake's racing harness overlaps racers: a transition that reads, waits, then writes lets several win", async () => {
  const host = new MemoryStoreHost();
  const location = { text: "memory:broken" };
  const r = request(1);
  await host.open(location).approvals.create(r);
  const state = host.state(location.text)!;
  // A store that checks the version, gives way (as a network round trip would), then writes.
  const brokenTransition = async (next: ApprovalRequest, expected: number) => {
    const current = await host.open(location).approvals.get(next.id);
    if (current?.version !== expected) return false;
    await new Promise((resolve) => setTimeout(resolve, 1));
    state.writeRaw("request", next, JSON.stringify(next));
    return true;
  };
  const results = await Promise.all(
    Array.from(
      { length: 10 },
      (_, i) =>
        brokenTransition({ ...approved(r, T0 + i, T0 + HOUR), decidedBy: `approver-${i}` }, 1),
    ),
  );
  assertTrue(
    results.filter((won) => won).length > 1,
    "the racers never overlapped, so the racing cases could not catch a non-atomic store",
  );
});

// ---------------------------------------------------------------------------------------------
// DynamoDB on moto

function dynamoSubject(endpoint: string): Subject & { transport: TransportOptions } {
  let tables = 0;
  const transport: TransportOptions = {
    endpoints: (name) => name === "AWS_ENDPOINT_URL" ? endpoint : undefined,
  };
  const locate = (table: string, ms = 60_000): StoreLocation => ({
    kind: "dynamodb",
    name: table,
    text: `dynamodb:${table}`,
    credentials: KEY,
    call: { region: "us-east-1", signal: AbortSignal.timeout(ms) },
  });
  /** A client of the test's own, to write what the store would not. */
  const client = () =>
    new DynamoDbClient({
      ...transport,
      credentials: KEY,
      call: { region: "us-east-1", signal: AbortSignal.timeout(30_000) },
    });
  return {
    name: "dynamodb",
    transport,
    async fresh() {
      const location = locate(`contract-${++tables}`);
      const stores = await openStores(location, transport);
      const initLines = await stores.init();
      return {
        stores,
        location,
        initLines,
        [Symbol.asyncDispose]: () => Promise.resolve(stores.close()),
      };
    },
    open: (location) => openStores(location, transport),
    async race(opened, tasks) {
      // Every racer has a client of its own; the requests overlap at the server.
      const racers = await Promise.all(
        tasks.map(() => openStores(locate(opened.location.name), transport)),
      );
      return await Promise.all(tasks.map((task, i) => runTask(racers[i], task)));
    },
    async writeBody(opened, kind, id, body) {
      const written = await client().updateItem({
        TableName: opened.location.name,
        Key: { pk: { S: `${kind}#${id}` }, sk: { S: kind } },
        UpdateExpression: "SET doc = :doc",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":doc": { S: body } },
      });
      assertEquals(written.ok, true, `no ${kind} ${id}`);
    },
    async damageReplay(opened, key) {
      const written = await client().updateItem({
        TableName: opened.location.name,
        Key: { pk: { S: `replay#${key}` }, sk: { S: "replay" } },
        UpdateExpression: "SET #until = :soon",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#until": "until" },
        ExpressionAttributeValues: { ":soon": { S: "soon" } },
      });
      assertEquals(written.ok, true, `no replay record ${key}`);
    },
    async writeRevocationBody(opened, record, body) {
      const written = await client().updateItem({
        TableName: opened.location.name,
        Key: revocationItemKey(record),
        UpdateExpression: "SET doc = :doc",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":doc": { S: body } },
      });
      assertEquals(written.ok, true, `no revocation ${record.id}`);
    },
  };
}

/** The key of a revocation's item, as the DynamoDB store's module documentation gives it. */
function revocationItemKey(record: RevocationRecord) {
  return {
    pk: { S: `revocations#${record.roleArn}` },
    sk: { S: `${String(record.before).padStart(16, "0")}#${record.id}` },
  };
}

Deno.test("store contract: dynamodb on moto", async (t) => {
  await using moto = await startMoto();
  const started = performance.now();
  const subject = dynamoSubject(moto.endpoint);
  await contract(t, subject);
  console.log(`dynamodb contract: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const client = (ms = 30_000) =>
    new DynamoDbClient({
      ...subject.transport,
      credentials: KEY,
      call: { region: "us-east-1", signal: AbortSignal.timeout(ms) },
    });

  await t.step(
    "dynamodb: init creates the designed table with TTL, then leaves it alone",
    async () => {
      await using opened = await subject.fresh();
      const table = opened.location.name;
      assertEquals(opened.initLines.length, 2);
      assertIncludes(opened.initLines[0], `created the DynamoDB table ${table}`);
      const state = await client().describeTable(table);
      assertEquals(state?.status, "ACTIVE");
      assertEquals(
        state!.indexes.map((index) => index.name).sort(),
        Object.values(STORE_INDEXES).map((index) => index.name).sort(),
      );
      const ttl = await fetchJson(moto.endpoint, "DescribeTimeToLive", { TableName: table });
      assertEquals(ttl.TimeToLiveDescription, {
        AttributeName: TTL_ATTRIBUTE,
        TimeToLiveStatus: "ENABLED",
      });
      assertEquals(await opened.stores.init(), [
        `the DynamoDB table ${table} exists (ACTIVE); left as it is`,
      ]);
    },
  );

  await t.step("dynamodb: a table of another shape is refused by init", async () => {
    const db = client();
    await db.createTable({
      TableName: "not-sentinel",
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    });
    const stores = await openStores(locateFor("not-sentinel"), subject.transport);
    const error = await rejectsWith(() => stores.init(), "invalid_config", 3);
    assertIncludes(error.message, "the index by_user");
    assertIncludes(error.message, "sentinel store init --print-template");
  });

  await t.step("dynamodb client: a failed condition is a result with the old item", async () => {
    const db = client();
    const key = { id: { S: "k1" } };
    const put = (condition?: string) =>
      db.putItem({
        TableName: "not-sentinel",
        Item: { ...key, n: { N: "1" } },
        ...(condition ? { ConditionExpression: condition } : {}),
      });
    assertEquals(await put("attribute_not_exists(id)"), { ok: true });
    assertEquals(await put("attribute_not_exists(id)"), {
      ok: false,
      item: { ...key, n: { N: "1" } },
      retried: false,
    });
    assertEquals(
      await db.updateItem({
        TableName: "not-sentinel",
        Key: key,
        UpdateExpression: "SET n = :two",
        ConditionExpression: "n = :zero",
        ExpressionAttributeValues: { ":two": { N: "2" }, ":zero": { N: "0" } },
      }),
      { ok: false, item: { ...key, n: { N: "1" } }, retried: false },
    );
    const cancelled = await db.transactWriteItems([
      { Put: { TableName: "not-sentinel", Item: { id: { S: "k2" } } } },
      {
        ConditionCheck: {
          TableName: "not-sentinel",
          Key: key,
          ConditionExpression: "attribute_not_exists(id)",
        },
      },
    ]);
    assertEquals(cancelled.ok ? [] : cancelled.reasons.map((r) => r.code), [
      "None",
      "ConditionalCheckFailed",
    ]);
    assertEquals(
      await db.getItem({ TableName: "not-sentinel", Key: { id: { S: "k2" } } }),
      undefined,
    );
    assertEquals(
      await db.deleteItem({
        TableName: "not-sentinel",
        Key: key,
        ConditionExpression: "n = :one",
        ExpressionAttributeValues: { ":one": { N: "1" } },
      }),
      { ok: true },
    );
    assertEquals(await db.getItem({ TableName: "not-sentinel", Key: key }), undefined);
  });

  await t.step("dynamodb: a missing table says to run `sentinel store init` (exit 6)", async () => {
    const stores = await openStores(locateFor("never-created"), subject.transport);
    const error = await rejectsWith(() => stores.approvals.get(hexId(1)), "aws_failure", 6);
    assertIncludes(error.message, "ResourceNotFoundException");
    assertIncludes(error.message, "create the table with `sentinel store init`");
    assertTrue(!error.message.includes(KEY.secretAccessKey));
  });

  await t.step("dynamodb: TTL only on terminal requests and spent rate-limit items", async () => {
    await using opened = await subject.fresh();
    const { approvals, breakglass } = opened.stores;
    const table = opened.location.name;
    const pending = request(1, { retainUntil: T0 + HOUR });
    await approvals.create(pending);
    const denied = request(2);
    await approvals.create(denied);
    assertTrue(
      await approvals.transition({
        ...denied,
        status: "denied",
        retainUntil: T0 + 1500,
        version: 2,
      }, 1),
    );
    const e = event(1);
    assertEquals(
      await breakglass.invoke(e, [slot("user:alice", 2, HOUR)], { requireReviewOf: "alice" }),
      { ok: true },
    );
    assertTrue(
      await breakglass.update({ ...e, reviewedAt: T0 + HOUR, reviewedBy: "bob", version: 2 }, 1),
    );
    const ttlOf = async (pk: string, sk: string) => {
      const item = await client().getItem({
        TableName: table,
        Key: { pk: { S: pk }, sk: { S: sk } },
      });
      assertTrue(item !== undefined, `${pk} exists`);
      const ttl = item[TTL_ATTRIBUTE];
      return ttl && "N" in ttl ? Number(ttl.N) : undefined;
    };
    assertEquals(await ttlOf(`request#${pending.id}`, "request"), undefined, "pending: never");
    assertEquals(await ttlOf(`request#${denied.id}`, "request"), Math.ceil((T0 + 1500) / 1000));
    assertEquals(await ttlOf(`event#${e.id}`, "event"), undefined, "events: never");
    assertEquals(await ttlOf("unreviewed#alice", "unreviewed"), undefined, "review marker: never");
    assertEquals(await ttlOf("quota#user:alice", "quota"), (e.createdAt + HOUR) / 1000);
  });

  await t.step(
    "dynamodb: a replay record is the item replay#<key> with TTL on expires_at; a second broker's handle on the table refuses the key",
    async () => {
      await using opened = await subject.fresh();
      const table = opened.location.name;
      // Two brokers: separate handles, each with a client of its own, on one table.
      const first = await openStores(locateFor(table), subject.transport);
      const second = await openStores(locateFor(table), subject.transport);
      const key = proofKey(7);
      const until = T0 + 5 * MINUTE + 1;
      assertEquals(await first.replays.remember(key, until, T0), true);
      assertEquals(await second.replays.remember(key, until + 1, T0 + 1), false, "the second");
      assertEquals(await first.replays.remember(key, until, T0 + 2), false, "the first, again");
      const item = await client().getItem({
        TableName: table,
        Key: { pk: { S: `replay#${key}` }, sk: { S: "replay" } },
        ConsistentRead: true,
      });
      assertEquals(item?.until, { N: String(until) }, "the time of the first, in ms");
      assertEquals(item?.[TTL_ATTRIBUTE], { N: String(Math.ceil(until / 1000)) }, "TTL, in s");
      assertEquals(
        await second.replays.remember(key, until + HOUR, until),
        true,
        "expired at until, before DynamoDB's TTL has deleted it",
      );
      assertEquals(await first.replays.remember(key, until + HOUR, until + 1), false);
      assertEquals(await second.replays.remember(proofKey(8), until, T0), true, "another key");
    },
  );

  await t.step(
    "dynamodb: a revocation is an item in its role's partition with TTL on expires_at, beside its id's item; one past expiresAt that TTL has not deleted yet is left out",
    async () => {
      await using opened = await subject.fresh();
      const { revocations } = opened.stores;
      const table = opened.location.name;
      const record = revocation(1);
      await revocations.record(record);
      const itemOf = (key: Record<string, { S: string }>) =>
        client().getItem({ TableName: table, Key: key, ConsistentRead: true });
      const ttl = { N: String(Math.ceil(record.expiresAt / 1000)) };
      const item = await itemOf(revocationItemKey(record));
      assertEquals(item?.until, { N: String(record.expiresAt) }, "its time, in ms");
      assertEquals(item?.[TTL_ATTRIBUTE], ttl, "TTL, in s");
      assertEquals(JSON.parse(item?.doc && "S" in item.doc ? item.doc.S : ""), record);
      const idItem = await itemOf({
        pk: { S: `revocation#${record.id}` },
        sk: { S: "revocation" },
      });
      assertEquals(idItem?.role, { S: ROLE });
      assertEquals(idItem?.[TTL_ATTRIBUTE], ttl);
      assertEquals(await revocations.liveFor(ROLE, record.expiresAt), { items: [], damaged: [] });
      assertTrue(await itemOf(revocationItemKey(record)) !== undefined, "still in the table");
    },
  );

  await t.step(
    "dynamodb: 300 of the largest revocations of one role span several Query pages; liveFor follows them all",
    async () => {
      const location = locateFor("contract-revocations-300", 120_000);
      const stores = await openStores(location, subject.transport);
      await stores.init();
      const records = Array.from({ length: 300 }, (_, n) => largestRevocation(n));
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < records.length) await stores.revocations.record(records[next++]);
      }));
      const first = await client().query({
        TableName: location.name,
        KeyConditionExpression: "pk = :role",
        ExpressionAttributeValues: { ":role": { S: `revocations#${ROLE}` } },
      });
      assertTrue(first.lastEvaluatedKey !== undefined, "DynamoDB answers in more than one page");
      assertTrue(first.items.length < 300, `the first page holds ${first.items.length}`);
      const live = await stores.revocations.liveFor(ROLE, T0);
      assertEquals(live.damaged, []);
      assertEquals(live.items.map((r) => r.id), records.map((r) => r.id), "every one, in order");
    },
  );

  await t.step(
    "dynamodb: 2,500 requests listed through pagination, none lost or repeated",
    async () => {
      const location = locateFor("contract-2500", 120_000);
      const stores = await openStores(location, subject.transport);
      await stores.init();
      const seeded = Array.from({ length: 2500 }, (_, n) =>
        request(n, {
          createdAt: T0 + Math.floor(n / 2),
          status: n % 5 === 0 ? "approved" : "pending",
        }));
      let started = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < seeded.length) {
          await stores.approvals.create(seeded[next++]);
        }
      }));
      const seedMs = performance.now() - started;
      const expected = newestFirst(seeded).map((r) => r.id);

      started = performance.now();
      const whole = await stores.approvals.list({ limit: 5000 });
      const wholeMs = performance.now() - started;
      assertEquals(
        whole.items.map((r) => r.id),
        expected,
        "one call, every DynamoDB page followed",
      );
      assertEquals(whole.next, undefined);

      started = performance.now();
      const paged = await allPages((cursor) => stores.approvals.list({ limit: 100, cursor }), 100);
      const pagedMs = performance.now() - started;
      assertEquals(paged.pages, 25);
      assertEquals(paged.items.map((r) => r.id), expected);

      started = performance.now();
      const pendingOnly = await allPages(
        (cursor) => stores.approvals.list({ status: "pending", limit: 250, cursor }),
        250,
      );
      const filteredMs = performance.now() - started;
      assertEquals(pendingOnly.items.length, 2000);
      console.log(
        `dynamodb 2,500 requests: seeded in ${(seedMs / 1000).toFixed(1)} s (16 at a time); ` +
          `listed in one call ${(wholeMs / 1000).toFixed(1)} s, in 25 pages of 100 ` +
          `${(pagedMs / 1000).toFixed(1)} s, pending in pages of 250 ${
            (filteredMs / 1000).toFixed(1)
          } s`,
      );
    },
  );

  await t.step("dynamodb: every call the store made is granted by its IAM policy", async () => {
    const arn = "arn:aws:dynamodb:us-east-1:123456789012:table/T";
    const policy = storeIamPolicy(arn);
    const granted = (action: string, resource: string) =>
      policy.Statement.some((s) => s.Action.includes(action) && s.Resource.includes(resource));
    // init's calls (its own policy), and DescribeTimeToLive, which only this test makes.
    const init = new Set([
      "CreateTable",
      "DescribeTable",
      "UpdateTimeToLive",
      "DescribeTimeToLive",
    ]);
    const seen = new Set<string>();
    for (const recorded of await moto.recordedRequests()) {
      const target = Object.entries(recorded.headers)
        .find(([name]) => name.toLowerCase() === "x-amz-target")?.[1];
      if (!target?.startsWith("DynamoDB_20120810.")) continue;
      const operation = target.slice("DynamoDB_20120810.".length);
      const body = JSON.parse(recorded.body);
      if (init.has(operation) || body.TableName === "not-sentinel") continue;
      const calls: [string, string | undefined][] = operation === "TransactWriteItems"
        ? body.TransactItems.map((item: Record<string, unknown>) => {
          const kind = Object.keys(item)[0];
          return [kind === "ConditionCheck" ? "ConditionCheckItem" : `${kind}Item`, undefined];
        })
        : [[operation, body.IndexName]];
      for (const [action, index] of calls) {
        seen.add(action);
        const resource = index === undefined ? arn : `${arn}/index/${index}`;
        assertTrue(granted(`dynamodb:${action}`, resource), `dynamodb:${action} on ${resource}`);
      }
    }
    assertEquals(
      [...seen].sort(),
      ["ConditionCheckItem", "GetItem", "PutItem", "Query", "UpdateItem"],
      "the policy grants nothing the store does not use",
    );
  });

  function locateFor(table: string, ms = 30_000): StoreLocation {
    return {
      kind: "dynamodb",
      name: table,
      text: `dynamodb:${table}`,
      credentials: KEY,
      call: { region: "us-east-1", signal: AbortSignal.timeout(ms) },
    };
  }
});

Deno.test("the DynamoDB store reaches no AWS SDK module, the SQLite store no AWS code", async () => {
  const sdk = (m: string) => /@aws-sdk|@smithy|adapters\/aws\/sdk\.ts/.test(m);
  for (const file of ["src/adapters/stores/dynamodb.ts", "src/adapters/aws/dynamodb.ts"]) {
    const reach = await moduleReach(ROOT, file);
    assertEquals(reach.modules.filter(sdk), [], file);
    assertEquals(reach.npmPackages, file.includes("aws/") ? ["aws4fetch@1.0.20"] : [], file);
  }
  const sqlite = await moduleReach(ROOT, "src/adapters/stores/sqlite.ts");
  assertEquals(sqlite.npmPackages, []);
  assertEquals(sqlite.modules.filter((m) => m.includes("/adapters/aws/")), []);
});

/** One DynamoDB call the store's client does not make (DescribeTimeToLive), for inspection. */
async function fetchJson(endpoint: string, operation: string, input: Record<string, unknown>) {
  const { AwsV4Signer } = await import("aws4fetch");
  const signed = await new AwsV4Signer({
    method: "POST",
    url: `${endpoint}/`,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `DynamoDB_20120810.${operation}`,
    },
    body: JSON.stringify(input),
    accessKeyId: KEY.accessKeyId,
    secretAccessKey: KEY.secretAccessKey,
    service: "dynamodb",
    region: "us-east-1",
  }).sign();
  const response = await fetch(signed.url, {
    method: "POST",
    headers: signed.headers,
    body: JSON.stringify(input),
  });
  return await response.json();
}

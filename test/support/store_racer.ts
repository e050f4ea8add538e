/**
 * One racer of the store contract's concurrency cases, run as its own OS process so that it has
 * its own store connection (an SQLite `DatabaseSync` is synchronous: calls in one process never
 * overlap). It reads one task as a JSON line on stdin, opens the store, prints `ready`, waits for
 * the line `go` (the test releases every racer at once), runs the task and prints its result as
 * one JSON line.
 *
 *   {"store":"sqlite:/tmp/x.db","op":"transition","next":{…},"expected":1}
 *   {"store":"sqlite:/tmp/x.db","op":"invoke","event":{…},"slots":[…],"conditions":{…}}
 *   {"store":"sqlite:/tmp/x.db","op":"remember","key":"proof#…","until":…,"now":…}
 *   {"store":"sqlite:/tmp/x.db","op":"revoke","record":{…}}
 *
 * {@link runTask} is how every subject of the contract runs a task on its own connection.
 *
 * @module
 */
import { openStores } from "../../src/adapters/stores/open.ts";
import { parseStoreLocation } from "../../src/core/store/location.ts";
import type { ApprovalRequest } from "../../src/core/approval/request.ts";
import type { BreakglassEvent, QuotaSlot } from "../../src/core/breakglass/event.ts";
import type { RevocationRecord } from "../../src/core/revocation/record.ts";
import type { InvokeConditions, Stores } from "../../src/ports/stores.ts";

/** What one racer does. */
export type RaceTask =
  | { op: "transition"; next: ApprovalRequest; expected: number }
  | { op: "invoke"; event: BreakglassEvent; slots: QuotaSlot[]; conditions?: InvokeConditions }
  | { op: "remember"; key: string; until: number; now: number }
  | { op: "revoke"; record: RevocationRecord };

/** Runs one task on `stores`; a revocation says `recorded` (its store returns nothing). */
export function runTask(stores: Stores, task: RaceTask): Promise<unknown> {
  switch (task.op) {
    case "transition":
      return stores.approvals.transition(task.next, task.expected);
    case "invoke":
      return stores.breakglass.invoke(task.event, task.slots, task.conditions);
    case "remember":
      return stores.replays.remember(task.key, task.until, task.now);
    case "revoke":
      return stores.revocations.record(task.record).then(() => "recorded");
  }
}

if (import.meta.main) {
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).values();
  let buffered = "";
  const nextLine = async (): Promise<string> => {
    for (;;) {
      const end = buffered.indexOf("\n");
      if (end >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        return line;
      }
      const chunk = await lines.next();
      if (chunk.done) throw new Error("stdin closed before a whole line");
      buffered += chunk.value;
    }
  };
  const say = (text: string) => Deno.stdout.writeSync(new TextEncoder().encode(`${text}\n`));

  const task = JSON.parse(await nextLine()) as RaceTask & { store: string };
  const setting = parseStoreLocation(task.store, "/nonexistent-home");
  if (setting.kind !== "sqlite") throw new Error("racers run against SQLite stores only");
  const stores = await openStores({ ...setting, kind: "sqlite" });
  say("ready");
  if (await nextLine() !== "go") throw new Error("expected go");
  const result = await runTask(stores, task);
  say(JSON.stringify(result));
  stores.close();
}

/**
 * The decision log under failure: a full disk (a real tmpfs, and an injected short write), a torn
 * last line left by a killed writer, and paths that are not regular files. The log must stay a
 * verifiable chain, a failed append must leave it byte for byte as it was, and every repair must
 * be visible in the chain.
 */
import { assertEquals, assertIncludes, assertTrue } from "../../test/assert.ts";
import { GENESIS_HASH, verifyChain as verifyDecisionLog } from "../core/audit/chain.ts";
import { appendDecision } from "./decision_log.ts";
import { sha256Hex } from "./files.ts";
import { canMountTmpfs, mountTmpfs } from "../../test/harness/tmpfs.ts";

const record = (n: number) => ({
  time: `2026-03-02T10:00:${String(n % 60).padStart(2, "0")}.000Z`,
  user: "alice",
  profile: "prod",
  outcome: "issued",
  reason: "x".repeat(300),
  n,
});

async function withLog(fn: (path: string, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-log-" });
  try {
    await fn(`${dir}/state/decisions.jsonl`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));

async function assertRejects(promise: Promise<unknown>, fragment: string): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assertIncludes((error as Error).message, fragment);
    return error as Error;
  }
  throw new Error(`expected a rejection with "${fragment}"`);
}

Deno.test("attack: a short write then ENOSPC leaves the log exactly as it was, and the call fails", async () => {
  await withLog(async (path) => {
    for (let i = 0; i < 3; i++) await appendDecision(path, record(i));
    const before = await Deno.readFile(path);
    // The kernel accepts part of the record, then reports the disk full.
    let calls = 0;
    const write = (file: Deno.FsFile, bytes: Uint8Array) => {
      calls += 1;
      if (calls === 1) return file.writeSync(bytes.subarray(0, 100));
      throw new Error("No space left on device (os error 28)");
    };
    await assertRejects(appendDecision(path, record(3), { write }), "No space left on device");
    assertEquals(await Deno.readFile(path), before);
    // Space is back: the next record chains onto the last complete one.
    await appendDecision(path, record(4));
    const text = await Deno.readTextFile(path);
    assertEquals(await verifyDecisionLog(text), { ok: true, lines: 4, repairs: [] });
    assertEquals(lines(text).map((r) => r.n), [0, 1, 2, 4]);
  });
});

Deno.test("a failed append after cutting a torn line puts the tear back: the log is as it was", async () => {
  await withLog(async (path) => {
    await appendDecision(path, record(0));
    await Deno.writeTextFile(path, '{"time":"2026-03-02T1', { append: true });
    const before = await Deno.readFile(path);
    const write = () => {
      throw new Error("No space left on device (os error 28)");
    };
    await assertRejects(appendDecision(path, record(1), { write }), "os error 28");
    assertEquals(await Deno.readFile(path), before);
  });
});

Deno.test("attack: a failed sync also rolls the append back", async () => {
  await withLog(async (path) => {
    await appendDecision(path, record(0));
    const before = await Deno.readFile(path);
    await assertRejects(
      appendDecision(path, record(1), {
        sync: () => {
          throw new Error("Input/output error (os error 5)");
        },
      }),
      "Input/output error",
    );
    assertEquals(await Deno.readFile(path), before);
  });
});

Deno.test("attack: a torn last line left by a killed writer is repaired, recorded, and verify passes", async () => {
  await withLog(async (path) => {
    await appendDecision(path, record(0));
    await appendDecision(path, record(1));
    const intact = await Deno.readTextFile(path);
    // A writer killed mid-line (SIGKILL, power loss) leaves part of a record and no newline.
    const torn = JSON.stringify({ ...record(2), prev_hash: "f".repeat(64) }).slice(0, 150);
    await Deno.writeTextFile(path, torn, { append: true });
    assertTrue(!(await verifyDecisionLog(await Deno.readTextFile(path))).ok);

    const written = await appendDecision(path, record(3));
    const text = await Deno.readTextFile(path);
    assertTrue(text.startsWith(intact), "the complete lines are kept as they were");
    const all = lines(text);
    assertEquals(all.length, 4);
    const repair = all[2];
    assertEquals(repair, {
      type: "log_repair",
      time: record(3).time,
      reason: "the last line had no newline: a write was cut short",
      removed_bytes: 150,
      removed_sha256: await sha256Hex(torn),
      removed_text: torn,
      prev_hash: await sha256Hex(intact.split("\n")[1]),
    });
    assertEquals(all[3].n, 3);
    assertEquals(written, text.split("\n")[3]);
    assertEquals(await verifyDecisionLog(text), { ok: true, lines: 4, repairs: [3] });
  });
});

Deno.test("attack: a glued, unparsable last line (the old ENOSPC aftermath) is repaired too", async () => {
  await withLog(async (path) => {
    await appendDecision(path, record(0));
    const intact = await Deno.readTextFile(path);
    const glued = '{"time":"2026-03-02T10:00:01.000Z","us{"time":"2026-03-02T10:00:02.000Z"}\n';
    await Deno.writeTextFile(path, glued, { append: true });
    await appendDecision(path, record(3));
    const all = lines(await Deno.readTextFile(path));
    assertEquals(all.length, 3);
    assertEquals(all[1].type, "log_repair");
    assertEquals(all[1].reason, "the last line was not valid JSON");
    assertEquals(all[1].removed_bytes, new TextEncoder().encode(glued).length);
    assertEquals(all[1].prev_hash, await sha256Hex(intact.trimEnd()));
    assertTrue((await verifyDecisionLog(await Deno.readTextFile(path))).ok);
  });
});

Deno.test("a log that is only a torn line restarts the chain with the repair record", async () => {
  await withLog(async (path, dir) => {
    await Deno.mkdir(`${dir}/state`);
    await Deno.writeTextFile(path, '{"time":"2026-');
    await appendDecision(path, record(1));
    const all = lines(await Deno.readTextFile(path));
    assertEquals(all.map((r) => r.type ?? r.n), ["log_repair", 1]);
    assertEquals(all[0].prev_hash, GENESIS_HASH);
    assertEquals(all[0].removed_bytes, 14);
    assertTrue((await verifyDecisionLog(await Deno.readTextFile(path))).ok);
  });
});

Deno.test("a last line longer than any record is not 'repaired' away: the append fails closed", async () => {
  await withLog(async (path, dir) => {
    await Deno.mkdir(`${dir}/state`);
    const huge = "x".repeat(2 * 1024 * 1024);
    await Deno.writeTextFile(path, huge);
    await assertRejects(appendDecision(path, record(0)), "is not a decision log");
    assertEquals((await Deno.stat(path)).size, huge.length);
  });
});

Deno.test("a log path that is a FIFO, a directory or a device is refused, never blocks", async () => {
  await withLog(async (_path, dir) => {
    const fifo = `${dir}/log.fifo`;
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assertEquals(made.code, 0);
    await assertRejects(appendDecision(fifo, record(0)), "a FIFO (named pipe), not a regular file");
    await assertRejects(appendDecision(dir, record(0)), "a directory, not a regular file");
    await assertRejects(
      appendDecision("/dev/null", record(0)),
      "a character device, not a regular file",
    );
  });
});

const MOUNTABLE = canMountTmpfs();

Deno.test({
  name: MOUNTABLE
    ? "attack: a really full disk (64k tmpfs): the failed append leaves no partial line, the next one chains"
    : "attack: a really full disk (64k tmpfs) — ignored: mounting a tmpfs needs root or CAP_SYS_ADMIN here",
  ignore: !MOUNTABLE,
  fn: async () => {
    await using disk = await mountTmpfs("64k");
    const path = `${disk.dir}/decisions.jsonl`;
    await appendDecision(path, record(0));
    await disk.fill();
    // Append until the log needs a page the disk no longer has.
    let failure: Error | undefined;
    let before = await Deno.readFile(path);
    for (let i = 1; i < 100 && failure === undefined; i++) {
      before = await Deno.readFile(path);
      try {
        await appendDecision(path, record(i));
      } catch (error) {
        failure = error as Error;
      }
    }
    assertTrue(failure !== undefined, "the disk never filled up");
    assertIncludes(failure.message, "os error 28");
    assertEquals(await Deno.readFile(path), before, "the failed append left bytes behind");
    // Space returns: the next append chains onto the last complete line; verify passes.
    await disk.free();
    await appendDecision(path, record(100));
    const text = await Deno.readTextFile(path);
    const result = await verifyDecisionLog(text);
    assertTrue(result.ok, JSON.stringify(result));
    assertEquals(lines(text).at(-1).n, 100);
  },
});

Deno.test("appends from one process at once (a broker deciding many calls) all land, chained in order; a failed one does not stop the next", async () => {
  await withLog(async (path) => {
    const written = await Promise.all(
      Array.from({ length: 40 }, (_, n) => appendDecision(path, record(n))),
    );
    const logged = lines(await Deno.readTextFile(path));
    assertEquals(logged.length, 40);
    assertEquals(logged.map((line) => line.n), written.map((line) => JSON.parse(line).n));
    assertEquals(await verifyDecisionLog(await Deno.readTextFile(path)), {
      ok: true,
      lines: 40,
      repairs: [],
    });
    const failing = appendDecision(path, record(40), {
      sync: () => {
        throw new Error("EIO");
      },
    });
    const after = appendDecision(path, record(41));
    await assertRejects(failing, "EIO");
    assertEquals(JSON.parse(await after).n, 41);
    assertEquals(lines(await Deno.readTextFile(path)).length, 41);
  });
});

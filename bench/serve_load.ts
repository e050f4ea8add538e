/**
 * A load benchmark of broker mode (`sentinel serve`), not a timed test: requests per second and
 * p50/p95/p99 for credentials through the broker at 1, 10 and 50 concurrent clients, beside the
 * same loop calling moto's AssumeRole directly; the broker's CPU per issued credential and its
 * memory (idle, peak, and whether it grows under load). Every row starts on a fresh world (moto
 * restarted: its GetCallerIdentity slows as assumed sessions pile up), as test/harness/broker.ts
 * builds it — moto with IAM checks on, alice allowed prod by the policy, role SentinelProd trusting
 * only the broker's IAM user, a real `sentinel serve` process with a SQLite store and a decision
 * log.
 *
 * Each broker request is what a client does: a fresh caller proof signed here with alice's keys by
 * the product's own client (FetchBrokerClient, proof endpoint from GET /v1/health), then POST
 * /v1/credentials for profile prod — the broker checks the proof at STS (GetCallerIdentity),
 * remembers it in the store, decides, assumes the role (AssumeRole), logs. The direct row is one
 * signed AssumeRole with the broker's keys through the product's fetch transport.
 *
 * The bench's broker is started with `--caller-rate 100000 --max-in-flight 1000` (the defaults, 5/s
 * per caller with a burst of 20 and 64 in flight, would throttle it), and its requests leave from
 * `SOURCES` loopback addresses in turn (127.0.0.2, …; default 64), because the per-address limit
 * (50/s, burst 100) has no flag; `SOURCES=1` sends everything from 127.0.0.1 and shows that limit.
 * A proof signs the call's digest and its date to the second, so two identical calls of one caller
 * in one second carry the same proof (the second is a replay): each call here asks for its own
 * `duration_seconds` (1800-3600, in turn) so that no two proofs are alike.
 *
 *   deno task bench:serve                          # needs the test peers: deno task setup
 *   SECONDS=5 LEVELS=1,10 deno task bench:serve    # a short smoke run
 *
 * Knobs: `SECONDS` (default 30) per row, `LEVELS` (default "1,10,50"), `WARMUP` requests before
 * each row's window (default 20), `SOURCES` (default 64), `TIMEOUT_MS` (default 10000): a request
 * without an answer by then is an error. A broker that stops answering is reported with where its
 * main thread waits (`/proc/<pid>/wchan`) and, when SIGTERM does not end it within 10 s, killed, so
 * the bench always ends.
 *
 * @module
 */
import { brokerWorld, PROD_ROLE, type RunningBroker } from "../test/harness/broker.ts";
import { FetchBrokerClient } from "../src/adapters/broker/client.ts";
import { createFetchTransport } from "../src/adapters/aws/fetch_transport.ts";
import { BROKER_PATHS, type HealthAnswer } from "../src/core/broker/api.ts";
import { SentinelError } from "../src/core/errors.ts";
import { CLK_TCK, cpuMs, percentile, statusMb } from "./proc_stats.ts";
import type { AwsCredentials } from "../src/ports/aws.ts";

const SECONDS = Number(Deno.env.get("SECONDS") ?? 30);
const LEVELS = (Deno.env.get("LEVELS") ?? "1,10,50").split(",").map((level) => Number(level));
const WARMUP = Number(Deno.env.get("WARMUP") ?? 20);
const SOURCES = Number(Deno.env.get("SOURCES") ?? 64);
/** A request without an answer in this long counts as an error (a stalled broker ends a row). */
const TIMEOUT_MS = Number(Deno.env.get("TIMEOUT_MS") ?? 10_000);
const BROKER_FLAGS = ["--caller-rate", "100000", "--max-in-flight", "1000"];
/** How often the broker's RSS is sampled during a window, ms. */
const RSS_EVERY_MS = 250;

/** The issue's targets. */
const TARGETS = {
  /** Broker CPU per issued credential, proof check included, ms. */
  cpuMsPerCredential: 3,
  /** The broker's p99 against the direct AssumeRole p99, at these levels. */
  p99Ratio: 2,
  p99Levels: [1, 10],
  /** RSS in the last quarter of the window against the second quarter ("flat"). */
  rssGrowth: 1.1,
};

/** What one request did: its wall time, or the kind of its failure. */
type Outcome = { ok: true; ms: number } | { ok: false; kind: string };

/** One measured row. */
interface Row {
  level: number;
  path: "broker" | "direct AssumeRole";
  /** Wall time of the window, from its start to the last answer, ms. */
  windowMs: number;
  latencies: number[];
  errors: Map<string, number>;
  /** CPU ms per successful request: the broker's (broker rows), moto's, this process's. */
  brokerCpuMs?: number;
  motoCpuMs?: number;
  clientCpuMs: number;
  /** The broker's memory, MB. */
  rss?: { idle: number; peak: number; idleAfter: number; growth: number };
  /** What else was seen (a stalled broker: where its main thread waits). */
  notes?: string[];
}

// ---- /proc readings ----------------------------------------------------------------------------

/** moto_server's pid (the harness does not expose it): the python process serving `port`. */
function motoPid(endpoint: string): number | undefined {
  const port = new URL(endpoint).port;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const args = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).split("\0");
      const p = args.indexOf("-p");
      if (args.some((arg) => arg.endsWith("moto_server.py")) && p >= 0 && args[p + 1] === port) {
        return Number(entry.name);
      }
    } catch { /* gone, or not ours to read */ }
  }
  return undefined;
}

// ---- the request loops -------------------------------------------------------------------------

/** Runs `one` in `level` concurrent loops until `ms` have passed (or `count` requests started). */
async function drive(
  level: number,
  limit: { ms?: number; count?: number },
  one: (n: number) => Promise<Outcome>,
): Promise<{ outcomes: Outcome[]; windowMs: number }> {
  const outcomes: Outcome[] = [];
  const start = performance.now();
  const end = start + (limit.ms ?? Infinity);
  let started = 0;
  const loop = async () => {
    while (performance.now() < end && started < (limit.count ?? Infinity)) {
      outcomes.push(await one(started++));
    }
  };
  await Promise.all(Array.from({ length: level }, loop));
  return { outcomes, windowMs: performance.now() - start };
}

/** The kind of a failed request, for the error counts. */
function failureKind(error: unknown): string {
  if (error instanceof SentinelError) {
    return error.message.includes("no answer within the timeout")
      ? `${error.code}: no answer in ${TIMEOUT_MS / 1000} s`
      : error.code;
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, " ").slice(0, 80);
}

/** One credentials call through the broker, with a fresh proof signed by the product's client. */
function brokerRequest(
  client: FetchBrokerClient,
  server: string,
  health: HealthAnswer,
  alice: AwsCredentials,
): (n: number) => Promise<Outcome> {
  return async (n) => {
    // Unique per call: a proof signs the call's digest and its date to the second.
    const body = JSON.stringify({ profile: "prod", duration_seconds: 1800 + (n % 1801) });
    const start = performance.now();
    try {
      const answer = await client.send({
        server,
        method: "POST",
        path: BROKER_PATHS.credentials,
        body,
        proof: {
          credentials: alice,
          endpoint: { host: health.proof_host, region: health.proof_region },
        },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const ms = performance.now() - start;
      if (answer.status !== 200) {
        const code = (() => {
          try {
            return JSON.parse(answer.text).code ?? "?";
          } catch {
            return "not JSON";
          }
        })();
        return { ok: false, kind: `HTTP ${answer.status} ${code}` };
      }
      if (typeof JSON.parse(answer.text).AccessKeyId !== "string") {
        return { ok: false, kind: "HTTP 200 without credentials" };
      }
      return { ok: true, ms };
    } catch (error) {
      return { ok: false, kind: failureKind(error) };
    }
  };
}

/** One AssumeRole at moto with the broker's own keys, as the broker makes it. */
function directRequest(
  endpoint: string,
  broker: AwsCredentials,
): (n: number) => Promise<Outcome> {
  const { sts } = createFetchTransport({
    endpoints: (name) => name === "AWS_ENDPOINT_URL" ? endpoint : undefined,
  });
  return async (n) => {
    const start = performance.now();
    try {
      await sts.assumeRole(
        broker,
        { region: "us-east-1", signal: AbortSignal.timeout(TIMEOUT_MS) },
        {
          roleArn: PROD_ROLE,
          roleSessionName: "alice",
          sourceIdentity: `sentinel=alice=${n.toString(16).padStart(16, "0")}`,
          durationSeconds: 3600,
        },
      );
      return { ok: true, ms: performance.now() - start };
    } catch (error) {
      return { ok: false, kind: failureKind(error) };
    }
  };
}

/**
 * Sends every request to `origin` from `count` loopback addresses in turn (127.0.0.2, …), as
 * many machines would; returns the undo. Other requests (moto, the harness) are left alone.
 */
function spreadSources(origin: string, count: number): () => void {
  if (count <= 1) return () => {};
  const real = globalThis.fetch;
  const clients = Array.from(
    { length: count },
    (_, i) =>
      Deno.createHttpClient({
        localAddress: `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`,
      }),
  );
  let next = 0;
  globalThis.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(origin)) return real(input, init);
    return real(input, { ...init, client: clients[next++ % count] });
  };
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    globalThis.fetch = real;
    for (const client of clients) client.close();
  };
}

// ---- the rows ----------------------------------------------------------------------------------

/** Counts of each kind of failure. */
function errorsOf(outcomes: Outcome[]): Map<string, number> {
  const errors = new Map<string, number>();
  for (const o of outcomes) if (!o.ok) errors.set(o.kind, (errors.get(o.kind) ?? 0) + 1);
  return errors;
}

function successes(outcomes: Outcome[]): number[] {
  return outcomes.flatMap((o) => o.ok ? [o.ms] : []);
}

/** Samples `pid`'s RSS every {@link RSS_EVERY_MS} until stopped. */
function sampleRss(pid: number): { stop(): number[] } {
  const samples: number[] = [];
  const timer = setInterval(() => {
    const mb = statusMb(pid, "VmRSS");
    if (Number.isFinite(mb)) samples.push(mb);
  }, RSS_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0
    ? NaN
    : sorted.length % 2
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median RSS of the window's last quarter over its second quarter's: growth under steady load
 * (the first quarter is left to the heap settling after the warm-up).
 */
function growthOf(samples: number[]): number {
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  return median(samples.slice(-quarter)) / median(samples.slice(quarter, 2 * quarter));
}

/** What the broker's main thread waits in (`/proc/<pid>/wchan`), when it has stopped answering. */
function waitChannel(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/wchan`) || "running";
  } catch {
    return "gone";
  }
}

/** Stops the broker (SIGTERM, drain); one that has not exited within 10 s is killed. */
async function stopWithin(broker: RunningBroker): Promise<string> {
  const stopped = broker.stop().then(() => "stopped");
  const late = new Promise<string>((resolve) => setTimeout(() => resolve("late"), 10_000));
  const how = await Promise.race([stopped, late]);
  if (how === "late") {
    broker.process.kill("SIGKILL");
    await stopped;
    return "killed (no exit 10 s after SIGTERM)";
  }
  return how;
}

/** The broker at `level` clients on a fresh world. */
async function brokerRow(level: number): Promise<Row> {
  await using world = await brokerWorld();
  await world.broker.stop(); // the harness's own, with the default limits
  const broker = await world.startBroker(BROKER_FLAGS);
  const pid = broker.process.pid;
  const health: HealthAnswer = await (await fetch(`${broker.url}${BROKER_PATHS.health}`)).json();
  const one = brokerRequest(new FetchBrokerClient(), broker.url, health, world.keys.alice);
  const undo = spreadSources(broker.url, SOURCES);
  try {
    await drive(level, { count: WARMUP }, (n) => one(1_000_000 + n));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = statusMb(pid, "VmRSS");
    const motoAt = motoPid(world.moto.endpoint);
    const before = { broker: cpuMs(pid)!, moto: motoAt && cpuMs(motoAt), self: cpuMs("self")! };
    const rss = sampleRss(pid);
    const { outcomes, windowMs } = await drive(level, { ms: SECONDS * 1000 }, one);
    const samples = rss.stop();
    const after = { broker: cpuMs(pid)!, moto: motoAt && cpuMs(motoAt), self: cpuMs("self")! };
    const peak = statusMb(pid, "VmHWM");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleAfter = statusMb(pid, "VmRSS");
    const stalled = outcomes.some((o) => !o.ok && o.kind.includes("no answer"));
    const notes = stalled ? [`broker main thread waiting in ${waitChannel(pid)}`] : [];
    const ok = successes(outcomes);
    undo();
    const stop = await stopWithin(broker);
    if (stop !== "stopped") notes.push(`broker ${stop}`);
    return {
      level,
      path: "broker",
      windowMs,
      latencies: ok,
      errors: errorsOf(outcomes),
      brokerCpuMs: (after.broker - before.broker) / ok.length,
      motoCpuMs: before.moto && after.moto ? (after.moto - before.moto) / ok.length : undefined,
      clientCpuMs: (after.self - before.self) / ok.length,
      rss: { idle, peak, idleAfter, growth: growthOf(samples) },
      notes,
    };
  } finally {
    undo();
    await stopWithin(broker);
  }
}

/** moto's AssumeRole called directly at `level` clients, on a fresh world. */
async function directRow(level: number): Promise<Row> {
  await using world = await brokerWorld();
  await world.broker.stop(); // not measured here: only moto
  const one = directRequest(world.moto.endpoint, world.keys.broker);
  await drive(level, { count: WARMUP }, (n) => one(1_000_000 + n));
  const motoAt = motoPid(world.moto.endpoint);
  const before = { moto: motoAt && cpuMs(motoAt), self: cpuMs("self")! };
  const { outcomes, windowMs } = await drive(level, { ms: SECONDS * 1000 }, one);
  const after = { moto: motoAt && cpuMs(motoAt), self: cpuMs("self")! };
  const ok = successes(outcomes);
  return {
    level,
    path: "direct AssumeRole",
    windowMs,
    latencies: ok,
    errors: errorsOf(outcomes),
    motoCpuMs: before.moto && after.moto ? (after.moto - before.moto) / ok.length : undefined,
    clientCpuMs: (after.self - before.self) / ok.length,
  };
}

// ---- the table ---------------------------------------------------------------------------------

const fixed = (value: number | undefined, digits = 1) =>
  value === undefined || !Number.isFinite(value) ? "-" : value.toFixed(digits);

/** Whether a broker row meets each target that applies to it; none for a direct row. */
interface Checks {
  cpu?: boolean;
  p99?: boolean;
  errors?: boolean;
  rss?: boolean;
}

function errorCount(row: Row): number {
  return [...row.errors.values()].reduce((a, b) => a + b, 0);
}

/** The p99 a broker row must stay under: twice the direct row's at the same level. */
function p99Limit(row: Row, rows: Row[]): number | undefined {
  if (row.path !== "broker" || !TARGETS.p99Levels.includes(row.level)) return undefined;
  const direct = rows.find((r) => r.level === row.level && r.path === "direct AssumeRole");
  return direct === undefined ? NaN : TARGETS.p99Ratio * percentile(direct.latencies, 99);
}

function checks(row: Row, rows: Row[]): Checks {
  if (row.path !== "broker") return {};
  const limit = p99Limit(row, rows);
  return {
    cpu: (row.brokerCpuMs ?? Infinity) <= TARGETS.cpuMsPerCredential,
    ...(limit === undefined ? {} : { p99: percentile(row.latencies, 99) <= limit }),
    errors: errorCount(row) === 0 && row.latencies.length > 0,
    rss: (row.rss?.growth ?? Infinity) <= TARGETS.rssGrowth,
  };
}

/** One column: its two header lines, width, and cell. */
interface Column {
  group?: string;
  head: string;
  width: number;
  cell(row: Row, rows: Row[]): string;
}

const mark = (ok: boolean | undefined) => ok === undefined ? "" : ok ? "" : "!";

const COLUMNS: Column[] = [
  { head: "clients", width: 7, cell: (r) => String(r.level) },
  { head: "path", width: 19, cell: (r) => r.path },
  { head: "requests", width: 9, cell: (r) => String(r.latencies.length + errorCount(r)) },
  { head: "req/s", width: 7, cell: (r) => fixed((r.latencies.length / r.windowMs) * 1000) },
  { head: "p50", group: "ms", width: 7, cell: (r) => fixed(percentile(r.latencies, 50)) },
  { head: "p95", width: 7, cell: (r) => fixed(percentile(r.latencies, 95)) },
  {
    head: "p99",
    width: 7,
    cell: (r, rows) => fixed(percentile(r.latencies, 99)) + mark(checks(r, rows).p99),
  },
  {
    head: "target",
    width: 8,
    cell: (r, rows) => {
      const limit = p99Limit(r, rows);
      return limit === undefined ? "" : `≤${fixed(limit)}`;
    },
  },
  {
    head: "errors",
    width: 7,
    cell: (r, rows) => `${errorCount(r)}${mark(checks(r, rows).errors)}`,
  },
  {
    head: "broker",
    group: "CPU ms/request",
    width: 7,
    cell: (r, rows) => fixed(r.brokerCpuMs, 2) + mark(checks(r, rows).cpu),
  },
  {
    head: "target",
    width: 7,
    cell: (r) => r.path === "broker" ? `≤${TARGETS.cpuMsPerCredential}` : "",
  },
  { head: "moto", width: 7, cell: (r) => fixed(r.motoCpuMs, 2) },
  { head: "bench", width: 7, cell: (r) => fixed(r.clientCpuMs, 2) },
  { head: "idle", group: "broker RSS MB", width: 6, cell: (r) => fixed(r.rss?.idle, 0) },
  { head: "peak", width: 6, cell: (r) => fixed(r.rss?.peak, 0) },
  { head: "after", width: 6, cell: (r) => fixed(r.rss?.idleAfter, 0) },
  {
    head: "growth",
    width: 7,
    cell: (r, rows) =>
      r.rss === undefined ? "-" : `×${fixed(r.rss.growth, 2)}${mark(checks(r, rows).rss)}`,
  },
  { head: "target", width: 7, cell: (r) => r.path === "broker" ? `≤${TARGETS.rssGrowth}` : "" },
  {
    head: "met",
    width: 5,
    cell: (r, rows) => {
      const found = Object.values(checks(r, rows));
      return found.length === 0 ? "" : found.every(Boolean) ? "yes" : "NO";
    },
  },
];

function printTable(rows: Row[]): void {
  const line = (cells: string[]) =>
    cells.map((cell, i) =>
      i === 1 ? cell.padEnd(COLUMNS[i].width) : cell.padStart(COLUMNS[i].width)
    )
      .join(" ").trimEnd();
  let groups = "";
  for (const [i, column] of COLUMNS.entries()) {
    const at = COLUMNS.slice(0, i).reduce((sum, c) => sum + c.width + 1, 0);
    if (column.group !== undefined) groups = groups.padEnd(at) + `┌ ${column.group}`;
  }
  console.log(groups);
  console.log(line(COLUMNS.map((c) => c.head)));
  for (const row of rows) console.log(line(COLUMNS.map((c) => c.cell(row, rows))));
  console.log(
    `(! marks a missed target; growth: broker RSS in the window's last quarter ÷ its second; ` +
      `p99 target at ${TARGETS.p99Levels.join(" and ")} clients: ${TARGETS.p99Ratio}× the direct ` +
      `p99; "0 errors" is held at every level)`,
  );
  for (const row of rows) {
    for (const [kind, count] of row.errors) {
      console.log(`  ${row.level} clients, ${row.path}: ${count} × ${kind}`);
    }
    for (const note of row.notes ?? []) console.log(`  ${row.level} clients, ${row.path}: ${note}`);
  }
}

// ---- main --------------------------------------------------------------------------------------

const load = Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
console.log(
  `sentinel serve under load: ${SECONDS} s per row at ${LEVELS.join(", ")} concurrent clients, ` +
    `${WARMUP} warm-up requests each; moto restarted before every row (a fresh world)\n` +
    `machine: ${navigator.hardwareConcurrency} cores shared by this bench (the clients), moto and ` +
    `the broker; load average at start ${load}; CPU from /proc/<pid>/stat at ${CLK_TCK} ticks/s\n` +
    `broker: sentinel serve ${BROKER_FLAGS.join(" ")} (lifts the per-caller limit, default 5/s ` +
    `burst 20, and the 64 in flight); requests from ${
      SOURCES <= 1 ? "127.0.0.1 only" : `${SOURCES} loopback addresses in turn`
    } (the per-address limit, 50/s burst 100, has no flag)\n` +
    `each broker request: a fresh proof (GetCallerIdentity at moto) + AssumeRole + store + log; ` +
    `direct: one AssumeRole with the broker's keys; latencies of successes, wall time in this process`,
);
const rows: Row[] = [];
for (const level of LEVELS) {
  rows.push(await directRow(level));
  rows.push(await brokerRow(level));
}
printTable(rows);

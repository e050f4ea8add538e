/**
 * A load benchmark of the broker's record routes (`sentinel serve`, DESIGN §15), not a timed test:
 * at 1 and 10 concurrent clients, each round is what a request and its approval cost — alice asks
 * for prod (`POST /v1/requests/create`, `anyway`, so every round makes a request), bob approves it
 * (`POST /v1/requests/decide`) — each call with a fresh caller proof signed by the product's own
 * client, checked by the broker at STS, remembered in the store, judged by the policy, written with
 * a conditional write, logged to the hash-chained decision log. Per route: calls per second,
 * p50/p95/p99 in ms, errors; the broker's CPU per call (from /proc/<pid>/stat) and its memory.
 * The world is test/harness/broker.ts's: moto with IAM checks on, a real `sentinel serve` with a
 * SQLite store (`STORE=dynamodb` for a table in moto).
 *
 *   deno task bench:records                       # needs the test peers: deno task setup
 *   SECONDS=5 LEVELS=1 deno task bench:records    # a short smoke run
 *
 * Knobs: `SECONDS` (default 20) per row, `LEVELS` (default "1,10"), `STORE` (sqlite, dynamodb).
 *
 * @module
 */
import { brokerWorld } from "../test/harness/broker.ts";
import { FetchBrokerClient } from "../src/adapters/broker/client.ts";
import { BROKER_PATHS, type HealthAnswer } from "../src/core/broker/api.ts";
import type { AwsCredentials } from "../src/ports/aws.ts";
import { CLK_TCK, cpuMs, percentile, statusMb } from "./proc_stats.ts";

const SECONDS = Number(Deno.env.get("SECONDS") ?? 20);
const LEVELS = (Deno.env.get("LEVELS") ?? "1,10").split(",").map((level) => Number(level));
const STORE = Deno.env.get("STORE") === "dynamodb" ? "dynamodb" : "sqlite";
const TIMEOUT_MS = 10_000;

const POLICY = `version: "1"
rules:
  - name: prod-needs-approval
    effect: require_approval
    conditions: { profiles: [prod] }
approvals:
  - name: prod-approvers
    profiles: [prod]
    approvers: [bob]
    max_duration: 2h
`;

/** The latencies of one route, and its failures by kind. */
interface RouteSample {
  ms: number[];
  errors: Map<string, number>;
}

/** Sends one proven call; its latency, or why it failed. */
async function call(
  client: FetchBrokerClient,
  target: { server: string; health: HealthAnswer },
  path: string,
  body: unknown,
  credentials: AwsCredentials,
): Promise<{ ok: true; ms: number; body: Record<string, unknown> } | { ok: false; kind: string }> {
  const start = performance.now();
  try {
    const answer = await client.send({
      server: target.server,
      method: "POST",
      path,
      body: JSON.stringify(body),
      proof: {
        credentials,
        endpoint: { host: target.health.proof_host, region: target.health.proof_region },
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const ms = performance.now() - start;
    const parsed = JSON.parse(answer.text);
    return answer.status === 200
      ? { ok: true, ms, body: parsed }
      : { ok: false, kind: `HTTP ${answer.status} ${parsed.code}` };
  } catch (error) {
    return { ok: false, kind: String((error as Error)?.message ?? error).slice(0, 80) };
  }
}

function record(
  sample: RouteSample,
  outcome: { ok: true; ms: number } | { ok: false; kind: string },
) {
  if (outcome.ok) sample.ms.push(outcome.ms);
  else sample.errors.set(outcome.kind, (sample.errors.get(outcome.kind) ?? 0) + 1);
}

/** One row: `level` clients asking and approving for SECONDS on a fresh world. */
async function row(level: number) {
  await using world = await brokerWorld({ store: STORE, policy: POLICY });
  await world.broker.stop();
  const broker = await world.startBroker(["--caller-rate", "100000", "--max-in-flight", "1000"]);
  const health: HealthAnswer = await (await fetch(`${broker.url}${BROKER_PATHS.health}`)).json();
  const target = { server: broker.url, health };
  const client = new FetchBrokerClient();
  const create: RouteSample = { ms: [], errors: new Map() };
  const decide: RouteSample = { ms: [], errors: new Map() };
  const pid = broker.process.pid;
  const cpuBefore = cpuMs(pid)!;
  const end = performance.now() + SECONDS * 1000;
  let round = 0;
  const loop = async () => {
    while (performance.now() < end) {
      const reason = `load round ${round++}`; // unique bodies: each call's proof is unique anyway
      const asked = await call(client, target, BROKER_PATHS.createRequest, {
        profile: "prod",
        reason,
        anyway: true,
      }, world.keys.alice);
      record(create, asked);
      if (!asked.ok) continue;
      const id = (asked.body.request as { id: string }).id;
      record(
        decide,
        await call(
          client,
          target,
          BROKER_PATHS.decideRequest,
          { id, action: "approve" },
          world.keys.bob,
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: level }, loop));
  const calls = create.ms.length + decide.ms.length;
  const cpuPerCall = (cpuMs(pid)! - cpuBefore) / calls;
  const peak = statusMb(pid, "VmHWM");
  await broker.stop();
  return { level, create, decide, cpuPerCall, peak };
}

const line = (name: string, level: number, sample: RouteSample) => {
  const rate = sample.ms.length / SECONDS;
  const errors = [...sample.errors].map(([kind, n]) => `${n}× ${kind}`).join("; ") || "0";
  return `${String(level).padStart(7)} ${name.padEnd(8)} ${rate.toFixed(1).padStart(7)} ${
    [50, 95, 99].map((p) => percentile(sample.ms, p).toFixed(1).padStart(7)).join(" ")
  }  ${errors}`;
};

console.log(
  `records load: ${STORE} store, ${SECONDS} s per row, CPU from /proc at ${CLK_TCK} ticks/s; load ${
    Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ")
  }`,
);
console.log("clients route    calls/s     p50     p95     p99  errors");
for (const level of LEVELS) {
  const measured = await row(level);
  console.log(line("create", level, measured.create));
  console.log(line("approve", level, measured.decide));
  console.log(
    `        broker CPU per call ${measured.cpuPerCall.toFixed(1)} ms, peak RSS ${
      measured.peak.toFixed(0)
    } MB`,
  );
}

/**
 * Whole-process timing of `sentinel credentials` (DESIGN §6 "Speed") against a local moto server,
 * row by row against the targets of the performance issue, each as a ratio to `deno run` of an
 * empty script measured in the same run: a baseline sample is taken right before every row's
 * sample, so load drift from other work on the machine hits both. Medians of `RUNS` rounds
 * (default 15). Times are of the processes alone (spawned directly); peak RSS comes from GNU time
 * in a separate, untimed run of each row per round. Then a burst of `BURST` (default 50; 0 skips
 * it) parallel cold calls that must all get the same session from exactly one AssumeRole (moto's
 * recorder counts them). A last row, not Sentinel, times bench/warm_floor.ts: the I/O the warm path
 * cannot do without, written flat in one file, which shows the floor of the warm path's ratio on
 * this runtime.
 *
 *   deno task bench:cli            # needs the test peers: deno task setup
 *   RUNS=5 BURST=20 deno task bench:cli
 *
 * @module
 */
import { setupScenario } from "../test/harness/scenario.ts";
import { credentialProcess } from "../test/harness/aws_home.ts";
import { baseEnv, sentinelCommand } from "../test/harness/sentinel.ts";
import { runtimeFlags } from "../scripts/runtime_flags.ts";
import { largePolicy, twoZonePolicy } from "./bench_policies.ts";

const RUNS = Number(Deno.env.get("RUNS") ?? 15);
const BURST = Number(Deno.env.get("BURST") ?? 50);
const LARGE_RULES = 2_000;
const TIME = "/usr/bin/time";
const ROLE = "arn:aws:iam::123456789012:role/SentinelProd";

/** One measured path: how to run it, what to do before each run, and its targets. */
interface Row {
  label: string;
  /** The target, as a ratio of the median to the baseline's. */
  ratioTarget: number;
  rssTargetMb: number;
  profile: string;
  env: Record<string, string>;
  /** Untimed, before each run: puts the cache in the state the row measures. */
  prepare(): Promise<void>;
  /** What runs instead of `sentinel credentials <profile>` (the floor row). */
  command?: string[];
  /** Wall times, ms. */
  samples: number[];
  /** The baseline's wall time right before each sample, ms. */
  baselines: number[];
  /** Peak RSS of separate runs, KB. */
  rssKb: number[];
}

/** Runs `command` to the end and returns its wall time in ms; it must exit 0. */
async function timed(command: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now();
  const { code, stderr } = await new Deno.Command(command[0], {
    args: command.slice(1),
    env: baseEnv(env),
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  if (code !== 0) {
    throw new Error(`${command.join(" ")} failed: ${new TextDecoder().decode(stderr)}`);
  }
  return ms;
}

/** Runs `command` under GNU time and returns its peak RSS in KB; it must exit 0. */
async function peakRss(command: string[], env: Record<string, string>): Promise<number> {
  const rssFile = await Deno.makeTempFile();
  const { code, stderr } = await new Deno.Command(TIME, {
    args: ["-f", "%M", "-o", rssFile, ...command],
    env: baseEnv(env),
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  const rssText = await Deno.readTextFile(rssFile);
  await Deno.remove(rssFile);
  if (code !== 0) {
    throw new Error(`${command.join(" ")} failed: ${new TextDecoder().decode(stderr)}`);
  }
  return Number(rssText.trim().split("\n").at(-1));
}

/** Runs `sentinel credentials <profile>` once, untimed; returns its stdout. */
async function credentials(profile: string, env: Record<string, string>): Promise<string> {
  const [command, ...args] = sentinelCommand();
  const run = await new Deno.Command(command, {
    args: [...args, "credentials", profile],
    env: baseEnv(env),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  if (run.code !== 0) {
    throw new Error(`credentials ${profile} failed (${run.code}): ${decoder.decode(run.stderr)}`);
  }
  return decoder.decode(run.stdout);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Marks every cached session in `cacheDir` as expired a minute ago; the rest stays cached. */
async function expireSessions(cacheDir: string): Promise<void> {
  for await (const file of Deno.readDir(`${cacheDir}/credentials`)) {
    if (!file.name.endsWith(".json")) continue;
    const path = `${cacheDir}/credentials/${file.name}`;
    const entry = JSON.parse(await Deno.readTextFile(path));
    entry.credentials.expiration = Date.now() - 60_000;
    await Deno.writeTextFile(path, JSON.stringify(entry));
  }
}

await using scenario = await setupScenario(
  "alice",
  "file",
  `
[profile bulk]
credential_process = ${credentialProcess("bulk")}
sentinel_role_arn = ${ROLE}
sentinel_source_profile = base
sentinel_policy = $HOME/large.yaml
`,
);
const home = scenario.home;
await Deno.writeTextFile(scenario.policyPath, twoZonePolicy("prod", "alice", ROLE));
await Deno.writeTextFile(
  `${home.dir}/large.yaml`,
  largePolicy(LARGE_RULES, "bulk", "alice", ROLE),
);
// `$HOME` is not expanded in the AWS config: write the path out.
const config = await Deno.readTextFile(`${home.dir}/.aws/config`);
await Deno.writeTextFile(`${home.dir}/.aws/config`, config.replace("$HOME", home.dir));

/** An environment with its own cache directory and decision log. */
function envFor(slug: string): Record<string, string> {
  return {
    ...home.env,
    SENTINEL_CACHE_DIR: `${home.dir}/cache-${slug}`,
    SENTINEL_LOG_FILE: `${home.dir}/state-${slug}/decisions.jsonl`,
  };
}

function row(
  label: string,
  ratioTarget: number,
  rssTargetMb: number,
  profile: string,
  slug: string,
  prepare: (env: Record<string, string>) => Promise<void>,
): Row {
  const env = envFor(slug);
  return {
    label,
    ratioTarget,
    rssTargetMb,
    profile,
    env,
    prepare: () => prepare(env),
    samples: [],
    baselines: [],
    rssKb: [],
  };
}

const rows: Row[] = [
  row("warm, windows in 2 zones", 1.3, 35, "prod", "warm", async () => {}),
  row(`warm, ${LARGE_RULES} rules in 6 zones`, 1.5, 45, "bulk", "large", async () => {}),
  row("cold, identity+policy cached", 3, 60, "prod", "cached", async (env) => {
    await expireSessions(env.SENTINEL_CACHE_DIR);
  }),
  row("cold, fresh HOME (nothing cached)", 5, 60, "prod", "fresh", async (env) => {
    await Deno.remove(env.SENTINEL_CACHE_DIR, { recursive: true }).catch(() => {});
    await Deno.remove(`${home.dir}/state-fresh`, { recursive: true }).catch(() => {});
  }),
];
const floor = row(
  "floor: warm path's I/O, flat (not Sentinel)",
  NaN,
  NaN,
  "prod",
  "warm",
  async () => {},
);
floor.command = [
  Deno.execPath(),
  "run",
  "--quiet",
  ...runtimeFlags(),
  new URL("./warm_floor.ts", import.meta.url).pathname,
  floor.env.SENTINEL_CACHE_DIR,
  scenario.policyPath,
  `${home.dir}/state-floor/decisions.jsonl`,
];
rows.push(floor);

const empty = await Deno.makeTempFile({ suffix: ".ts" });
const baselineCommand = [Deno.execPath(), "run", empty];
const sentinel = sentinelCommand();

console.log(
  `${RUNS} rounds; a baseline (deno run of an empty script) runs right before every timed sample; ` +
    "RSS from separate runs under GNU time",
);
for (const r of rows) await credentials(r.profile, r.env); // warms every cache, checks it works
await timed(baselineCommand, home.env);
const baselineRssKb: number[] = [];
for (let round = 0; round < RUNS; round++) {
  baselineRssKb.push(await peakRss(baselineCommand, home.env));
  for (const r of rows) {
    const command = r.command ?? [...sentinel, "credentials", r.profile];
    await r.prepare();
    r.baselines.push(await timed(baselineCommand, home.env));
    r.samples.push(await timed(command, r.env));
    await r.prepare();
    r.rssKb.push(await peakRss(command, r.env));
  }
}

const allBaselines = rows.flatMap((r) => r.baselines);
const baselineMs = median(allBaselines);
const baselineRss = median(baselineRssKb) / 1024;
const pad = (text: string, width: number) => text.padStart(width);
console.log(
  `${"path".padEnd(44)}${pad("median ms", 10)}${pad("min ms", 8)}${pad("× base", 8)}${
    pad("target", 8)
  }${pad("RSS MB", 8)}${pad("target", 8)}  met`,
);
console.log(
  `${"deno run (empty script)".padEnd(44)}${pad(baselineMs.toFixed(1), 10)}${
    pad(Math.min(...allBaselines).toFixed(1), 8)
  }${pad("1.00", 8)}${pad("", 8)}${pad(baselineRss.toFixed(1), 8)}`,
);
for (const r of rows) {
  const ms = median(r.samples);
  // The ratio of medians, each sample paired with the baseline run just before it.
  const ratio = ms / median(r.baselines);
  const rss = median(r.rssKb) / 1024;
  const met = ratio <= r.ratioTarget && rss <= r.rssTargetMb;
  const target = (value: number) => Number.isNaN(value) ? "" : `≤${value}`;
  console.log(
    `${r.label.padEnd(44)}${pad(ms.toFixed(1), 10)}${pad(Math.min(...r.samples).toFixed(1), 8)}${
      pad(ratio.toFixed(2), 8)
    }${pad(target(r.ratioTarget), 8)}${pad(rss.toFixed(1), 8)}${pad(target(r.rssTargetMb), 8)}  ${
      r.command ? "" : met ? "yes" : "NO"
    }`,
  );
}

// The burst: BURST parallel cold calls with nothing cached; exactly one may reach STS.
if (BURST > 0) await burst();
await Deno.remove(empty);

async function burst(): Promise<void> {
  const burstEnv = envFor("burst");
  const before = (await scenario.moto.assumeRoleCalls()).length;
  const [command, ...args] = sentinel;
  const start = performance.now();
  const runs = await Promise.all(
    Array.from({ length: BURST }, () =>
      new Deno.Command(command, {
        args: [...args, "credentials", "prod"],
        env: baseEnv(burstEnv),
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output()),
  );
  const burstMs = performance.now() - start;
  const assumeRoles = (await scenario.moto.assumeRoleCalls()).length - before;
  const succeeded = runs.filter((r) => r.code === 0);
  const sessions = new Set(
    succeeded.map((r) => JSON.parse(new TextDecoder().decode(r.stdout)).AccessKeyId),
  );
  const burstOk = succeeded.length === BURST && sessions.size === 1 && assumeRoles === 1;
  console.log(
    `burst of ${BURST} parallel cold calls: ${succeeded.length} succeeded, ${sessions.size} ` +
      `distinct session(s), ${assumeRoles} AssumeRole at STS, ${burstMs.toFixed(0)} ms in all  ${
        burstOk ? "yes" : "NO"
      }`,
  );
}

/**
 * What each AWS transport costs a cold process: the time to import it (whole `deno run` of a
 * script that only imports it, against an empty script, and the import alone measured inside the
 * process), and one cold GetCallerIdentity + AssumeRole against a local moto server (import,
 * first connection and both calls, in a fresh process each time). Medians of repeated runs,
 * transports interleaved so that machine load hits both alike.
 *
 *   deno run --allow-all bench/aws_transport_timing.ts     # needs the test peers: deno task setup
 *   RUNS=40 deno run --allow-all bench/aws_transport_timing.ts
 *
 * @module
 */
import { createIamUser } from "../test/harness/aws_home.ts";
import { startMoto } from "../test/harness/moto.ts";
import { baseEnv } from "../test/harness/sentinel.ts";

const RUNS = Number(Deno.env.get("RUNS") ?? 25);
const ROOT = new URL("../", import.meta.url).pathname;
const FETCH = `${ROOT}src/adapters/aws/fetch_transport.ts`;
const SDK = `${ROOT}src/adapters/aws/sdk.ts`;

/** Scripts whose import cost is measured; each prints the in-process import time in ms. */
const IMPORTS: Record<string, string> = {
  "empty script": `console.log(0);`,
  "fetch_transport.ts": `const t = performance.now(); await import("${FETCH}");
console.log(performance.now() - t);`,
  "sdk.ts (its clients stay lazy)": `const t = performance.now(); await import("${SDK}");
console.log(performance.now() - t);`,
  "sdk.ts + client-sts + client-ssm": `const t = performance.now(); await import("${SDK}");
await import("@aws-sdk/client-sts"); await import("@aws-sdk/client-ssm");
console.log(performance.now() - t);`,
};

/** One cold GetCallerIdentity + AssumeRole; prints the in-process time from import to answer. */
const COLD_CALLS = (module: string, factory: string) => `
const t = performance.now();
const { ${factory} } = await import("${module}");
const { sts } = ${factory}({ endpoints: (name) => Deno.env.get(name) });
const credentials = {
  accessKeyId: Deno.env.get("KEY_ID"),
  secretAccessKey: Deno.env.get("KEY_SECRET"),
};
const call = () => ({ region: "us-east-1", signal: AbortSignal.timeout(30_000) });
await sts.getCallerIdentity(credentials, call());
await sts.assumeRole(credentials, call(), {
  roleArn: "arn:aws:iam::123456789012:role/SentinelProd",
  roleSessionName: "sentinel-bench",
  sourceIdentity: "sentinel=bench=r-1",
  durationSeconds: 900,
});
console.log(performance.now() - t);
`;

interface Sample {
  wallMs: number;
  innerMs: number;
}

async function run(script: string, env: Record<string, string> = {}): Promise<Sample> {
  const start = performance.now();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", `${ROOT}deno.json`, script],
    cwd: ROOT,
    env: baseEnv(env),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wallMs = performance.now() - start;
  if (code !== 0) throw new Error(`${script} failed: ${new TextDecoder().decode(stderr)}`);
  return { wallMs, innerMs: Number(new TextDecoder().decode(stdout).trim()) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs every script `RUNS` times, interleaved, after one warm-up run each. */
async function measureAll(
  scripts: Record<string, string>,
  env: Record<string, string> = {},
): Promise<Record<string, Sample[]>> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-aws-bench-" });
  const files: Record<string, string> = {};
  for (const [i, [label, source]] of Object.entries(scripts).entries()) {
    files[label] = `${dir}/probe_${i}.ts`;
    await Deno.writeTextFile(files[label], source);
    await run(files[label], env);
  }
  const samples: Record<string, Sample[]> = Object.fromEntries(
    Object.keys(scripts).map((label) => [label, []]),
  );
  for (let i = 0; i < RUNS; i++) {
    for (const label of Object.keys(scripts)) samples[label].push(await run(files[label], env));
  }
  await Deno.remove(dir, { recursive: true });
  return samples;
}

function report(title: string, samples: Record<string, Sample[]>) {
  console.log(`\n${title} (median of ${RUNS} runs)`);
  for (const [label, list] of Object.entries(samples)) {
    const wall = median(list.map((s) => s.wallMs));
    const inner = median(list.map((s) => s.innerMs));
    console.log(
      `  ${label.padEnd(34)} process ${wall.toFixed(1).padStart(7)} ms   in-process ${
        inner.toFixed(1).padStart(7)
      } ms`,
    );
  }
}

report("Import cost", await measureAll(IMPORTS));

{
  await using moto = await startMoto();
  const key = await createIamUser(moto, "bench");
  const env = {
    AWS_ENDPOINT_URL: moto.endpoint,
    KEY_ID: key.accessKeyId,
    KEY_SECRET: key.secretAccessKey,
  };
  report(
    "Cold GetCallerIdentity + AssumeRole against moto, fresh process each",
    await measureAll({
      "fetch transport": COLD_CALLS(FETCH, "createFetchTransport"),
      "sdk transport": COLD_CALLS(SDK, "createSdkTransport"),
    }, env),
  );
}

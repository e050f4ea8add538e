/**
 * Whole-process timing of `sentinel credentials` (DESIGN §6 "Speed"): the warm path against
 * `deno run` of an empty script, and cold issuance against a local moto server; medians of
 * repeated runs, with peak RSS from GNU time.
 *
 *   deno task bench:cli            # needs the test peers: deno task setup
 *
 * @module
 */
import { setupScenario } from "../test/harness/scenario.ts";
import { baseEnv, sentinelCommand } from "../test/harness/sentinel.ts";

const RUNS = Number(Deno.env.get("RUNS") ?? 15);
const TIME = "/usr/bin/time";

interface Sample {
  ms: number;
  rssKb: number;
}

async function measure(command: string[], env: Record<string, string>): Promise<Sample> {
  const rssFile = await Deno.makeTempFile();
  const start = performance.now();
  const { code, stderr } = await new Deno.Command(TIME, {
    args: ["-f", "%M", "-o", rssFile, ...command],
    env: baseEnv(env),
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  if (code !== 0) {
    throw new Error(`${command.join(" ")} failed: ${new TextDecoder().decode(stderr)}`);
  }
  const rssKb = Number((await Deno.readTextFile(rssFile)).trim().split("\n").at(-1));
  await Deno.remove(rssFile);
  return { ms, rssKb };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(label: string, samples: Sample[]) {
  const ms = samples.map((s) => s.ms);
  const result = {
    medianMs: median(ms),
    minMs: Math.min(...ms),
    medianRssMb: median(samples.map((s) => s.rssKb)) / 1024,
  };
  console.log(
    `${label.padEnd(44)} median ${result.medianMs.toFixed(1).padStart(7)} ms  min ${
      result.minMs.toFixed(1).padStart(7)
    } ms  peak RSS ${result.medianRssMb.toFixed(1)} MB`,
  );
  return result;
}

await using scenario = await setupScenario("alice");
const env = scenario.home.env;
const empty = await Deno.makeTempFile({ suffix: ".ts" });
const sentinel = [...sentinelCommand(), "credentials", "prod"];
const baselineCommand = [Deno.execPath(), "run", empty];

console.log(`${RUNS} runs each; baseline and warm runs interleaved so that load drift hits both`);
const first = await new Deno.Command(sentinel[0], {
  args: sentinel.slice(1),
  env: baseEnv(env),
  clearEnv: true,
}).output();
if (first.code !== 0) throw new Error(new TextDecoder().decode(first.stderr));
await measure(baselineCommand, env);
const baselineSamples: Sample[] = [];
const warmSamples: Sample[] = [];
for (let i = 0; i < RUNS; i++) {
  baselineSamples.push(await measure(baselineCommand, env));
  warmSamples.push(await measure(sentinel, env));
}
const baseline = report("deno run (empty script)", baselineSamples);
const warm = report("sentinel credentials (warm, cached)", warmSamples);
const coldSamples: Sample[] = [];
for (let i = 0; i < RUNS; i++) {
  await Deno.remove(scenario.home.cacheDir, { recursive: true }).catch(() => {});
  coldSamples.push(await measure(sentinel, env));
}
const cold = report("sentinel credentials (cold, moto STS)", coldSamples);
console.log(
  `warm / empty deno run: ${(warm.medianMs / baseline.medianMs).toFixed(2)}x; cold / warm: ${
    (cold.medianMs / warm.medianMs).toFixed(1)
  }x`,
);
await Deno.remove(empty);

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

async function series(
  label: string,
  command: string[],
  env: Record<string, string>,
  before?: () => Promise<void>,
) {
  const samples: Sample[] = [];
  await measure(command, env).catch(() => {}); // warm the OS and Deno caches once
  for (let i = 0; i < RUNS; i++) {
    await before?.();
    samples.push(await measure(command, env));
  }
  const result = {
    label,
    medianMs: median(samples.map((s) => s.ms)),
    minMs: Math.min(...samples.map((s) => s.ms)),
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

console.log(`${RUNS} runs each`);
const baseline = await series("deno run (empty script)", [Deno.execPath(), "run", empty], env);
const first = await new Deno.Command(sentinel[0], {
  args: sentinel.slice(1),
  env: baseEnv(env),
  clearEnv: true,
}).output();
if (first.code !== 0) throw new Error(new TextDecoder().decode(first.stderr));
const warm = await series("sentinel credentials (warm, cached)", sentinel, env);
const cold = await series(
  "sentinel credentials (cold, moto STS)",
  sentinel,
  env,
  () => Deno.remove(scenario.home.cacheDir, { recursive: true }).catch(() => {}),
);
console.log(
  `warm / empty deno run: ${(warm.medianMs / baseline.medianMs).toFixed(2)}x; cold / warm: ${
    (cold.medianMs / warm.medianMs).toFixed(1)
  }x`,
);
await Deno.remove(empty);

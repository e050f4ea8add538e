/**
 * The permission and unstable flags Sentinel runs with, read from the `sentinel` task in deno.json
 * so that `deno task sentinel`, the compiled binary and the end-to-end tests share one list.
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };

/** Flags between `deno run` and `main.ts` in the `sentinel` task. */
export function runtimeFlags(): string[] {
  const words = denoConfig.tasks.sentinel.split(/\s+/);
  const start = words.indexOf("run") + 1;
  const end = words.indexOf("main.ts");
  if (start === 0 || end === -1) {
    throw new Error('deno.json: the "sentinel" task must read "deno run <flags> main.ts"');
  }
  return words.slice(start, end);
}

if (import.meta.main) console.log(runtimeFlags().join(" "));

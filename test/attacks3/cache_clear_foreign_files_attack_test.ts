/**
 * `sentinel cache clear` removes every `*.json` in the cache's `credentials/`, `policy/` and
 * `identity/` folders. With `SENTINEL_CACHE_DIR` pointed at the wrong place (a project folder that
 * happens to have a `policy/` folder of JSON), it deletes the person's own files.
 *
 * Expected: only entry files Sentinel writes (named by hex digests) are removed; anything else
 * stays. src/adapters/credential_cache.ts (#entries filtered on `.json` only).
 */
import { assertEquals } from "../assert.ts";
import { runSentinel } from "../harness/sentinel.ts";

Deno.test("attack: cache clear with a cache folder that holds other .json files removes only Sentinel's entries", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-cache-clear-" });
  try {
    const ours = `${dir}/policy/${"ab".repeat(32)}.json`;
    const theirs = [`${dir}/policy/team-policy.json`, `${dir}/credentials/notes.json`];
    await Deno.mkdir(`${dir}/policy`);
    await Deno.mkdir(`${dir}/credentials`);
    for (const path of [ours, ...theirs]) await Deno.writeTextFile(path, "{}");
    const run = await runSentinel(["cache", "clear"], {
      env: {
        HOME: dir,
        SENTINEL_CACHE_DIR: dir,
        AWS_CONFIG_FILE: "/dev/null",
        DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
      },
    });
    assertEquals(run.code, 0, run.stderr);
    const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
    assertEquals(await exists(ours), false);
    for (const path of theirs) assertEquals(await exists(path), true, `${path} was removed`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

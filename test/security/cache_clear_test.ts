/**
 * `sentinel cache clear` removes Sentinel's own cache entries and nothing else.
 *
 * - Only entry files Sentinel writes (named by hex digests) are removed: a cache folder that holds
 *   other `.json` files (SENTINEL_CACHE_DIR pointed at a project folder) keeps them.
 * - Nothing outside the real cache folder is removed: a cache folder that is a symbolic link, or a
 *   `credentials/`, `policy/` or `identity/` folder in it that is one, is refused before anything
 *   is removed (exit 3).
 * - A profile that exists nowhere is a usage error with the near names (exit 2).
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { exists } from "../harness/files.ts";
import { plainHome } from "../harness/plain_home.ts";
import { runSentinel } from "../harness/sentinel.ts";

const ENTRY = `${"ab".repeat(8)}-${"cd".repeat(32)}.json`;
/** A home whose cache folder is `<home>/cache`, with profiles prod and prod-eu. */
function home() {
  return plainHome({
    prefix: "sentinel-cache-clear-",
    config: "[profile prod]\nregion = us-east-1\n\n[profile prod-eu]\nregion = eu-west-1\n",
    env: (dir) => ({ SENTINEL_CACHE_DIR: `${dir}/cache` }),
  });
}

/** A folder of someone else's files, named as Sentinel names its entries. */
async function victim(dir: string): Promise<string[]> {
  const files = [`${dir}/credentials/${ENTRY}`, `${dir}/policy/${"ef".repeat(32)}.json`];
  for (const file of files) {
    await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(file, "{}");
  }
  return files;
}

Deno.test("cache clear removes only Sentinel's own entries from a cache folder that holds other .json files", async () => {
  await using cache = await plainHome({ prefix: "sentinel-cache-clear-" });
  const dir = cache.dir;
  const ours = `${dir}/policy/${"ab".repeat(32)}.json`;
  const theirs = [`${dir}/policy/team-policy.json`, `${dir}/credentials/notes.json`];
  await Deno.mkdir(`${dir}/policy`);
  await Deno.mkdir(`${dir}/credentials`);
  for (const path of [ours, ...theirs]) await Deno.writeTextFile(path, "{}");
  const run = await runSentinel(["cache", "clear"], {
    env: { ...cache.env, SENTINEL_CACHE_DIR: dir, AWS_CONFIG_FILE: "/dev/null" },
  });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(await exists(ours), false);
  for (const path of theirs) assertEquals(await exists(path), true, `${path} was removed`);
});

Deno.test("cache clear never removes a file outside the real cache folder: a symlinked cache folder is refused", async () => {
  await using h = await home();
  const elsewhere = `${h.dir}/elsewhere`;
  const files = await victim(elsewhere);
  await Deno.symlink(elsewhere, `${h.dir}/cache`);
  for (const args of [["cache", "clear"], ["cache", "clear", "prod"]]) {
    const run = await runSentinel([...args, "--output", "json"], { env: h.env });
    assertEquals(run.code, 3, run.stderr);
    const error = JSON.parse(run.stderr);
    assertEquals(error.error, "cache_symlink");
    assertIncludes(error.message, `${h.dir}/cache is a symbolic link to ${elsewhere}`);
    assertIncludes(error.message, "nothing was removed");
    assertIncludes(error.message, "SENTINEL_CACHE_DIR");
    for (const file of files) assertEquals(await exists(file), true, `${file} was removed`);
  }
});

Deno.test("cache clear never follows a symlinked folder inside the cache; nothing is removed", async () => {
  await using h = await home();
  const elsewhere = `${h.dir}/elsewhere`;
  const [theirs] = await victim(elsewhere);
  const ours = `${h.dir}/cache/identity/${"12".repeat(32)}.json`;
  await Deno.mkdir(`${h.dir}/cache/identity`, { recursive: true });
  await Deno.writeTextFile(ours, "{}");
  await Deno.symlink(`${elsewhere}/credentials`, `${h.dir}/cache/credentials`);
  const run = await runSentinel(["cache", "clear"], { env: h.env });
  assertEquals(run.code, 3, run.stderr);
  assertIncludes(run.stderr, `${h.dir}/cache/credentials is a symbolic link`);
  assertEquals(await exists(theirs), true, "a file in the link's target was removed");
  assertEquals(await exists(ours), true, "the refusal removed entries all the same");
  // With the link gone, the real cache is cleared.
  await Deno.remove(`${h.dir}/cache/credentials`);
  const cleared = await runSentinel(["cache", "clear"], { env: h.env });
  assertEquals(cleared.code, 0, cleared.stderr);
  assertIncludes(cleared.stdout, "0 sessions, 0 policies and 1 identity");
  assertEquals(await exists(ours), false);
  assertEquals(await exists(theirs), true);
});

Deno.test("cache clear of a profile that exists nowhere says so with the near names (exit 2)", async () => {
  await using h = await home();
  const nosuch = await runSentinel(["cache", "clear", "nosuch", "--output", "json"], {
    env: h.env,
  });
  assertEquals(nosuch.code, 2, nosuch.stderr);
  const error = JSON.parse(nosuch.stderr);
  assertEquals(error.error, "unknown_profile");
  assertIncludes(error.message, `profile "nosuch" is not in ${h.dir}/.aws/config`);
  assertIncludes(error.message, "known profiles: prod, prod-eu");
  const typo = await runSentinel(["cache", "clear", "prdo"], { env: h.env });
  assertEquals(typo.code, 2, typo.stderr);
  assertIncludes(typo.stderr, 'did you mean "prod"');
  const known = await runSentinel(["cache", "clear", "prod"], { env: h.env });
  assertEquals([known.code, known.stdout], [0, "removed 0 cached sessions of prod\n"]);
});

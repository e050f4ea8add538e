/**
 * `sentinel cache clear` (issue 17, robustness): it removes nothing outside the real cache folder
 * — a cache folder that is a symbolic link, or a `credentials/`, `policy/` or `identity/` folder
 * in it that is one, is refused before anything is removed (exit 3), where it used to follow the
 * link and delete entry-named files in its target — and a profile that exists nowhere is a usage
 * error with the near names (exit 2), not "removed 0 cached session(s) of nosuch".
 */
import { assertEquals, assertIncludes } from "../assert.ts";
import { runSentinel } from "../harness/sentinel.ts";

const ENTRY = `${"ab".repeat(8)}-${"cd".repeat(32)}.json`;
const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

async function home(): Promise<{ dir: string; env: Record<string, string> } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-cache-clear-" });
  await Deno.mkdir(`${dir}/.aws`);
  await Deno.writeTextFile(
    `${dir}/.aws/config`,
    "[profile prod]\nregion = us-east-1\n\n[profile prod-eu]\nregion = eu-west-1\n",
  );
  return {
    dir,
    env: {
      HOME: dir,
      AWS_CONFIG_FILE: `${dir}/.aws/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`,
      SENTINEL_CACHE_DIR: `${dir}/cache`,
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
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

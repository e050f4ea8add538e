/**
 * Stamps the build: writes dist/build_info.json with the commit this checkout is at (`git describe
 * --tags --always --dirty`, or "unknown" without git), which `sentinel --version` prints. Run by
 * `deno task compile` and scripts/install.sh; dist/ is git-ignored.
 *
 *   deno run --allow-run=git --allow-read --allow-write=dist scripts/build_info.ts
 *
 * @module
 */

const root = new URL("..", import.meta.url).pathname;

/** The commit of the checkout, as `git describe` names it, or "unknown". */
export async function describeCommit(): Promise<string> {
  try {
    const { success, stdout } = await new Deno.Command("git", {
      args: ["-C", root, "describe", "--tags", "--always", "--dirty"],
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(stdout).trim();
    return success && /^[\w.+-]{1,80}$/.test(text) ? text : "unknown";
  } catch {
    return "unknown";
  }
}

/** Writes dist/build_info.json and returns its path. */
export async function writeBuildInfo(): Promise<string> {
  const path = `${root}dist/build_info.json`;
  await Deno.mkdir(`${root}dist`, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify({ commit: await describeCommit() }) + "\n");
  return path;
}

if (import.meta.main) console.log(await writeBuildInfo());

/**
 * Many people keep ~/.aws/config in a dotfiles repository and link it into place
 * (`~/.aws/config -> ~/dotfiles/aws/config`, as stow, chezmoi's symlink mode or yadm do).
 * `sentinel init` writes the new config with a temp file and `rename` over the *link*: the link
 * is silently replaced by a regular file (mode 0600), the dotfile it pointed to never gets the
 * profile, and from then on edits to the dotfile (or a `git pull` of it) no longer reach the
 * AWS CLI — while init reports "Wrote ~/.aws/config". (`aws configure set` writes through the
 * link.)
 *
 * Expected (README "init … writes a layout-1 profile (diff, backup)"; "every other line stays as
 * it was"): init edits the file the link points to (keeping the link), or refuses with a clear
 * message and changes nothing; it never replaces the link.
 * At fault: src/app/init.ts:132 (`deps.files.writePrivate(plan.configPath, …)`) and
 * src/adapters/files.ts:116 (writePrivateFile renames over the path, link or not). Fix: resolve
 * the config path with `Deno.realPath` before the backup and the atomic write (write the temp
 * file beside the target), or refuse a symlinked config with the command to edit it by hand.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { runSentinel } from "../harness/sentinel.ts";

const ROLE = "arn:aws:iam::123456789012:role/SentinelProd";
const CONFIG = "[profile base]\nregion = us-east-1\n";

Deno.test("attack: init on a symlinked ~/.aws/config replaces the link with a regular file; the dotfile never gets the profile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sentinel-adv3-link-" });
  try {
    await Deno.mkdir(`${dir}/.aws`);
    await Deno.mkdir(`${dir}/dotfiles/aws`, { recursive: true });
    await Deno.writeTextFile(`${dir}/dotfiles/aws/config`, CONFIG);
    await Deno.symlink("../dotfiles/aws/config", `${dir}/.aws/config`);
    const run = await runSentinel([
      "init",
      "--yes",
      "--profile",
      "prod",
      "--role-arn",
      ROLE,
      "--source-profile",
      "base",
      "--user",
      "alice",
    ], {
      env: {
        HOME: dir,
        AWS_CONFIG_FILE: `${dir}/.aws/config`,
        DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
      },
    });
    const link = await Deno.lstat(`${dir}/.aws/config`);
    const dotfile = await Deno.readTextFile(`${dir}/dotfiles/aws/config`);
    if (run.code !== 0) {
      // Refusing is fine, as long as nothing changed.
      assertTrue(link.isSymlink && dotfile === CONFIG, "a refused init changed the config");
      return;
    }
    assertEquals(link.isSymlink, true, "init replaced the ~/.aws/config link with a regular file");
    assertIncludes(dotfile, "[profile prod]");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

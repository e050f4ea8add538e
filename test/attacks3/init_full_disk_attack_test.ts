/**
 * `sentinel init` on a full disk: the backup copy (`config.bak.<stamp>`) is written with
 * `Deno.writeFile(createNew)`, which leaves whatever fit — an empty or truncated file — when the
 * disk fills, and the error comes out as "internal error: No space left on device (os error 28):
 * writefile …config.bak…; this is a bug, please report it" (exit 1). A second attempt leaves a
 * second, differently truncated `config.bak.<stamp>-2`. The person is told to report a bug, and is
 * left with "backups" that look like their config but are not — the file they would restore from
 * after the next mishap.
 *
 * Expected (README "Commands": init exits 0/2/3/6, errors are for people with what to do next;
 * the brief: an error changes no state): a clear message that the disk is full (no "this is a
 * bug"), the config unchanged, and no partial backup left behind.
 * At fault: src/adapters/files.ts:222-242 (backupFile removes nothing when the write fails) and
 * src/app/init.ts:131-132 (file-system errors from backup/writePrivate are not turned into a
 * SentinelError). Fix: write the backup to a temp name and rename it only once complete (remove
 * the temp on any error), and map ENOSPC/EACCES/EROFS in applyInit to an exit-3 (or 6)
 * SentinelError naming the file and the cause.
 */
import { assertEquals, assertTrue } from "../assert.ts";
import { runSentinel } from "../harness/sentinel.ts";
import { canMountTmpfs, mountTmpfs } from "../harness/tmpfs.ts";

const MOUNTABLE = canMountTmpfs();

Deno.test({
  name: MOUNTABLE
    ? "attack: init on a full disk reports a bug (exit 1) and leaves truncated config.bak files"
    : "attack: init on a full disk — ignored: mounting a tmpfs needs root or CAP_SYS_ADMIN here",
  ignore: !MOUNTABLE,
  fn: async () => {
    await using disk = await mountTmpfs("64k");
    await Deno.mkdir(`${disk.dir}/.aws`);
    const lines = ["[profile base]", "region = us-east-1"];
    for (let i = 0; i < 300; i++) lines.push("", `[profile team${i}]`, "region = us-east-1");
    const config = lines.join("\n") + "\n";
    await Deno.writeTextFile(`${disk.dir}/.aws/config`, config);
    await disk.fill();
    const policy = await Deno.makeTempDir({ prefix: "sentinel-adv3-policy-" });
    try {
      const run = await runSentinel([
        "init",
        "--yes",
        "--profile",
        "prod",
        "--role-arn",
        "arn:aws:iam::123456789012:role/SentinelProd",
        "--source-profile",
        "base",
        "--user",
        "alice",
        "--policy",
        `${policy}/policy.yaml`,
      ], {
        env: {
          HOME: disk.dir,
          AWS_CONFIG_FILE: `${disk.dir}/.aws/config`,
          DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
        },
      });
      assertTrue(run.code !== 0, "init wrote on a full disk?");
      assertEquals(await Deno.readTextFile(`${disk.dir}/.aws/config`), config);
      const partial: string[] = [];
      for (const entry of Deno.readDirSync(`${disk.dir}/.aws`)) {
        if (!entry.name.startsWith("config.bak.")) continue;
        const text = await Deno.readTextFile(`${disk.dir}/.aws/${entry.name}`);
        if (text !== config) {
          partial.push(`${entry.name} (${text.length} of ${config.length} bytes)`);
        }
      }
      assertEquals(partial, [], "a truncated backup was left behind");
      assertTrue(!run.stderr.includes("this is a bug"), run.stderr);
    } finally {
      await Deno.remove(policy, { recursive: true });
    }
  },
});

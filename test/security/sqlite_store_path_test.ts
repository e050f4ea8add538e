/**
 * Where an SQLite store may be created.
 *
 * - A read never creates a store: `requests`, `requests show`, `approve`, `breakglass list/show`
 *   on a misspelt path create no file and no directory, and say there is no store there, where
 *   the setting came from and how to create one. A write (`request`) creates it, 0600 in a 0700
 *   directory.
 * - A store path that is a symbolic link to nothing is refused with both paths named (SQLite would
 *   otherwise create the link's target with the umask's mode, 0644, and start the team's state
 *   over); nothing is created.
 * - A path under /proc gets Sentinel's own message, not Deno's "--allow-all".
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { exists } from "../harness/files.ts";
import { startTeam, TEAM_POLICY } from "../harness/team.ts";

Deno.test("a read never creates a store: it says there is none, where the setting came from, and how to create one", async () => {
  await using t = await startTeam({ store: "sqlite", policy: TEAM_POLICY });
  const folder = `${t.home.dir}/misspelt`;
  const path = `${folder}/path.db`;
  const flag = ["--store", `sqlite:${path}`];
  for (
    const args of [
      ["requests", ...flag],
      ["requests", "show", "0123456789abcdef", ...flag],
      ["approve", "0123456789abcdef", "--aws-profile", "bob", ...flag],
      ["breakglass", "list", "--aws-profile", "bob", ...flag],
      ["breakglass", "show", "0123456789abcdef", "--aws-profile", "bob", ...flag],
    ]
  ) {
    const run = await t.run([...args, "--output", "json"]);
    assertEquals(run.code, 3, `${args.join(" ")}: ${run.stderr}`);
    const error = JSON.parse(run.stderr);
    assertEquals(error.error, "store_missing", run.stderr);
    assertIncludes(error.message, `there is no store at ${path} (the store setting from --store)`);
    assertIncludes(error.message, `sentinel store init --store sqlite:${path}`);
    assertEquals(await exists(folder), false, `${args.join(" ")} created ${folder}`);
  }
  const fromEnv = await t.run(["requests"], { SENTINEL_STORE: `sqlite:${path}` });
  assertEquals(fromEnv.code, 3, fromEnv.stderr);
  assertIncludes(
    fromEnv.stderr,
    `there is no store at ${path} (the store setting from SENTINEL_STORE)`,
  );
  assertEquals(await exists(folder), false);

  // A write creates it, privately, as before; then reads find it.
  const created = await t.run(["request", "prod", "--reason", "deploy", ...flag]);
  assertEquals(created.code, 0, created.stderr);
  assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  assertEquals((await Deno.stat(folder)).mode! & 0o777, 0o700);
  const listed = await t.run(["requests", ...flag]);
  assertEquals(listed.code, 0, listed.stderr);
  assertIncludes(listed.stdout, "deploy");
});

Deno.test("a store path under /proc gets Sentinel's own message, not Deno's --allow-all", async () => {
  await using t = await startTeam({ store: "sqlite", policy: TEAM_POLICY });
  const flag = ["--store", "sqlite:/proc/nope/s.db"];
  for (const args of [["requests", ...flag], ["request", "prod", "--reason", "deploy", ...flag]]) {
    const run = await t.run(args);
    assertEquals(run.code, 3, `${args.join(" ")}: ${run.stderr}`);
    assertIncludes(run.stderr, "/proc/nope/s.db");
    assertTrue(!run.stderr.includes("--allow-all"), run.stderr);
    assertTrue(!run.stderr.includes("Requires"), run.stderr);
  }
});

Deno.test("a store path that is a symbolic link to nothing is refused with both paths named; nothing is created", async () => {
  await using t = await startTeam({ store: "sqlite", policy: TEAM_POLICY });
  // One link into a folder that is not there (a disk not mounted), one into a folder that is,
  // where SQLite used to create the target with the umask's mode (0644).
  const cases = [
    [`${t.home.dir}/team-store.db`, `${t.home.dir}/unmounted/sentinel.db`],
    [`${t.home.dir}/moved-store.db`, `${t.home.dir}/shared/old-sentinel.db`],
  ];
  await Deno.mkdir(`${t.home.dir}/shared`, { recursive: true });
  for (const [link, target] of cases) {
    await Deno.symlink(target, link);
    for (
      const args of [
        ["request", "prod", "--reason", "deploy"],
        ["breakglass", "prod", "--reason-code", "incident", "--justification", "INC-1"],
        ["requests"],
      ]
    ) {
      const run = await t.run([...args, "--store", `sqlite:${link}`, "--output", "json"]);
      assertEquals(run.code, 3, `${args.join(" ")}: ${run.stderr}`);
      const error = JSON.parse(run.stderr.split("\n").filter((l) => l.startsWith("{")).at(-1)!);
      assertIncludes(error.message, `the store path ${link}`);
      assertIncludes(error.message, `is a symbolic link to ${target}, which does not exist`);
      assertEquals(await exists(target), false, `${args[0]} created ${target}`);
    }
  }
  const [[link, target]] = cases;
  const flag = ["--store", `sqlite:${link}`];
  // Once the link leads to a store, it is used through the link.
  const made = await t.run([
    "request",
    "prod",
    "--reason",
    "deploy",
    "--store",
    `sqlite:${target}`,
  ]);
  assertEquals(made.code, 0, made.stderr);
  assertEquals((await Deno.stat(target)).mode! & 0o777, 0o600);
  const listed = await t.run(["requests", ...flag]);
  assertEquals(listed.code, 0, listed.stderr);
  assertIncludes(listed.stdout, "deploy");
});

/**
 * `sentinel init` writes a layout-1 profile and leaves everything else as it was; what it refuses,
 * it refuses with a clear error before writing anything.
 *
 * - Refused with exit 2, nothing written: a profile that would be its own source profile (a
 *   credential_process loop by construction); a `--policy` value with a line break (it would
 *   inject lines such as a `[profile evil]` into ~/.aws/config); an existing profile without
 *   `--force`, found as the AWS CLI finds it (a header with a trailing comment too).
 * - What it writes reads back as written: a `--policy` path with ` #` in it is refused, or the
 *   profile finds the starter policy init wrote there; `--force` replaces a profile whose header
 *   carries a comment in place, leaving a file both the AWS CLI and Sentinel read.
 * - It replaces nothing it was not asked to: a symlinked ~/.aws/config keeps its link (the file it
 *   points to gets the profile), or init refuses and changes nothing; an edit made to the config
 *   while init waited at "Write these changes?" is kept; a read-only ~/.aws/config (or, with
 *   `--force`, a read-only policy file) is refused, saying how to proceed — the files, their modes
 *   and the folder as they were, no backup either.
 * - On a full disk it fails with a clear error, never "this is a bug": the config unchanged, no
 *   truncated backup left behind.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { aws } from "../harness/aws_home.ts";
import { plainHome } from "../harness/plain_home.ts";
import { baseEnv, runSentinel, sentinelCommand } from "../harness/sentinel.ts";
import { canMountTmpfs, mountTmpfs } from "../harness/tmpfs.ts";
import { DENO_DIR, ROOT } from "../harness/tools.ts";

const ROLE = "arn:aws:iam::123456789012:role/SentinelProd";
const CONFIG = "[profile base]\nregion = us-east-1\n";
/** A config whose profile prod has a header with a trailing comment. */
const COMMENTED_CONFIG = `[profile base]
region = us-east-1

[profile prod] # managed by the platform team
region = eu-west-1
`;
const POLICY = 'version: "1"\nrules: []\n';

/**
 * `init --yes` of profile prod (role SentinelProd, source profile base, for alice), with the
 * policy file given, then `more`.
 */
function initArgs(
  options: { policy?: string; sourceProfile?: string } = {},
  ...more: string[]
): string[] {
  return [
    "init",
    "--yes",
    "--profile",
    "prod",
    "--role-arn",
    ROLE,
    "--source-profile",
    options.sourceProfile ?? "base",
    "--user",
    "alice",
    ...(options.policy === undefined ? [] : ["--policy", options.policy]),
    ...more,
  ];
}

/** A home whose ~/.aws/config is `config` (absent without it). */
function home(config?: string) {
  return plainHome({ prefix: "sentinel-init-", config });
}

Deno.test("init refuses (exit 2) a profile that would be its own source profile; nothing is written", async () => {
  const config = "[profile base]\nregion = us-east-1\n";
  await using h = await home(config);
  const dir = h.dir;
  const run = await runSentinel(
    initArgs({ policy: `${dir}/policy.yaml`, sourceProfile: "prod" }),
    { env: h.env },
  );
  assertEquals(
    { code: run.code, unchanged: (await Deno.readTextFile(`${dir}/.aws/config`)) === config },
    { code: 2, unchanged: true },
    run.stderr,
  );
});

Deno.test("init refuses (exit 2) a --policy value with a line break; nothing is written, no profile is injected", async () => {
  await using h = await home(CONFIG);
  const policy = `${h.dir}/policy.yaml\n[profile evil]\ncredential_process = /bin/sh -c id`;
  const run = await runSentinel(initArgs({ policy }), { env: h.env });
  const after = await Deno.readTextFile(`${h.dir}/.aws/config`);
  assertEquals(
    { code: run.code, unchanged: after === CONFIG, injected: after.includes("[profile evil]") },
    { code: 2, unchanged: true, injected: false },
    `${run.stderr}\n--- config after init ---\n${after}`,
  );
});

Deno.test("init without --force refuses (exit 2) an existing profile whose header carries a comment; the file is untouched", async () => {
  await using h = await home(COMMENTED_CONFIG);
  const run = await runSentinel(initArgs(), { env: h.env });
  const after = await Deno.readTextFile(`${h.dir}/.aws/config`);
  assertEquals(
    { code: run.code, unchanged: after === COMMENTED_CONFIG },
    { code: 2, unchanged: true },
    `${run.stderr}\n--- config after init ---\n${after}`,
  );
});

Deno.test("init with a --policy path holding ' #' refuses it, or the profile reads back the starter policy init wrote there", async () => {
  await using h = await home(CONFIG);
  const policy = `${h.dir}/policies/team #1.yaml`;
  const run = await runSentinel(initArgs({ policy }), { env: h.env });
  const after = await Deno.readTextFile(`${h.dir}/.aws/config`);
  if (run.code === 2 && after === CONFIG) return; // refused before writing: fine
  assertEquals(run.code, 0, run.stderr);
  // The profile init just set up must use the starter policy init just wrote (alice is allowed).
  const check = await runSentinel(["check", "prod", "--user", "alice", "--role-arn", ROLE], {
    env: h.env,
  });
  assertEquals(check.code, 0, `${check.stderr}\n--- config ---\n${after}`);
});

Deno.test("init --force replaces a profile whose header carries a comment in place: the AWS CLI and Sentinel both read the file", async () => {
  await using h = await home(COMMENTED_CONFIG);
  const run = await runSentinel(initArgs({}, "--force"), { env: h.env });
  assertEquals(run.code, 0, run.stderr);
  const after = await Deno.readTextFile(`${h.dir}/.aws/config`);
  const cli = await aws(["configure", "get", "sentinel_role_arn", "--profile", "prod"], h.env);
  assertEquals(cli.code, 0, `AWS CLI: ${cli.stderr}\n--- config ---\n${after}`);
  assertEquals(cli.stdout.trim(), ROLE);
  const check = await runSentinel(["check", "prod", "--user", "alice", "--role-arn", ROLE], {
    env: h.env,
  });
  assertTrue(
    !check.stderr.includes("is given twice"),
    `Sentinel refuses the config init wrote: ${check.stderr}`,
  );
});

Deno.test("init on a symlinked ~/.aws/config keeps the link and writes the file it points to, or refuses and changes nothing", async () => {
  await using h = await home();
  const dir = h.dir;
  await Deno.mkdir(`${dir}/dotfiles/aws`, { recursive: true });
  await Deno.writeTextFile(`${dir}/dotfiles/aws/config`, CONFIG);
  await Deno.symlink("../dotfiles/aws/config", `${dir}/.aws/config`);
  const run = await runSentinel(initArgs(), { env: h.env });
  const link = await Deno.lstat(`${dir}/.aws/config`);
  const dotfile = await Deno.readTextFile(`${dir}/dotfiles/aws/config`);
  if (run.code !== 0) {
    // Refusing is fine, as long as nothing changed.
    assertTrue(link.isSymlink && dotfile === CONFIG, "a refused init changed the config");
    return;
  }
  assertEquals(link.isSymlink, true, "init replaced the ~/.aws/config link with a regular file");
  assertIncludes(dotfile, "[profile prod]");
});

// A person at a terminal: answers init's final question only after `during` has run.
const DRIVER = `
import fcntl, json, os, pty, select, subprocess, sys, termios, time
spec = json.load(sys.stdin)
master, slave = pty.openpty()
def tty():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
child = subprocess.Popen(spec["argv"], env=spec["env"], cwd=spec["cwd"], stdin=slave,
    stdout=subprocess.DEVNULL, stderr=slave, preexec_fn=tty, close_fds=True)
os.close(slave)
seen, asked, store, deadline = b"", False, False, time.time() + 60
while time.time() < deadline and child.poll() is None:
    ready, _, _ = select.select([master], [], [], 0.05)
    if ready:
        try:
            seen += os.read(master, 4096)
        except OSError:
            break
    if not store and b"(store init)?" in seen:
        os.write(master, b"n\\n")
        store = True
    if not asked and b"Write these changes?" in seen:
        subprocess.run(spec["during"], env=spec["env"], check=True)
        os.write(master, b"y\\n")
        asked = True
if child.poll() is None:
    child.kill()
print(json.dumps({"code": child.wait(), "asked": asked, "terminal": seen.decode(errors="replace")}))
`;

Deno.test("init never overwrites an edit made to ~/.aws/config while it waited at 'Write these changes?'", async () => {
  await using h = await home(CONFIG);
  const dir = h.dir;
  const env = baseEnv(h.env);
  const awsCli = `${ROOT}.tools/venv/bin/aws`;
  const driver = new Deno.Command("python3", {
    args: ["-c", DRIVER],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = driver.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify({
    argv: [
      ...sentinelCommand(),
      "init",
      "--profile",
      "prod",
      "--role-arn",
      "arn:aws:iam::123456789012:role/SentinelProd",
      "--source-profile",
      "base",
      "--source",
      "auto",
      "--region",
      "us-east-1",
      "--policy",
      `${dir}/policy.yaml`,
      "--user",
      "alice",
    ],
    env,
    cwd: ROOT,
    // Meanwhile, in another terminal:
    during: [awsCli, "configure", "set", "region", "eu-west-1", "--profile", "team"],
  })));
  await writer.close();
  const out = await driver.output();
  const run = JSON.parse(new TextDecoder().decode(out.stdout));
  assertEquals(run.asked, true, run.terminal);
  const config = await Deno.readTextFile(`${dir}/.aws/config`);
  const team = await aws(["configure", "get", "region", "--profile", "team"], env);
  if (run.code === 0) {
    // Written: then the other terminal's profile must still be there.
    assertEquals(team.stdout.trim(), "eu-west-1", `[profile team] was lost:\n${config}`);
    assertIncludes(config, "[profile prod]");
  } else {
    // Refused: the other terminal's edit stays, nothing of init's was written.
    assertEquals(team.stdout.trim(), "eu-west-1", config);
    assertEquals(config.includes("[profile prod]"), false, config);
  }
});

async function setup(configMode: number, policyMode?: number) {
  const h = await plainHome({ prefix: "sentinel-init-read-only-", config: CONFIG });
  const dir = h.dir;
  await Deno.chmod(`${dir}/.aws/config`, configMode);
  if (policyMode !== undefined) {
    await Deno.writeTextFile(`${dir}/policy.yaml`, POLICY);
    await Deno.chmod(`${dir}/policy.yaml`, policyMode);
  }
  return Object.assign(h, {
    listing: () => [...Deno.readDirSync(`${dir}/.aws`)].map((e) => e.name).sort(),
  });
}

Deno.test("init refuses to replace a read-only ~/.aws/config; the file is unchanged and nothing is written", async () => {
  await using t = await setup(0o444);
  const run = await runSentinel(initArgs({ policy: `${t.dir}/policy.yaml` }, "--output", "json"), {
    env: t.env,
  });
  assertEquals(run.code, 1, run.stderr);
  const error = JSON.parse(run.stderr);
  assertEquals(error.error, "read_only_file");
  assertIncludes(error.message, `${t.dir}/.aws/config is read-only`);
  assertIncludes(error.message, `chmod u+w ${t.dir}/.aws/config`);
  assertIncludes(error.message, "nothing was written");
  assertEquals(await Deno.readTextFile(`${t.dir}/.aws/config`), CONFIG);
  assertEquals((await Deno.stat(`${t.dir}/.aws/config`)).mode! & 0o777, 0o444);
  assertEquals(t.listing(), ["config"], "a backup or temp file was left");
  assertEquals(await Deno.stat(`${t.dir}/policy.yaml`).then(() => true, () => false), false);

  // Once its owner allows it, init writes it.
  await Deno.chmod(`${t.dir}/.aws/config`, 0o644);
  const allowed = await runSentinel(
    initArgs({ policy: `${t.dir}/policy.yaml` }, "--output", "json"),
    { env: t.env },
  );
  assertEquals(allowed.code, 0, allowed.stderr);
  assertIncludes(await Deno.readTextFile(`${t.dir}/.aws/config`), "[profile prod]");
});

Deno.test("init --force refuses to replace a read-only policy file, before writing the config", async () => {
  await using t = await setup(0o600, 0o444);
  const run = await runSentinel(
    initArgs({ policy: `${t.dir}/policy.yaml` }, "--output", "json", "--force"),
    { env: t.env },
  );
  assertEquals(run.code, 1, run.stderr);
  assertIncludes(JSON.parse(run.stderr).message, `${t.dir}/policy.yaml is read-only`);
  assertEquals(await Deno.readTextFile(`${t.dir}/policy.yaml`), POLICY);
  assertEquals(await Deno.readTextFile(`${t.dir}/.aws/config`), CONFIG);
  assertEquals(t.listing(), ["config"]);
});

const MOUNTABLE = canMountTmpfs();

Deno.test({
  name: MOUNTABLE
    ? "init on a full disk fails with a clear error: the config unchanged, no truncated backup left"
    : "init on a full disk fails with a clear error — ignored: mounting a tmpfs needs root or CAP_SYS_ADMIN here",
  ignore: !MOUNTABLE,
  fn: async () => {
    await using disk = await mountTmpfs("64k");
    await Deno.mkdir(`${disk.dir}/.aws`);
    const lines = ["[profile base]", "region = us-east-1"];
    for (let i = 0; i < 300; i++) lines.push("", `[profile team${i}]`, "region = us-east-1");
    const config = lines.join("\n") + "\n";
    await Deno.writeTextFile(`${disk.dir}/.aws/config`, config);
    await disk.fill();
    const policy = await Deno.makeTempDir({ prefix: "sentinel-init-policy-" });
    try {
      const run = await runSentinel(initArgs({ policy: `${policy}/policy.yaml` }), {
        env: { HOME: disk.dir, AWS_CONFIG_FILE: `${disk.dir}/.aws/config`, DENO_DIR },
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

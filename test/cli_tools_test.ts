/**
 * The CLI around the commands: help (exit codes everywhere, examples on groups), shell
 * completions from the command tree (run through bash's own completion machinery), colour only
 * where it belongs, `--debug` diagnostics without secrets, and `init` asking on a terminal,
 * backing up, and refusing to clobber.
 */
import { assertEquals, assertIncludes, assertMatch } from "./assert.ts";
import { createDeps } from "../src/adapters/deps.ts";
import { completionNodes } from "../src/cli/completions.ts";
import type { CliIo, CommandContext } from "../src/cli/context.ts";
import { buildProgram, runCli } from "../src/cli/program.ts";
import { styleFor } from "../src/cli/style.ts";
import { runOnPty } from "./harness/pty.ts";
import { runProgram } from "./harness/run.ts";
import { setupScenario } from "./harness/scenario.ts";
import { runSentinel, sentinelCommand } from "./harness/sentinel.ts";

/** Every command path of the tree (`sentinel policy push`, …), from the tree itself. */
function commandPaths(): string[] {
  const io: CliIo = {
    stdout: () => {},
    stderr: () => {},
    stderrIsTerminal: () => false,
    stdoutIsTerminal: () => false,
    stdinIsTerminal: () => false,
    readLine: () => Promise.resolve(undefined),
  };
  const deps = createDeps({ stderr: () => {}, vars: { HOME: "/nonexistent" }, setEnv: () => {} });
  const ctx: CommandContext = {
    io,
    deps,
    output: () => "text",
    say: () => {},
    sayErr: () => {},
    style: styleFor(false),
    action: () => () => Promise.resolve(),
  };
  return completionNodes(buildProgram(ctx)).map((node) => node.path);
}

Deno.test("every command's --help lists its exit codes and examples (groups too)", async () => {
  const paths = commandPaths();
  assertEquals(paths.length > 40, true, paths.join(", "));
  for (const path of paths) {
    let text = "";
    const io: CliIo = {
      stdout: (t) => void (text += t),
      stderr: (t) => void (text += t),
      stderrIsTerminal: () => false,
      stdoutIsTerminal: () => false,
      stdinIsTerminal: () => false,
      readLine: () => Promise.resolve(undefined),
    };
    const deps = createDeps({
      stderr: io.stderr,
      vars: { HOME: "/nonexistent" },
      setEnv: () => {},
    });
    const code = await runCli([...path.split(" ").slice(1), "--help"], io, deps);
    assertEquals(code, 0, path);
    assertMatch(text, /Exit codes:/, `${path} --help has no exit codes`);
    assertMatch(text, /Examples:\n {2}\$ \S/, `${path} --help has no examples`);
  }
});

Deno.test("completions: bash's completion machinery offers commands, subcommands, options and profiles; zsh and fish name every command", async () => {
  await using t = await setupScenario("alice");
  const script = await runSentinel(["completions", "bash"]);
  assertEquals(script.code, 0, script.stderr);
  const file = `${t.home.dir}/sentinel.bash`;
  await Deno.writeTextFile(file, script.stdout);
  const complete = async (...words: string[]) => {
    const probe = `source ${file}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
_sentinel; printf '%s\\n' "\${COMPREPLY[@]}"
[[ "$(complete -p sentinel)" == *"-F _sentinel"* ]] || echo "not registered"`;
    const run = await runProgram("bash", ["-c", probe], { env: t.home.env });
    assertEquals(run.code, 0, run.stderr);
    return run.stdout.trim().split("\n").filter((line) => line !== "");
  };
  assertEquals(await complete("sentinel", "po"), ["policy"]);
  assertEquals(await complete("sentinel", "policy", "p"), ["pull", "push"]);
  assertEquals(await complete("sentinel", "cache", ""), ["list", "clear"]);
  assertEquals(await complete("sentinel", "credentials", "--pol"), [
    "--policy",
    "--policy-parameter",
  ]);
  assertEquals((await complete("sentinel", "doctor", "")).sort(), ["base", "default", "prod"]);
  assertEquals(await complete("sentinel", "whoami", "--profile", "pr"), ["prod"]);
  const top = await complete("sentinel", "");
  for (const path of commandPaths()) {
    const words = path.split(" ");
    if (words.length === 2) assertEquals(top.includes(words[1]), true, words[1]);
  }

  for (const shell of ["zsh", "fish"]) {
    const out = await runSentinel(["completions", shell]);
    assertEquals(out.code, 0, out.stderr);
    for (const path of commandPaths().slice(1)) {
      const name = path.split(" ").at(-1)!;
      assertIncludes(
        out.stdout,
        shell === "fish" ? `-a '${name}'` : ` ${name}`,
        `${shell}: ${path}`,
      );
    }
  }
  const zsh = await runSentinel(["completions", "zsh"]);
  assertIncludes(zsh.stdout, "compdef _sentinel sentinel");
  const unknown = await runSentinel(["completions", "tcsh"]);
  assertEquals(unknown.code, 2);
});

Deno.test("colour: on with FORCE_COLOR, never with NO_COLOR, never in a pipe", async () => {
  const args = [
    "check",
    "prod",
    "--policy",
    "examples/policy.yaml",
    "--user",
    "mallory@example.com",
    "--at",
    "2026-03-02T10:00:00+01:00",
  ];
  const piped = await runSentinel(args, { env: { NO_COLOR: "" } });
  assertEquals(piped.stdout.includes("\x1b["), false);
  const forced = await runSentinel(args, { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
  assertEquals(
    forced.stdout.startsWith("\x1b[31mDENY\x1b[0m: prod for mallory@example.com"),
    true,
    forced.stdout,
  );
  const both = await runSentinel(args, { env: { NO_COLOR: "1", FORCE_COLOR: "1" } });
  assertEquals(both.stdout.includes("\x1b["), false);
  const tty = await runOnPty([...sentinelCommand(), ...args], { env: { NO_COLOR: "" } });
  assertIncludes(tty.stdout, "DENY");
  assertEquals(tty.stdout.includes("\x1b["), false, "stdout is a pipe even on a terminal");
});

Deno.test("--debug names the config files, each setting and its source, the credential source, the transport and timings — never a secret", async () => {
  await using t = await setupScenario("alice");
  const run = await runSentinel(["credentials", "prod", "--debug"], { env: t.home.env });
  assertEquals(run.code, 0, run.stderr);
  const secret = JSON.parse(run.stdout).SecretAccessKey;
  for (
    const line of [
      `config files: AWS config ${t.home.dir}/.aws/config`,
      "profile prod: layout 1 (sentinel_* keys)",
      `setting policy = ${t.policyPath} (sentinel_policy in profile prod)`,
      "setting region = us-east-1 (region in profile prod)",
      "setting log_file = ",
      "base credentials: source sdk (auto: the AWS files supply the source profile",
      "base credentials: from credentials-file in ",
      "AWS transport: fetch + SigV4",
      "STS AssumeRole arn:aws:iam::123456789012:role/SentinelProd in us-east-1: ok after ",
    ]
  ) assertIncludes(run.stderr, line);
  assertMatch(run.stderr, /^sentinel: debug: \[ *\d+ ms\] /m);
  for (const value of [secret, t.key.secretAccessKey, JSON.parse(run.stdout).SessionToken]) {
    assertEquals(run.stderr.includes(value), false, "a secret reached the debug output");
  }
  const quiet = await runSentinel(["credentials", "prod"], { env: t.home.env });
  assertEquals(quiet.stderr, "");
});

Deno.test("init: asks on a terminal and shows the diff; refuses a pipe without --yes and an existing profile without --force; --force backs up first", async () => {
  await using t = await setupScenario("alice");
  const role = "arn:aws:iam::123456789012:role/SentinelDev";
  const config = `${t.home.dir}/.aws/config`;
  const before = await Deno.readTextFile(config);

  const piped = await runSentinel(["init", "--profile", "dev"], { env: t.home.env });
  assertEquals(piped.code, 2);
  assertIncludes(piped.stderr, "pass --yes with the flags");

  const asked = await runOnPty([...sentinelCommand(), "init"], {
    env: t.home.env,
    answers: [
      ["Profile to set up [prod]: ", "dev"],
      ["Role ARN Sentinel assumes (--role-arn): ", "not-an-arn"],
      ["is not a role ARN", role],
      ["Profile with your base credentials (--source-profile) [base]: ", ""],
      ["(auto picks sdk here: the AWS files supply base) [auto]: ", "vault"],
      ['"vault" is not a credential source: answer auto, aws-vault, sdk or env', "sdk"],
      ["Region [us-east-1]: ", "eu-west-1"],
      ["Policy: a file, or ssm:<parameter> (--policy) [~/.config/sentinel/policy.yaml]: ", ""],
      ["Create the approval store now (store init)? [y/N] ", "n"],
      ["Write these changes? [y/N] ", "y"],
    ],
  });
  assertEquals(asked.code, 0, asked.terminal + asked.stdout);
  assertEquals(asked.answered, 10, asked.terminal);
  assertIncludes(asked.stdout, "Adding [profile dev]");
  assertIncludes(asked.stdout, "  +credential_process = sentinel credentials dev\n");
  assertIncludes(asked.stdout, "  +region = eu-west-1\n");
  assertIncludes(asked.stdout, "  +sentinel_source = sdk\n"); // asked, and written when not auto
  const written = await Deno.readTextFile(config);
  assertEquals(written.startsWith(before.replace(/\n*$/, "")), true, "other profiles unchanged");
  const backups = [...Deno.readDirSync(`${t.home.dir}/.aws`)].filter((e) =>
    e.name.startsWith("config.bak.")
  );
  assertEquals(backups.length, 1);
  assertEquals(await Deno.readTextFile(`${t.home.dir}/.aws/${backups[0].name}`), before);
  const policy = await Deno.readTextFile(`${t.home.dir}/.config/sentinel/policy.yaml`);
  assertIncludes(policy, 'users: ["alice"]');
  const allowed = await runSentinel(["check", "dev", "--explain"], { env: t.home.env });
  assertEquals(allowed.code, 0, allowed.stderr);
  assertIncludes(allowed.stdout, "ALLOW: dev for alice");

  const clobber = await runSentinel(
    ["init", "--yes", "--profile", "dev", "--role-arn", role, "--user", "bob"],
    { env: t.home.env },
  );
  assertEquals(clobber.code, 2);
  assertIncludes(clobber.stderr, "profile dev already exists");
  assertEquals(await Deno.readTextFile(config), written);

  const forced = await runSentinel(
    ["init", "--yes", "--force", "--profile", "dev", "--role-arn", role, "--user", "bob"],
    { env: t.home.env },
  );
  assertEquals(forced.code, 0, forced.stderr);
  assertIncludes(forced.stdout, "Replacing [profile dev]");
  assertMatch(forced.stdout, /Wrote the starter policy .* \(backup: .*policy\.yaml\.bak\./);
  const after = await Deno.readTextFile(config);
  assertEquals(after.split("[profile dev]").length, 2, "one dev section, replaced in place");
  assertIncludes(await Deno.readTextFile(`${t.home.dir}/.config/sentinel/policy.yaml`), '["bob"]');
  assertEquals(
    [...Deno.readDirSync(`${t.home.dir}/.aws`)].filter((e) => e.name.startsWith("config.bak."))
      .length,
    2,
  );
});

Deno.test("init --yes pushes the starter policy to SSM (keeping one that exists) and initialises the store", async () => {
  await using t = await setupScenario("alice");
  const role = "arn:aws:iam::123456789012:role/SentinelOps";
  const init = (profile: string) =>
    runSentinel([
      "init",
      "--yes",
      "--profile",
      profile,
      "--role-arn",
      role,
      "--policy",
      "ssm:/sentinel/ops",
      "--store-init",
    ], { env: t.home.env });
  const first = await init("ops");
  assertEquals(first.code, 0, first.stderr);
  assertIncludes(first.stdout, "Pushed the starter policy ssm:/sentinel/ops.");
  assertMatch(first.stdout, /Store sqlite:.*sentinel\.db: ready\./);
  const pulled = await runSentinel(
    ["policy", "pull", "ssm:/sentinel/ops", "--aws-profile", "base"],
    {
      env: t.home.env,
    },
  );
  assertEquals(pulled.code, 0, pulled.stderr);
  assertIncludes(pulled.stdout, 'users: ["alice"]');
  const issued = await runSentinel(["credentials", "ops"], { env: t.home.env });
  assertEquals(issued.code, 0, issued.stderr);

  const second = await init("ops2");
  assertEquals(second.code, 0, second.stderr);
  assertIncludes(second.stdout, "Keeping the existing policy ssm:/sentinel/ops.");
  assertIncludes(second.stdout, "Kept the policy ssm:/sentinel/ops.");
});

Deno.test("doctor: a tampered log, a changed plugin, no sentinel on PATH and a denying policy each fail with their fix (exit 11)", async () => {
  await using t = await setupScenario("mallory");
  for (let i = 0; i < 2; i++) {
    assertEquals((await runSentinel(["credentials", "prod"], { env: t.home.env })).code, 4);
  }
  // Editing the first of two lines breaks the chain at the second (a last line has no witness).
  const log = await Deno.readTextFile(t.home.logFile);
  await Deno.writeTextFile(t.home.logFile, log.replace('"effect":"deny"', '"effect":"allow"'));
  const plugin = `${t.home.dir}/chat.js`;
  await Deno.writeTextFile(
    plugin,
    "export default { notify() { return { delivered: true }; } };\n",
  );
  await Deno.writeTextFile(
    `${t.home.dir}/sentinel.yaml`,
    `plugins:
  - name: chat
    module: ${plugin}
    sha256: "${"0".repeat(64)}"
    kind: notifier
    version: 1.0.0
`,
  );
  const run = await runSentinel(["doctor", "--output", "json"], {
    env: { ...t.home.env, PATH: "/usr/bin:/bin" },
  });
  assertEquals(run.code, 11, run.stderr);
  const report = JSON.parse(run.stdout);
  assertEquals(report.ok, false);
  assertEquals(report.profiles, ["prod"]);
  const failed = Object.fromEntries(
    report.checks.filter((c: { ok: boolean }) => !c.ok).map((
      c: { check: string; detail: string; fix: string },
    ) => [c.check, `${c.detail} | ${c.fix}`]),
  );
  assertEquals(Object.keys(failed).sort(), [
    "decision",
    "decision log",
    "plugin pin chat",
    "sentinel on PATH",
  ]);
  assertIncludes(failed["decision log"], "the chain is broken at line 2");
  assertIncludes(failed["plugin pin chat"], "the config pins 0000");
  assertIncludes(failed["sentinel on PATH"], "scripts/install.sh");
  assertIncludes(
    failed["decision"],
    "deny for mallory now (rule no-mallory: mallory is offboarded)",
  );
  const text = await runSentinel(["doctor"], { env: { ...t.home.env, PATH: "/usr/bin:/bin" } });
  assertMatch(text.stdout, /✗ plugin pin chat: .*\n {6}fix: review the new file/);
  assertMatch(text.stdout, /4 of \d+ checks failed\n$/);
});

/**
 * Shell completion offers what is there, and never runs or waits on what it reads. Run in the real
 * shells against the generated scripts.
 *
 * - A profile name is a literal word, never evaluated: completing after `exec ` or `--profile `
 *   never runs a command hidden in a name (`$(touch …)` in a shared ~/.aws/config), and such a
 *   name is not offered.
 * - bash (and zsh) never block when AWS_CONFIG_FILE is a FIFO: only a regular file is read.
 * - zsh offers the profiles (no `local` in its script hides PATH, which zsh ties to `path`);
 *   `breakglass <Tab>` offers the profiles beside its subcommands; `export prod --format <Tab>`
 *   offers `env json ini`, not file names.
 *
 * zsh's completion builtins (`compadd`, `_files`) exist only inside a completion widget, so the zsh
 * probe stands in for them and prints what would be offered; the rest of the script runs as zsh
 * runs it. Without zsh installed, its cases check the script's text instead.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
import { plainHome } from "../harness/plain_home.ts";
import { runProgram } from "../harness/run.ts";
import { runSentinel } from "../harness/sentinel.ts";

const HAS_ZSH = new Deno.Command("sh", { args: ["-c", "command -v zsh"] }).outputSync().success;

const ZSH_PROBE = `compdef() { :; }
compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }
_files() { print -- "<files>"; }
source "$SCRIPT"
words=("$@"); CURRENT=$#
_sentinel
`;

interface Shells extends AsyncDisposable {
  dir: string;
  /** What bash (or zsh) offers for `words` (the last is the word being completed). */
  complete(shell: "bash" | "zsh", words: string[], env?: Record<string, string>): Promise<string[]>;
}

async function shells(): Promise<Shells> {
  const home = await plainHome({
    prefix: "sentinel-completions-",
    config: "[default]\nregion = us-east-1\n\n[profile prod]\nregion = us-east-1\n",
  });
  const dir = home.dir;
  for (const shell of ["bash", "zsh"]) {
    const script = await runSentinel(["completions", shell]);
    assertEquals(script.code, 0, script.stderr);
    await Deno.writeTextFile(`${dir}/sentinel.${shell}`, script.stdout);
  }
  await Deno.writeTextFile(`${dir}/probe.zsh`, ZSH_PROBE);
  return {
    dir,
    async complete(shell, words, env = {}) {
      const quoted = words.map((w) => `'${w}'`).join(" ");
      const [program, args] = shell === "bash"
        ? ["bash", [
          "-c",
          `source ${dir}/sentinel.bash; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}
_sentinel; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ]]
        : ["zsh", ["-f", `${dir}/probe.zsh`, ...words]];
      // A shell that blocks is killed after 10 s (exit 124), which the test reports.
      const run = await runProgram("timeout", ["-k", "1", "10", program, ...args], {
        env: { HOME: dir, SCRIPT: `${dir}/sentinel.zsh`, ...env },
      });
      assertEquals(run.code, 0, `${shell} completing ${words.join(" ")}: ${run.stderr}`);
      assertEquals(run.stderr, "", `${shell} completing ${words.join(" ")}`);
      return run.stdout.split("\n").filter((line) => line !== "");
    },
    [Symbol.asyncDispose]: () => home[Symbol.asyncDispose](),
  };
}

Deno.test("completing a profile never runs a command hidden in a profile name, and never offers that name", async () => {
  await using home = await plainHome({ prefix: "sentinel-completions-" });
  const dir = home.dir;
  const marker = `${dir}/pwned`;
  await Deno.writeTextFile(
    `${dir}/.aws/config`,
    `[profile base]\nregion = us-east-1\n\n[profile $(touch\${IFS}${marker})]\nregion = us-east-1\n`,
  );
  const script = await runSentinel(["completions", "bash"]);
  assertEquals(script.code, 0, script.stderr);
  await Deno.writeTextFile(`${dir}/sentinel.bash`, script.stdout);
  for (const words of [["sentinel", "exec", ""], ["sentinel", "whoami", "--profile", ""]]) {
    const probe = `source ${dir}/sentinel.bash
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
_sentinel; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const run = await runProgram("bash", ["-c", probe], { env: { HOME: dir } });
    assertEquals(run.code, 0, run.stderr);
    const ran = await Deno.stat(marker).then(() => true, () => false);
    assertEquals(ran, false, `completing \`${words.join(" ")}\` ran the profile name's command`);
    // The usable profile is still offered; the hostile name is not offered at all.
    assertEquals(run.stdout.split("\n").filter((l) => l !== ""), ["base"]);
  }
});

Deno.test("bash completion never blocks when AWS_CONFIG_FILE is a FIFO: only a regular file is read", async () => {
  await using s = await shells();
  const fifo = `${s.dir}/config.fifo`;
  await new Deno.Command("mkfifo", { args: [fifo] }).output();
  const env = { AWS_CONFIG_FILE: fifo };
  assertEquals(await s.complete("bash", ["sentinel", "exec", ""], env), []);
  assertEquals(await s.complete("bash", ["sentinel", "cache", ""], env), ["list", "clear"]);
  if (HAS_ZSH) assertEquals(await s.complete("zsh", ["sentinel", "exec", ""], env), []);
  assertEquals(await s.complete("bash", ["sentinel", "exec", ""]), ["default", "prod"]);
});

Deno.test({
  name: HAS_ZSH
    ? "zsh completion offers the profiles: no local hides PATH from it"
    : "zsh completion offers the profiles: no local hides PATH from it (zsh not installed: the script's text)",
  fn: async () => {
    await using s = await shells();
    const script = await Deno.readTextFile(`${s.dir}/sentinel.zsh`);
    for (const tied of ["path", "fpath", "cdpath", "manpath", "PATH"]) {
      assertTrue(!new RegExp(`local[^\\n]*\\s${tied}=`).test(script), `zsh: local ${tied}=`);
    }
    if (!HAS_ZSH) return;
    assertEquals(await s.complete("zsh", ["sentinel", "exec", ""]), ["default", "prod"]);
    assertEquals(await s.complete("zsh", ["sentinel", "whoami", "--profile", ""]), [
      "default",
      "prod",
    ]);
  },
});

Deno.test("breakglass <Tab> offers its subcommands and the profiles; export --format <Tab> offers env json ini", async () => {
  await using s = await shells();
  const cases: [string[], string[]][] = [
    [["sentinel", "breakglass", ""], ["list", "show", "close", "review", "default", "prod"]],
    [["sentinel", "breakglass", "pr"], ["prod"]],
    [["sentinel", "breakglass", "list", ""], []],
    [["sentinel", "export", "prod", "--format", ""], ["env", "json", "ini"]],
    [["sentinel", "export", "prod", "-f", "j"], ["json"]],
    [["sentinel", "export", "--format", "json", ""], ["default", "prod"]],
    [["sentinel", "breakglass", "prod", "--reason-code", "in"], ["incident"]],
  ];
  for (const [words, offered] of cases) {
    assertEquals(await s.complete("bash", words), offered, `bash: ${words.join(" ")}`);
    if (HAS_ZSH) {
      const zsh = await s.complete("zsh", words);
      // zsh filters by the typed prefix itself; the probe shows everything offered. Where bash
      // offers nothing of its own (its -o default then completes file names), zsh offers files.
      const typed = words.at(-1)!;
      assertEquals(
        zsh.filter((w) => w.startsWith(typed) || w === "<files>"),
        offered.length === 0 ? ["<files>"] : offered,
        `zsh: ${words.join(" ")}`,
      );
    }
  }
  const fish = await runSentinel(["completions", "fish"]);
  assertIncludes(fish.stdout, "-l format -s f -r -a 'env json ini'");
  assertIncludes(fish.stdout, "test -f $config; and test -r $config");
});

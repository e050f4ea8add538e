/**
 * Shell completion (issue 17, robustness), run in the real shells against the generated scripts:
 * bash (and zsh) never block when AWS_CONFIG_FILE is a FIFO — only a regular file is read; zsh
 * offers profiles at all (its script declared `local path=…`, and zsh ties `path` to PATH, so
 * `sed` was "command not found" and no profile was ever offered); `breakglass <Tab>` offers the
 * profiles beside its subcommands; and `export prod --format <Tab>` offers `env json ini` instead
 * of file names. zsh's completion builtins (`compadd`, `_files`) exist only inside a completion
 * widget, so the zsh probe stands in for them and prints what would be offered; the rest of the
 * script runs as zsh runs it. Without zsh installed, its cases check the script's text instead.
 */
import { assertEquals, assertIncludes, assertTrue } from "../assert.ts";
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
  const dir = await Deno.makeTempDir({ prefix: "sentinel-completions-" });
  await Deno.mkdir(`${dir}/.aws`);
  await Deno.writeTextFile(
    `${dir}/.aws/config`,
    "[default]\nregion = us-east-1\n\n[profile prod]\nregion = us-east-1\n",
  );
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
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

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

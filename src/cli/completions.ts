/**
 * `sentinel completions bash|zsh|fish`: shell completion scripts generated from the command tree
 * itself, so every command, subcommand and option is offered as soon as it exists, and an option
 * with a fixed set of values (`export --format`) offers those values. Profile names (for
 * `--profile`, `--source-profile`, `--aws-profile`, `--for-profile` and a command's `<profile>` argument, also
 * beside the subcommands of a command that has both, such as `breakglass`) are read from the AWS
 * config file when completing — only when it is a regular file, so a FIFO or a device never
 * blocks the shell. The zsh script keeps its own names off zsh's special parameters (`path` is
 * tied to `PATH`: a `local path` would hide every command).
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { ExitCode, SentinelError } from "../core/errors.ts";
import { declare } from "./_command.ts";
import type { CommandContext } from "./context.ts";

/** One command of the tree, flattened: its path and what may follow it. */
export interface CompletionNode {
  /** `sentinel`, `sentinel policy`, `sentinel policy push`, … */
  path: string;
  name: string;
  description: string;
  subcommands: string[];
  /** Long and short flags (`--profile`, `-o`), with the values they may take, when fixed. */
  options: { flags: string[]; description: string; takesValue: boolean; choices?: string[] }[];
  /** Whether the first argument is a profile name. */
  profileArgument: boolean;
}

/** Every visible command of the tree, root first. */
export function completionNodes(root: CommandUnknownOpts): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (command: CommandUnknownOpts, path: string) => {
    const visible = command.commands.filter((sub) => !isHidden(sub));
    nodes.push({
      path,
      name: command.name(),
      description: command.description(),
      subcommands: visible.map((sub) => sub.name()),
      options: [
        ...command.options.filter((option) => !option.hidden).map((option) => ({
          flags: [option.long, option.short].filter((flag): flag is string => !!flag),
          description: option.description,
          takesValue: option.required || option.optional,
          ...(option.argChoices === undefined ? {} : { choices: [...option.argChoices] }),
        })),
        { flags: ["--help", "-h"], description: "show help", takesValue: false },
      ],
      profileArgument: command.registeredArguments[0]?.name() === "profile",
    });
    for (const sub of visible) visit(sub, `${path} ${sub.name()}`);
  };
  visit(root, root.name());
  return nodes;
}

function isHidden(command: CommandUnknownOpts): boolean {
  return (command as unknown as { _hidden?: boolean })._hidden === true;
}

const PROFILE_FLAGS = ["--profile", "--source-profile", "--aws-profile", "--for-profile"];
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** `[path flag]` → its fixed values, for every option that has them. */
function choiceEntries(nodes: readonly CompletionNode[]): [string, string][] {
  return nodes.flatMap((n) =>
    n.options.flatMap((o) =>
      o.choices === undefined ? [] : o.flags.map((flag): [string, string] => [
        `${n.path} ${flag}`,
        o.choices!.join(" "),
      ])
    )
  );
}

/** `path` → the flags of that command that take a value (the word after one is not an argument). */
function valuedFlags(n: CompletionNode): string {
  return n.options.filter((o) => o.takesValue).flatMap((o) => o.flags).join(" ");
}

/**
 * The sed program that lists the AWS config file's profile names when completing: only names made
 * of characters no shell treats specially, so a hostile name (`$(…)`, quotes, spaces) is never
 * offered, let alone expanded.
 */
const PROFILE_SED = String
  .raw`sed -n -e 's|^[[:space:]]*\[profile[[:space:]]\{1,\}\([A-Za-z0-9_.@+=,:/-]\{1,\}\)\][[:space:]]*$|\1|p' -e 's|^[[:space:]]*\[\(default\)\][[:space:]]*$|\1|p'`;

/** The tables a completion script looks things up in, each row rendered by `row`. */
function scriptTables(
  nodes: readonly CompletionNode[],
  row: (key: string, value: string) => string,
) {
  const table = (pairs: [string, string][]) =>
    pairs.map(([key, value]) => row(quote(key), quote(value))).join("\n");
  return {
    subs: table(nodes.map((n) => [n.path, n.subcommands.join(" ")])),
    opts: table(nodes.map((n) => [n.path, n.options.flatMap((o) => o.flags).join(" ")])),
    valued: table(nodes.map((n) => [n.path, valuedFlags(n)])),
    choices: table(choiceEntries(nodes)),
    profileArgs: table(nodes.filter((n) => n.profileArgument).map((n) => [n.path, "1"])),
  };
}

/** bash: the profile names of the AWS config, added as literal words. */
const BASH_PROFILES = `_sentinel_profiles() {
  local config="\${AWS_CONFIG_FILE:-$HOME/.aws/config}"
  # A regular file only: reading a FIFO or a device would block the shell.
  [[ -f "$config" && -r "$config" ]] && ${PROFILE_SED} "$config"
}
# Adds the profile names matching $1, as literal words (never through compgen -W, which expands them).
_sentinel_add_profiles() {
  local p
  while IFS= read -r p; do
    [[ "$p" == "$1"* ]] && COMPREPLY+=("$p")
  done < <(_sentinel_profiles)
}`;

/** bash: what to offer once the command path, the positional count and `prev` are known. */
const BASH_OFFER = `  case " ${PROFILE_FLAGS.join(" ")} " in
    *" $prev "*)
      _sentinel_add_profiles "$cur"
      return
      ;;
  esac
  if [[ -n "\${choices[$path $prev]}" ]]; then
    COMPREPLY=($(compgen -W "\${choices[$path $prev]}" -- "$cur"))
    return
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "\${opts[$path]}" -- "$cur"))
    return
  fi
  if [[ $positional -eq 0 && -n "\${subs[$path]}" ]]; then
    COMPREPLY=($(compgen -W "\${subs[$path]}" -- "$cur"))
  fi
  if [[ $positional -eq 0 && -n "\${profile_args[$path]}" ]]; then
    _sentinel_add_profiles "$cur"
  fi`;

/** The bash script: `source <(sentinel completions bash)`. */
export function bashScript(nodes: readonly CompletionNode[]): string {
  const t = scriptTables(nodes, (key, value) => `    [${key}]=${value}`);
  return `# bash completion for sentinel, generated by \`sentinel completions bash\`.
# Load it with: source <(sentinel completions bash)   (or save it in ~/.local/share/bash-completion/completions/sentinel)
${BASH_PROFILES}
_sentinel() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path=sentinel word i
  local -A subs=(
${t.subs}
  )
  local -A opts=(
${t.opts}
  )
  local -A valued=(
${t.valued}
  )
  local -A choices=(
${t.choices}
  )
  local -A profile_args=(
${t.profileArgs}
  )
  local positional=0
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ "$word" == -* ]]; then
      # The value of an option is not an argument.
      [[ " \${valued[$path]} " == *" $word "* ]] && ((i++))
      continue
    fi
    if [[ $positional -eq 0 && " \${subs[$path]} " == *" $word "* ]]; then
      path="$path $word"
    else
      positional=$((positional + 1))
    fi
  done
${BASH_OFFER}
}
complete -o default -F _sentinel sentinel
`;
}

/** zsh: what to offer once the command path, the positional count and `prev` are known. */
const ZSH_OFFER = `  local config=\${AWS_CONFIG_FILE:-$HOME/.aws/config}
  local -a profiles
  # A regular file only: reading a FIFO or a device would block the shell.
  [[ -f $config && -r $config ]] && profiles=(\${(f)"$(${PROFILE_SED} $config)"})
  local prev=\${words[CURRENT-1]}
  case $prev in
    ${PROFILE_FLAGS.join("|")}) compadd -- $profiles; return ;;
  esac
  if [[ -n \${choices[$cmdpath $prev]} ]]; then
    compadd -- \${=choices[$cmdpath $prev]}
  elif [[ \${words[CURRENT]} == -* ]]; then
    compadd -- \${=opts[$cmdpath]}
  elif [[ $positional -eq 0 && ( -n \${subs[$cmdpath]} || -n \${profile_args[$cmdpath]} ) ]]; then
    [[ -n \${subs[$cmdpath]} ]] && compadd -- \${=subs[$cmdpath]}
    [[ -n \${profile_args[$cmdpath]} ]] && compadd -- $profiles
  else
    _files
  fi`;

/** The zsh script: `source <(sentinel completions zsh)` (after compinit). */
export function zshScript(nodes: readonly CompletionNode[]): string {
  const t = scriptTables(nodes, (key, value) => `    ${key} ${value}`);
  // No local may be named path, fpath, cdpath, manpath…: zsh ties them to PATH and friends.
  return `#compdef sentinel
# zsh completion for sentinel, generated by \`sentinel completions zsh\`.
# Load it with: source <(sentinel completions zsh)   (after compinit)
_sentinel() {
  local -A subs opts valued choices profile_args
  subs=(
${t.subs}
  )
  opts=(
${t.opts}
  )
  valued=(
${t.valued}
  )
  choices=(
${t.choices}
  )
  profile_args=(
${t.profileArgs}
  )
  local cmdpath=sentinel word i positional=0
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    if [[ $word == -* ]]; then
      [[ " \${valued[$cmdpath]} " == *" $word "* ]] && ((i++))
      continue
    fi
    if [[ $positional -eq 0 && " \${subs[$cmdpath]} " == *" $word "* ]]; then
      cmdpath="$cmdpath $word"
    else
      positional=$((positional + 1))
    fi
  done
${ZSH_OFFER}
}
compdef _sentinel sentinel
`;
}

/** The fish script: `sentinel completions fish | source`. */
export function fishScript(nodes: readonly CompletionNode[]): string {
  const lines = [
    "# fish completion for sentinel, generated by `sentinel completions fish`.",
    "# Load it with: sentinel completions fish | source   (or save it in ~/.config/fish/completions/sentinel.fish)",
    "function __sentinel_profiles",
    "    set -l config $AWS_CONFIG_FILE",
    '    test -n "$config"; or set config ~/.aws/config',
    "    # A regular file only: reading a FIFO or a device would block the shell.",
    `    test -f $config; and test -r $config; and ${PROFILE_SED} $config`,
    "end",
    "complete -c sentinel -f",
  ];
  const byPath = new Map(nodes.map((n) => [n.path, n]));
  for (const node of nodes) {
    const words = node.path.split(" ").slice(1);
    const condition = words.length === 0
      ? `not __fish_seen_subcommand_from ${node.subcommands.join(" ")}`
      : [
        ...words.map((word) => `__fish_seen_subcommand_from ${word}`),
        ...(node.subcommands.length > 0
          ? [`not __fish_seen_subcommand_from ${node.subcommands.join(" ")}`]
          : []),
      ].join("; and ");
    for (const sub of node.subcommands) {
      const child = byPath.get(`${node.path} ${sub}`);
      lines.push(
        `complete -c sentinel -n ${quote(condition)} -a ${quote(sub)} -d ${
          quote(child?.description ?? "")
        }`,
      );
    }
    for (const option of node.options) {
      const long = option.flags.find((flag) => flag.startsWith("--"));
      const short = option.flags.find((flag) => !flag.startsWith("--"));
      const profile = long !== undefined && PROFILE_FLAGS.includes(long);
      lines.push(
        [
          "complete -c sentinel",
          `-n ${quote(condition)}`,
          long ? `-l ${long.slice(2)}` : "",
          short ? `-s ${short.slice(1)}` : "",
          option.takesValue ? "-r" : "",
          profile ? `-a ${quote("(__sentinel_profiles)")}` : "",
          option.choices ? `-a ${quote(option.choices.join(" "))}` : "",
          `-d ${quote(option.description)}`,
        ].filter((part) => part !== "").join(" "),
      );
    }
    if (node.profileArgument) {
      lines.push(
        `complete -c sentinel -n ${quote(condition)} -a ${quote("(__sentinel_profiles)")}`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

const SHELLS = ["bash", "zsh", "fish"] as const;

/** Builds `completions`. */
export function completionsCommand(ctx: CommandContext) {
  return declare(
    new Command("completions")
      .description("Print a shell completion script for bash, zsh or fish")
      .argument("<shell>", `one of ${SHELLS.join(", ")}`),
    {
      exits: [[ExitCode.Ok, "printed"], [ExitCode.Usage, "an unknown shell"]],
      examples: [
        "source <(sentinel completions bash)                      # in ~/.bashrc",
        "source <(sentinel completions zsh)                       # in ~/.zshrc, after compinit",
        "sentinel completions fish > ~/.config/fish/completions/sentinel.fish",
      ],
    },
  ).action(ctx.action((shell, _options, command) => {
    let root: CommandUnknownOpts = command;
    while (root.parent !== null) root = root.parent;
    const nodes = completionNodes(root);
    switch (shell) {
      case "bash":
        ctx.io.stdout(bashScript(nodes));
        return;
      case "zsh":
        ctx.io.stdout(zshScript(nodes));
        return;
      case "fish":
        ctx.io.stdout(fishScript(nodes));
        return;
      default:
        throw new SentinelError(
          "usage",
          `no completions for "${shell}": choose ${SHELLS.join(", ")}`,
        );
    }
  }));
}

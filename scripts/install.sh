#!/usr/bin/env bash
# Puts a `sentinel` on PATH, so that `credential_process = sentinel credentials <profile>` works:
#   - the compiled binary, where `deno compile` can build one (it needs its runtime download);
#   - otherwise a small launcher that runs this checkout's main.ts with Deno 2.9.6 by absolute path
#     and exactly the runtime flags of the `sentinel` task (scripts/runtime_flags.ts). A Deno found
#     on PATH is used when it is 2.9.6 and not a throwaway npx copy; otherwise deno@2.9.6 is
#     installed from npm into a private prefix (it works with no Deno on PATH at all).
#
#   bash scripts/install.sh                    # into ~/.local/bin
#   bash scripts/install.sh --prefix /opt/bin  # elsewhere
#   bash scripts/install.sh --uninstall        # remove what this script installed
set -euo pipefail

DENO_VERSION=2.9.6
MARK="# sentinel launcher written by scripts/install.sh"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix="$HOME/.local/bin"
data="${XDG_DATA_HOME:-$HOME/.local/share}/sentinel"
mode=install
compile=auto
force=0
deno_given=""

log() { printf 'install: %s\n' "$*" >&2; }
die() {
  printf 'install: %s\n' "$*" >&2
  exit 1
}
usage() {
  cat <<USAGE
Usage: bash scripts/install.sh [--prefix DIR] [--no-compile] [--deno PATH] [--force]
       bash scripts/install.sh --uninstall [--prefix DIR]

  --prefix DIR   where to put \`sentinel\` (default ~/.local/bin)
  --no-compile   install the launcher without trying \`deno compile\`
  --deno PATH    the Deno $DENO_VERSION to pin (default: one on PATH, else npm's deno@$DENO_VERSION)
  --force        replace a \`sentinel\` in DIR that this script did not install
  --uninstall    remove the \`sentinel\` this script installed in DIR (and its private Deno when
                 nothing else uses it); your config, policy, log and cache stay
USAGE
}

while (($#)); do
  case "$1" in
  --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
  --prefix=*) prefix=${1#*=}; shift ;;
  --deno) deno_given=${2:?--deno needs a path}; shift 2 ;;
  --deno=*) deno_given=${1#*=}; shift ;;
  --no-compile) compile=no; shift ;;
  --force) force=1; shift ;;
  --uninstall) mode=uninstall; shift ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; die "unknown option: $1" ;;
  esac
done

mkdir -p "$prefix" 2>/dev/null || die "cannot create $prefix; choose another --prefix"
prefix=$(cd "$prefix" && pwd)
target="$prefix/sentinel"
manifest="$data/install-manifest"
runtime="$data/runtime"
private_deno="$runtime/node_modules/deno/deno"

# Whether the manifest lists a line.
listed() { [[ -f "$manifest" ]] && grep -qxF "$1" "$manifest"; }
# The SHA-256 of a file.
file_hash() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
# The manifest without its lines for $target ("file <path> <sha256>").
manifest_without_target() {
  local line
  while IFS= read -r line; do
    [[ "$line" == "file $target" || "$line" == "file $target "* ]] || printf '%s\n' "$line"
  done <"$manifest"
}
# The SHA-256 the manifest recorded for $target when this script installed it.
recorded_hash() {
  [[ -f "$manifest" ]] || return 0
  local line
  while IFS= read -r line; do
    [[ "$line" == "file $target "* ]] && printf '%s\n' "${line#"file $target "}"
  done <"$manifest" | tail -n 1
}
# Whether $target is a launcher this script wrote: the mark opens one of its first lines.
marked() {
  [[ -f "$target" ]] && head -n 3 "$target" 2>/dev/null | {
    while IFS= read -r line; do [[ "$line" == "$MARK"* ]] && exit 0; done
    exit 1
  }
}
# Whether $target is ours: a marked launcher, or the very file (by hash) the manifest recorded.
ours() {
  marked && return 0
  local recorded
  recorded=$(recorded_hash)
  [[ -n "$recorded" && -f "$target" && "$(file_hash "$target")" == "$recorded" ]]
}

uninstall() {
  if [[ -e "$target" ]]; then
    ours || die "$target was not installed by this script (or was replaced since); remove it yourself if you mean to"
    rm -f "$target"
    log "removed $target"
  else
    log "nothing to remove: no sentinel in $prefix"
  fi
  if [[ -f "$manifest" ]]; then
    manifest_without_target >"$manifest.tmp" || true
    mv "$manifest.tmp" "$manifest"
    if ! grep -q '^file ' "$manifest"; then
      if grep -qxF "runtime $runtime" "$manifest"; then
        rm -rf "$runtime"
        log "removed the private Deno in $runtime"
      fi
      rm -f "$manifest"
    fi
  fi
  log "kept your ~/.aws/config, policy, decision log and cache"
}

# Whether $1 is a Deno $DENO_VERSION that can run.
deno_ok() { [[ -x "$1" ]] && [[ "$("$1" --version 2>/dev/null | head -n1)" == "deno $DENO_VERSION "* ]]; }
# Whether a path will vanish: npx's cache and temporary folders.
ephemeral() {
  case "$1" in */_npx/* | /tmp/* | "${TMPDIR:-/tmp}"/*) return 0 ;; esac
  return 1
}

# The user's npm configuration for `npm install --prefix`, one argument a line. npm derives its
# global config file from the prefix, so an install into our own prefix would lose the user's
# (a corporate CA in `cafile`, a registry mirror, a proxy): name it explicitly. When no npm config
# names a CA but SSL_CERT_FILE does (and NODE_EXTRA_CA_CERTS, which Node reads itself, is unset),
# that bundle is npm's cafile.
npm_user_config() {
  local globalconfig cafile
  globalconfig=$(npm config get globalconfig 2>/dev/null || true)
  if [[ -n "$globalconfig" && -f "$globalconfig" ]]; then
    printf '%s\n' --globalconfig "$globalconfig"
  fi
  cafile=$(npm config get cafile 2>/dev/null || true)
  if [[ -z "$cafile" || "$cafile" == null || "$cafile" == undefined ]] &&
    [[ -z "${NODE_EXTRA_CA_CERTS:-}" && -n "${SSL_CERT_FILE:-}" && -r "${SSL_CERT_FILE:-}" ]]; then
    printf '%s\n' --cafile "$SSL_CERT_FILE"
  fi
}

# The absolute path of the Deno $DENO_VERSION to pin, installing one from npm when none fits.
find_deno() {
  local found real
  if [[ -n "$deno_given" ]]; then
    real=$(readlink -f "$deno_given" 2>/dev/null || true)
    deno_ok "$real" || die "--deno $deno_given is not Deno $DENO_VERSION"
    printf '%s\n' "$real"
    return
  fi
  found=$(command -v deno 2>/dev/null || true)
  if [[ -n "$found" ]]; then
    real=$(readlink -f "$found")
    if deno_ok "$real" && ! ephemeral "$real"; then
      printf '%s\n' "$real"
      return
    fi
    log "the deno on PATH ($real) is not a lasting Deno $DENO_VERSION; using a private one"
  fi
  if deno_ok "$private_deno"; then
    printf '%s\n' "$private_deno"
    return
  fi
  command -v npm >/dev/null 2>&1 ||
    die "no Deno $DENO_VERSION and no npm to install it: install Node.js (for npm) or Deno $DENO_VERSION, then run this again"
  log "installing deno@$DENO_VERSION from npm into $runtime"
  mkdir -p "$runtime"
  local -a npm_config
  mapfile -t npm_config < <(npm_user_config)
  # --prefer-offline: the copy `npx deno@$DENO_VERSION` left in npm's cache serves, when there is one.
  npm install --prefix "$runtime" "${npm_config[@]}" --no-save --no-audit --no-fund \
    --prefer-offline --loglevel=error "deno@$DENO_VERSION" >&2 ||
    die "npm could not install deno@$DENO_VERSION (npm's messages are above; behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS or npm's cafile to its CA bundle)"
  if ! deno_ok "$private_deno"; then
    # Without its postinstall script the package leaves the binary in its platform package.
    local platform
    for platform in "$runtime"/node_modules/@deno/*/deno; do
      if deno_ok "$platform"; then
        ln -f "$platform" "$private_deno" 2>/dev/null || cp "$platform" "$private_deno"
        break
      fi
    done
  fi
  deno_ok "$private_deno" || die "npm installed deno@$DENO_VERSION, but $private_deno does not run"
  mkdir -p "$data"
  listed "runtime $runtime" || echo "runtime $runtime" >>"$manifest"
  printf '%s\n' "$private_deno"
}

# The line that puts $1 on PATH for new terminals of the user's $SHELL: a new tab runs an
# interactive non-login shell, which reads ~/.bashrc or ~/.zshrc, not ~/.profile.
path_advice() {
  local rc
  case "$(basename "${SHELL:-sh}")" in
  fish) printf 'fish_add_path %s' "$(sh_quote "$1")"; return ;;
  zsh) rc='~/.zshrc' ;;
  bash) rc='~/.bashrc' ;;
  *) rc='~/.profile' ;;
  esac
  printf "echo 'export PATH=\"%s:\$PATH\"' >> %s" "$1" "$rc"
}

# Single-quotes a word for sh.
sh_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

install_file() {
  local from=$1
  chmod 0755 "$from"
  mv -f "$from" "$target"
  mkdir -p "$data"
  if [[ -f "$manifest" ]]; then
    manifest_without_target >"$manifest.tmp" || true
    mv "$manifest.tmp" "$manifest"
  fi
  echo "file $target $(file_hash "$target")" >>"$manifest"
}

write_launcher() {
  local deno=$1 flags tmp
  flags=$("$deno" run --quiet --allow-read --config "$root/deno.json" "$root/scripts/runtime_flags.ts")
  tmp=$(mktemp "$prefix/.sentinel.XXXXXX")
  {
    echo "#!/bin/sh"
    echo "$MARK"
    echo "# on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
    echo "# It runs the checkout $root (its main.ts) with Deno $DENO_VERSION at a fixed path and the"
    echo "# runtime flags of the \`sentinel\` task; remove it with: bash $(sh_quote "$root/scripts/install.sh") --uninstall"
    printf 'checkout=%s\n' "$(sh_quote "$root")"
    printf 'deno=%s\n' "$(sh_quote "$deno")"
    # shellcheck disable=SC2016 # expanded when the launcher runs
    echo 'if [ ! -f "$checkout/main.ts" ]; then echo "sentinel: this launcher runs the Sentinel checkout $checkout, which is gone (moved or deleted); run scripts/install.sh from the checkout'"'"'s new place to point it there" >&2; exit 1; fi'
    # shellcheck disable=SC2016
    echo 'if [ ! -x "$deno" ]; then echo "sentinel: this launcher runs Deno '"$DENO_VERSION"' at $deno, which is gone; run scripts/install.sh in $checkout again" >&2; exit 1; fi'
    # shellcheck disable=SC2086 # the flags are words
    printf 'exec "$deno" run --quiet --config %s %s %s "$@"\n' \
      "$(sh_quote "$root/deno.json")" "$flags" "$(sh_quote "$root/main.ts")"
  } >"$tmp"
  install_file "$tmp"
}

try_compile() {
  local deno=$1 host out
  [[ "$compile" == no ]] && return 1
  host=$("$deno" eval --quiet 'console.log(Deno.build.target)')
  out=$(mktemp -d)
  if (cd "$root" && NO_COLOR=1 "$deno" run --quiet --allow-all --config "$root/deno.json" \
    scripts/compile.ts --target "$host" --output "$out/sentinel") >"$out/log" 2>&1; then
    install_file "$out/sentinel"
    rm -rf "$out"
    return 0
  fi
  mkdir -p "$data"
  mv "$out/log" "$data/compile.log"
  rm -rf "$out"
  local why
  # The whole cause (the first error line), never cut mid-sentence; the full log stays on disk.
  why=$({ grep -m1 'error sending request' "$data/compile.log" || grep -m1 '^error' "$data/compile.log"; } |
    sed 's/^ *[0-9]*: *//' | tr -s ' \t' ' ')
  log "deno compile cannot build a binary here: ${why:-see $data/compile.log}"
  log "  (the whole log: $data/compile.log); installing a launcher instead"
  return 1
}

install() {
  if [[ -e "$target" ]] && ! ours && [[ $force -eq 0 ]]; then
    die "$target exists and was not installed by this script; pass --force to replace it"
  fi
  local deno kind
  deno=$(find_deno)
  log "Deno $DENO_VERSION: $deno"
  # The modules the CLI loads lazily, and their npm packages, fetched now rather than at first use.
  (cd "$root" && find main.ts src plugins -name '*.ts' ! -name '*_test.ts' -print0 |
    xargs -0 "$deno" cache --quiet --config "$root/deno.json") ||
    die "could not fetch Sentinel's dependencies (npm registry reachable?)"
  (cd "$root" && "$deno" run --quiet --allow-run=git --allow-read --allow-write=dist \
    scripts/build_info.ts >/dev/null) || log "could not stamp the commit; --version will say unknown"
  if try_compile "$deno"; then kind="compiled binary"; else
    write_launcher "$deno"
    kind="launcher (Deno $DENO_VERSION at $deno)"
  fi
  "$target" --version >/dev/null || die "the installed $target does not run; see the messages above"
  log "installed $target: $kind — $("$target" --version)"
  [[ "$kind" == launcher* ]] &&
    log "the launcher runs this checkout ($root): after moving or deleting it, run scripts/install.sh again from its new place"
  case ":$PATH:" in
  *":$prefix:"*) ;;
  *)
    log "warning: $prefix is not on your PATH, so \`sentinel\` (and credential_process) will not find it."
    log "  add it: $(path_advice "$prefix")   (then open a new terminal)"
    ;;
  esac
  log "next: sentinel init   (then: sentinel doctor)"
}

if [[ "$mode" == uninstall ]]; then uninstall; else install; fi

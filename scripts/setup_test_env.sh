#!/usr/bin/env bash
# Installs the test peers into project-local, git-ignored places (.tools/):
#   - moto server (AWS emulator) and the AWS CLI, in a Python venv
#   - aws-vault, built from source with the Go toolchain
# Re-runs are fast: each peer is skipped when its pinned version is already present.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools"
venv="$tools/venv"
bin="$tools/bin"
mkdir -p "$bin"

MOTO_VERSION=5.2.5
AWSCLI_VERSION=1.46.3
# Checks the deployment template (test/deploy_*); pinned so a new rule cannot fail a fresh machine.
CFN_LINT_VERSION=1.58.0
# The maintained fork (github.com/byteness/aws-vault/v7) is preferred; where the Go module proxy
# refuses it, the last upstream release (99designs v7.2.0, same CLI and file backend) is built.
AWS_VAULT_MODULES=("github.com/byteness/aws-vault/v7@v7.9.3" "github.com/99designs/aws-vault/v7@v7.2.0")

log() { printf 'setup: %s\n' "$*" >&2; }

python_peers() {
  local stamp="$venv/.installed-moto$MOTO_VERSION-awscli$AWSCLI_VERSION-cfnlint$CFN_LINT_VERSION"
  [[ -f "$stamp" ]] && return 0
  log "installing moto[server]==$MOTO_VERSION, awscli==$AWSCLI_VERSION and cfn-lint==$CFN_LINT_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" "awscli==$AWSCLI_VERSION" "cfn-lint==$CFN_LINT_VERSION"
  touch "$stamp"
}

build_aws_vault() {
  local module=$1 path=${1%@*} version=${1#*@}
  local work
  work=$(mktemp -d)
  # Building inside a throwaway module avoids `go install`'s version-list lookup, which the
  # module proxy may refuse even when it serves the pinned version itself.
  cat >"$work/go.mod" <<GOMOD
module sentinel.test/awsvaultbuild

go 1.20

require $path $version
GOMOD
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$path" >"$work/tools.go"
  if (cd "$work" && go mod tidy >/dev/null 2>&1 &&
    go build -ldflags "-X main.Version=$version" -o "$bin/aws-vault" "$path") 2>/dev/null; then
    rm -rf "$work"
    echo "$module" >"$bin/.aws-vault-module"
    return 0
  fi
  rm -rf "$work"
  return 1
}

aws_vault() {
  [[ -x "$bin/aws-vault" && -f "$bin/.aws-vault-module" ]] && return 0
  command -v go >/dev/null || { log "Go is required to build aws-vault (install Go 1.20+)"; exit 1; }
  for module in "${AWS_VAULT_MODULES[@]}"; do
    log "building aws-vault from $module"
    if build_aws_vault "$module"; then return 0; fi
    log "could not build $module, trying the next source"
  done
  log "aws-vault could not be built from any source"
  exit 1
}

python_peers
aws_vault
log "test peers ready in $tools"

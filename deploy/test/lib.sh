# shellcheck shell=bash disable=SC2034  # variables are used by the sourcing scripts
# Shared by the deploy/test scripts: repo paths, the tool cache, installers for
# the tools they need, and the pass/fail tally. Sourced, not run.
#
# Tools are installed on first use and cached, so a fresh machine (CI) gets
# them from the package registries and later runs start at once:
#   ${DATELINE_TOOLS_DIR:-~/.cache/dateline/deploy-tools}/
#     venv-<hash>/   Python tools pinned in deploy/test/requirements.txt
#     bin/kustomize  Go module sigs.k8s.io/kustomize/kustomize/v5
# prometheus/promtool come from Debian's `prometheus` package.

DEPLOY_TEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$DEPLOY_TEST_DIR/../.." && pwd)"
TOOLS_DIR="${DATELINE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dateline/deploy-tools}"
KUSTOMIZE_VERSION="v5.8.2" # v5.8.3 needs Go 1.27; this machine has 1.26

log() { printf '%s: %s\n' "${LOG_PREFIX:-deploy-test}" "$*" >&2; }
die() { log "error: $*"; exit 2; }

# --- tally -------------------------------------------------------------------
PASSED=0
FAILED=0
FAILURES=()
pass() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$1"; }
fail() {
  FAILED=$((FAILED + 1)); FAILURES+=("$1")
  printf 'not ok - %s%s\n' "$1" "${2:+: $2}"
}
# check NAME CMD...: runs CMD, passes when it exits 0 (its output is shown on failure).
check() {
  local name="$1" out; shift
  if out="$("$@" 2>&1)"; then pass "$name"; else fail "$name"; printf '%s\n' "$out" | sed 's/^/    /' | tail -n 30; fi
}
# Adds the ok/not ok lines of a sub-tool's output (already printed) to the tally.
tally_output() {
  local line
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) PASSED=$((PASSED + 1)) ;;
      "not ok - "*) FAILED=$((FAILED + 1)); FAILURES+=("${line#not ok - }") ;;
    esac
  done
}
summary() {
  local f
  if (( FAILED > 0 )); then
    printf 'FAILED:\n' >&2
    for f in "${FAILURES[@]}"; do printf '  %s\n' "$f" >&2; done
  fi
  printf '%s: %d passed, %d failed\n' "${LOG_PREFIX:-deploy-test}" "$PASSED" "$FAILED"
  (( FAILED == 0 ))
}

# --- installers --------------------------------------------------------------
# apt-get install, with `apt-get update` first only when the package lists do
# not know the package, and once more if the listed version is gone.
apt_install() {
  local pkg="$1"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then apt-get update -qq >&2; fi
  apt-get install -y -qq --no-install-recommends "$pkg" >&2 \
    || { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "$pkg" >&2; }
}

# prometheus + promtool from Debian (2.42 on bookworm).
ensure_prometheus() {
  command -v prometheus >/dev/null && command -v promtool >/dev/null && return 0
  log "installing Debian's prometheus package"
  apt_install prometheus || die "apt-get install prometheus failed"
  # Debian's package may start its own service where an init system runs; the
  # tests use their own instance on a free port and leave that one alone.
  command -v promtool >/dev/null || die "prometheus package installed but promtool missing"
}

# Python venv with deploy/test/requirements.txt; prints its bin directory.
ensure_venv() {
  local req="$DEPLOY_TEST_DIR/requirements.txt" hash dir
  hash="$( (python3 --version; cat "$req") | sha256sum | cut -c1-12)"
  dir="$TOOLS_DIR/venv-$hash"
  if [[ ! -x "$dir/bin/python" || ! -f "$dir/.complete" ]]; then
    log "creating Python venv $dir (requirements.txt, ~10 s)"
    rm -rf "$dir"
    mkdir -p "$TOOLS_DIR"
    python3 -m venv "$dir" >&2
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$req" >&2 || die "pip install failed"
    touch "$dir/.complete"
  fi
  echo "$dir/bin"
}

# kustomize, built from the Go module proxy; prints its path.
ensure_kustomize() {
  local bin="$TOOLS_DIR/bin/kustomize"
  if [[ ! -x "$bin" ]] || ! "$bin" version 2>/dev/null | grep -q "$KUSTOMIZE_VERSION"; then
    command -v go >/dev/null || die "go not found (needed to build kustomize)"
    log "building kustomize $KUSTOMIZE_VERSION from the Go module proxy (~30 s, once)"
    mkdir -p "$TOOLS_DIR/bin"
    GOBIN="$TOOLS_DIR/bin" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2 \
      || die "go install kustomize failed"
  fi
  echo "$bin"
}

# The dateline binary: $DATELINE_BIN, or target/debug/dateline built now (a
# no-op when it is up to date; minutes on a cold target/). Prints its path.
ensure_dateline() {
  if [[ -n "${DATELINE_BIN:-}" ]]; then
    [[ -x "$DATELINE_BIN" ]] || die "DATELINE_BIN=$DATELINE_BIN is not an executable"
    echo "$DATELINE_BIN"
    return 0
  fi
  log "cargo build -p dateline-cli"
  (cd "$REPO_ROOT" && cargo build -q -p dateline-cli --locked >&2) || die "cargo build -p dateline-cli failed"
  echo "$REPO_ROOT/target/debug/dateline"
}

# A free TCP port on 127.0.0.1 (the kernel's pick; released before use, so a
# race with another process is possible but unlikely).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

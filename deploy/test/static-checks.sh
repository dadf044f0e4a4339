#!/usr/bin/env bash
# Everything about deploy/ that needs no running server:
#   - hadolint on the Dockerfile, shellcheck on every shell script (deploy,
#     scripts/, .ci/run);
#   - docker-compose.yml through compose-go (what `docker compose config`
#     runs), plus its agreement with kafka-local.sh, deploy/dateline.toml and
#     deploy/prometheus (deploy/test/composecheck);
#   - the Kubernetes base: kustomize build, schema validation, cross-checks
#     (deploy/test/k8s-validate.sh);
#   - the dashboard, alert annotations, runbook, provisioning and build
#     context (deploy/test/lint_deploy.py);
#   - deploy/dateline.toml through `dateline run --check`.
# The PromQL and the alerts are tested live by deploy/test/prometheus-e2e.sh.
#
#   deploy/test/static-checks.sh     # ~10 s warm; first run ~1 min (venv, kustomize, Go modules)
#
# Last line: `static-checks: N passed, M failed`; exit 1 on any failure.
set -euo pipefail
LOG_PREFIX=static-checks
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

venv="$(ensure_venv)"

check "hadolint Dockerfile" "$venv/hadolint" Dockerfile
check "shellcheck scripts" "$venv/shellcheck" -x deploy/test/*.sh deploy/k8s/sync.sh scripts/*.sh .ci/run

# Sub-tools print their own ok/not ok lines; count them, keep their summaries out.
run_tool() {
  local name="$1" out rc; shift
  set +e
  out="$("$@" 2>&1)"; rc=$?
  set -e
  printf '%s\n' "$out" | grep -v -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' || true
  tally_output <<<"$out"
  # A crash before any check (a traceback, a compile error) must count too.
  if (( rc != 0 )) && ! grep -q '^not ok - ' <<<"$out"; then fail "$name exited $rc"; fi
}

run_tool lint-deploy "$venv/python" deploy/test/lint_deploy.py "$REPO_ROOT"
# The config compose mounts, checked by the worker itself with compose's environment.
dateline="$(ensure_dateline)"
check "dateline run --check accepts deploy/dateline.toml (as compose runs it)" \
  env DATELINE_METRICS_ADDR=0.0.0.0:9898 "$dateline" run --check --config deploy/dateline.toml
run_tool composecheck bash -c 'cd deploy/test/composecheck && exec go run . ../../..'
run_tool k8s-validate deploy/test/k8s-validate.sh

summary

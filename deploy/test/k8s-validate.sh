#!/usr/bin/env bash
# Renders deploy/k8s/base with kustomize and validates every object against
# real schemas (Kubernetes OpenAPI, KEDA and Prometheus Operator CRDs, strict
# about unknown fields), then checks the manifests against each other and the
# repo; deploy/test/validate_k8s.py says what and how. Offline once the tools
# are cached.
#
#   deploy/test/k8s-validate.sh      # ~3 s warm; first run ~45 s (venv + kustomize build),
#                                    # plus `cargo build -p dateline-cli` if not built
#
# Last line: `k8s-validate: N passed, M failed`; exit 1 on any failure.
set -euo pipefail
LOG_PREFIX=k8s-validate
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

venv="$(ensure_venv)"
kustomize="$(ensure_kustomize)"
# The worker itself checks the config and taxonomy that the ConfigMap carries.
dateline="$(ensure_dateline)"
exec "$venv/python" "$DEPLOY_TEST_DIR/validate_k8s.py" "$kustomize" "$REPO_ROOT" "$dateline"

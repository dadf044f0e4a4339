#!/usr/bin/env bash
# The project's one test command (README, .ci/run): unit, property and
# real-broker tests. Starts the local Kafka broker when none answers at
# $DATELINE_TEST_BROKERS (default 127.0.0.1:9092) and stops it again at the end
# if this script started it.
#
#   scripts/test.sh              # everything
#   scripts/test.sh -p dateline-classify   # extra args go to `cargo test`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DATELINE_TEST_BROKERS="${DATELINE_TEST_BROKERS:-127.0.0.1:9092}"
started_here=false
if [[ "${DATELINE_SKIP_KAFKA_TESTS:-0}" != "1" ]] && ! scripts/kafka-local.sh status >/dev/null 2>&1; then
  echo "test.sh: starting the local Kafka broker (scripts/kafka-local.sh)" >&2
  DATELINE_TEST_BROKERS="$(scripts/kafka-local.sh start | tail -n 1)"
  started_here=true
fi
cleanup() {
  if $started_here; then scripts/kafka-local.sh stop --wipe >&2 || true; fi
}
trap cleanup EXIT

# The subprocess tests run the real `dateline` binary; build it first so they
# find it (a debug build: release builds stay out of the test path).
cargo build --locked -p dateline-cli --bin dateline

# Everything except the broker-outage test, which stops and restarts the shared
# broker and so must not overlap other broker tests.
cargo test --locked --workspace "$@" -- --skip outage
if [[ "${DATELINE_SKIP_KAFKA_TESTS:-0}" != "1" && $# -eq 0 ]]; then
  cargo test --locked -p dateline-tests --test outage -- --test-threads 1
fi

#!/usr/bin/env bash
# Benchmark of `dateline run` end to end against the local Kafka broker, with a
# raw passthrough (same binary, consumer and producer settings, no
# classification) as the ceiling. Each mode drains the same backlog in several
# rounds (alternating order); prints every drain and the medians as Markdown:
# articles/s, MB/s, CPU per article of the worker and of the broker, machine
# busy/stolen, latency p50/p99, peak RSS. Release builds (benchmarks only; the
# tests use debug builds).
#
#   scripts/bench-worker.sh                       # 100,000 articles of ~5 KB, 3 rounds
#   scripts/bench-worker.sh --articles 50000 --rounds 5 --rate 3000 --seconds 20
#
# Flags go to the bench (tests/examples/bench_worker.rs): --articles N,
# --article-bytes B, --rounds R, --warmup W (unmeasured drains per mode before the
# rounds; default 1), --rate R (latency phase, articles/s), --seconds S,
# --partitions P, --exactly-once (adds `dateline run --exactly-once`, compared
# with at-least-once `classify`), --corpus FILE (JSON Lines articles; default:
# 20,000 articles from bench/gen-articles.py, written once under $TMPDIR, whose
# text a CPU cannot learn by heart the way it learns the test fixtures'). Uses $DATELINE_TEST_BROKERS (default 127.0.0.1:9092); starts
# scripts/kafka-local.sh when nothing answers there and stops it again at the end.
#
# --kafka-streams (this script's own flag, no value) also runs the same drains
# with Kafka Streams (bench/kafka-streams/StreamsBench.java: a passthrough, and
# a Jackson parse-and-write with no classifier), its jars resolved by Maven
# into ~/.m2 from bench/kafka-streams/pom.xml; Java 17+. --quix-streams likewise
# with Quix Streams (bench/quix-streams/quix_bench.py), installed from PyPI into
# a virtualenv under ~/.cache/dateline; Python 3.9+.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

args=()
streams=()
for arg in "$@"; do
  if [[ "$arg" == --kafka-streams ]]; then
    cp_file="$(mktemp)"
    mvn -B -q -Dstyle.color=never -f bench/kafka-streams/pom.xml dependency:build-classpath \
      -Dmdep.includeScope=runtime "-Dmdep.outputFile=$cp_file" >&2
    streams+=(--kafka-streams "$(cat "$cp_file")")
    rm -f "$cp_file"
  elif [[ "$arg" == --quix-streams ]]; then
    venv="${XDG_CACHE_HOME:-$HOME/.cache}/dateline/quix-streams-3.28.1"
    if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import quixstreams' 2>/dev/null; then
      python3 -m venv "$venv" >&2
      "$venv/bin/pip" install -q 'quixstreams==3.28.1' >&2
    fi
    streams+=(--quix-streams "$venv/bin/python")
  else
    args+=("$arg")
  fi
done

export DATELINE_TEST_BROKERS="${DATELINE_TEST_BROKERS:-127.0.0.1:9092}"
started_here=false
if ! scripts/kafka-local.sh status >/dev/null 2>&1; then
  echo "bench-worker: starting the local Kafka broker" >&2
  DATELINE_TEST_BROKERS="$(scripts/kafka-local.sh start | tail -n 1)"
  started_here=true
fi
cleanup() { if $started_here; then scripts/kafka-local.sh stop >&2 || true; fi; }
trap cleanup EXIT

cargo build --release --locked -p dateline-cli --bin dateline
cargo build --release --locked -p dateline-tests --example bench_worker
target_dir="${CARGO_TARGET_DIR:-target}"
corpus=()
if [[ " ${args[*]} " != *" --corpus "* ]]; then
  corpus=(--corpus "$(scripts/bench-corpus.sh 20000)")
fi
"$target_dir/release/examples/bench_worker" --dateline "$target_dir/release/dateline" \
  "${corpus[@]}" "${streams[@]}" "${args[@]}"

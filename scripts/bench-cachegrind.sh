#!/usr/bin/env bash
# Classification cost per article counted by cachegrind (valgrind) instead of
# timed: instructions, L1 data read misses, last-level read misses (the LL sized
# as one core's L2, where the classifier's tables live) and, with BRANCHES=1,
# mispredicted branches of cachegrind's simple predictor model. On a shared or
# virtual machine the clock moves by ±20 % from one run to the next (BENCHMARKS.md,
# sessions 10-11); these counts do not move at all, so they can judge a change of
# a few percent that timing cannot. They are a model: confirm a gain with time
# (`--example throughput`, alternating runs) where the host allows.
#
#   scripts/bench-cachegrind.sh                   # 3,000 bench articles, AVX2 path
#   scripts/bench-cachegrind.sh 1000 portable     # N articles, SIMD level
#   BRANCHES=1 scripts/bench-cachegrind.sh        # also branch mispredicts
#   L2_BYTES=2097152 scripts/bench-cachegrind.sh  # model another L2 size
#   BIN=/tmp/throughput-old scripts/bench-cachegrind.sh  # a saved build instead
#   CORPUS=news.jsonl scripts/bench-cachegrind.sh  # your own articles (JSON Lines)
#
# Runs the `throughput` example twice, over N articles and over one, and
# subtracts, so the classifier's start-up (~200 M instructions) is not counted;
# the example's parse of the file is (serde_json, line splitting: their own
# functions in the list). Prints totals per article and the eight costliest
# functions. Needs valgrind and python3 (not part of the tests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

n="${1:-3000}"
simd="${2:-avx2}"
l2="${L2_BYTES:-524288}"
command -v valgrind >/dev/null || { echo "bench-cachegrind: needs valgrind" >&2; exit 2; }

if [[ -n "${BIN:-}" ]]; then
  bin="$BIN"
else
  cargo build --release --locked -p dateline-classify --example throughput >&2
  bin="${CARGO_TARGET_DIR:-target}/release/examples/throughput"
fi
corpus="${CORPUS:-$(scripts/bench-corpus.sh 20000)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
head -n "$n" "$corpus" > "$work/n.jsonl"
head -n 1 "$corpus" > "$work/one.jsonl"
n="$(wc -l < "$work/n.jsonl")"

sim=(--cache-sim=yes "--LL=$l2,8,64")
if [[ -n "${BRANCHES:-}" ]]; then sim+=(--branch-sim=yes); fi
for f in one n; do
  valgrind --tool=cachegrind "${sim[@]}" --cachegrind-out-file="$work/cg.$f" \
    "$bin" "$work/$f.jsonl" --simd "$simd" > /dev/null 2> "$work/log.$f"
done

python3 - "$work/cg.one" "$work/cg.n" "$((n - 1))" "$l2" <<'EOF'
import collections, sys

def load(path):
    events, per_fn, fn = None, collections.defaultdict(collections.Counter), None
    for line in open(path):
        if line.startswith("events:"):
            events = line.split()[1:]
        elif line.startswith("fn="):
            fn = line[3:].strip()
        elif fn and line[:1].isdigit():
            nums = line.split()[1:]
            for e, v in zip(events, nums):
                per_fn[fn][e] += int(v)
    return events, per_fn

events, one = load(sys.argv[1])
_, many = load(sys.argv[2])
articles, l2 = int(sys.argv[3]), int(sys.argv[4])
diff = {f: many[f] - one.get(f, collections.Counter()) for f in many}
total = sum(diff.values(), collections.Counter())
cols = [("Ir", "instructions"), ("D1mr", "L1 read misses"), ("DLmr", f"L2 ({l2 // 1024} KB) read misses")]
if "Bcm" in events:
    cols.append(("Bcm", "branch mispredicts"))
print(f"{articles} articles (the run over N minus the run over one), per article:")
for key, name in cols:
    print(f"  {name:28} {total[key] / articles:10.0f}")
print("\ncostliest functions, per article:")
print("  " + "".join(f"{k:>10}" for k, _ in cols) + "  function")
for f, c in sorted(diff.items(), key=lambda kv: -kv[1]["Ir"])[:8]:
    print("  " + "".join(f"{c[k] / articles:10.0f}" for k, _ in cols) + f"  {f[:70]}")
EOF

#!/usr/bin/env bash
# `dateline classify` against `wc -w` over the same large JSONL file: the CLI half
# of the classifier's speed goal (`--threads 1` at least as fast as `wc -w`).
# Runs the two alternately (this machine is shared; alternating keeps a slow
# period from landing on one side only) and prints every run, the medians and
# their ratio. Release build; not part of the tests.
#
#   scripts/bench-classify.sh                 # 100,000 articles of ~5 KB, 5 rounds
#   scripts/bench-classify.sh 20000 3         # N articles, rounds
#   BENCH_FILE=my.jsonl scripts/bench-classify.sh   # your own JSON Lines
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

articles="${1:-100000}"
rounds="${2:-5}"
file="${BENCH_FILE:-$(scripts/bench-corpus.sh "$articles")}"
cargo build --release --locked -q -p dateline-cli --bin dateline
bin="${CARGO_TARGET_DIR:-target}/release/dateline"

# Wall seconds of one run, output discarded.
wall() {
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

cat "$file" > /dev/null # page cache
one=() two=() wcw=()
for ((i = 1; i <= rounds; i++)); do
  one+=("$(wall "$bin" classify --threads 1 "$file")")
  two+=("$(wall "$bin" classify "$file")")
  wcw+=("$(wall wc -w "$file")")
  printf 'round %d: classify --threads 1 %.2f s, classify %.2f s, wc -w %.2f s\n' \
    "$i" "${one[-1]}" "${two[-1]}" "${wcw[-1]}"
done
m1=$(printf '%s\n' "${one[@]}" | median)
m2=$(printf '%s\n' "${two[@]}" | median)
mw=$(printf '%s\n' "${wcw[@]}" | median)
bytes=$(stat -c %s "$file")
lines=$(wc -l < "$file")
echo
echo "$lines articles, $((bytes / 1000000)) MB, $(nproc) cores, locale ${LC_ALL:-${LANG:-unset}}"
printf '| run | median wall | articles/s |\n|---|---:|---:|\n'
for row in "classify --threads 1:$m1" "classify (all cores):$m2" "wc -w:$mw"; do
  printf '| %s | %.2f s | %.0f |\n' "${row%%:*}" "${row##*:}" "$(echo "$lines / ${row##*:}" | bc -l)"
done
printf '\nclassify --threads 1 / wc -w: %.2fx (1.00x or less meets the goal)\n' \
  "$(echo "$m1 / $mw" | bc -l)"

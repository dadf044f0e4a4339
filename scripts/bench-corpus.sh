#!/usr/bin/env bash
# The bench corpus of N articles (bench/gen-articles.py, default 20,000): written
# once under $TMPDIR, then reused; prints its path. Shared by the bench scripts.
#
#   file="$(scripts/bench-corpus.sh 100000)"
#
# "shuffled": the corpus since session 5; a file cached by an older script held
# the repeating corpus, so the name changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

n="${1:-20000}"
file="${TMPDIR:-/tmp}/dateline-bench-shuffled-$n.jsonl"
if [[ ! -s "$file" ]]; then
  echo "bench-corpus: writing $n articles to $file" >&2
  python3 bench/gen-articles.py "$n" > "$file.tmp" && mv "$file.tmp" "$file"
fi
echo "$file"

#!/usr/bin/env python3
"""Write N synthetic ~5 KB news articles as JSON Lines, for throughput and memory
measurements (`bench/gen-articles.py 100000 > /tmp/articles.jsonl`).

Articles are built from the bundled sample articles (samples/articles.jsonl):
each takes one sample's title and first paragraph and pads its body with
paragraphs from the other samples, so the text is news vocabulary, deterministic
for a given N, and not copied from any research data set.

The padding paragraphs have their words shuffled. The samples have only a few
dozen paragraphs; repeated verbatim across 100,000 articles, the CPU's branch
predictor learns their word sequences and the classifier ran ~1.75x faster than
on real news (session 5: 337 MB/s on repeated paragraphs, 195 MB/s with the
same words shuffled, 169 MB/s on real BBC news text). Shuffled words keep the
vocabulary and word frequencies and give real text's unpredictable branches.
`--verbatim` writes the old, repeating corpus."""
import json
import random
import sys
from pathlib import Path

args = [a for a in sys.argv[1:] if a != "--verbatim"]
verbatim = "--verbatim" in sys.argv[1:]
n = int(args[0]) if len(args) > 0 else 10000
size = int(args[1]) if len(args) > 1 else 5000
samples = [json.loads(l) for l in (Path(__file__).resolve().parent.parent / "samples" / "articles.jsonl").open()]
paragraphs = [p for s in samples for p in s["body"].split("\n") if p.strip()]
rng = random.Random(42)
out = sys.stdout
for i in range(n):
    base = samples[i % len(samples)]
    body = [base["body"].split("\n")[0]]
    while sum(len(p) + 1 for p in body) < size:
        p = rng.choice(paragraphs)
        if not verbatim:
            words = p.split(" ")
            rng.shuffle(words)
            p = " ".join(words)
        body.append(p)
    text = "\n".join(body)[:size]
    out.write(json.dumps({"id": f"bench-{i}", "title": base["title"], "body": text, "source": "bench"}) + "\n")

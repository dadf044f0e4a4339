#!/usr/bin/env python3
"""Write N synthetic ~5 KB news articles as JSON Lines, for throughput and memory
measurements (`bench/gen-articles.py 100000 > /tmp/articles.jsonl`).

Articles are built from the bundled sample articles (samples/articles.jsonl):
each takes one sample's title and pads its body with paragraphs from the other
samples, so the text is realistic news vocabulary, deterministic for a given N,
and not copied from any research data set."""
import json
import random
import sys
from pathlib import Path

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
size = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
samples = [json.loads(l) for l in (Path(__file__).resolve().parent.parent / "samples" / "articles.jsonl").open()]
paragraphs = [p for s in samples for p in s["body"].split("\n") if p.strip()]
rng = random.Random(42)
out = sys.stdout
for i in range(n):
    base = samples[i % len(samples)]
    body = [base["body"].split("\n")[0]]
    while sum(len(p) + 1 for p in body) < size:
        body.append(rng.choice(paragraphs))
    text = "\n".join(body)[:size]
    out.write(json.dumps({"id": f"bench-{i}", "title": base["title"], "body": text, "source": "bench"}) + "\n")

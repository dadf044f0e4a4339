"""The Quix Streams side of `scripts/bench-worker.sh --quix-streams`: the same job
shape as `dateline run`, written as Quix Streams' documentation shows, so the
bench can put the two side by side on the same broker, backlog and machine.

  passthrough  records copied unchanged (compare with `dateline run --passthrough`)
  json         each record parsed as JSON, one field added, written back: the
               least an enrichment step costs there, with no classifier

At-least-once (Quix Streams' default), commits every second and producer linger
20 ms, as dateline's defaults. One process: Quix Streams processes a partition
set on one thread.

  python quix_bench.py BROKERS INPUT OUTPUT GROUP passthrough|json
"""

import sys
import tempfile

from quixstreams import Application


def main() -> None:
    if len(sys.argv) != 6 or sys.argv[5] not in ("passthrough", "json"):
        sys.exit("usage: quix_bench.py BROKERS INPUT OUTPUT GROUP passthrough|json")
    brokers, input_topic, output_topic, group, mode = sys.argv[1:]
    app = Application(
        broker_address=brokers,
        consumer_group=group,
        auto_offset_reset="earliest",
        commit_interval=1.0,
        producer_extra_config={"linger.ms": 20},
        auto_create_topics=False,
        use_changelog_topics=False,
        state_dir=tempfile.mkdtemp(prefix="quix-bench-"),
    )
    serde = "bytes" if mode == "passthrough" else "json"
    source = app.topic(input_topic, key_deserializer="bytes", value_deserializer=serde)
    sink = app.topic(output_topic, key_serializer="bytes", value_serializer=serde)
    sdf = app.dataframe(source)
    if mode == "json":
        sdf["classifier"] = "none"
    sdf.to_topic(sink)
    app.run()  # until SIGTERM or SIGINT


if __name__ == "__main__":
    main()

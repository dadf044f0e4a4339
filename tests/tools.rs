//! `dateline produce` and `dateline lag` as subprocesses against the real broker.
//! (Issue 4, "Operations".)

use dateline_tests::kafka::{create_topics, produce, Collector, Topics};
use dateline_tests::worker::{dateline_bin, run_ok};
use dateline_tests::{broker_test, eventually, fixtures, unique};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::collections::HashMap;
use std::process::{Command, Output};
use std::time::Duration;

fn dateline(args: &[&str]) -> Output {
    run_ok(Command::new(dateline_bin()).args(args))
}

async fn delete_topic(brokers: &str, topic: &str) {
    Topics {
        input: topic.to_owned(),
        output: topic.to_owned(),
        dlq: topic.to_owned(),
    }
    .delete(brokers)
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn produce_sample_and_files_keyed_by_article_id() {
    let Some((_lock, b)) = broker_test() else {
        return;
    };
    let topic = unique("produce");
    create_topics(&b, &[(&topic, 3)]).await;

    // The sample, 30 records: the 12 articles repeated, each keyed by its id.
    let out = dateline(&[
        "produce",
        "--sample",
        "--count",
        "30",
        "--brokers",
        &b,
        "--topic",
        &topic,
    ]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.starts_with("produced 30 records"), "{summary}");
    assert!(summary.contains("0 failed"), "{summary}");

    // A JSONL file (one line without an id, one bad line) and a text file.
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("a.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\":\"f-1\",\"body\":\"Talks in Kyiv.\"}\n\n{\"body\":\"No id here, Paris.\"}\nnot json\n",
    )
    .unwrap();
    let text = dir.path().join("b.txt");
    std::fs::write(
        &text,
        "[EUROPE] Berlin talks\nLeaders met in Berlin on Monday.\n",
    )
    .unwrap();
    let out = dateline(&[
        "produce",
        jsonl.to_str().unwrap(),
        text.to_str().unwrap(),
        "--brokers",
        &b,
        "--topic",
        &topic,
    ]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("produced 4 records"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid_json"));

    let c = Collector::start(&b, &topic);
    eventually(Duration::from_secs(20), "34 records", || {
        (c.len() >= 34).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let records = c.snapshot();
    assert_eq!(records.len(), 34);
    let mut by_key: HashMap<Option<String>, usize> = HashMap::new();
    for r in &records {
        let key = r
            .key
            .as_ref()
            .map(|k| String::from_utf8(k.clone()).unwrap());
        if let Some(k) = &key {
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&r.value) {
                if let Some(id) = v.get("id").and_then(|i| i.as_str()) {
                    assert_eq!(k, id, "key is the article id");
                }
            }
        }
        *by_key.entry(key).or_default() += 1;
    }
    assert_eq!(
        by_key[&Some("sample-001".to_owned())],
        3,
        "30 = 12 + 12 + 6"
    );
    assert_eq!(by_key[&Some("sample-006".to_owned())], 3);
    assert_eq!(by_key[&Some("sample-007".to_owned())], 2);
    assert_eq!(by_key[&Some("f-1".to_owned())], 1);
    assert_eq!(by_key[&None], 1, "the bad line is sent without a key");
    // The id-less line is keyed by its content hash; the text file became JSON.
    assert_eq!(
        by_key
            .keys()
            .filter(|k| k.as_deref().is_some_and(|k| k.starts_with("b3-")))
            .count(),
        2
    );
    let text_record = records
        .iter()
        .filter_map(|r| serde_json::from_slice::<serde_json::Value>(&r.value).ok())
        .find(|v| v["title"] == "Berlin talks")
        .expect("the text article");
    assert_eq!(text_record["region_hint"], "EUROPE");
    assert_eq!(text_record["body"], "Leaders met in Berlin on Monday.");

    // A missing topic fails fast with exit code 1... not after message.timeout.ms.
    let out = Command::new(dateline_bin())
        .args(["produce", "--sample", "--brokers", &b, "--topic"])
        .arg(unique("missing"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    drop(c);
    delete_topic(&b, &topic).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn produce_rate_limits() {
    let Some((_lock, b)) = broker_test() else {
        return;
    };
    let topic = unique("produce-rate");
    create_topics(&b, &[(&topic, 1)]).await;
    let start = std::time::Instant::now();
    let out = dateline(&[
        "produce",
        "--sample",
        "--count",
        "40",
        "--rate",
        "20",
        "--brokers",
        &b,
        "--topic",
        &topic,
    ]);
    let took = start.elapsed();
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("produced 40 records"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // 40 records at 20/s: the last one is due after 1.95 s.
    assert!(took >= Duration::from_millis(1900), "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    delete_topic(&b, &topic).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lag_reports_committed_end_and_lag_per_partition() {
    let Some((_lock, b)) = broker_test() else {
        return;
    };
    let topic = unique("lag");
    let other = unique("lag-other");
    create_topics(&b, &[(&topic, 3), (&other, 1)]).await;
    let records = fixtures::articles(7, 60, 300);
    let positions = produce(&b, &topic, &records).await;
    let mut ends: HashMap<i32, i64> = HashMap::new();
    for (p, o) in &positions {
        let e = ends.entry(*p).or_default();
        *e = (*e).max(o + 1);
    }
    assert_eq!(ends.len(), 3, "keys spread over the 3 partitions");

    // The group committed partition 0 at 2 and partition 1 at its end; never 2.
    let group = unique("lag-group");
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .set("group.id", &group)
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(&topic, 0, Offset::Offset(2))
        .unwrap();
    tpl.add_partition_offset(&topic, 1, Offset::Offset(ends[&1]))
        .unwrap();
    c.commit(&tpl, CommitMode::Sync).unwrap();
    drop(c);

    let out = dateline(&[
        "lag",
        "--group",
        &group,
        "--topic",
        &topic,
        "--json",
        "--brokers",
        &b,
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["group"], group.as_str());
    let rows = v["partitions"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["partition"], 0);
    assert_eq!(rows[0]["committed"], 2);
    assert_eq!(rows[0]["end"], ends[&0]);
    assert_eq!(rows[0]["lag"], ends[&0] - 2);
    assert_eq!(rows[1]["committed"], ends[&1]);
    assert_eq!(rows[1]["lag"], 0);
    assert!(rows[2]["committed"].is_null());
    assert_eq!(
        rows[2]["lag"], ends[&2],
        "never committed: everything retained"
    );
    assert_eq!(v["total_lag"], ends[&0] - 2 + ends[&2]);

    // Without --topic: only the partitions the group committed on; a table.
    let out = dateline(&["lag", "--group", &group, "--brokers", &b]);
    let table = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("TOPIC"), "{table}");
    assert!(
        lines[1].starts_with(&topic) && lines[1].contains(" 0 "),
        "{table}"
    );
    assert!(!table.contains(&other), "{table}");
    assert_eq!(
        lines[3],
        format!("total lag of group {group}: {}", ends[&0] - 2),
        "{table}"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A group that never committed (or a typo) says so, rather than only "lag 0".
    let out = Command::new(dateline_bin())
        .args(["lag", "--group", &unique("lag-none"), "--brokers", &b])
        .output()
        .expect("run dateline lag");
    assert_eq!(
        out.status.code(),
        Some(3),
        "not success: nothing was measured"
    );
    assert!(out.stdout.is_empty(), "no table claiming a total of 0");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has committed no offsets"), "{err}");

    delete_topic(&b, &topic).await;
    delete_topic(&b, &other).await;
}

#[test]
fn produce_and_lag_give_up_soon_when_no_broker_answers() {
    // No broker needed: a port nobody listens on refuses every connection. Both
    // tools used to wait out their whole request timeout (30 s and 15 s) and then
    // said only "BrokerTransportFailure".
    let closed = dateline_tests::worker::free_addr().to_string();
    for args in [
        vec!["produce", "--sample", "--topic", "articles"],
        vec!["lag", "--group", "g", "--topic", "articles"],
    ] {
        let start = std::time::Instant::now();
        let out = Command::new(dateline_bin())
            .args(&args)
            .args(["--brokers", &closed])
            .output()
            .unwrap();
        let took = start.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("no broker reachable at {closed}"))
                && stderr.contains("Connection refused"),
            "{args:?}: {stderr}"
        );
        assert!(
            took < Duration::from_secs(12),
            "{args:?} took {took:?} to give up"
        );
    }
}

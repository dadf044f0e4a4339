//! The worker in-process against the real broker: every article out exactly once,
//! equal to what the classifier gives, in order; bad input dead-lettered with its
//! original bytes; and the metrics agree with what the test observed.
//! (Issue 3, scenarios 1, 2 and 7.)

use dateline_classify::{Article, Enriched, InputError, InputFormat};
use dateline_tests::kafka::{
    admin, committed, create_topics, delete_topic, produce, produce_null, produce_with_headers,
    Collector, Position, Topics,
};
use dateline_tests::worker::{classifier, config_toml, free_addr, InProcess, Scrape};
use dateline_tests::{broker_test, eventually, fixtures, unique};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_articles_in_exactly_ten_thousand_records_out_in_order() {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    const N: usize = 10_000;
    let topics = Topics::create(&brokers, "s1", 4, 3).await;
    let records = fixtures::articles(1, N, 2_000);
    let tp = Instant::now();
    let positions = produce(&brokers, &topics.input, &records).await;
    eprintln!("produce took {:?}", tp.elapsed());
    let input_bytes: usize = records.iter().map(|(_, v)| v.len()).sum();

    let addr = free_addr();
    let group = unique("s1-group");
    let t0 = Instant::now();
    let worker = InProcess::start(&config_toml(&brokers, &topics, &group, addr, ""));
    let out = Collector::start(&brokers, &topics.output);
    eventually(Duration::from_secs(180), "10,000 output records", || {
        (out.len() >= N).then_some(())
    })
    .await;
    let took = t0.elapsed();
    // Time for a stray duplicate to show up, if there were one.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut got = out.snapshot();
    assert_eq!(got.len(), N, "exactly one record per article");
    eprintln!(
        "scenario 1: {N} articles through the worker in {:.1} s ({:.0}/s)",
        took.as_secs_f64(),
        N as f64 / took.as_secs_f64()
    );

    // Every record is what the classifier gives for its article, keyed right,
    // with the source headers.
    let index: HashMap<Position, usize> =
        positions.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let c = classifier();
    let mut seen = HashSet::new();
    let mut regions: HashMap<String, u64> = HashMap::new();
    for r in &got {
        let src = r.source();
        assert!(seen.insert(src), "two records for input {src:?}");
        let i = *index
            .get(&src)
            .unwrap_or_else(|| panic!("output names an unknown input {src:?}"));
        let (key, value) = &records[i];
        let article = Article::parse(value, InputFormat::Json, 512 * 1024).expect("fixture parses");
        let classification = c.classify(&article.document(), false);
        let expected = Enriched::new(&article, &classification, &c, true).to_json();
        if r.value != expected {
            panic!(
                "record for input {src:?} differs from the classifier's\n got: {}\nwant: {}",
                String::from_utf8_lossy(&r.value),
                String::from_utf8_lossy(&expected)
            );
        }
        let want_key = key
            .clone()
            .unwrap_or_else(|| article.id.clone().into_bytes());
        assert_eq!(r.key.as_ref(), Some(&want_key), "key of {src:?}");
        assert_eq!(
            r.header("dateline-source-topic"),
            Some(topics.input.as_str())
        );
        assert_eq!(r.header("dateline-classifier-version"), Some(c.version()));
        assert_eq!(r.header("dateline-taxonomy"), Some(c.taxonomy_hash()));
        *regions
            .entry(classification.region.unwrap_or("none").to_owned())
            .or_default() += 1;
    }

    // Order: within each output partition, the records of each input partition
    // appear in input offset order.
    got.sort_by_key(|r| (r.partition, r.offset));
    let mut last: HashMap<(i32, i32), i64> = HashMap::new();
    for r in &got {
        let (sp, so) = r.source();
        if let Some(prev) = last.insert((r.partition, sp), so) {
            assert!(
                so > prev,
                "output partition {} has input {sp}/{so} after {sp}/{prev}",
                r.partition
            );
        }
    }

    // Scenario 7: the worker's metrics agree.
    let s = eventually(Duration::from_secs(15), "metrics to settle", || {
        Scrape::get(addr).filter(|s| {
            s.sum("dateline_messages_produced_total") as usize == N
                && s.value("dateline_commits_total{result=\"ok\"}") >= 1.0
                && s.value("dateline_in_flight_messages") == 0.0
        })
    })
    .await;
    let t = &topics;
    assert_eq!(
        s.u(&format!(
            "dateline_messages_consumed_total{{topic=\"{}\"}}",
            t.input
        )),
        N as u64
    );
    assert_eq!(
        s.u(&format!(
            "dateline_consumed_bytes_total{{topic=\"{}\"}}",
            t.input
        )),
        input_bytes as u64
    );
    assert_eq!(
        s.u(&format!(
            "dateline_messages_produced_total{{topic=\"{}\"}}",
            t.output
        )),
        N as u64
    );
    let out_bytes: usize = got.iter().map(|r| r.value.len()).sum();
    assert_eq!(
        s.u(&format!(
            "dateline_produced_bytes_total{{topic=\"{}\"}}",
            t.output
        )),
        out_bytes as u64
    );
    assert_eq!(s.sum("dateline_dead_letters_total"), 0.0);
    assert_eq!(s.sum("dateline_articles_by_region_total") as usize, N);
    for (region, n) in &regions {
        assert_eq!(
            s.u(&format!(
                "dateline_articles_by_region_total{{region=\"{region}\"}}"
            )),
            *n,
            "region {region}"
        );
    }
    assert_eq!(s.sum("dateline_articles_by_topic_total") as usize, N);
    assert_eq!(s.u("dateline_processing_seconds_count"), N as u64);
    assert_eq!(s.u("dateline_end_to_end_seconds_count"), N as u64);
    assert_eq!(s.value("dateline_in_flight_bytes"), 0.0);
    assert_eq!(s.value("dateline_assigned_partitions"), 4.0);
    assert_eq!(s.value("dateline_broker_up"), 1.0);
    assert_eq!(s.value("dateline_ready"), 1.0);
    assert!(s.value("dateline_rebalances_total{kind=\"assign\"}") >= 1.0);
    assert_eq!(s.sum("dateline_produce_errors_total"), 0.0);
    assert_eq!(s.value("dateline_produce_retries_total"), 0.0);

    let t1 = Instant::now();
    let summary = worker.stop().await;
    eprintln!("stop took {:?}", t1.elapsed());
    assert!(summary.drained);
    assert_eq!(
        (summary.consumed, summary.produced, summary.dead_lettered),
        (N as u64, N as u64, 0)
    );
    // Everything is committed: the group's offsets are at the end of each partition.
    let mut ends: HashMap<i32, i64> = HashMap::new();
    for (p, o) in &positions {
        let e = ends.entry(*p).or_default();
        *e = (*e).max(o + 1);
    }
    assert_eq!(committed(&brokers, &group, &topics.input, 4), ends);
    topics.delete(&brokers).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_bad_record_is_dead_lettered_with_its_original_bytes() {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    const MAX_RECORD: usize = 16 * 1024;
    const ROUNDS: usize = 10;
    const GOOD_PER_ROUND: usize = 50;
    let topics = Topics::create(&brokers, "s2", 3, 2).await;

    // Good and bad interleaved, every bad kind in every round.
    let good = fixtures::articles(2, ROUNDS * GOOD_PER_ROUND, 1_500);
    let mut input: Vec<(Option<Vec<u8>>, Vec<u8>)> = Vec::new();
    let mut expected_kind: Vec<Option<&'static str>> = Vec::new();
    for round in 0..ROUNDS {
        for g in &good[round * GOOD_PER_ROUND..(round + 1) * GOOD_PER_ROUND] {
            input.push(g.clone());
            expected_kind.push(None);
        }
        for (kind, key, bytes) in fixtures::bad_records(round as u64, MAX_RECORD) {
            input.push((key, bytes));
            expected_kind.push(Some(kind));
        }
    }
    let mut positions = produce(&brokers, &topics.input, &input).await;
    // Tombstones: a null value is no article (kind empty_body) and its dead
    // letter keeps the value null, not empty.
    for round in 0..ROUNDS {
        let key = format!("tombstone-{round}").into_bytes();
        positions.push(produce_null(&brokers, &topics.input, &key).await);
        input.push((Some(key), Vec::new()));
        expected_kind.push(Some("empty_body"));
    }
    let index: HashMap<Position, usize> =
        positions.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let n_good = ROUNDS * GOOD_PER_ROUND;
    let n_bad = ROUNDS * (InputError::KINDS.len() + 1);
    let tombstones = input.len() - ROUNDS..input.len();

    let addr = free_addr();
    let extra = format!("[input]\nmax_record_bytes = {MAX_RECORD}\n");
    let worker = InProcess::start(&config_toml(
        &brokers,
        &topics,
        &unique("s2-group"),
        addr,
        &extra,
    ));
    let out = Collector::start(&brokers, &topics.output);
    let dlq = Collector::start(&brokers, &topics.dlq);
    eventually(Duration::from_secs(120), "all good and bad records", || {
        (out.len() >= n_good && dlq.len() >= n_bad).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(out.len(), n_good);
    assert_eq!(dlq.len(), n_bad);

    // Dead letters: original bytes and key, the right kind, a message, the source.
    let mut kinds: HashMap<String, u64> = HashMap::new();
    let mut seen = HashSet::new();
    for r in dlq.snapshot() {
        let src = r.source();
        assert!(seen.insert(src), "two dead letters for {src:?}");
        let i = index[&src];
        let kind = expected_kind[i]
            .unwrap_or_else(|| panic!("good input {src:?} was dead-lettered: {:?}", r.headers));
        assert_eq!(
            r.header("dateline-error-kind"),
            Some(kind),
            "kind of {src:?}"
        );
        let message = r.header("dateline-error-message").unwrap_or_default();
        assert!(!message.is_empty(), "a human message for {src:?}");
        if kind == "oversize" {
            assert!(message.contains("limit"), "{message}");
        }
        assert_eq!(
            r.header("dateline-source-topic"),
            Some(topics.input.as_str())
        );
        assert_eq!(r.value, input[i].1, "original bytes of {src:?}");
        assert_eq!(
            r.null_value,
            tombstones.contains(&i),
            "a null value stays null, an empty one empty: {src:?}"
        );
        assert_eq!(r.key, input[i].0, "original key of {src:?}");
        *kinds.entry(kind.to_owned()).or_default() += 1;
    }
    for k in InputError::KINDS {
        let with_tombstones = if k == "empty_body" { 2 } else { 1 };
        assert_eq!(
            kinds.get(k).copied(),
            Some((ROUNDS * with_tombstones) as u64),
            "dead letters of kind {k}"
        );
    }
    // Every good one is in the output, none twice.
    let outputs: HashSet<Position> = out.snapshot().iter().map(|r| r.source()).collect();
    assert_eq!(outputs.len(), n_good);
    for (i, p) in positions.iter().enumerate() {
        assert_eq!(
            outputs.contains(p),
            expected_kind[i].is_none(),
            "input {i} at {p:?}"
        );
    }

    // Scenario 7: the metrics agree.
    let s = eventually(Duration::from_secs(15), "metrics to settle", || {
        Scrape::get(addr).filter(|s| {
            s.sum("dateline_dead_letters_total") as usize == n_bad
                && s.sum("dateline_messages_produced_total") as usize == n_good
        })
    })
    .await;
    for k in InputError::KINDS {
        let with_tombstones = if k == "empty_body" { 2 } else { 1 };
        assert_eq!(
            s.u(&format!("dateline_dead_letters_total{{kind=\"{k}\"}}")),
            (ROUNDS * with_tombstones) as u64,
            "metric for {k}"
        );
    }
    assert_eq!(
        s.sum("dateline_messages_consumed_total") as usize,
        input.len()
    );
    assert_eq!(
        s.u("dateline_processing_seconds_count") as usize,
        input.len()
    );
    assert_eq!(
        s.u("dateline_end_to_end_seconds_count") as usize,
        input.len()
    );
    assert_eq!(s.sum("dateline_articles_by_region_total") as usize, n_good);

    let summary = worker.stop().await;
    assert!(summary.drained);
    assert_eq!(summary.dead_lettered as usize, n_bad);
    assert_eq!(summary.produced as usize, n_good);
    topics.delete(&brokers).await;
}

/// An input the input topic took but the worker's producer could not send whole
/// (larger than its message.max.bytes) would be refused for good and hold its
/// partition: its dead letter carries the first bytes that fit and says so, and
/// the records after it go on. Input headers pass through to enriched records
/// and dead letters alike, except dateline's own, which are set afresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_too_large_to_send_whole_is_dead_lettered_cut_and_headers_pass_through() {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    const MAX_MESSAGE: usize = 100_000;
    let topics = Topics::create(&brokers, "s2big", 1, 1).await;
    let trace = [
        (
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ),
        ("dateline-source-topic", "forged"),
    ];
    let huge = format!(
        "{{\"body\": \"{}\"}}",
        "Paris talks went on. ".repeat(300_000 / 21)
    );
    let good = fixtures::articles(9, 1, 1_500).remove(0).1;
    let mut at = Vec::new();
    for (key, value) in [
        ("huge", huge.as_bytes()),
        ("good", &good[..]),
        ("bad", &b"{not json"[..]),
    ] {
        at.push(produce_with_headers(&brokers, &topics.input, key.as_bytes(), value, &trace).await);
    }

    let addr = free_addr();
    let extra = format!(
        "[input]\nmax_record_bytes = 60000\n[kafka.producer]\n\"message.max.bytes\" = {MAX_MESSAGE}\n"
    );
    let worker = InProcess::start(&config_toml(
        &brokers,
        &topics,
        &unique("s2big-group"),
        addr,
        &extra,
    ));
    let out = Collector::start(&brokers, &topics.output);
    let dlq = Collector::start(&brokers, &topics.dlq);
    eventually(
        Duration::from_secs(60),
        "one output and two dead letters",
        || (!out.is_empty() && dlq.len() >= 2).then_some(()),
    )
    .await;
    let summary = worker.stop().await;
    assert!(summary.drained);
    assert_eq!((out.len(), dlq.len()), (1, 2));

    let dead = dlq.snapshot();
    let cut = dead
        .iter()
        .find(|r| r.source() == at[0])
        .expect("the huge one");
    assert_eq!(cut.header("dateline-error-kind"), Some("oversize"));
    assert_eq!(
        cut.header("dateline-original-bytes"),
        Some(huge.len().to_string().as_str())
    );
    assert!(cut.value.len() < MAX_MESSAGE && !cut.value.is_empty());
    assert_eq!(
        &cut.value[..],
        &huge.as_bytes()[..cut.value.len()],
        "its first bytes"
    );
    assert_eq!(cut.key.as_deref(), Some(&b"huge"[..]));
    let message = cut.header("dateline-error-message").unwrap_or_default();
    assert!(message.contains("first"), "{message}");
    let bad = dead
        .iter()
        .find(|r| r.source() == at[2])
        .expect("the bad one");
    assert_eq!(bad.value, b"{not json");
    assert_eq!(bad.header("dateline-original-bytes"), None, "not cut");
    let enriched = &out.snapshot()[0];
    assert_eq!(enriched.source(), at[1]);
    for r in [cut, bad, enriched] {
        assert_eq!(
            r.header("traceparent"),
            Some(trace[0].1),
            "{:?}",
            r.header_keys
        );
        let own = r
            .header_keys
            .iter()
            .filter(|k| *k == "dateline-source-topic")
            .count();
        assert_eq!(own, 1, "{:?}", r.header_keys);
        assert_eq!(
            r.header("dateline-source-topic"),
            Some(topics.input.as_str())
        );
    }
    topics.delete(&brokers).await;
}

/// A new group stuck on its very first record has no committed offset, for which
/// librdkafka reports no lag: the gauge must show it anyway (the stalled and
/// lag alerts read it), counted from the record a restart would begin at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_group_stuck_on_its_first_record_shows_its_lag() {
    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    use rdkafka::client::DefaultClientContext;
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    let topics = Topics {
        input: unique("s7lag-in"),
        output: unique("s7lag-out"),
        dlq: unique("s7lag-dlq"),
    };
    create_topics(&brokers, &[(&topics.input, 1), (&topics.dlq, 1)]).await;
    // An output topic that refuses every enriched record as too large.
    let admin: AdminClient<DefaultClientContext> = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &brokers)
        .create()
        .expect("admin client");
    let small = NewTopic::new(&topics.output, 1, TopicReplication::Fixed(1))
        .set("max.message.bytes", "600");
    for r in admin
        .create_topics(&[small], &AdminOptions::new())
        .await
        .expect("create the output topic")
    {
        r.expect("output topic created");
    }
    const N: usize = 12;
    produce(&brokers, &topics.input, &fixtures::articles(7, N, 1_500)).await;

    let addr = free_addr();
    let extra = "[shutdown]\ndrain_timeout_ms = 1000\n[kafka.consumer]\n\"statistics.interval.ms\" = 1000\n";
    let group = unique("s7lag-group");
    let worker = InProcess::start(&config_toml(&brokers, &topics, &group, addr, extra));
    let lag = format!(
        "dateline_consumer_lag{{partition=\"0\",topic=\"{}\"}}",
        topics.input
    );
    eventually(
        Duration::from_secs(30),
        "the lag of the stuck group",
        || Scrape::get(addr).filter(|s| s.u(&lag) == N as u64),
    )
    .await;
    let summary = worker.stop().await;
    assert!(!summary.drained, "nothing could be delivered");
    assert!(
        committed(&brokers, &group, &topics.input, 1).is_empty(),
        "nothing committed"
    );
    topics.delete(&brokers).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_configuration_fails_before_connecting() {
    // No broker needed: validation happens before any connection opens.
    let mut config = dateline_worker::Config::default();
    config.kafka.brokers = "127.0.0.1:1".into();
    let e = dateline_worker::run(
        config,
        classifier(),
        tokio_util::sync::CancellationToken::new(),
    )
    .await
    .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("kafka.input_topics: at least one topic"),
        "{text}"
    );
    assert!(text.contains("kafka.output_topic: required"), "{text}");
}

/// Backpressure with room for only a few messages. With the default
/// `pause_after_ms` (1 s) the consumer just stops polling for a moment at each
/// full budget. With `pause_after_ms = 0` it pauses the partitions every time
/// (dozens of pause/resume cycles): librdkafka drops what it prefetched on pause
/// and fetches again from the next unconsumed offset on resume; nothing may be
/// skipped, repeated or reordered across those cycles.
async fn tiny_budget(cap: usize, pause_after_ms: u64) {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    const N: usize = 2_000;
    let topics = Topics::create(&brokers, "bp", 3, 2).await;
    let records = fixtures::articles(8, N, 1_500);
    let positions = produce(&brokers, &topics.input, &records).await;
    let addr = free_addr();
    // Small fetches with a short long-poll: each resume fetches again what the
    // pause dropped, so keep that cheap (a test of correctness, not of speed).
    let extra = format!(
        "[kafka.consumer]\n\"fetch.wait.max.ms\" = 10\n\"max.partition.fetch.bytes\" = 16384\n[input]\nmax_record_bytes = 8192\n\
         [pipeline]\nmax_in_flight_messages = {cap}\nmax_in_flight_bytes = {}\npause_after_ms = {pause_after_ms}\n",
        cap * 2048
    );
    let worker = InProcess::start(&config_toml(
        &brokers,
        &topics,
        &unique("bp-group"),
        addr,
        &extra,
    ));
    let out = Collector::start(&brokers, &topics.output);
    let mut peak = 0.0f64;
    let t0 = Instant::now();
    eventually(Duration::from_secs(120), "every record", || {
        if let Some(s) = Scrape::get(addr) {
            peak = peak.max(s.value("dateline_in_flight_messages"));
        }
        (out.len() >= N).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut got = out.snapshot();
    assert_eq!(got.len(), N);
    let sources: HashSet<Position> = got.iter().map(|r| r.source()).collect();
    assert_eq!(sources, positions.iter().copied().collect::<HashSet<_>>());
    got.sort_by_key(|r| (r.partition, r.offset));
    let mut last: HashMap<(i32, i32), i64> = HashMap::new();
    for r in &got {
        let (sp, so) = r.source();
        if let Some(prev) = last.insert((r.partition, sp), so) {
            assert!(so > prev, "reordered: {sp}/{so} after {sp}/{prev}");
        }
    }
    assert!(peak <= cap as f64, "in flight peaked at {peak} > cap {cap}");
    eprintln!(
        "backpressure (pause_after_ms {pause_after_ms}): {N} records with {cap} in flight in {:.1} s, in-flight peak {peak}",
        t0.elapsed().as_secs_f64()
    );
    let summary = worker.stop().await;
    assert_eq!(summary.consumed as usize, N, "each message consumed once");
    topics.delete(&brokers).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_budget_waits_without_loss_duplicates_or_reordering() {
    tiny_budget(5, 1_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pausing_at_every_full_budget_loses_repeats_and_reorders_nothing() {
    tiny_budget(100, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_deleted_under_the_worker_makes_it_unready_until_it_is_back() {
    topic_deleted_under_the_worker(false).await;
}

/// The exactly-once worker has a probe of its own (its producer lives on its
/// blocking thread).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_deleted_under_the_exactly_once_worker_makes_it_unready_until_it_is_back() {
    topic_deleted_under_the_worker(true).await;
}

/// A test worker configuration switched to exactly-once (one instance, short
/// transactions).
fn exactly_once_toml(toml: &str) -> String {
    toml.replacen("[kafka]\n", "[kafka]\ninstance_id = \"w1\"\n", 1)
        + "[pipeline]\nexactly_once = true\ntransaction_max_ms = 100\n"
}

async fn topic_deleted_under_the_worker(exactly_once: bool) {
    use dateline_tests::worker::http_get;
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    let topics = Topics::create(&brokers, "gone", 2, 2).await;
    let addr = free_addr();
    let mut toml = config_toml(&brokers, &topics, &unique("gone-group"), addr, "");
    if exactly_once {
        toml = exactly_once_toml(&toml);
    }
    let worker = InProcess::start(&toml);
    let readyz = || http_get(addr, "/readyz");
    eventually(Duration::from_secs(60), "/readyz ready", || {
        matches!(readyz(), Some((200, _))).then_some(())
    })
    .await;

    // The output topic deleted: unready within a few probes, with the reason.
    let t0 = Instant::now();
    delete_topic(&brokers, &topics.output).await;
    let why = eventually(
        Duration::from_secs(30),
        "/readyz unready",
        || match readyz() {
            Some((503, why)) => Some(why),
            _ => None,
        },
    )
    .await;
    let output_unready = t0.elapsed();
    assert!(why.contains("missing or not authorized"), "{why}");

    // Created again: ready again, and records flow to it.
    {
        use rdkafka::admin::{AdminOptions, NewTopic, TopicReplication};
        let admin = admin(&brokers);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let r = admin
                .create_topics(
                    &[NewTopic::new(&topics.output, 2, TopicReplication::Fixed(1))],
                    &AdminOptions::new(),
                )
                .await
                .expect("create topics");
            // Refused while the deletion is still under way: try again.
            if r.iter().all(Result::is_ok) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "creating the output topic again: {r:?}"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    eventually(Duration::from_secs(60), "/readyz ready again", || {
        matches!(readyz(), Some((200, _))).then_some(())
    })
    .await;
    let out = Collector::start(&brokers, &topics.output);
    produce(&brokers, &topics.input, &fixtures::articles(41, 5, 800)).await;
    eventually(
        Duration::from_secs(60),
        "5 records in the new output topic",
        || (out.len() >= 5).then_some(()),
    )
    .await;

    // The input topic deleted: unready too, though librdkafka may keep its
    // partitions assigned for minutes.
    let t1 = Instant::now();
    delete_topic(&brokers, &topics.input).await;
    eventually(Duration::from_secs(30), "/readyz unready", || {
        matches!(readyz(), Some((503, _))).then_some(())
    })
    .await;
    eprintln!(
        "unready {:.1} s after the output topic's deletion, {:.1} s after the input topic's",
        output_unready.as_secs_f64(),
        t1.elapsed().as_secs_f64()
    );
    // Nothing was in flight; the final commit of the deleted topic's offsets
    // fails, and the summary says so (`drained` is false).
    let summary = worker.stop().await;
    assert_eq!(summary.abandoned_in_flight, 0);
    assert_eq!(summary.produced, 5);
    topics.delete(&brokers).await;
}

/// `kafka.input_topics` may hold a pattern: every matching topic is consumed,
/// one created while the worker runs too, and no other; the consumed counter
/// has a series per matched topic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_pattern_takes_every_matching_topic_and_a_new_one() {
    topic_pattern(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_pattern_takes_every_matching_topic_and_a_new_one_exactly_once() {
    topic_pattern(true).await;
}

async fn topic_pattern(exactly_once: bool) {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    let base = unique("pat");
    let (a, b, c, other) = (
        format!("{base}.src-a"),
        format!("{base}.src-b"),
        format!("{base}.src-c"),
        format!("{base}.other"),
    );
    // `[.]`, not `\.`: the pattern sits in a TOML string below.
    let topics = Topics {
        input: format!("^{base}[.]src-[a-z]+$"),
        output: format!("{base}-out"),
        dlq: format!("{base}-dlq"),
    };
    create_topics(
        &brokers,
        &[
            (&a, 2),
            (&b, 1),
            (&other, 1),
            (&topics.output, 2),
            (&topics.dlq, 1),
        ],
    )
    .await;
    let sent_a = produce(&brokers, &a, &fixtures::articles(31, 50, 800)).await;
    let sent_b = produce(&brokers, &b, &fixtures::articles(32, 30, 800)).await;
    produce(&brokers, &other, &fixtures::articles(33, 20, 800)).await;

    let out = if exactly_once {
        Collector::start_light_read_committed(&brokers, &topics.output)
    } else {
        Collector::start_light(&brokers, &topics.output)
    };
    let addr = free_addr();
    // New topics are seen at the next metadata refresh (librdkafka's default: 5 min).
    let extra = "[kafka.consumer]\n\"topic.metadata.refresh.interval.ms\" = 1000\n";
    let mut toml = config_toml(&brokers, &topics, &unique("pat-group"), addr, extra);
    if exactly_once {
        toml = exactly_once_toml(&toml);
    }
    let worker = InProcess::start(&toml);
    eventually(
        Duration::from_secs(60),
        "80 records of src-a and src-b",
        || (out.len() >= 80).then_some(()),
    )
    .await;
    create_topics(&brokers, &[(&c, 1)]).await;
    let sent_c = produce(&brokers, &c, &fixtures::articles(34, 10, 800)).await;
    eventually(
        Duration::from_secs(60),
        "10 more of src-c, created later",
        || (out.len() >= 90).then_some(()),
    )
    .await;
    // Whatever else would arrive (`other`'s 20) has had time to.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let scrape = Scrape::get(addr).expect("metrics");
    let summary = worker.stop().await;
    assert!(summary.drained);

    let records = out.snapshot();
    let mut seen: HashMap<String, Vec<Position>> = HashMap::new();
    for r in &records {
        let topic = r
            .header("dateline-source-topic")
            .expect("source topic header");
        seen.entry(topic.to_owned()).or_default().push(r.source());
    }
    let sorted = |mut v: Vec<Position>| {
        v.sort_unstable();
        v
    };
    assert_eq!(records.len(), 90, "nothing from `{other}`, nothing twice");
    for (topic, sent) in [(&a, sent_a), (&b, sent_b), (&c, sent_c)] {
        assert_eq!(
            sorted(seen.remove(topic.as_str()).unwrap_or_default()),
            sorted(sent.clone()),
            "{topic}"
        );
        assert_eq!(
            scrape.u(&format!(
                "dateline_messages_consumed_total{{topic=\"{topic}\"}}"
            )),
            sent.len() as u64,
            "{topic}"
        );
    }
    assert!(seen.is_empty(), "{:?}", seen.keys());
    assert_eq!(scrape.sum("dateline_messages_consumed_total"), 90.0);
    for t in [&a, &b, &c, &other] {
        delete_topic(&brokers, t).await;
    }
    delete_topic(&brokers, &topics.output).await;
    delete_topic(&brokers, &topics.dlq).await;
}

/// `kafka.output_topic = "….{region}"`: every enriched record goes to the topic
/// of its region (`none` without one); a worker whose template names a topic
/// that does not exist stops at start-up naming it, and the produced counter
/// has a series per routed topic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_output_template_routes_each_record_to_its_region_s_topic() {
    let Some((_lock, brokers)) = broker_test() else {
        return;
    };
    let base = unique("route");
    let topics = Topics {
        input: format!("{base}-in"),
        output: format!("{base}.{{region}}"),
        dlq: format!("{base}-dlq"),
    };
    let regions = dateline_worker::region_names(Some(&classifier()));
    let routed: Vec<String> = regions
        .iter()
        .map(|r| r.to_ascii_lowercase())
        .chain(["none".to_owned()])
        .map(|r| format!("{base}.{r}"))
        .collect();
    let (none_topic, others) = routed.split_last().unwrap();
    let mut create: Vec<(&str, i32)> = others.iter().map(|t| (t.as_str(), 1)).collect();
    create.extend([(topics.input.as_str(), 2), (topics.dlq.as_str(), 1)]);
    create_topics(&brokers, &create).await;

    let toml = config_toml(&brokers, &topics, &unique("route-group"), free_addr(), "");
    match InProcess::start(&toml)
        .finished(Duration::from_secs(60))
        .await
    {
        Err(dateline_worker::WorkerError::MissingTopics(m)) => {
            assert_eq!(m, std::slice::from_ref(none_topic))
        }
        other => panic!("expected the missing `none` topic, got {other:?}"),
    }
    create_topics(&brokers, &[(none_topic.as_str(), 1)]).await;

    let mut records = fixtures::articles(41, 200, 600);
    records.push((
        None,
        br#"{"title":"Minutes","body":"The committee met on Tuesday and agreed the minutes."}"#
            .to_vec(),
    ));
    records.push((None, b"not json".to_vec()));
    let sent = produce(&brokers, &topics.input, &records).await;
    let collectors: Vec<(&String, Collector)> = routed
        .iter()
        .map(|t| (t, Collector::start(&brokers, t)))
        .collect();
    let dlq = Collector::start(&brokers, &topics.dlq);
    let addr = free_addr();
    let worker = InProcess::start(&config_toml(
        &brokers,
        &topics,
        &unique("route-group"),
        addr,
        "",
    ));
    let total = || collectors.iter().map(|(_, c)| c.len()).sum::<usize>();
    eventually(
        Duration::from_secs(60),
        "201 routed records and a dead letter",
        || (total() >= 201 && !dlq.is_empty()).then_some(()),
    )
    .await;
    let scrape = Scrape::get(addr).expect("metrics");
    assert!(worker.stop().await.drained);

    let mut sources = HashSet::new();
    let mut regions_seen = HashSet::new();
    for (topic, c) in &collectors {
        let got = c.snapshot();
        for r in &got {
            let v: serde_json::Value = serde_json::from_slice(&r.value).unwrap();
            let region = v["region"]
                .as_str()
                .map_or("none".to_owned(), str::to_ascii_lowercase);
            assert_eq!(**topic, format!("{base}.{region}"), "{}", v["id"]);
            regions_seen.insert(region);
            assert!(sources.insert(r.source()), "one record per input");
        }
        assert_eq!(
            scrape.u(&format!(
                "dateline_messages_produced_total{{topic=\"{topic}\"}}"
            )),
            got.len() as u64,
            "{topic}"
        );
    }
    assert_eq!(sources.len(), 201);
    assert_eq!(dlq.len(), 1);
    assert!(sent
        .iter()
        .all(|p| sources.contains(p) || dlq.snapshot()[0].source() == *p));
    assert!(regions_seen.contains("none"), "the article without a place");
    assert!(
        regions_seen.len() >= 4,
        "the fixtures span regions: {regions_seen:?}"
    );
    for t in routed.iter().chain([&topics.input, &topics.dlq]) {
        delete_topic(&brokers, t).await;
    }
}

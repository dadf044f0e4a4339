//! Fault injection with librdkafka's mock cluster (in-process, no real broker):
//! the output partition leader goes down for longer than both the delivery
//! timeout and `max.poll.interval.ms`.
//!
//! This is the one thing the real-broker tests cannot force reliably: records
//! *in flight* when produce stops working. It checks that such records fail
//! inside librdkafka, go through the worker's re-send path and arrive; that the
//! budget fills and consumption pauses without the consumer being kicked out of
//! the group (no revoke); and that nothing is lost. The delivery guarantees
//! themselves are tested against real Kafka in `tests/`.

use dateline_worker::Config;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::mocking::{MockCluster, MockCoordinator};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

fn scrape(addr: SocketAddr) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = write!(s, "GET /metrics HTTP/1.0\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.trim().parse().ok()))
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_in_flight_while_produce_is_down_are_resent_and_the_group_is_kept() {
    const N: usize = 400;
    let mock = MockCluster::new(3).expect("mock cluster");
    let bootstrap = mock.bootstrap_servers();
    mock.create_topic("in", 2, 1).unwrap();
    mock.create_topic("out", 2, 1).unwrap();
    mock.create_topic("dlq", 1, 1).unwrap();
    // Input and group on broker 1; output on broker 2, the one that goes down.
    for p in 0..2 {
        mock.partition_leader("in", p, Some(1)).unwrap();
        mock.partition_leader("out", p, Some(2)).unwrap();
    }
    mock.partition_leader("dlq", 0, Some(1)).unwrap();
    mock.coordinator(MockCoordinator::Group("g".into()), 1)
        .unwrap();

    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .create()
        .unwrap();
    for i in 0..N {
        let body = format!("{{\"id\":\"a{i}\",\"body\":\"OSLO - Article number {i} about the weather in Norway.\"}}");
        producer
            .send(
                FutureRecord::<str, str>::to("in").payload(&body),
                Duration::from_secs(5),
            )
            .await
            .unwrap();
    }

    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let config = Config::from_toml(&format!(
        r#"
        [kafka]
        brokers = "{bootstrap}"
        group_id = "g"
        input_topics = ["in"]
        output_topic = "out"
        dlq_topic = "dlq"
        [kafka.consumer]
        "session.timeout.ms" = 3000
        "heartbeat.interval.ms" = 500
        "max.poll.interval.ms" = 3000
        [kafka.producer]
        "message.timeout.ms" = 1000
        [pipeline]
        max_in_flight_messages = 50
        [metrics]
        addr = "{addr}"
        "#
    ))
    .unwrap();
    let classifier = Arc::new(dateline_classify::Classifier::builtin().unwrap());
    let token = CancellationToken::new();

    // Output leader down before the worker starts: every record it consumes is in
    // flight when produce fails.
    mock.broker_down(2).unwrap();
    let worker = tokio::spawn(dateline_worker::run(config, classifier, token.clone()));

    // The budget fills (50 in flight) and stays full through the outage, longer
    // than max.poll.interval.ms.
    let start = Instant::now();
    loop {
        let m = scrape(addr);
        if metric(&m, "dateline_in_flight_messages") >= 50.0
            && metric(&m, "dateline_produce_retries_total") >= 1.0
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no failed deliveries were re-sent:\n{m}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("budget full and first re-send after {:?}", start.elapsed());
    tokio::time::sleep(Duration::from_secs(4)).await;
    let during = scrape(addr);
    assert_eq!(
        metric(&during, "dateline_in_flight_messages"),
        50.0,
        "consumption paused at the cap"
    );
    assert_eq!(
        metric(&during, "dateline_messages_produced_total{topic=\"out\"}"),
        0.0
    );
    mock.broker_up(2).unwrap();

    // Everything arrives.
    let start = Instant::now();
    let t_up = Instant::now();
    let m = loop {
        let m = scrape(addr);
        if metric(&m, "dateline_messages_produced_total{topic=\"out\"}") >= N as f64
            && metric(&m, "dateline_in_flight_messages") == 0.0
        {
            break m;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "not all delivered after the outage:\n{m}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    eprintln!(
        "all delivered {:?} after the broker came back",
        t_up.elapsed()
    );
    assert_eq!(
        metric(&m, "dateline_rebalances_total{kind=\"revoke\"}"),
        0.0,
        "pausing kept the group membership through the stall"
    );
    assert!(metric(&m, "dateline_produce_errors_total{kind=\"timed_out\"}") >= 1.0);
    assert_eq!(
        metric(&m, "dateline_messages_consumed_total{topic=\"in\"}"),
        N as f64
    );

    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("group.id", "reader")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset("out", 0, Offset::Beginning)
        .unwrap();
    tpl.add_partition_offset("out", 1, Offset::Beginning)
        .unwrap();
    consumer.assign(&tpl).unwrap();
    let mut ids = HashSet::new();
    let start = Instant::now();
    while ids.len() < N && start.elapsed() < Duration::from_secs(20) {
        if let Some(Ok(msg)) = consumer.poll(Duration::from_millis(100)) {
            let v: serde_json::Value = serde_json::from_slice(msg.payload().unwrap()).unwrap();
            ids.insert(v["id"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(ids.len(), N, "every article arrived at least once");

    let t_stop = Instant::now();
    token.cancel();
    let summary = worker.await.unwrap().unwrap();
    assert!(summary.drained);
    assert!(summary.produce_retries >= 1);
    eprintln!("stopped in {:?}", t_stop.elapsed());
}

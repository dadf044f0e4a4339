//! Broker access for the tests: reachability, topics, producing, reading back.

use crate::unique;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Headers, Message};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Fails the test with instructions when the broker does not answer.
pub fn require_broker(brokers: &str) {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .expect("create a metadata client");
    if let Err(e) = consumer.fetch_metadata(None, Duration::from_secs(10)) {
        panic!(
            "the Kafka broker at {brokers} is not reachable ({e}).\n\
             Start one with `scripts/kafka-local.sh start` (or point DATELINE_TEST_BROKERS at one),\n\
             or set DATELINE_SKIP_KAFKA_TESTS=1 to skip the real-broker tests."
        );
    }
}

/// Input, output and dead-letter topics with random names.
#[derive(Debug, Clone)]
pub struct Topics {
    pub input: String,
    pub output: String,
    pub dlq: String,
}

impl Topics {
    pub async fn create(
        brokers: &str,
        prefix: &str,
        input_partitions: i32,
        output_partitions: i32,
    ) -> Topics {
        let t = Topics {
            input: unique(&format!("{prefix}-in")),
            output: unique(&format!("{prefix}-out")),
            dlq: unique(&format!("{prefix}-dlq")),
        };
        create_topics(
            brokers,
            &[
                (&t.input, input_partitions),
                (&t.output, output_partitions),
                (&t.dlq, 1),
            ],
        )
        .await;
        t
    }
}

impl Topics {
    /// Deletes the three topics. Called at the end of a passing test; a failing
    /// test leaves them for inspection.
    pub async fn delete(&self, brokers: &str) {
        let _ = admin(brokers)
            .delete_topics(
                &[&self.input, &self.output, &self.dlq],
                &AdminOptions::new(),
            )
            .await;
    }
}

/// An admin client for `brokers`.
pub fn admin(brokers: &str) -> AdminClient<DefaultClientContext> {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .expect("create an admin client")
}

/// Deletes `topic` (the broker removes it asynchronously); panics if refused.
pub async fn delete_topic(brokers: &str, topic: &str) {
    let results = admin(brokers)
        .delete_topics(&[topic], &AdminOptions::new())
        .await
        .expect("delete topic");
    for r in results {
        r.unwrap_or_else(|(t, e)| panic!("deleting topic {t}: {e}"));
    }
}

pub async fn create_topics(brokers: &str, topics: &[(&str, i32)]) {
    let admin = admin(brokers);
    let new: Vec<NewTopic<'_>> = topics
        .iter()
        .map(|(name, parts)| NewTopic::new(name, *parts, TopicReplication::Fixed(1)))
        .collect();
    let results = admin
        .create_topics(
            &new,
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(20))),
        )
        .await
        .expect("create topics");
    for r in results {
        r.unwrap_or_else(|(t, e)| panic!("creating topic {t}: {e}"));
    }
    // Wait until the metadata shows every partition with a leader.
    let probe: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .expect("create a metadata client");
    let deadline = Instant::now() + Duration::from_secs(20);
    for (name, parts) in topics {
        loop {
            let ok = probe
                .fetch_metadata(Some(name), Duration::from_secs(5))
                .map(|md| {
                    md.topics().first().is_some_and(|t| {
                        t.error().is_none()
                            && t.partitions().len() == *parts as usize
                            && t.partitions().iter().all(|p| p.leader() >= 0)
                    })
                })
                .unwrap_or(false);
            if ok {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "topic {name} did not become available"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn producer(brokers: &str) -> FutureProducer {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("message.timeout.ms", "180000")
        .set("linger.ms", "5")
        .create()
        .expect("create a test producer")
}

/// Where an input record landed.
pub type Position = (i32, i64);

/// Produces every record (key, value) to `topic`; returns their positions, in order.
pub async fn produce(
    brokers: &str,
    topic: &str,
    records: &[(Option<Vec<u8>>, Vec<u8>)],
) -> Vec<Position> {
    let p = producer(brokers);
    let mut futures = Vec::with_capacity(records.len());
    for (key, value) in records {
        futures.push(enqueue(&p, topic, key.as_deref(), value).await);
    }
    let mut positions = Vec::with_capacity(records.len());
    for f in futures {
        positions.push(delivered(f).await);
    }
    p.flush(Duration::from_secs(30)).expect("flush");
    positions
}

/// Produces one record with a null value (a tombstone) under `key`; its position.
pub async fn produce_null(brokers: &str, topic: &str, key: &[u8]) -> Position {
    let p = producer(brokers);
    let f = p
        .send_result(FutureRecord::<[u8], [u8]>::to(topic).key(key))
        .unwrap_or_else(|(e, _)| panic!("test produce failed: {e}"));
    let position = delivered(f).await;
    p.flush(Duration::from_secs(30)).expect("flush");
    position
}

/// Produces one record with `headers` (and a producer that takes records up to
/// 1 MB, as a broker's default topic does); its position.
pub async fn produce_with_headers(
    brokers: &str,
    topic: &str,
    key: &[u8],
    value: &[u8],
    headers: &[(&str, &str)],
) -> Position {
    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("message.max.bytes", "1040000")
        .create()
        .expect("create a test producer");
    let h = headers
        .iter()
        .fold(rdkafka::message::OwnedHeaders::new(), |h, (k, v)| {
            h.insert(rdkafka::message::Header {
                key: k,
                value: Some(v.as_bytes()),
            })
        });
    let f = p
        .send_result(FutureRecord::to(topic).key(key).payload(value).headers(h))
        .unwrap_or_else(|(e, _)| panic!("test produce failed: {e}"));
    let position = delivered(f).await;
    p.flush(Duration::from_secs(30)).expect("flush");
    position
}

/// Enqueues at once (unlike `FutureProducer::send`, which enqueues only when
/// polled), waiting out a full queue.
pub async fn enqueue(
    p: &FutureProducer,
    topic: &str,
    key: Option<&[u8]>,
    value: &[u8],
) -> DeliveryFuture {
    loop {
        let mut r = FutureRecord::to(topic).payload(value);
        if let Some(k) = key {
            r = r.key(k);
        }
        match p.send_result(r) {
            Ok(f) => return f,
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                tokio::time::sleep(Duration::from_millis(10)).await
            }
            Err((e, _)) => panic!("test produce failed: {e}"),
        }
    }
}

async fn delivered(f: DeliveryFuture) -> Position {
    match f.await {
        Ok(Ok(d)) => (d.partition, d.offset),
        Ok(Err((e, _))) => panic!("test produce failed: {e}"),
        Err(_) => panic!("test producer dropped"),
    }
}

/// Produces records at a steady rate in the background (input "arriving" while
/// the test does things to the worker).
pub struct Feeder {
    handle: tokio::task::JoinHandle<Vec<Position>>,
}

impl Feeder {
    pub fn start(
        brokers: &str,
        topic: &str,
        records: Vec<(Option<Vec<u8>>, Vec<u8>)>,
        per_second: usize,
    ) -> Feeder {
        let brokers = brokers.to_owned();
        let topic = topic.to_owned();
        let handle = tokio::spawn(async move {
            let p = producer(&brokers);
            let batch = (per_second / 20).max(1);
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            let mut futures = Vec::with_capacity(records.len());
            for chunk in records.chunks(batch) {
                tick.tick().await;
                for (key, value) in chunk {
                    futures.push(enqueue(&p, &topic, key.as_deref(), value).await);
                }
            }
            let mut positions = Vec::with_capacity(futures.len());
            for f in futures {
                positions.push(delivered(f).await);
            }
            positions
        });
        Feeder { handle }
    }

    /// Waits for every record to be acknowledged; their positions, in order.
    pub async fn finish(self) -> Vec<Position> {
        self.handle.await.expect("feeder task")
    }
}

/// One record read back.
#[derive(Debug, Clone)]
pub struct Record {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub value: Vec<u8>,
    /// The value was null (a tombstone), not empty.
    pub null_value: bool,
    pub headers: HashMap<String, Vec<u8>>,
    /// Every header's key in the record's order, repeats included.
    pub header_keys: Vec<String>,
    pub timestamp_ms: i64,
}

impl Record {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// The input position named by the `dateline-source-*` headers.
    pub fn source(&self) -> Position {
        let p = self
            .header("dateline-source-partition")
            .and_then(|v| v.parse().ok())
            .expect("dateline-source-partition header");
        let o = self
            .header("dateline-source-offset")
            .and_then(|v| v.parse().ok())
            .expect("dateline-source-offset header");
        (p, o)
    }
}

/// The configuration of a consumer that reads topics by assignment, committing
/// nothing: its own group id (`prefix` and a random suffix), and only committed
/// transactions with `read_committed`.
pub fn reader_config(brokers: &str, prefix: &str, read_committed: bool) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", brokers)
        .set("group.id", unique(prefix))
        .set("enable.auto.commit", "false")
        .set(
            "isolation.level",
            if read_committed {
                "read_committed"
            } else {
                "read_uncommitted"
            },
        );
    c
}

/// The partition ids of `topic`, from the broker's metadata.
pub fn partition_ids(consumer: &BaseConsumer, topic: &str) -> Vec<i32> {
    let md = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("topic metadata");
    md.topics()[0].partitions().iter().map(|p| p.id()).collect()
}

/// Reads a topic from the beginning in a background thread (no consumer group).
pub struct Collector {
    records: Arc<Mutex<Vec<Record>>>,
    seen: Arc<std::sync::atomic::AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Collector {
    pub fn start(brokers: &str, topic: &str) -> Collector {
        Self::start_with(brokers, topic, true, false)
    }

    /// Sees committed transactions only (`isolation.level=read_committed`), as an
    /// exactly-once downstream consumer does.
    pub fn start_read_committed(brokers: &str, topic: &str) -> Collector {
        Self::start_with(brokers, topic, true, true)
    }

    /// Keeps headers and timestamps but not keys and values (for large volumes).
    pub fn start_light(brokers: &str, topic: &str) -> Collector {
        Self::start_with(brokers, topic, false, false)
    }

    /// [`Collector::start_light`], `read_committed`.
    pub fn start_light_read_committed(brokers: &str, topic: &str) -> Collector {
        Self::start_with(brokers, topic, false, true)
    }

    fn start_with(
        brokers: &str,
        topic: &str,
        keep_values: bool,
        read_committed: bool,
    ) -> Collector {
        let consumer: BaseConsumer = reader_config(brokers, "collector", read_committed)
            .set("reconnect.backoff.max.ms", "1000")
            .create()
            .expect("create a collector");
        let mut tpl = TopicPartitionList::new();
        for p in partition_ids(&consumer, topic) {
            tpl.add_partition_offset(topic, p, Offset::Beginning)
                .expect("tpl");
        }
        consumer.assign(&tpl).expect("assign");
        let records = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::spawn({
            let records = records.clone();
            let seen = seen.clone();
            let stop = stop.clone();
            move || {
                while !stop.load(Ordering::SeqCst) {
                    // Errors (a broker restart) are retried by the client.
                    if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
                        let header_keys = m
                            .headers()
                            .map(|h| h.iter().map(|h| h.key.to_owned()).collect())
                            .unwrap_or_default();
                        let headers = m
                            .headers()
                            .map(|h| {
                                h.iter()
                                    .map(|h| {
                                        (h.key.to_owned(), h.value.unwrap_or_default().to_vec())
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        records.lock().unwrap().push(Record {
                            partition: m.partition(),
                            offset: m.offset(),
                            key: m.key().filter(|_| keep_values).map(<[u8]>::to_vec),
                            value: if keep_values {
                                m.payload().unwrap_or_default().to_vec()
                            } else {
                                Vec::new()
                            },
                            null_value: m.payload().is_none(),
                            headers,
                            header_keys,
                            timestamp_ms: m.timestamp().to_millis().unwrap_or(0),
                        });
                        seen.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        });
        Collector {
            records,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    pub fn len(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn snapshot(&self) -> Vec<Record> {
        self.records.lock().unwrap().clone()
    }

    /// Distinct input positions seen in the `dateline-source-*` headers.
    pub fn distinct_sources(&self) -> usize {
        let r = self.records.lock().unwrap();
        r.iter()
            .map(Record::source)
            .collect::<std::collections::HashSet<_>>()
            .len()
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Every input exactly once among `records` (by their `dateline-source-*`
/// headers): none missing, none twice, nothing else.
pub fn assert_exactly_once(positions: &[Position], records: &[Record]) {
    let mut count: HashMap<Position, usize> = HashMap::new();
    for r in records {
        *count.entry(r.source()).or_default() += 1;
    }
    let twice: Vec<_> = count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "{} inputs seen more than once, e.g. {:?}",
        twice.len(),
        &twice[..twice.len().min(5)]
    );
    let inputs: HashSet<Position> = positions.iter().copied().collect();
    let lost: Vec<_> = inputs.iter().filter(|p| !count.contains_key(p)).collect();
    assert!(lost.is_empty(), "{} inputs lost: {:?}", lost.len(), lost);
    assert_eq!(records.len(), positions.len());
}

/// The group's committed offsets on `topic` (partition → next offset; absent when
/// nothing was committed).
pub fn committed(brokers: &str, group: &str, topic: &str, partitions: i32) -> HashMap<i32, i64> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .expect("create an offsets client");
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    let c = consumer
        .committed_offsets(tpl, Duration::from_secs(10))
        .expect("fetch committed offsets");
    c.elements()
        .iter()
        .filter_map(|e| match e.offset() {
            Offset::Offset(o) => Some((e.partition(), o)),
            _ => None,
        })
        .collect()
}

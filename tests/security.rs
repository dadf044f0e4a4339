//! The worker through the broker's secured listeners: SASL (PLAIN, SCRAM-SHA-256,
//! SCRAM-SHA-512) in the clear and over TLS, and mutual TLS with a client
//! certificate (its key plain or encrypted); secrets from a file or the environment; a wrong password leaves
//! the worker running but unready, and is never logged. (Issue 3, security.)
//!
//! Topics are created and read back on the PLAINTEXT listener; only the worker
//! uses the secured one, so whatever reaches the output went through it.

use dateline_tests::kafka::committed;
use dateline_tests::kafka::{produce, Collector, Position, Topics};
use dateline_tests::secure::{acl_allow, secure_listeners, Secure};
use dateline_tests::worker::{
    config_toml, dateline_bin, free_addr, http_get, InProcess, Scrape, Subprocess,
};
use dateline_tests::{broker_test, eventually, fixtures, unique, BrokerLock};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

const N: usize = 60;

/// The broker lock, the PLAINTEXT address and the secured listeners; `None` when
/// the broker or the security tests are skipped.
fn secure_test() -> Option<(BrokerLock, String, Secure)> {
    let secure = secure_listeners()?;
    let (lock, brokers) = broker_test()?;
    Some((lock, brokers, secure))
}

/// A `[kafka.security]` table.
fn security_toml(lines: &[(&str, String)]) -> String {
    let mut t = String::from("[kafka.security]\n");
    for (k, v) in lines {
        t.push_str(&format!("{k} = \"{v}\"\n"));
    }
    t
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// `[kafka.security]` of a SASL login: the password from `password`
/// (`("password_file", PATH)` or `("password_env", NAME)`), then `more` keys.
fn sasl_toml(
    protocol: &str,
    mechanism: &str,
    user: &str,
    password: (&str, String),
    more: &[(&str, String)],
) -> String {
    let mut lines = vec![
        ("protocol", protocol.to_owned()),
        ("sasl_mechanism", mechanism.to_owned()),
        ("username", user.to_owned()),
        password,
    ];
    lines.extend(more.iter().cloned());
    security_toml(&lines)
}

/// `[kafka.security]` of mutual TLS with the client key `key`, then `more` keys.
fn mtls_toml(s: &Secure, key: &Path, more: &[(&str, String)]) -> String {
    let mut lines = vec![
        ("protocol", "ssl".to_owned()),
        ("ssl_ca_location", path(&s.ca)),
        ("ssl_certificate_location", path(&s.client_cert)),
        ("ssl_key_location", path(key)),
    ];
    lines.extend(more.iter().cloned());
    security_toml(&lines)
}

/// `value` in the file `name` of `dir`, as the `*_file` keys read secrets: its path.
fn secret_file(dir: &Path, name: &str, value: &str) -> String {
    let file = dir.join(name);
    std::fs::write(&file, value).unwrap();
    path(&file)
}

/// `N` articles in on PLAINTEXT, the worker on `listener` with `security`, and
/// every article out exactly once.
async fn round_trip(brokers: &str, listener: &str, security: &str, name: &str) {
    let topics = Topics::create(brokers, name, 2, 1).await;
    let positions = produce(brokers, &topics.input, &fixtures::articles(7, N, 1_500)).await;
    let group = unique(&format!("{name}-group"));
    let worker = InProcess::start(&config_toml(
        listener,
        &topics,
        &group,
        free_addr(),
        security,
    ));
    let out = Collector::start(brokers, &topics.output);
    eventually(
        Duration::from_secs(90),
        &format!("{N} records through {listener}"),
        || (out.len() >= N).then_some(()),
    )
    .await;
    let summary = worker.stop().await;
    assert_eq!(summary.produced, N as u64, "{summary:?}");
    let got = out.snapshot();
    let sources: HashSet<Position> = got.iter().map(|r| r.source()).collect();
    let expected: HashSet<Position> = positions.into_iter().collect();
    assert_eq!(got.len(), N);
    assert_eq!(sources, expected, "every article exactly once");
    for r in &got {
        let v: serde_json::Value = serde_json::from_slice(&r.value).expect("enriched JSON");
        assert!(
            v.get("region").is_some() && v.get("topics").is_some(),
            "{v}"
        );
    }
    drop(out);
    topics.delete(brokers).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sasl_scram_sha_256_with_the_password_from_a_file() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A trailing newline, as editors and `echo` leave one: ignored.
    let file = secret_file(dir.path(), "password", &format!("{}\n", s.password));
    let security = sasl_toml(
        "sasl_plaintext",
        "SCRAM-SHA-256",
        &s.user,
        ("password_file", file),
        &[],
    );
    round_trip(&brokers, &s.sasl_plaintext, &security, "sec-scram256").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sasl_scram_sha_512_over_tls_verifying_the_broker() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Host name verification stays on (the default): the broker's certificate
    // names 127.0.0.1.
    let security = sasl_toml(
        "sasl_ssl",
        "SCRAM-SHA-512",
        &s.user,
        (
            "password_file",
            secret_file(dir.path(), "password", &s.password),
        ),
        &[("ssl_ca_location", path(&s.ca))],
    );
    round_trip(&brokers, &s.sasl_ssl, &security, "sec-scram512").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_with_a_client_certificate() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    let security = mtls_toml(&s, &s.client_key, &[]);
    round_trip(&brokers, &s.ssl, &security, "sec-mtls").await;
}

/// The client key encrypted, its password from a file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_with_an_encrypted_client_key() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = secret_file(dir.path(), "key-password", &s.client_key_password);
    let security = mtls_toml(
        &s,
        &s.client_key_encrypted,
        &[("ssl_key_password_file", file)],
    );
    round_trip(&brokers, &s.ssl, &security, "sec-mtls-enc").await;
}

/// `dateline run` as operators run it: SASL PLAIN with the password in an
/// environment variable; SIGTERM drains and exits 0; the password is in no log line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sasl_plain_with_the_password_from_the_environment() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    let topics = Topics::create(&brokers, "sec-plain", 2, 1).await;
    let positions = produce(&brokers, &topics.input, &fixtures::articles(8, N, 1_500)).await;
    let security = sasl_toml(
        "sasl_plaintext",
        "PLAIN",
        &s.user,
        ("password_env", "DATELINE_TEST_SASL_PASSWORD".into()),
        &[],
    );
    let toml = config_toml(
        &s.sasl_plaintext,
        &topics,
        &unique("sec-plain-group"),
        free_addr(),
        &security,
    );
    let mut w = Subprocess::start_with_env(
        "sasl-plain",
        &toml,
        &[],
        &[("DATELINE_TEST_SASL_PASSWORD", &s.password)],
    );
    let out = Collector::start(&brokers, &topics.output);
    eventually(
        Duration::from_secs(90),
        "records through SASL PLAIN",
        || (out.len() >= N).then_some(()),
    )
    .await;
    w.signal("TERM");
    let status = w.wait(Duration::from_secs(60)).await;
    assert!(status.success(), "{status:?}\n{}", w.log_tail());
    let summary = w.exit_summary().expect("exit summary");
    assert!(
        summary.drained && summary.produced == N as u64,
        "{summary:?}"
    );
    let sources: HashSet<Position> = out.snapshot().iter().map(|r| r.source()).collect();
    assert_eq!(sources, positions.into_iter().collect::<HashSet<_>>());
    assert!(
        !w.log_text().contains(&s.password),
        "the password appears in the log"
    );
    drop(out);
    topics.delete(&brokers).await;
}

/// Runs `dateline run` on `listener` with `security` (and `env`) where the broker
/// will refuse it, and checks what must hold then: `/readyz` answers 503 naming the
/// refusal, the log shows `in_log`, the worker keeps retrying, and SIGTERM still
/// exits 0 having consumed nothing. Returns the log.
async fn refused(
    brokers: &str,
    name: &str,
    listener: &str,
    security: &str,
    env: &[(&str, &str)],
    in_log: &str,
) -> String {
    let topics = Topics::create(brokers, name, 1, 1).await;
    produce(brokers, &topics.input, &fixtures::articles(9, 5, 1_000)).await;
    let addr = free_addr();
    let toml = config_toml(listener, &topics, &unique(name), addr, security);
    let mut w = Subprocess::start_with_env(name, &toml, &[], env);
    eventually(
        Duration::from_secs(30),
        "/readyz to name the refusal",
        || match http_get(addr, "/readyz") {
            Some((503, body)) if body.contains("authentication or TLS handshake failed") => {
                Some(())
            }
            _ => None,
        },
    )
    .await;
    eventually(Duration::from_secs(10), in_log, || {
        w.log_text().contains(in_log).then_some(())
    })
    .await;
    assert!(
        w.is_running(),
        "the worker must keep retrying\n{}",
        w.log_tail()
    );
    w.signal("TERM");
    let status = w.wait(Duration::from_secs(60)).await;
    assert!(status.success(), "{status:?}\n{}", w.log_tail());
    let log = w.log_text();
    assert_eq!(w.exit_summary().map(|e| e.consumed), Some(0), "{log}");
    topics.delete(brokers).await;
    log
}

/// A wrong password is no crash and no loss: the worker keeps retrying, `/readyz`
/// says the broker refused it, the log names the authentication failure but
/// never the password, and SIGTERM still exits 0 without consuming anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_reported_unready_and_never_shown() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    let wrong = "not-the-password-4f9c2e";
    let security = sasl_toml(
        "sasl_plaintext",
        "SCRAM-SHA-256",
        &s.user,
        ("password_env", "DATELINE_TEST_SASL_PASSWORD".into()),
        &[],
    );
    let log = refused(
        &brokers,
        "sec-bad-password",
        &s.sasl_plaintext,
        &security,
        &[("DATELINE_TEST_SASL_PASSWORD", wrong)],
        "Authentication failed",
    )
    .await;
    assert!(
        !log.contains(wrong),
        "the password appears in the log:\n{log}"
    );
}

/// A broker whose certificate the worker cannot verify (its CA is not in the
/// system store, and none is configured) is refused like a wrong password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unverifiable_broker_certificate_is_refused() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    let security = security_toml(&[
        ("protocol", "ssl".into()),
        ("ssl_certificate_location", path(&s.client_cert)),
        ("ssl_key_location", path(&s.client_key)),
    ]);
    refused(
        &brokers,
        "sec-unknown-ca",
        &s.ssl,
        &security,
        &[],
        "certificate verify failed",
    )
    .await;
}

/// `dateline produce` and `dateline lag` with a wrong password fail (exit 2) and
/// say that the broker refused them and why, where librdkafka's own error is only
/// "broker transport failure"; the password is not shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tools_say_why_the_broker_refused_them() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    let topics = Topics::create(&brokers, "sec-tools", 1, 1).await;
    let dir = tempfile::tempdir().unwrap();
    let wrong = "not-the-password-81d7a0";
    let security = sasl_toml(
        "sasl_plaintext",
        "SCRAM-SHA-512",
        &s.user,
        ("password_file", secret_file(dir.path(), "password", wrong)),
        &[],
    );
    let config = dir.path().join("tools.toml");
    let toml = format!("[kafka]\nbrokers = \"{}\"\n{security}", s.sasl_plaintext);
    std::fs::write(&config, toml).unwrap();
    let tool = |args: &[&str]| {
        std::process::Command::new(dateline_bin())
            .args(args)
            .arg("--config")
            .arg(&config)
            .stdin(std::process::Stdio::null())
            .output()
    };
    // Both at once: each waits out its metadata timeout.
    let (produce, lag) = std::thread::scope(|sc| {
        let p = sc.spawn(|| tool(&["produce", "--sample", "--topic", &topics.input]));
        let l = sc.spawn(|| tool(&["lag", "--group", "g", "--topic", &topics.input]));
        (p.join().unwrap().unwrap(), l.join().unwrap().unwrap())
    });
    for (name, out) in [("produce", produce), ("lag", lag)] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains("the broker refused the connection")
                && stderr.contains("Authentication failed"),
            "{name}: {stderr}"
        );
        assert!(
            !stderr.contains(wrong),
            "{name} shows the password: {stderr}"
        );
    }
    topics.delete(&brokers).await;
}

/// The worker's user may read the input but not yet write the output topic (a
/// missing ACL): nothing reaches the output, the refusals are counted as
/// `authorization` produce errors, no offset is committed, and the worker keeps
/// re-sending. Once the ACL is granted, every article comes out exactly once and
/// the offsets reach the end: a misconfigured ACL delays articles, never loses them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_write_acl_holds_the_records_until_it_is_granted() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    const M: usize = 40;
    let topics = Topics::create(&brokers, "sec-acl", 1, 1).await;
    let positions = produce(&brokers, &topics.input, &fixtures::articles(10, M, 1_500)).await;
    let group = unique("sec-acl-group");
    let user = s.limited_user.as_str();
    acl_allow(
        &brokers,
        user,
        &["Read", "Describe"],
        &["--topic", &topics.input, "--group", &group],
    );
    acl_allow(&brokers, user, &["Describe"], &["--topic", &topics.output]);
    // Write on some topic also lets the idempotent producer get its producer id.
    acl_allow(
        &brokers,
        user,
        &["Describe", "Write"],
        &["--topic", &topics.dlq],
    );

    let dir = tempfile::tempdir().unwrap();
    let password = secret_file(dir.path(), "password", &s.limited_password);
    let security = sasl_toml(
        "sasl_plaintext",
        "SCRAM-SHA-256",
        &s.limited_user,
        ("password_file", password),
        &[],
    );
    let addr = free_addr();
    let worker = InProcess::start(&config_toml(
        &s.sasl_plaintext,
        &topics,
        &group,
        addr,
        &security,
    ));
    let out = Collector::start(&brokers, &topics.output);
    let refused = r#"dateline_produce_errors_total{kind="authorization"}"#;
    eventually(
        Duration::from_secs(60),
        "authorization produce errors",
        || {
            Scrape::get(addr)
                .filter(|m| m.value(refused) >= 3.0)
                .map(|_| ())
        },
    )
    .await;
    // Some re-sends later: still nothing out, nothing committed.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        out.len(),
        0,
        "records reached a topic the worker may not write"
    );
    assert!(
        committed(&brokers, &group, &topics.input, 1).is_empty(),
        "an offset was committed before its record was written"
    );
    let m = Scrape::get(addr).expect("metrics");
    assert_eq!(m.sum("dateline_messages_produced_total"), 0.0);

    acl_allow(&brokers, user, &["Write"], &["--topic", &topics.output]);
    eventually(
        Duration::from_secs(90),
        "every record once the ACL is granted",
        || (out.len() >= M).then_some(()),
    )
    .await;
    eventually(
        Duration::from_secs(30),
        "the committed offset at the end",
        || {
            (committed(&brokers, &group, &topics.input, 1).get(&0) == Some(&(M as i64)))
                .then_some(())
        },
    )
    .await;
    let summary = worker.stop().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let got = out.snapshot();
    assert_eq!(got.len(), M, "exactly once: {summary:?}");
    let sources: HashSet<Position> = got.iter().map(|r| r.source()).collect();
    assert_eq!(sources, positions.into_iter().collect::<HashSet<_>>());
    assert!(summary.produce_retries > 0, "{summary:?}");
    drop(out);
    topics.delete(&brokers).await;
}

/// A topic the worker's principal may not describe is left out of the cluster's
/// metadata, like a missing one; the worker tells the two apart at start-up and
/// fails naming each (an ACL to grant, a topic to create).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_behind_an_acl_is_told_apart_from_a_missing_one() {
    let Some((_lock, brokers, s)) = secure_test() else {
        return;
    };
    let mut topics = Topics::create(&brokers, "sec-acl-start", 1, 1).await;
    let group = unique("sec-acl-start-group");
    let user = s.limited_user.as_str();
    acl_allow(
        &brokers,
        user,
        &["Read", "Describe"],
        &["--topic", &topics.input, "--group", &group],
    );
    // An ACL for someone else: the topic is no longer open to everyone.
    acl_allow(
        &brokers,
        "someone-else",
        &["Describe"],
        &["--topic", &topics.output],
    );
    let created_dlq = std::mem::replace(&mut topics.dlq, unique("sec-acl-start-nonexistent"));
    let dir = tempfile::tempdir().unwrap();
    let password = secret_file(dir.path(), "password", &s.limited_password);
    let security = sasl_toml(
        "sasl_plaintext",
        "SCRAM-SHA-512",
        &s.limited_user,
        ("password_file", password),
        &[],
    );
    let worker = InProcess::start(&config_toml(
        &s.sasl_plaintext,
        &topics,
        &group,
        free_addr(),
        &security,
    ));
    let err = worker
        .finished(Duration::from_secs(60))
        .await
        .expect_err("the worker must not start");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("not authorized to use topics {} (", topics.output))
            && msg.ends_with(&format!(
                "; topics missing on the Kafka cluster: {}",
                topics.dlq
            )),
        "{msg}"
    );
    topics.dlq = created_dlq;
    topics.delete(&brokers).await;
}

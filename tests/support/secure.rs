//! The local broker's secured listeners, for the security tests.
//!
//! `scripts/kafka-local.sh start` opens SASL_PLAINTEXT, SASL_SSL and SSL (mutual
//! TLS) listeners beside the PLAINTEXT one and writes their addresses, the test
//! user and the TLS files to `<repo>/.kafka-local/secure.env` (what
//! `scripts/kafka-local.sh secure-env` prints). `DATELINE_TEST_SECURE_ENV` points
//! at another such file; `DATELINE_SKIP_SECURITY_TESTS=1` skips these tests (for a
//! broker without the listeners, such as the docker compose one).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The secured listeners and what a client needs to use them.
#[derive(Debug, Clone)]
pub struct Secure {
    pub sasl_plaintext: String,
    pub sasl_ssl: String,
    pub ssl: String,
    /// May do anything (a super user).
    pub user: String,
    pub password: String,
    /// May do only what ACLs allow (SCRAM only); see [`acl_allow`].
    pub limited_user: String,
    pub limited_password: String,
    pub ca: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// The same key, encrypted with `client_key_password`.
    pub client_key_encrypted: PathBuf,
    pub client_key_password: String,
}

/// `None` when the security tests are skipped; fails the test with instructions
/// when the listeners' description is missing.
pub fn secure_listeners() -> Option<Secure> {
    if std::env::var("DATELINE_SKIP_SECURITY_TESTS").as_deref() == Ok("1") {
        eprintln!("DATELINE_SKIP_SECURITY_TESTS=1: skipping a security test");
        return None;
    }
    let path = std::env::var_os("DATELINE_TEST_SECURE_ENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../.kafka-local/secure.env")
        });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the secured listeners' description {} ({e}).\n\
             Start the broker with `scripts/kafka-local.sh start` (it writes the file),\n\
             point DATELINE_TEST_SECURE_ENV at one, or set DATELINE_SKIP_SECURITY_TESTS=1.",
            path.display()
        )
    });
    let vars: HashMap<&str, &str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .collect();
    let get = |k: &str| -> String {
        vars.get(k)
            .unwrap_or_else(|| panic!("{} has no {k}", path.display()))
            .to_string()
    };
    Some(Secure {
        sasl_plaintext: get("KAFKA_LOCAL_SASL_PLAINTEXT"),
        sasl_ssl: get("KAFKA_LOCAL_SASL_SSL"),
        ssl: get("KAFKA_LOCAL_SSL"),
        user: get("KAFKA_LOCAL_USER"),
        password: get("KAFKA_LOCAL_PASSWORD"),
        limited_user: get("KAFKA_LOCAL_LIMITED_USER"),
        limited_password: get("KAFKA_LOCAL_LIMITED_PASSWORD"),
        ca: get("KAFKA_LOCAL_CA").into(),
        client_cert: get("KAFKA_LOCAL_CLIENT_CERT").into(),
        client_key: get("KAFKA_LOCAL_CLIENT_KEY").into(),
        client_key_encrypted: get("KAFKA_LOCAL_CLIENT_KEY_ENCRYPTED").into(),
        client_key_password: get("KAFKA_LOCAL_CLIENT_KEY_PASSWORD"),
    })
}

/// Allows `principal` the `operations` on `resources` (`["--topic", name]`,
/// `["--group", name]`, ...), through Kafka's own `AclCommand` on the broker at
/// `brokers` (librdkafka has no ACL API). Each call starts a JVM (~1.5 s).
pub fn acl_allow(brokers: &str, principal: &str, operations: &[&str], resources: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/kafka-local.sh");
    let mut cmd = std::process::Command::new(script);
    cmd.args([
        "tool",
        "org.apache.kafka.tools.AclCommand",
        "--bootstrap-server",
        brokers,
    ])
    .args(["--add", "--allow-principal", &format!("User:{principal}")]);
    for op in operations {
        cmd.args(["--operation", op]);
    }
    cmd.args(resources);
    crate::worker::run_ok(&mut cmd);
}

//! Running the worker: in-process through `dateline_worker::run`, or as a
//! `dateline run` subprocess (for signals); scraping its HTTP endpoints.

use crate::kafka::Topics;
use dateline_worker::{Config, RunSummary, WorkerError};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// A free local port (bound, then released for the worker to take).
pub fn free_addr() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr")
}

/// A worker configuration for tests, as TOML (the subprocess reads it from a file,
/// the in-process worker parses it): short session timeout so a dead member leaves
/// the group in seconds, not 45 s.
/// `extra` is appended; lines of an `[kafka.consumer]` table in it are merged into
/// the default one (TOML allows each table once).
pub fn config_toml(
    brokers: &str,
    topics: &Topics,
    group: &str,
    addr: SocketAddr,
    extra: &str,
) -> String {
    let mut consumer_extra = String::new();
    let mut rest = String::new();
    let mut in_consumer = false;
    for line in extra.lines() {
        if line.trim_start().starts_with('[') {
            in_consumer = line.trim() == "[kafka.consumer]";
            if in_consumer {
                continue;
            }
        }
        let target = if in_consumer {
            &mut consumer_extra
        } else {
            &mut rest
        };
        target.push_str(line);
        target.push('\n');
    }
    // The tests' consumer settings, unless `extra` sets the same property.
    let consumer_defaults: String = [
        "\"session.timeout.ms\" = 6000",
        "\"heartbeat.interval.ms\" = 1000",
        "\"auto.commit.interval.ms\" = 1000",
    ]
    .iter()
    .filter(|line| {
        let name = line.split('=').next().unwrap_or("").trim();
        !consumer_extra
            .lines()
            .any(|l| l.trim_start().starts_with(name))
    })
    .map(|line| format!("{line}\n"))
    .collect();
    format!(
        r#"
[kafka]
brokers = "{brokers}"
group_id = "{group}"
input_topics = ["{input}"]
output_topic = "{output}"
dlq_topic = "{dlq}"

[kafka.consumer]
{consumer_defaults}{consumer_extra}
[metrics]
addr = "{addr}"

{rest}
"#,
        input = topics.input,
        output = topics.output,
        dlq = topics.dlq,
    )
}

/// The classifier the worker uses by default (built once per test binary).
pub fn classifier() -> Arc<dateline_classify::Classifier> {
    static C: OnceLock<Arc<dateline_classify::Classifier>> = OnceLock::new();
    C.get_or_init(|| {
        Arc::new(dateline_classify::Classifier::builtin().expect("builtin classifier"))
    })
    .clone()
}

/// A worker running inside the test process.
pub struct InProcess {
    pub token: CancellationToken,
    pub addr: SocketAddr,
    handle: tokio::task::JoinHandle<Result<RunSummary, WorkerError>>,
}

impl InProcess {
    pub fn start(toml: &str) -> InProcess {
        let config = Config::from_toml(toml).unwrap_or_else(|e| panic!("test config: {e}"));
        let addr = config.metrics.addr;
        let token = CancellationToken::new();
        let handle = tokio::spawn(dateline_worker::run(config, classifier(), token.clone()));
        InProcess {
            token,
            addr,
            handle,
        }
    }

    /// Waits up to `timeout` for the worker to end by itself (a start-up error).
    pub async fn finished(self, timeout: Duration) -> Result<RunSummary, WorkerError> {
        tokio::time::timeout(timeout, self.handle)
            .await
            .unwrap_or_else(|_| panic!("the worker still runs after {timeout:?}"))
            .expect("worker task")
    }

    pub async fn stop(self) -> RunSummary {
        self.token.cancel();
        self.handle.await.expect("worker task").expect("worker run")
    }
}

/// Where `dateline` is: `$CARGO_TARGET_DIR` or `<workspace>/target`, debug profile.
/// Built once per test binary with `cargo build -p dateline-cli --bin dateline`
/// (a no-op when fresh) unless `DATELINE_TEST_NO_BUILD=1`.
pub fn dateline_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("workspace root")
            .to_owned();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target"));
        let bin = target.join("debug").join("dateline");
        if std::env::var("DATELINE_TEST_NO_BUILD").as_deref() != Ok("1") {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--quiet",
                    "-p",
                    "dateline-cli",
                    "--bin",
                    "dateline",
                ])
                .current_dir(&workspace)
                .status()
                .expect("run cargo build for the dateline binary");
            assert!(status.success(), "cargo build -p dateline-cli failed");
        }
        assert!(
            bin.is_file(),
            "{} not found; run `cargo build -p dateline-cli`",
            bin.display()
        );
        bin
    })
    .clone()
}

/// Runs a command to its end; fails the test unless it exits 0, showing its
/// stderr.
pub fn run_ok(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("run the command");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// What `dateline run` logged when it finished.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExitSummary {
    pub consumed: u64,
    pub produced: u64,
    pub dead_lettered: u64,
    pub drained: bool,
}

/// A `dateline run` subprocess; killed if still running when dropped.
pub struct Subprocess {
    pub name: String,
    pub addr: SocketAddr,
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Subprocess {
    pub fn start(name: &str, toml: &str) -> Subprocess {
        Self::start_with_args(name, toml, &[])
    }

    /// `dateline run --config FILE ARGS...`.
    pub fn start_with_args(name: &str, toml: &str, args: &[&str]) -> Subprocess {
        Self::start_with_env(name, toml, args, &[])
    }

    /// [`Subprocess::start_with_args`] with more environment variables.
    pub fn start_with_env(
        name: &str,
        toml: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Subprocess {
        let dir = tempfile::tempdir().expect("temp dir");
        let config_path = dir.path().join("dateline.toml");
        std::fs::write(&config_path, toml).expect("write config");
        let addr = Config::from_toml(toml).expect("test config").metrics.addr;
        let log = dir.path().join("stderr.log");
        let child = Command::new(dateline_bin())
            .args(["run", "--config"])
            .arg(&config_path)
            .args(args)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("spawn dateline run");
        Subprocess {
            name: name.to_owned(),
            addr,
            child,
            log,
            _dir: dir,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid().to_string())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "kill -{sig} {}", self.pid());
    }

    /// `kill -9`.
    pub fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL the worker");
        let _ = self.child.wait();
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub async fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                return s;
            }
            if start.elapsed() > timeout {
                panic!(
                    "{} did not exit within {timeout:?}\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn log_tail(&self) -> String {
        let t = self.log_text();
        let lines: Vec<&str> = t.lines().collect();
        let from = lines.len().saturating_sub(40);
        format!(
            "--- last lines of {} ---\n{}",
            self.name,
            lines[from..].join("\n")
        )
    }

    /// The `dateline run finished ...` line's numbers.
    pub fn exit_summary(&self) -> Option<ExitSummary> {
        let text = self.log_text();
        let line = text
            .lines()
            .rev()
            .find(|l| l.contains("dateline run finished"))?;
        let field = |name: &str| -> Option<String> {
            let start = line.find(&format!(" {name}="))? + name.len() + 2;
            Some(line[start..].split_whitespace().next()?.to_owned())
        };
        Some(ExitSummary {
            consumed: field("consumed")?.parse().ok()?,
            produced: field("produced")?.parse().ok()?,
            dead_lettered: field("dead_lettered")?.parse().ok()?,
            drained: field("drained")? == "true",
        })
    }
}

impl Drop for Subprocess {
    fn drop(&mut self) {
        if self.is_running() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!("{}", self.log_tail());
        }
    }
}

/// `GET path` over HTTP/1.0: (status, body). `None` when nothing answers.
pub fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

/// A scrape of `/metrics`: series (name with labels, as exposed) → value.
#[derive(Debug, Clone, Default)]
pub struct Scrape(pub HashMap<String, f64>);

impl Scrape {
    pub fn get(addr: SocketAddr) -> Option<Scrape> {
        let (status, body) = http_get(addr, "/metrics")?;
        if status != 200 {
            return None;
        }
        let mut m = HashMap::new();
        for line in body.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some((series, value)) = line.rsplit_once(' ') {
                if let Ok(v) = value.parse::<f64>() {
                    m.insert(series.to_owned(), v);
                }
            }
        }
        Some(Scrape(m))
    }

    /// One series, e.g. `dateline_dead_letters_total{kind="oversize"}`; 0 if absent.
    pub fn value(&self, series: &str) -> f64 {
        self.0.get(series).copied().unwrap_or(0.0)
    }

    /// Sum over all label sets of a metric family.
    pub fn sum(&self, name: &str) -> f64 {
        self.0
            .iter()
            .filter(|(k, _)| *k == name || k.starts_with(&format!("{name}{{")))
            .map(|(_, v)| v)
            .sum()
    }

    pub fn u(&self, series: &str) -> u64 {
        self.value(series) as u64
    }
}

//! The `dateline` binary as a user runs it: exit codes, stderr lines, output order.

use std::io::Write;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// `dateline ARGS` with stdin, stdout and stderr piped.
fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dateline runs")
}

fn dateline(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = spawn(args);
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each stdout line is JSON"))
        .collect()
}

#[test]
fn sample_runs_and_keeps_order() {
    let out = dateline(&["classify", "--sample"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = lines(&out);
    assert_eq!(records.len(), 12);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["id"], format!("sample-{:03}", i + 1));
        assert_eq!(r["schema_version"], 1);
    }
    assert_eq!(records[0]["label"], "EUROPE / Ukraine war diplomacy");
    assert_eq!(
        records[6]["region"], "NORTH_AMERICA",
        "Georgia the US state"
    );
    assert_eq!(records[7]["region"], "EUROPE", "Georgia the country");
}

#[test]
fn schema_prints_the_published_record_schema() {
    let out = dateline(&["schema"], b"");
    assert!(out.status.success());
    assert_eq!(out.stdout, dateline_classify::RECORD_SCHEMA.as_bytes());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["properties"]["schema_version"]["const"],
        dateline_classify::SCHEMA_VERSION
    );
    // With a region table of your own, its names are the region enum.
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("regions.tsv");
    let bundled = include_str!("../../dateline-classify/data/regions.tsv");
    std::fs::write(&table, bundled.replace("DE\tEUROPE", "DE\tDACH")).unwrap();
    let out = dateline(&["schema", "--regions", table.to_str().unwrap()], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let custom: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = custom["$defs"]["region"]["enum"].as_array().unwrap();
    assert!(names.contains(&"DACH".into()) && names.contains(&"EUROPE".into()));
    assert_eq!(names.len(), 8);
    assert_eq!(custom["properties"], schema["properties"]);
}

#[test]
fn bad_lines_are_reported_and_the_rest_processed() {
    let input = b"{\"body\":\"Talks in Kyiv\"}\nnot json\n\n{\"body\":5}\n{\"body\":\"\xff\"}\n{\"title\":\"Rome\",\"body\":\"In Italy.\"}\n";
    let out = dateline(&["classify", "--threads", "2"], input);
    assert_eq!(out.status.code(), Some(1));
    let records = lines(&out);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["region"], "EUROPE");
    assert_eq!(records[1]["countries"][0]["code"], "IT");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("<stdin>:2: invalid_json"), "{err}");
    assert!(err.contains("<stdin>:4: wrong_type"), "{err}");
    assert!(err.contains("<stdin>:5: invalid_utf8"), "{err}");

    let strict = dateline(&["classify", "--strict"], input);
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(lines(&strict).len(), 1, "stops at the first bad record");
}

/// Records are read in blocks and chunks: lines that straddle blocks, a line far
/// longer than the reader's 1 MiB buffer, blank and CRLF lines, a last line with
/// no newline, several files, many chunks over several threads. Every record comes
/// out once and in order, and errors name the right file and line.
#[test]
fn long_inputs_keep_order_and_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Vec::new();
    let mut expected = Vec::new();
    for i in 0..1500usize {
        let line = i + 1;
        match i {
            // A bad record deep in the file, and blank lines to count past.
            700 => first.extend_from_slice(b"{\"body\": 7}\n"),
            701 | 702 => first.extend_from_slice(b"   \n"),
            // One line of ~3 MB.
            900 => {
                let body = "Talks in Kyiv went on. ".repeat(130_000);
                first.extend_from_slice(
                    format!("{{\"id\":\"r{line}\",\"body\":\"{body}\"}}\n").as_bytes(),
                );
                expected.push(format!("r{line}"));
            }
            _ => {
                let pad = "Markets in Tokyo rose. ".repeat(i % 300);
                let end = if i % 7 == 0 { "\r\n" } else { "\n" };
                first.extend_from_slice(
                    format!("{{\"id\":\"r{line}\",\"body\":\"Line {line}. {pad}\"}}{end}")
                        .as_bytes(),
                );
                expected.push(format!("r{line}"));
            }
        }
    }
    let a = dir.path().join("a.jsonl");
    std::fs::write(&a, &first).unwrap();
    let b = dir.path().join("b.jsonl");
    std::fs::write(
        &b,
        b"{\"id\":\"b1\",\"body\":\"Rome\"}\nnot json\n{\"id\":\"b3\",\"body\":\"Paris\"}",
    )
    .unwrap();
    expected.extend(["b1".to_owned(), "b3".to_owned()]);
    for threads in ["1", "3"] {
        let out = dateline(
            &[
                "classify",
                "--threads",
                threads,
                a.to_str().unwrap(),
                b.to_str().unwrap(),
            ],
            b"",
        );
        assert_eq!(out.status.code(), Some(1));
        let ids: Vec<String> = lines(&out)
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids, expected, "threads {threads}");
        let err = String::from_utf8_lossy(&out.stderr);
        let a_name = a.display().to_string();
        let b_name = b.display().to_string();
        assert!(err.contains(&format!("{a_name}:701: wrong_type")), "{err}");
        assert!(err.contains(&format!("{b_name}:2: invalid_json")), "{err}");
        assert!(err.contains("2 bad record(s)"), "{err}");
    }
}

/// A stream piped in comes out record by record: each output line is there
/// while the input is still open (before, records waited for a full chunk).
#[test]
fn a_slow_stream_is_classified_as_it_arrives() {
    use std::io::BufRead;
    let mut child = spawn(&["classify", "--threads", "2"]);
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    for (id, body) in [("s1", "Talks in Kyiv"), ("s2", "Rain in Paris")] {
        writeln!(stdin, "{{\"id\":\"{id}\",\"body\":\"{body}\"}}").unwrap();
        stdin.flush().unwrap();
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("no output for {id} while the input is open: {e}"));
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(record["id"], id);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// A record over `--max-record-bytes` is skipped as it is read: a 200 MB line
/// is reported as oversize at its line, the records around it come out, and the
/// process never holds it (peak RSS checked while the input is still open).
#[cfg(target_os = "linux")]
#[test]
fn a_huge_line_is_skipped_without_holding_it() {
    let mut child = spawn(&[
        "classify",
        "--threads",
        "1",
        "--max-record-bytes",
        "1000000",
    ]);
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"{\"id\":\"before\",\"body\":\"Talks in Kyiv\"}\n{\"id\":\"huge\",\"body\":\"")
        .unwrap();
    let piece = "Kyiv talks. ".repeat(87_382).into_bytes(); // ~1 MiB
    for _ in 0..200 {
        stdin.write_all(&piece).unwrap();
    }
    stdin
        .write_all(b"\"}\n{\"id\":\"after\",\"body\":\"Rain in Paris\"}\n")
        .unwrap();
    stdin.flush().unwrap();
    // The whole huge line has been taken by the reader once the last record is
    // out; read the peak RSS before the input closes and the process exits.
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status");
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let ids: Vec<String> = lines(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["before", "after"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("<stdin>:2: oversize"), "{err}");
    assert!(
        peak_kb < 120_000,
        "peak RSS {peak_kb} kB with a 200 MB line"
    );
}

#[test]
fn gzip_input_is_read_whatever_its_name() {
    use flate2::{write::GzEncoder, Compression};
    let gz = |data: &[u8]| {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    let sample = include_bytes!("../../../samples/articles.jsonl");
    let plain = dateline(&["classify"], sample);
    assert!(plain.status.success());
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("news.jsonl.gz");
    std::fs::write(&jsonl, gz(sample)).unwrap();
    // A plain-text article, gzipped: its format comes from the name under `.gz`.
    let text = dir.path().join("story.txt.gz");
    std::fs::write(&text, gz(b"{Not JSON} Floods hit Dhaka in Bangladesh.")).unwrap();
    let out = dateline(
        &["classify", jsonl.to_str().unwrap(), text.to_str().unwrap()],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = lines(&out);
    assert_eq!(out.stdout[..plain.stdout.len()], plain.stdout[..]);
    assert_eq!(records.len(), 13);
    assert_eq!(records[12]["countries"][0]["code"], "BD");
    // On stdin too, and a corrupt stream is an error, not articles.
    let piped = dateline(&["classify", "-"], &gz(sample));
    assert_eq!(piped.stdout, plain.stdout);
    let mut cut = gz(sample);
    cut.truncate(cut.len() / 2);
    let broken = dateline(&["classify", "-"], &cut);
    assert!(!broken.status.success());
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("stdin"),
        "{broken:?}"
    );
}

#[test]
fn plain_text_with_wire_tag() {
    let out = dateline(
        &["classify", "--format", "text"],
        b"[ASIA] Floods in Bangladesh\n\nMonsoon floods hit Dhaka and the country's north.",
    );
    assert!(out.status.success());
    let r = &lines(&out)[0];
    assert_eq!(r["region_hint"], "ASIA");
    assert_eq!(r["title"], "Floods in Bangladesh");
    assert_eq!(r["countries"][0]["code"], "BD");
}

#[test]
fn oversize_bodies_are_classified_on_a_prefix() {
    let mut body = String::from("Protests in France. ");
    while body.len() < 10 << 20 {
        body.push_str("lorem ipsum dolor sit amet ");
    }
    let record = serde_json::to_vec(&serde_json::json!({ "body": body })).unwrap();
    let out = dateline(&["classify"], &record);
    assert!(out.status.success());
    assert_eq!(lines(&out)[0]["countries"][0]["code"], "FR");
    let small = dateline(&["classify", "--max-record-bytes", "1000"], &record);
    assert_eq!(small.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&small.stderr).contains("oversize"));
}

#[test]
fn explain_names_terms_and_places() {
    let out = dateline(
        &["classify", "--explain"],
        b"{\"body\":\"KYIV (Wire) - Shelling hit Kyiv as the war went on.\"}",
    );
    let r = &lines(&out)[0];
    assert_eq!(r["evidence"]["dateline"], "KYIV (Wire)");
    assert_eq!(r["evidence"]["places"][0]["code"], "UA");
    assert!(r["evidence"]["places"][0]["terms"][0]["term"].is_string());
}

#[test]
fn taxonomy_check_reports_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        "[taxonomy]\nname = \"t\"\nversion = \"1\"\n\n[[topic]]\nid = \"sports\"\nlabel = \"x\"\n\n[[topic]]\nid = \"sport\"\nlabel = \"s\"\n[topic.terms]\n\"goal\" = -2\n",
    )
    .unwrap();
    let out = dateline(&["taxonomy", "check", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("t.toml:6:"), "{text}");
    assert!(text.contains("t.toml:13:"), "{text}");

    // [scoring] names each bad key; one syntax slip is one error, not two.
    let scoring = dir.path().join("s.toml");
    std::fs::write(
        &scoring,
        "[taxonomy]\nname = \"t\"\nversion = \"1\"\n[scoring]\ntitle_weight = -1\nsaturation = 0\n[[topic]]\nid = \"sport\"\nlabel = \"s\"\n[topic.terms]\n\"goal\" = = 2\n",
    )
    .unwrap();
    let out = dateline(&["taxonomy", "check", scoring.to_str().unwrap()], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    std::fs::write(
        &scoring,
        "[taxonomy]\nname = \"t\"\nversion = \"1\"\n[scoring]\ntitle_weight = -1\nsaturation = 0\n[[topic]]\nid = \"sport\"\nlabel = \"s\"\n",
    )
    .unwrap();
    let out = dateline(&["taxonomy", "check", scoring.to_str().unwrap()], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("title_weight must be > 0 (got -1)")
            && text.contains("saturation must be > 0 (got 0)"),
        "{text}"
    );
    // The file checked is the argument; a --taxonomy beside it is refused, not ignored.
    let out = dateline(
        &[
            "taxonomy",
            "check",
            path.to_str().unwrap(),
            "--taxonomy",
            scoring.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    // …and so not offered in its help, where the other data flags are.
    let help = dateline(&["taxonomy", "check", "--help"], b"");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        !help.contains("--taxonomy") && help.contains("--gazetteer"),
        "{help}"
    );

    let bundled = dateline(&["taxonomy", "print"], b"");
    std::fs::write(&path, &bundled.stdout).unwrap();
    let ok = dateline(&["taxonomy", "check", path.to_str().unwrap()], b"");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
}

#[test]
fn eval_otherwise_and_exact_topics() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gold.jsonl");
    std::fs::write(
        &path,
        concat!(
            "{\"title\":\"Ajax win the derby\",\"body\":\"Ajax beat PSV 2-0 in Amsterdam; the striker scored twice in the league match.\",\"topic\":\"SPORTS\",\"id_topic\":\"sport\"}\n",
            "{\"title\":\"Parliament passes budget\",\"body\":\"Parliament passed the budget after a long debate; the opposition voted against the government's bill.\",\"topic\":\"NEWS\",\"id_topic\":\"politics/nothing-like-this\"}\n",
        ),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let accuracy = |args: &[&str]| {
        let out = dateline(&[&["eval", p, "--json"][..], args].concat(), b"");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["summary"]["topic_accuracy"].as_f64().unwrap()
    };
    // A class named only by the gold map is kept on the predicted side too.
    assert_eq!(
        accuracy(&[
            "--gold-map",
            "SPORTS=sport,NEWS=other",
            "--otherwise",
            "other"
        ]),
        1.0
    );
    // A predicted map alone folds gold classes it does not name as well.
    assert_eq!(
        accuracy(&[
            "--topic-field",
            "id_topic",
            "--predicted-map",
            "sport=sport",
            "--otherwise",
            "other"
        ]),
        1.0
    );
    // Full ids: the sport story's label topic is under `sport`, right; the
    // politics one names no such subtopic, wrong.
    assert_eq!(
        accuracy(&["--topic-field", "id_topic", "--exact-topics"]),
        0.5
    );
}

#[test]
fn eval_scores_a_labelled_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gold.jsonl");
    std::fs::write(
        &path,
        concat!(
            "{\"title\":\"Ajax win the derby\",\"body\":\"Ajax beat PSV 2-0 in Amsterdam; the striker scored twice in the league match.\",\"countries\":[\"NL\"],\"topic\":\"sport\"}\n",
            "{\"body\":\"Shares fell in Tokyo as the yen rose and investors sold bank stocks.\",\"countries\":[\"JP\"],\"topic\":\"business\"}\n",
        ),
    )
    .unwrap();
    let out = dateline(
        &[
            "eval",
            path.to_str().unwrap(),
            "--json",
            "--four-way",
            "--gold-map",
            "business=economy-business-finance",
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["articles"], 2);
    assert_eq!(v["summary"]["region_accuracy"], 1.0);
    assert_eq!(v["summary"]["country_f1"], 1.0);
    assert_eq!(v["summary"]["topic_accuracy"], 1.0);

    let out = dateline(
        &["eval", path.to_str().unwrap(), "--limit", "0", "--json"],
        b"",
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["articles"], 0, "--limit 0 scores nothing");
}

/// `eval --errors` names each article that missed something and what it
/// missed, in text and in JSON; a gold topic id below a subject without
/// --exact-topics gets a hint.
#[test]
fn eval_lists_what_each_article_missed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gold.jsonl");
    std::fs::write(
        &path,
        concat!(
            "{\"id\":\"a1\",\"title\":\"Ajax win the derby\",\"body\":\"Ajax beat PSV 2-0 in Amsterdam; the striker scored twice in the league match.\",\"countries\":[\"NL\"],\"topic\":\"sport\"}\n",
            "{\"id\":\"a2\",\"body\":\"Shares fell in Tokyo as the yen rose and investors sold bank stocks.\",\"countries\":[\"JP\",\"KR\"],\"topic\":\"sport\"}\n",
        ),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let out = dateline(&["eval", p, "--four-way", "--errors"], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("gold.jsonl:2 a2: countries missing KR; topic sport, predicted economy-business-finance"),
        "{text}"
    );
    assert!(!text.contains(" a1:"), "{text}");
    let out = dateline(&["eval", p, "--four-way", "--errors", "--json"], b"");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["errors"][0]["id"], "a2");
    assert_eq!(v["errors"][0]["missing_countries"][0], "KR");

    std::fs::write(
        &path,
        "{\"body\":\"The striker scored twice in the league match.\",\"topic\":\"sport/soccer\"}\n",
    )
    .unwrap();
    let out = dateline(&["eval", p], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("add --exact-topics"), "{err}");
}

/// What `eval` cannot use is said, not silently dropped or scored: a bad line
/// (bad UTF-8 too) is reported with its line and skipped (exit 1), the byte
/// order mark is no error, gold values the classifier does not know are listed,
/// and a field name that matches nothing is caught.
#[test]
fn eval_reports_what_it_cannot_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gold.jsonl");
    let mut data = b"\xEF\xBB\xBF{\"body\":\"Talks in Kyiv.\",\"countries\":[\"UA\",\"XX\"],\"region\":\"europe\"}\n".to_vec();
    data.extend_from_slice(b"{\"body\":\"Paris \xFF\",\"countries\":[\"FR\"]}\n");
    data.extend_from_slice(b"{bad\n");
    data.extend_from_slice(b"{\"body\":\"Oslo.\",\"countries\":\"NO\",\"topic\":\"sprot\"}\n");
    std::fs::write(&path, &data).unwrap();
    let out = dateline(
        &["eval", path.to_str().unwrap(), "--json", "--four-way"],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["articles"], 2);
    assert_eq!(v["counts"]["country_fn"], 0, "XX is not counted");
    let err = String::from_utf8_lossy(&out.stderr);
    for want in [
        ":2: invalid_utf8",
        ":3: invalid_json",
        "2 line(s) skipped",
        "countries \"XX\": 1",
        "region \"europe\": 1",
        "topic \"sprot\": 1",
        "countries \"<a string, not a list>\": 1",
    ] {
        assert!(err.contains(want), "{want:?} in {err}");
    }

    let out = dateline(
        &[
            "eval",
            path.to_str().unwrap(),
            "--topic-field",
            "nosuch",
            "--region-field",
            "nosuch",
            "--countries-field",
            "nosuch",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("had a gold label to score"));
}

/// The child's exit status, waiting at most `limit` (then killed: the test fails).
fn exit_within(child: &mut std::process::Child, limit: Duration, what: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A worker whose log reader went away (a log shipper that died, `| head`) still
/// stops on SIGTERM. tracing reports a failed write with `eprintln!`, which
/// panics on a closed stderr: that used to kill the task that logged, here the
/// signal watcher, and the worker then ignored every signal. No broker needed:
/// the worker waits for an unreachable one, logging its connection errors.
#[test]
fn run_stops_on_sigterm_after_its_log_reader_is_gone() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["run", "--brokers", "127.0.0.1:1", "--input-topic", "in"])
        .args([
            "--output-topic",
            "out",
            "--dlq-topic",
            "dlq",
            "--group",
            "g",
        ])
        .args(["--metrics-addr", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dateline runs");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("serving /metrics") {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "stderr ended before the worker was up"
        );
    }
    drop(stderr);
    // Connection errors are logged into the closed pipe meanwhile.
    std::thread::sleep(Duration::from_secs(1));
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = exit_within(&mut child, Duration::from_secs(30), "after SIGTERM");
    assert!(status.success(), "{status}");
}

/// `dateline classify BIG | head`: when stdout closes, the command ends, quietly
/// and with success, whatever is still unread. It used to hang: the writer
/// stopped, the classifying threads after it, and the reader blocked for ever
/// on a full queue whose receiving end it still held.
#[test]
fn classify_ends_when_its_reader_goes_away() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    // Many more chunks (256 records) than the queue holds (two per thread), and
    // articles long enough that the reader runs ahead of the classifying threads.
    let body = "Ajax beat PSV 2-0 in Amsterdam on Sunday, and the coach said so. ".repeat(80);
    let line = format!("{{\"body\":\"{body}\"}}\n");
    std::fs::write(&path, line.repeat(5_000)).unwrap();
    for threads in ["1", "2"] {
        let mut child = spawn(&["classify", "--threads", threads, path.to_str().unwrap()]);
        drop(child.stdin.take());
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 100];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let status = exit_within(
            &mut child,
            Duration::from_secs(30),
            &format!("--threads {threads}: after stdout closed"),
        );
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(status.success(), "--threads {threads}: {status}: {stderr}");
        assert_eq!(stderr, "", "--threads {threads}");
    }
}

/// A file saved with a UTF-8 byte order mark and CRLF line ends (some Windows
/// tools) is JSON Lines like any other, on stdin too; a directory is refused by
/// name.
#[test]
fn byte_order_mark_crlf_and_a_directory() {
    let input =
        "\u{feff}{\"body\":\"Shelling in Kyiv.\"}\r\n{\"body\":\"The mayor of Paris.\"}\r\n";
    let out = dateline(&["classify", "-"], input.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let regions: Vec<_> = lines(&out).iter().map(|r| r["region"].clone()).collect();
    assert_eq!(regions, ["EUROPE", "EUROPE"]);
    let countries: Vec<_> = lines(&out)
        .iter()
        .map(|r| r["countries"][0]["code"].clone())
        .collect();
    assert_eq!(countries, ["UA", "FR"]);

    // A directory or a missing file among the inputs is reported by name and the
    // other inputs are still classified (exit 1); with --strict nothing is.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.jsonl");
    std::fs::write(&file, "{\"body\":\"Talks in Kyiv.\"}\n").unwrap();
    let missing = dir.path().join("missing.jsonl");
    let args = [
        "classify",
        dir.path().to_str().unwrap(),
        missing.to_str().unwrap(),
        file.to_str().unwrap(),
    ];
    let out = dateline(&args, b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out).len(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{} is a directory", dir.path().display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("opening {}", missing.display())),
        "{stderr}"
    );
    assert!(stderr.contains("2 input(s) could not be read"), "{stderr}");
    let out = dateline(&[&["classify", "--strict"], &args[1..]].concat(), b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// `-` is stdin wherever it stands among the files, and the records come out in
/// the order of the arguments.
#[test]
fn stdin_among_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.jsonl");
    std::fs::write(&file, "{\"id\":\"file\",\"body\":\"Paris\"}\n").unwrap();
    let f = file.to_str().unwrap();
    let stdin = b"{\"id\":\"stdin\",\"body\":\"Kyiv\"}\n";
    for (args, ids) in [
        (vec!["classify", f, "-"], vec!["file", "stdin"]),
        (vec!["classify", "-", f], vec!["stdin", "file"]),
        (vec!["classify", "-", f, "-"], vec!["stdin", "file"]),
    ] {
        let out = dateline(&args, stdin);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<_> = lines(&out).iter().map(|r| r["id"].clone()).collect();
        assert_eq!(got, ids, "{args:?}");
    }
}

/// Input with nothing in it is no articles (not one empty article): `classify`
/// in a pipeline whose producer sent nothing exits 0. Blank lines before the
/// first record decide nothing and count for line numbers, even when a lone
/// newline arrives before the rest.
#[test]
fn empty_input_and_blank_lines_first() {
    for input in ["", "\n", " \r\n\t\n", "\u{feff}\n"] {
        let out = dateline(&["classify"], input.as_bytes());
        assert!(
            out.status.success(),
            "{input:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{input:?}");
    }
    // `--format text` keeps its meaning: the input is one article, here empty.
    let out = dateline(&["classify", "--format", "text"], b"\n");
    assert_eq!(out.status.code(), Some(1));
    // A blank `.txt` file is no article either, unless the format says text.
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.txt");
    std::fs::write(&blank, " \n\n").unwrap();
    let out = dateline(&["classify", blank.to_str().unwrap()], b"");
    assert!(out.status.success() && out.stdout.is_empty() && out.stderr.is_empty());
    let out = dateline(
        &["classify", "--format", "text", blank.to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));

    let out = dateline(&["classify"], b"\n\n\n{\"body\":\"Kyiv\"}\n\n{bad\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out).len(), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("<stdin>:6: invalid_json"), "{err}");

    let out = dateline(&["classify"], b"\n\n  Talks in Kyiv resume\n");
    assert_eq!(
        lines(&out)[0]["region"],
        "EUROPE",
        "plain text after blank lines"
    );

    let mut child = spawn(&["classify"]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\n").unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    stdin
        .write_all(b"{\"id\":\"a\",\"body\":\"Kyiv\"}\n{\"id\":\"b\",\"body\":\"Paris\"}\n")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let ids: Vec<_> = lines(&out).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, ["a", "b"], "JSON Lines, not one text article");
}

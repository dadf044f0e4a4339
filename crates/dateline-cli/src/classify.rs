//! `dateline classify`: articles from files or stdin to enriched JSON Lines on stdout.
//!
//! Records are read in chunks, classified in parallel (the classifier is shared by
//! every thread), and written in input order. A bad record is reported on stderr with
//! its file and line and, unless `--strict`, the rest are still processed.

use crate::data::DataArgs;
use anyhow::Context;
use clap::{Args, ValueEnum};
use dateline_classify::{Article, Classifier, Enriched, InputError, InputFormat};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

/// The bundled sample articles (`samples/articles.jsonl`).
pub const SAMPLE: &str = include_str!("../../../samples/articles.jsonl");

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `.jsonl`/`.json`/`.ndjson` files and input starting with `{` are JSON Lines; the rest text.
    Auto,
    /// One JSON object per line.
    Jsonl,
    /// Each file (or all of stdin) is one article; a leading `[TAG]` becomes `region_hint`.
    Text,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Input files; `-` or none for stdin (none on a terminal: the bundled sample).
    pub files: Vec<PathBuf>,
    /// Classify the bundled sample articles.
    #[arg(long, conflicts_with = "files")]
    pub sample: bool,
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub format: Format,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Add the evidence behind every score (terms, places, rules).
    #[arg(long)]
    pub explain: bool,
    /// Copy the article body into the output record.
    #[arg(long)]
    pub include_body: bool,
    /// Pretty-print each record (not JSON Lines).
    #[arg(long)]
    pub pretty: bool,
    /// Stop at the first bad record.
    #[arg(long, conflicts_with = "keep_going")]
    pub strict: bool,
    /// Report bad records and go on (the default); the exit code is 1 if any were bad.
    #[arg(long)]
    pub keep_going: bool,
    /// Reject records larger than this (a body under it but over --max-text-bytes is
    /// classified on its first --max-text-bytes).
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_record_bytes: usize,
    #[command(flatten)]
    pub data: DataArgs,
}

/// One input record and where it came from.
struct Record {
    origin: usize,
    line: usize,
    bytes: Vec<u8>,
    format: InputFormat,
}

const CHUNK_RECORDS: usize = 256;
const CHUNK_BYTES: usize = 8 << 20;

pub fn main(args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    let classifier = args.data.build()?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut names: Vec<String> = Vec::new();
    let mut readers: Vec<(Box<dyn BufRead + Send>, InputFormat)> = Vec::new();
    let use_sample = args.sample || (args.files.is_empty() && io::stdin().is_terminal());
    if use_sample {
        if !args.sample {
            eprintln!("dateline: no input given; classifying the bundled sample (see --help)");
        }
        names.push("sample".into());
        readers.push((Box::new(SAMPLE.as_bytes()), InputFormat::Json));
    } else if args.files.is_empty() || args.files.iter().all(|f| f.as_os_str() == "-") {
        names.push("<stdin>".into());
        let mut r: Box<dyn BufRead + Send> =
            Box::new(BufReader::with_capacity(1 << 20, io::stdin()));
        let format = resolve_format(args.format, None, &mut r)?;
        readers.push((r, format));
    } else {
        for path in &args.files {
            let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
            let mut r: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(1 << 20, file));
            let format = resolve_format(args.format, Some(path), &mut r)?;
            names.push(path.display().to_string());
            readers.push((r, format));
        }
    }

    let stop = AtomicBool::new(false);
    let bad = AtomicUsize::new(0);
    let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Vec<Record>)>(threads * 2);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Vec<Record>, Vec<Output>)>();
    std::thread::scope(|s| -> anyhow::Result<()> {
        // Workers: classify whole chunks; the classifier is shared, scratch is per thread.
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (work_rx, classifier, args) = (&work_rx, &classifier, &args);
            s.spawn(move || loop {
                let next = work_rx
                    .lock()
                    .expect("no worker panics holding the lock")
                    .recv();
                let Ok((seq, chunk)) = next else { break };
                let out = chunk
                    .iter()
                    .map(|r| classify_one(classifier, r, args))
                    .collect();
                if done_tx.send((seq, chunk, out)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        // Writer: puts chunks back in input order.
        let writer = s.spawn(|| -> anyhow::Result<()> {
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
            let mut pending = BTreeMap::new();
            let mut next = 0usize;
            for (seq, chunk, results) in done_rx {
                pending.insert(seq, (chunk, results));
                while let Some((chunk, results)) = pending.remove(&next) {
                    next += 1;
                    if stop.load(Ordering::Relaxed) {
                        continue; // --strict hit an error: drain without writing
                    }
                    for (rec, res) in chunk.iter().zip(results) {
                        match res {
                            Ok(json) => {
                                out.write_all(&json)?;
                                out.write_all(b"\n")?;
                            }
                            Err(e) => {
                                bad.fetch_add(1, Ordering::Relaxed);
                                out.flush()?;
                                eprintln!("{}:{}: {}: {e}", names[rec.origin], rec.line, e.kind());
                                if args.strict {
                                    stop.store(true, Ordering::Relaxed);
                                    break;
                                }
                            }
                        }
                    }
                }
            }
            out.flush()?;
            Ok(())
        });
        // Reader (this thread): chunks of records, in order.
        let read = read_chunks(readers, &stop, |seq, chunk| {
            work_tx.send((seq, chunk)).is_ok()
        });
        drop(work_tx);
        let written = writer.join().expect("the writer does not panic");
        if written.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        read.and(written)
    })?;
    let bad = bad.into_inner();
    if bad > 0 {
        eprintln!("dateline: {bad} bad record(s)");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

type Output = Result<Vec<u8>, InputError>;

/// Read every input into chunks of records and hand each to `send` with its
/// sequence number; stops early when `stop` is set or `send` fails.
fn read_chunks(
    readers: Vec<(Box<dyn BufRead + Send>, InputFormat)>,
    stop: &AtomicBool,
    mut send: impl FnMut(usize, Vec<Record>) -> bool,
) -> anyhow::Result<()> {
    let mut seq = 0;
    let mut chunk: Vec<Record> = Vec::with_capacity(CHUNK_RECORDS);
    let mut chunk_bytes = 0;
    let mut emit = |chunk: &mut Vec<Record>, chunk_bytes: &mut usize| -> bool {
        *chunk_bytes = 0;
        let full = std::mem::replace(chunk, Vec::with_capacity(CHUNK_RECORDS));
        seq += 1;
        !stop.load(Ordering::Relaxed) && send(seq - 1, full)
    };
    for (origin, (mut reader, format)) in readers.into_iter().enumerate() {
        match format {
            InputFormat::Text => {
                let mut bytes = Vec::new();
                reader.read_to_end(&mut bytes)?;
                chunk_bytes += bytes.len();
                chunk.push(Record {
                    origin,
                    line: 1,
                    bytes,
                    format,
                });
            }
            InputFormat::Json => {
                let mut line = 0;
                loop {
                    let mut bytes = Vec::new();
                    if reader.read_until(b'\n', &mut bytes)? == 0 {
                        break;
                    }
                    line += 1;
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    chunk_bytes += bytes.len();
                    chunk.push(Record {
                        origin,
                        line,
                        bytes,
                        format,
                    });
                    if (chunk.len() >= CHUNK_RECORDS || chunk_bytes >= CHUNK_BYTES)
                        && !emit(&mut chunk, &mut chunk_bytes)
                    {
                        return Ok(());
                    }
                }
            }
        }
        if (chunk.len() >= CHUNK_RECORDS || chunk_bytes >= CHUNK_BYTES)
            && !emit(&mut chunk, &mut chunk_bytes)
        {
            return Ok(());
        }
    }
    if !chunk.is_empty() {
        emit(&mut chunk, &mut chunk_bytes);
    }
    Ok(())
}

fn resolve_format(
    format: Format,
    path: Option<&Path>,
    reader: &mut Box<dyn BufRead + Send>,
) -> io::Result<InputFormat> {
    Ok(match format {
        Format::Jsonl => InputFormat::Json,
        Format::Text => InputFormat::Text,
        Format::Auto => {
            let ext = path
                .and_then(|p| p.extension())
                .and_then(|e| e.to_str())
                .unwrap_or("");
            match ext {
                "jsonl" | "json" | "ndjson" => InputFormat::Json,
                "txt" | "text" | "md" => InputFormat::Text,
                _ => {
                    let head = reader.fill_buf()?;
                    let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
                    if first == Some(b'{') {
                        InputFormat::Json
                    } else {
                        InputFormat::Text
                    }
                }
            }
        }
    })
}

fn classify_one(c: &Classifier, rec: &Record, args: &ClassifyArgs) -> Result<Vec<u8>, InputError> {
    let article = Article::parse(&rec.bytes, rec.format, args.max_record_bytes)?;
    let classification = c.classify(&article.document(), args.explain);
    let enriched = Enriched::new(&article, &classification, c, args.include_body);
    Ok(if args.pretty {
        serde_json::to_vec_pretty(&enriched).expect("the output record always serializes")
    } else {
        enriched.to_json()
    })
}

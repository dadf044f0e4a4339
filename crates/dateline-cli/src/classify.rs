//! `dateline classify`: articles from files or stdin to enriched JSON Lines on stdout.
//!
//! Records are read in chunks, classified in parallel (the classifier is shared by
//! every thread), and written in input order. A bad record is reported on stderr with
//! its file and line and, unless `--strict`, the rest are still processed.

use crate::data::DataArgs;
use anyhow::Context;
use clap::{Args, ValueEnum};
use dateline_classify::{Article, Classifier, Enriched, InputError, InputFormat};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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

const CHUNK_RECORDS: usize = 1024;
const CHUNK_BYTES: usize = 8 << 20;

pub fn main(args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    let classifier = args.data.build()?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut names: Vec<String> = Vec::new();
    let mut readers: Vec<(Box<dyn BufRead>, InputFormat)> = Vec::new();
    let use_sample = args.sample || (args.files.is_empty() && io::stdin().is_terminal());
    if use_sample {
        if !args.sample {
            eprintln!("dateline: no input given; classifying the bundled sample (see --help)");
        }
        names.push("sample".into());
        readers.push((Box::new(SAMPLE.as_bytes()), InputFormat::Json));
    } else if args.files.is_empty() || args.files.iter().all(|f| f.as_os_str() == "-") {
        names.push("<stdin>".into());
        let mut r: Box<dyn BufRead> = Box::new(BufReader::with_capacity(1 << 20, io::stdin()));
        let format = resolve_format(args.format, None, &mut r)?;
        readers.push((r, format));
    } else {
        for path in &args.files {
            let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
            let mut r: Box<dyn BufRead> = Box::new(BufReader::with_capacity(1 << 20, file));
            let format = resolve_format(args.format, Some(path), &mut r)?;
            names.push(path.display().to_string());
            readers.push((r, format));
        }
    }

    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut bad = 0usize;
    let mut chunk: Vec<Record> = Vec::with_capacity(CHUNK_RECORDS);
    let mut chunk_bytes = 0;
    let mut flush =
        |chunk: &mut Vec<Record>, out: &mut BufWriter<io::StdoutLock>| -> anyhow::Result<bool> {
            let results = classify_chunk(&classifier, chunk, threads, &args);
            for (rec, res) in chunk.iter().zip(results) {
                match res {
                    Ok(json) => {
                        out.write_all(&json)?;
                        out.write_all(b"\n")?;
                    }
                    Err(e) => {
                        bad += 1;
                        out.flush()?;
                        eprintln!("{}:{}: {}: {e}", names[rec.origin], rec.line, e.kind());
                        if args.strict {
                            return Ok(false);
                        }
                    }
                }
            }
            chunk.clear();
            Ok(true)
        };
    'inputs: for (origin, (mut reader, format)) in readers.into_iter().enumerate() {
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
                    if chunk.len() >= CHUNK_RECORDS || chunk_bytes >= CHUNK_BYTES {
                        chunk_bytes = 0;
                        if !flush(&mut chunk, &mut out)? {
                            break 'inputs;
                        }
                    }
                }
            }
        }
        if chunk.len() >= CHUNK_RECORDS || chunk_bytes >= CHUNK_BYTES {
            chunk_bytes = 0;
            if !flush(&mut chunk, &mut out)? {
                break 'inputs;
            }
        }
    }
    if !chunk.is_empty() {
        flush(&mut chunk, &mut out)?;
    }
    out.flush()?;
    if bad > 0 {
        eprintln!("dateline: {bad} bad record(s)");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn resolve_format(
    format: Format,
    path: Option<&Path>,
    reader: &mut Box<dyn BufRead>,
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

fn classify_chunk(
    c: &Classifier,
    chunk: &[Record],
    threads: usize,
    args: &ClassifyArgs,
) -> Vec<Result<Vec<u8>, InputError>> {
    if threads == 1 || chunk.len() < 2 {
        return chunk.iter().map(|r| classify_one(c, r, args)).collect();
    }
    let per = chunk.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = chunk
            .chunks(per)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|r| classify_one(c, r, args))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("classification does not panic"))
            .collect()
    })
}

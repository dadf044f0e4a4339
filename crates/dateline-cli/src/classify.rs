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
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// The bundled sample articles (`samples/articles.jsonl`).
pub const SAMPLE: &str = include_str!("../../../samples/articles.jsonl");

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `.jsonl`/`.json`/`.ndjson` files and input starting with `{` are JSON Lines; the rest
    /// text; input with nothing but whitespace is no articles.
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
    /// Stop at the first bad record (and before any output if an input file cannot be
    /// opened).
    #[arg(long, conflicts_with = "keep_going")]
    pub strict: bool,
    /// Report bad records and unreadable input files and go on (the default); the exit
    /// code is 1 if any were bad.
    #[arg(long)]
    pub keep_going: bool,
    /// Reject records larger than this, reported as `oversize` and skipped as they
    /// are read, never held in memory (a body under it but over --max-text-bytes is
    /// classified on its first --max-text-bytes). 0: no limit.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_record_bytes: usize,
    #[command(flatten)]
    pub data: DataArgs,
}

/// An input: its reader, its format, the lines already read from it (the blank
/// lines before the first record, read to decide the format), and whether an
/// input of nothing but whitespace is no articles (`--format auto`) rather than
/// one empty article (`--format text`).
type Input = (Box<dyn BufRead + Send>, InputFormat, usize, bool);

/// One input record: where it came from and its bytes in its chunk's `data`.
struct Record {
    origin: usize,
    line: usize,
    range: Range<usize>,
    format: InputFormat,
    /// Set for a record over `--max-record-bytes`, which is skipped while read
    /// (its bytes are not kept, `range` is empty): its size.
    oversize: Option<usize>,
}

/// Records read in one go, their bytes side by side in one buffer: no allocation
/// or copy per record on the way in (a 5 KB line used to cost both).
#[derive(Default)]
struct Chunk {
    data: Vec<u8>,
    records: Vec<Record>,
}

impl Chunk {
    fn bytes(&self, r: &Record) -> &[u8] {
        &self.data[r.range.clone()]
    }
}

/// A classified chunk: every output record (each with its newline) in one buffer,
/// and per input record where its output ends, or its error.
struct Classified {
    json: Vec<u8>,
    results: Vec<Result<usize, InputError>>,
}

const CHUNK_RECORDS: usize = 256;
const CHUNK_BYTES: usize = 8 << 20;
/// Input buffer size.
const READ_BUFFER: usize = 1 << 20;
/// A read returning less than this found no more input ready (the size of a
/// Linux pipe's buffer).
const SHORT_READ: usize = 64 << 10;

pub fn main(args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    let classifier = args.data.build()?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut names: Vec<String> = Vec::new();
    let mut readers: Vec<Input> = Vec::new();
    let mut unreadable = 0usize;
    let use_sample = args.sample || (args.files.is_empty() && io::stdin().is_terminal());
    if use_sample {
        if !args.sample {
            eprintln!("dateline: no input given; classifying the bundled sample (see --help)");
        }
        names.push("sample".into());
        readers.push((Box::new(SAMPLE.as_bytes()), InputFormat::Json, 0, true));
    } else if args.files.is_empty() {
        names.push("<stdin>".into());
        readers.push(open_stdin(args.format)?);
    } else {
        let mut stdin_used = false;
        for path in &args.files {
            if path.as_os_str() == "-" {
                // `-` is stdin wherever it stands among the files, read once (a
                // second `-` finds it at its end, as with `cat`).
                names.push("<stdin>".into());
                readers.push(if stdin_used {
                    (Box::new(io::empty()), InputFormat::Json, 0, true)
                } else {
                    open_stdin(args.format)?
                });
                stdin_used = true;
                continue;
            }
            match open_file(path, args.format) {
                Ok(input) => {
                    names.push(path.display().to_string());
                    readers.push(input);
                }
                // An input that cannot be read is reported as a bad record is:
                // with --strict the run stops before any output, otherwise the
                // other inputs are still classified and the exit code says so.
                Err(e) if args.strict => return Err(e),
                Err(e) => {
                    eprintln!("dateline: {e:#}");
                    unreadable += 1;
                }
            }
        }
    }

    let stop = AtomicBool::new(false);
    let bad = AtomicUsize::new(0);
    let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Chunk)>(threads * 2);
    // Shared by the workers only: when the last one stops (the writer is gone,
    // e.g. `dateline classify | head`), the queue's receiving end goes with it
    // and the reader's next send fails instead of blocking for ever.
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::channel::<(usize, Chunk, Classified)>();
    std::thread::scope(|s| -> anyhow::Result<()> {
        // Workers: classify whole chunks; the classifier is shared, scratch is per thread.
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let work_rx = Arc::clone(&work_rx);
            let (classifier, args) = (&classifier, &args);
            s.spawn(move || loop {
                let next = work_rx
                    .lock()
                    .expect("no worker panics holding the lock")
                    .recv();
                let Ok((seq, chunk)) = next else { break };
                let mut out = Classified {
                    json: Vec::with_capacity(chunk.records.len() * 2048),
                    results: Vec::with_capacity(chunk.records.len()),
                };
                for r in &chunk.records {
                    let res = match r.oversize {
                        Some(size) => Err(InputError::Oversize {
                            size,
                            limit: args.max_record_bytes,
                        }),
                        None => {
                            classify_one(classifier, chunk.bytes(r), r.format, args, &mut out.json)
                        }
                    };
                    out.results.push(res.map(|()| out.json.len()));
                }
                if done_tx.send((seq, chunk, out)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        drop(work_rx);
        // Writer: puts chunks back in input order.
        let writer = s.spawn(|| -> anyhow::Result<()> {
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
            let done_rx = done_rx; // moved in: a Receiver is not Sync
            let mut pending = BTreeMap::new();
            let mut next = 0usize;
            loop {
                // Flush whenever the workers have nothing ready, so a stream
                // piped in (`kafka-console-consumer | dateline classify`) comes out
                // record by record instead of a buffer at a time.
                let (seq, chunk, classified) = match done_rx.try_recv() {
                    Ok(done) => done,
                    Err(mpsc::TryRecvError::Empty) => {
                        out.flush()?;
                        match done_rx.recv() {
                            Ok(done) => done,
                            Err(_) => break,
                        }
                    }
                    Err(mpsc::TryRecvError::Disconnected) => break,
                };
                pending.insert(seq, (chunk, classified));
                while let Some((chunk, classified)) = pending.remove(&next) {
                    next += 1;
                    if stop.load(Ordering::Relaxed) {
                        continue; // --strict hit an error: drain without writing
                    }
                    // Outputs up to `written` are out; a run of good records is
                    // written in one call.
                    let mut written = 0;
                    let mut end = 0;
                    for (rec, res) in chunk.records.iter().zip(classified.results) {
                        match res {
                            Ok(e) => end = e,
                            Err(e) => {
                                out.write_all(&classified.json[written..end])?;
                                written = end;
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
                    out.write_all(&classified.json[written..end])?;
                }
            }
            out.flush()?;
            Ok(())
        });
        // Reader (this thread): chunks of records, in order.
        let read = read_chunks(
            readers,
            &names,
            args.max_record_bytes,
            &stop,
            |seq, chunk| work_tx.send((seq, chunk)).is_ok(),
        );
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
    }
    if unreadable > 0 {
        eprintln!("dateline: {unreadable} input(s) could not be read");
    }
    Ok(if bad + unreadable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn open_stdin(format: Format) -> anyhow::Result<Input> {
    let r = Box::new(BufReader::with_capacity(READ_BUFFER, io::stdin()));
    let mut r = gunzipped(r).context("reading <stdin>")?;
    let (format, lines, blank_is_nothing) = resolve_format(format, None, &mut r)?;
    Ok((r, format, lines, blank_is_nothing))
}

fn open_file(path: &Path, format: Format) -> anyhow::Result<Input> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        anyhow::bail!("{} is a directory, not a file of articles", path.display());
    }
    let read = || format!("reading {}", path.display());
    let mut r =
        gunzipped(Box::new(BufReader::with_capacity(READ_BUFFER, file))).with_context(read)?;
    // `news.jsonl.gz` is JSON Lines: the format is the name's under `.gz`.
    let named = match path.extension() {
        Some(e) if e == "gz" => path.file_stem().map(Path::new),
        _ => Some(path),
    };
    let (format, lines, blank_is_nothing) =
        resolve_format(format, named, &mut r).with_context(read)?;
    Ok((r, format, lines, blank_is_nothing))
}

/// The input itself, or its decompression when it starts as gzip does (a
/// `.jsonl.gz` corpus, or `zcat`-less piping), whatever its name.
pub(crate) fn gunzipped(mut r: Box<dyn BufRead + Send>) -> io::Result<Box<dyn BufRead + Send>> {
    Ok(if r.fill_buf()?.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            READ_BUFFER,
            flate2::bufread::MultiGzDecoder::new(r),
        ))
    } else {
        r
    })
}

/// Read every input into chunks of records and hand each to `send` with its
/// sequence number; stops early when `stop` is set or `send` fails.
fn read_chunks(
    readers: Vec<Input>,
    names: &[String],
    max_record_bytes: usize,
    stop: &AtomicBool,
    mut send: impl FnMut(usize, Chunk) -> bool,
) -> anyhow::Result<()> {
    let mut seq = 0;
    let mut chunk = Chunk::default();
    // Hand over the full chunk, keeping `data[keep..]` (a line not yet complete) as
    // the start of the next one.
    let mut emit = |chunk: &mut Chunk, keep: usize| -> bool {
        let mut next = Chunk::default();
        next.data.extend_from_slice(&chunk.data[keep..]);
        chunk.data.truncate(keep);
        let full = std::mem::replace(chunk, next);
        seq += 1;
        !stop.load(Ordering::Relaxed) && send(seq - 1, full)
    };
    let full =
        |chunk: &Chunk| chunk.records.len() >= CHUNK_RECORDS || chunk.data.len() >= CHUNK_BYTES;
    // A record over the limit is never held whole: memory stays bounded whatever
    // the input (0 = no limit).
    let limit = if max_record_bytes == 0 {
        usize::MAX
    } else {
        max_record_bytes
    };
    for (origin, (mut reader, format, lines_read, blank_is_nothing)) in
        readers.into_iter().enumerate()
    {
        // A read error (a cut gzip stream, a disk error) names its input.
        let reading = || format!("reading {}", names[origin]);
        match format {
            InputFormat::Text => {
                let start = chunk.data.len();
                // At most one byte over the limit is kept; the rest is only counted.
                let cap = limit.saturating_add(1) as u64;
                let kept = (&mut reader)
                    .take(cap)
                    .read_to_end(&mut chunk.data)
                    .with_context(reading)?;
                let mut oversize = None;
                if kept as u64 == cap {
                    let rest = io::copy(&mut reader, &mut io::sink()).with_context(reading)?;
                    oversize = Some(kept + rest as usize);
                    chunk.data.truncate(start);
                } else if blank_is_nothing
                    && chunk.data[start..].iter().all(u8::is_ascii_whitespace)
                {
                    chunk.data.truncate(start);
                    continue;
                }
                chunk.records.push(Record {
                    origin,
                    line: 1,
                    range: start..chunk.data.len(),
                    format,
                    oversize,
                });
            }
            InputFormat::Json => {
                let mut line = lines_read;
                // Start of the line not yet complete in `chunk.data`.
                let mut from = chunk.data.len();
                // Bytes so far of a line over the limit, being skipped.
                let mut skipping: Option<usize> = None;
                loop {
                    // Straight from the reader's buffer: one copy per byte.
                    let len = chunk.data.len();
                    let block = loop {
                        match reader.fill_buf() {
                            Ok(block) => break block,
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                            Err(e) => return Err(anyhow::Error::new(e).context(reading())),
                        }
                    };
                    let n = block.len();
                    if let Some(size) = skipping {
                        // Up to the end of the oversize line, nothing is kept.
                        let (used, ends) = match memchr::memchr(b'\n', block) {
                            Some(i) => (i + 1, true),
                            None => (n, n == 0),
                        };
                        reader.consume(used);
                        if ends {
                            line += 1;
                            chunk.records.push(Record {
                                origin,
                                line,
                                range: from..from,
                                format,
                                oversize: Some(size + used),
                            });
                            skipping = None;
                        } else {
                            skipping = Some(size + used);
                        }
                        if n == 0 {
                            break;
                        }
                        continue;
                    }
                    chunk.data.extend_from_slice(block);
                    reader.consume(n);
                    let eof = n == 0;
                    let mut push = |chunk: &mut Chunk, range: Range<usize>| {
                        line += 1;
                        if !chunk.data[range.clone()]
                            .iter()
                            .all(u8::is_ascii_whitespace)
                        {
                            chunk.records.push(Record {
                                origin,
                                line,
                                range,
                                format,
                                oversize: None,
                            });
                        }
                    };
                    let mut at = len.max(from);
                    while let Some(i) = memchr::memchr(b'\n', &chunk.data[at..]) {
                        let end = at + i + 1;
                        push(&mut chunk, from..end);
                        from = end;
                        at = end;
                    }
                    if eof {
                        let end = chunk.data.len();
                        if from < end {
                            push(&mut chunk, from..end); // no final newline
                        }
                        break;
                    }
                    if chunk.data.len() - from > limit {
                        // Too long already: count the rest of it, keep none.
                        skipping = Some(chunk.data.len() - from);
                        chunk.data.truncate(from);
                    }
                    // A short read means no more input is ready (a slow pipe or
                    // a terminal): hand over what is there rather than wait for
                    // more. A pipe kept full by a fast writer returns its whole
                    // 64 KiB buffer, which is not short: chunks stay large.
                    // (With no complete record yet, the data is one long line:
                    // nothing to hand over, and copying it forward each time
                    // would be quadratic.)
                    let short = n < SHORT_READ;
                    if (full(&chunk) || short) && !chunk.records.is_empty() {
                        if !emit(&mut chunk, from) {
                            return Ok(());
                        }
                        from = 0;
                    }
                }
            }
        }
        let end = chunk.data.len();
        if full(&chunk) && !emit(&mut chunk, end) {
            return Ok(());
        }
    }
    if !chunk.records.is_empty() {
        let end = chunk.data.len();
        emit(&mut chunk, end);
    }
    Ok(())
}

fn resolve_format(
    format: Format,
    path: Option<&Path>,
    reader: &mut Box<dyn BufRead + Send>,
) -> io::Result<(InputFormat, usize, bool)> {
    let mut lines = 0;
    let auto = format == Format::Auto;
    let format = match format {
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
                    // A UTF-8 byte order mark (some Windows tools write one) is not
                    // content; `Article::parse` skips it too.
                    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
                        reader.consume(3);
                    }
                    // Leading whitespace decides nothing and both formats skip it:
                    // consumed until the first byte that decides, however the
                    // input arrives (a pipe may give a lone newline first).
                    let first = loop {
                        let head = reader.fill_buf()?;
                        if head.is_empty() {
                            break None;
                        }
                        match head.iter().position(|b| !b.is_ascii_whitespace()) {
                            Some(i) => {
                                let first = head[i];
                                lines += head[..i].iter().filter(|&&b| b == b'\n').count();
                                reader.consume(i);
                                break Some(first);
                            }
                            None => {
                                let n = head.len();
                                lines += head.iter().filter(|&&b| b == b'\n').count();
                                reader.consume(n);
                            }
                        }
                    };
                    match first {
                        // No content at all: no articles (not one empty article).
                        None | Some(b'{') => InputFormat::Json,
                        Some(_) => InputFormat::Text,
                    }
                }
            }
        }
    };
    Ok((format, lines, auto))
}

/// Classify one record and append its output record and a newline to `out`.
fn classify_one(
    c: &Classifier,
    bytes: &[u8],
    format: InputFormat,
    args: &ClassifyArgs,
    out: &mut Vec<u8>,
) -> Result<(), InputError> {
    let article = Article::parse(bytes, format, args.max_record_bytes)?;
    let classification = c.classify(&article.document(), args.explain);
    let enriched = Enriched::new(&article, &classification, c, args.include_body);
    if args.pretty {
        serde_json::to_writer_pretty(&mut *out, &enriched)
            .expect("the output record always serializes");
    } else {
        enriched.write_json(out);
    }
    out.push(b'\n');
    Ok(())
}

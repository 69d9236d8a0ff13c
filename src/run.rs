//! The pipeline over many files: discover → read (streamed, in batches) → audit in parallel
//! → hand every outcome, in input order, to a [`Sink`].
//!
//! Output order never depends on the thread count: files are sorted, JSON Lines files are
//! cut into batches by input position only, each batch is audited with an indexed parallel
//! map, and outcomes are delivered in (source, line, conversation) order. Memory stays
//! bounded: only one batch of lines is held at a time, however large the input.

use std::io::{BufRead, BufReader};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

pub use crate::checklist::set::Checklists;
use crate::model::Conversation;
use crate::read::{self, ReadOptions};
use crate::score::ConversationResult;
pub use crate::walk::discover;
use crate::walk::{is_jsonl, is_mail};

/// An input that could not be audited: a file, a line of a file, or one conversation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct InputError {
    pub path: String,
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(c) = &self.conversation {
            write!(f, " ({c})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

pub type Outcome = Result<ConversationResult, InputError>;

/// Receives every outcome, in output order. It runs next to the auditing of the following
/// batch (on another thread), hence `Send`.
pub trait Sink: Send {
    /// `json` is the result already serialised as one JSON line (without the newline) when
    /// [`RunOptions::serialize`] is set: serialising in the workers keeps the ordered,
    /// single-threaded part of the run small.
    fn outcome(
        &mut self,
        outcome: Outcome,
        conversation: Option<&Conversation>,
        json: Option<&str>,
    ) -> std::io::Result<()>;
}

/// Told about progress (the binary draws a progress bar from it).
pub trait Observer: Sync {
    fn start(&self, _total_bytes: u64) {}
    fn advance(&self, _bytes: u64) {}
}

/// No progress reporting.
pub struct Quiet;
impl Observer for Quiet {}

/// Options of an audit run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub read: ReadOptions,
    /// Keep the parsed conversation next to each result (for `check` and `read`).
    pub keep_conversations: bool,
    /// Serialise each result in the worker that produced it (for writers of results.jsonl).
    pub serialize: bool,
    /// Files at least this large are audited on their own, in chunks; 0 means the default
    /// (4 MiB).
    pub big_file_bytes: usize,
}

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunTotals {
    pub files: u64,
    pub bytes: u64,
    pub audited: u64,
    pub rejected: u64,
}

/// One piece of parallel work.
enum Unit {
    Line {
        source: Arc<str>,
        line: u64,
        bytes: Vec<u8>,
    },
    File {
        path: PathBuf,
    },
}

const BATCH_UNITS: usize = 1024;
const BATCH_BYTES: usize = 8 << 20;

/// A piece of input in output order: a unit of work, or an input that could not be opened.
enum Piece {
    Unit(Unit, usize),
    Broken(InputError),
}

/// Every piece of input under the discovered files, in order. JSON Lines files are read
/// lazily, one line at a time, so a file of any size is never held whole.
fn pieces(files: Vec<PathBuf>, opts: &ReadOptions) -> impl Iterator<Item = Piece> + '_ {
    files
        .into_iter()
        .flat_map(move |file| -> Box<dyn Iterator<Item = Piece>> {
            if !(is_jsonl(&file) && opts.format.as_deref().is_none_or(|f| f == "native")) {
                let size = std::fs::metadata(&file)
                    .map(|m| m.len() as usize)
                    .unwrap_or(0);
                return Box::new(std::iter::once(Piece::Unit(
                    Unit::File { path: file },
                    size,
                )));
            }
            let source: Arc<str> = Arc::from(file.display().to_string());
            let broken = move |source: &str, line: Option<u64>, reason: String| {
                Piece::Broken(InputError {
                    path: source.to_string(),
                    line,
                    conversation: None,
                    reason,
                })
            };
            let mut reader = match std::fs::File::open(&file) {
                Ok(h) => BufReader::with_capacity(1 << 20, h),
                Err(e) => return Box::new(std::iter::once(broken(&source, None, e.to_string()))),
            };
            let mut line_no = 0u64;
            let mut done = false;
            Box::new(std::iter::from_fn(move || {
                while !done {
                    let mut buf = Vec::new();
                    match reader.read_until(b'\n', &mut buf) {
                        Ok(0) => done = true,
                        Ok(n) => {
                            line_no += 1;
                            if !buf.iter().all(|b| b.is_ascii_whitespace()) {
                                let unit = Unit::Line {
                                    source: source.clone(),
                                    line: line_no,
                                    bytes: buf,
                                };
                                return Some(Piece::Unit(unit, n));
                            }
                        }
                        Err(e) => {
                            done = true;
                            return Some(broken(
                                &source,
                                Some(line_no + 1),
                                format!("read error: {e}"),
                            ));
                        }
                    }
                }
                None
            }))
        })
}

/// Audit every conversation under `paths`, delivering outcomes to `sink` in order.
pub fn run(
    paths: &[PathBuf],
    checklists: &Checklists,
    opts: &RunOptions,
    sink: &mut dyn Sink,
    observer: &dyn Observer,
) -> std::io::Result<RunTotals> {
    let (files, walk_errors) = discover(paths);
    let mut totals = RunTotals {
        files: files.len() as u64,
        ..Default::default()
    };
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    observer.start(total_bytes);
    for e in walk_errors {
        totals.rejected += 1;
        sink.outcome(Err(e), None, None)?;
    }
    let big = if opts.big_file_bytes == 0 {
        BIG_FILE
    } else {
        opts.big_file_bytes
    };
    let mut p = Pipeline {
        checklists,
        opts,
        sink,
        observer,
        totals,
        batch: Vec::new(),
        batch_bytes: 0,
        pending: Vec::new(),
    };
    for piece in pieces(files, &opts.read) {
        match piece {
            Piece::Broken(e) => {
                // Keep order: what was batched before the broken input goes out first.
                p.flush()?;
                p.pending.push((Err(e), None, None));
            }
            Piece::Unit(unit @ Unit::File { .. }, size) if size >= big => {
                // A mailbox or an export of thousands of conversations: audit it in chunks so
                // its results never pile up in memory. Earlier files go out first, in order.
                p.flush()?;
                p.audit_big_file(unit, size as u64)?;
            }
            Piece::Unit(unit, size) => {
                p.batch_bytes += size;
                p.batch.push(unit);
                if p.batch.len() >= BATCH_UNITS || p.batch_bytes >= BATCH_BYTES {
                    p.flush()?;
                }
            }
        }
    }
    p.flush()?;
    let pending = std::mem::take(&mut p.pending);
    deliver(p.sink, &mut p.totals, pending)?;
    Ok(p.totals)
}

/// The ordered, sequential side of a run: the batch being filled, the audited outcomes
/// waiting to be delivered and where they go.
///
/// Delivery (writing results, adding to the aggregate) is the one part of a run that cannot
/// be parallel, so it overlaps the auditing of the next batch: while the workers audit batch
/// N, the outcomes of batch N-1 are handed to the sink. Order is unchanged.
struct Pipeline<'a> {
    checklists: &'a Checklists,
    opts: &'a RunOptions,
    sink: &'a mut dyn Sink,
    observer: &'a dyn Observer,
    totals: RunTotals,
    batch: Vec<Unit>,
    batch_bytes: usize,
    /// Audited, in order, not yet delivered.
    pending: Vec<Done>,
}

impl Pipeline<'_> {
    /// Audit the batch in parallel while delivering the previous one.
    fn flush(&mut self) -> std::io::Result<()> {
        let units = std::mem::take(&mut self.batch);
        let (checklists, opts) = (self.checklists, self.opts);
        self.overlap(move || {
            units
                .par_iter()
                .flat_map_iter(|u| process(u, checklists, opts))
                .collect()
        })?;
        let bytes = std::mem::take(&mut self.batch_bytes) as u64;
        self.advance(bytes);
        Ok(())
    }

    /// Run `audit` (parallel work producing the next outcomes) while the pending outcomes
    /// go to the sink; the new outcomes become the pending ones.
    fn overlap(&mut self, audit: impl FnOnce() -> Vec<Done> + Send) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        let (sink, totals) = (&mut *self.sink, &mut self.totals);
        let (delivered, done) = rayon::join(|| deliver(sink, totals, pending), audit);
        self.pending = done;
        delivered
    }

    /// Read one big file, then audit its conversations chunk by chunk in parallel, each
    /// chunk's outcomes going to the sink while the next chunk is audited.
    fn audit_big_file(&mut self, unit: Unit, bytes: u64) -> std::io::Result<()> {
        let (checklists, opts) = (self.checklists, self.opts);
        let (source, reads) = read_unit(&unit, &opts.read);
        let mut reads = reads.into_iter();
        loop {
            let chunk: Vec<Read> = reads.by_ref().take(CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            let source = source.as_str();
            self.overlap(move || {
                chunk
                    .into_par_iter()
                    .map(|r| audit_read(r, checklists, opts, source))
                    .collect()
            })?;
        }
        self.advance(bytes);
        Ok(())
    }

    fn advance(&mut self, bytes: u64) {
        self.totals.bytes += bytes;
        self.observer.advance(bytes);
    }
}

/// Hand audited conversations to the sink, in order, counting them.
fn deliver(sink: &mut dyn Sink, totals: &mut RunTotals, done: Vec<Done>) -> std::io::Result<()> {
    for (outcome, conv, json) in done {
        match &outcome {
            Ok(_) => totals.audited += 1,
            Err(_) => totals.rejected += 1,
        }
        sink.outcome(outcome, conv.as_ref(), json.as_deref())?;
    }
    Ok(())
}

type Done = (Outcome, Option<Conversation>, Option<String>);

/// Files at least this large are audited on their own, in chunks (see `Pipeline::audit_big_file`).
const BIG_FILE: usize = 4 << 20;
/// Conversations audited at a time from one big file.
const CHUNK: usize = 1024;

/// Audit one conversation, turning a panic into an error so one bad case never stops a run.
fn audit_guarded(
    conv: &Conversation,
    checklists: &Checklists,
    source: &str,
    line: Option<u64>,
) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| checklists.audit(conv))) {
        Ok(mut r) => {
            r.source = source.to_string();
            r.line = line;
            Ok(r)
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(InputError {
                path: source.to_string(),
                line,
                conversation: Some(conv.id.clone()),
                reason: format!("internal error while auditing (please report): {what}"),
            })
        }
    }
}

fn keep(opts: &RunOptions, conv: Conversation) -> Option<Conversation> {
    opts.keep_conversations.then_some(conv)
}

/// A conversation read from a unit, or why a part of it could not be read.
type Read = Result<(Option<u64>, Conversation), InputError>;

/// Read the conversations of one unit (no auditing), in (line, id) order.
fn read_unit(unit: &Unit, opts: &ReadOptions) -> (String, Vec<Read>) {
    match unit {
        Unit::Line {
            source,
            line,
            bytes,
        } => {
            let err = |reason: String| InputError {
                path: source.to_string(),
                line: Some(*line),
                conversation: None,
                reason,
            };
            let one = match std::str::from_utf8(bytes) {
                Ok(text) => read::native::parse_line(text)
                    .map(|c| (Some(*line), c))
                    .map_err(err),
                Err(e) => Err(err(format!(
                    "invalid UTF-8 at byte {} of the line",
                    e.valid_up_to() + 1
                ))),
            };
            (source.to_string(), vec![one])
        }
        Unit::File { path } => {
            let shown = path.display().to_string();
            let err = |line: Option<u64>, reason: String| InputError {
                path: shown.clone(),
                line,
                conversation: None,
                reason,
            };
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => return (shown.clone(), vec![Err(err(None, e.to_string()))]),
            };
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                // Mail is often 8-bit in a legacy charset; the MIME parser copes with the
                // rest, so only the undecodable bytes are replaced.
                Err(e) if is_mail(path) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Err(e) => {
                    let upto = e.utf8_error().valid_up_to();
                    let line =
                        1 + e.as_bytes()[..upto].iter().filter(|&&b| b == b'\n').count() as u64;
                    let why = "invalid UTF-8 (the file must be UTF-8 encoded)".to_string();
                    return (shown.clone(), vec![Err(err(Some(line), why))]);
                }
            };
            let records =
                match catch_unwind(AssertUnwindSafe(|| read::read_file(path, &text, opts))) {
                    Ok(Ok(r)) => r,
                    Ok(Err(reason)) => return (shown.clone(), vec![Err(err(None, reason))]),
                    Err(_) => {
                        return (
                            shown.clone(),
                            vec![Err(err(
                                None,
                                "internal error while reading (please report)".into(),
                            ))],
                        );
                    }
                };
            let mut out: Vec<Read> = records
                .into_iter()
                .map(|rec| match rec {
                    Ok(r) => Ok((r.line, r.conversation)),
                    Err(e) => Err(err(e.line, e.reason)),
                })
                .collect();
            let key = |r: &Read| match r {
                Ok((l, c)) => (*l, c.id.clone()),
                Err(e) => (e.line, String::new()),
            };
            out.sort_by_key(key);
            (shown, out)
        }
    }
}

/// Audit one read conversation (or pass its read error on).
fn audit_read(r: Read, checklists: &Checklists, opts: &RunOptions, source: &str) -> Done {
    match r {
        Ok((line, conv)) => {
            let outcome = audit_guarded(&conv, checklists, source, line);
            let json = match (&outcome, opts.serialize) {
                (Ok(r), true) => to_json(r),
                _ => None,
            };
            (outcome, keep(opts, conv), json)
        }
        Err(e) => (Err(e), None, None),
    }
}

/// One result as a JSON line (without the newline). A result line is a few kilobytes:
/// starting with room for it saves the buffer's repeated growth.
fn to_json(r: &ConversationResult) -> Option<String> {
    let mut buf = Vec::with_capacity(8 << 10);
    crate::report::result_line::write(&mut buf, r);
    String::from_utf8(buf).ok()
}

fn process(unit: &Unit, checklists: &Checklists, opts: &RunOptions) -> Vec<Done> {
    let (source, reads) = read_unit(unit, &opts.read);
    if reads.len() > 1 {
        // A file with many conversations (an mbox, an export) is audited in parallel too.
        reads
            .into_par_iter()
            .map(|r| audit_read(r, checklists, opts, &source))
            .collect()
    } else {
        reads
            .into_iter()
            .map(|r| audit_read(r, checklists, opts, &source))
            .collect()
    }
}

/// Read every conversation under `paths` without auditing, in output order (for `read` and
/// `sample`). Returns the number of inputs rejected.
pub fn read_conversations(
    paths: &[PathBuf],
    opts: &ReadOptions,
    mut f: impl FnMut(Result<(&str, Option<u64>, Conversation), InputError>),
) -> u64 {
    let (files, walk_errors) = discover(paths);
    let mut rejected = walk_errors.len() as u64;
    walk_errors.into_iter().for_each(|e| f(Err(e)));
    for piece in pieces(files, opts) {
        match piece {
            Piece::Unit(u, _) => rejected += emit(&u, opts, &mut f),
            Piece::Broken(e) => {
                rejected += 1;
                f(Err(e));
            }
        }
    }
    rejected
}

fn emit(
    unit: &Unit,
    opts: &ReadOptions,
    f: &mut impl FnMut(Result<(&str, Option<u64>, Conversation), InputError>),
) -> u64 {
    let (source, reads) = read_unit(unit, opts);
    let mut rejected = 0;
    for r in reads {
        match r {
            Ok((line, conv)) => f(Ok((&source, line, conv))),
            Err(e) => {
                rejected += 1;
                f(Err(e));
            }
        }
    }
    rejected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::builtin;

    /// Collects result lines and errors in the order the sink receives them.
    #[derive(Default)]
    struct Lines(Vec<String>);

    impl Sink for Lines {
        fn outcome(
            &mut self,
            o: Outcome,
            _: Option<&Conversation>,
            json: Option<&str>,
        ) -> std::io::Result<()> {
            self.0.push(match o {
                Ok(r) => json
                    .map(str::to_string)
                    .unwrap_or_else(|| serde_json::to_string(&r).unwrap()),
                Err(e) => e.to_string(),
            });
            Ok(())
        }
    }

    /// Compares the hand-written result line with serde's for every result it receives.
    #[derive(Default)]
    struct SameAsSerde {
        compared: usize,
    }

    impl Sink for SameAsSerde {
        fn outcome(
            &mut self,
            o: Outcome,
            _: Option<&Conversation>,
            _: Option<&str>,
        ) -> std::io::Result<()> {
            if let Ok(r) = o {
                let mut ours = Vec::new();
                crate::report::result_line::write(&mut ours, &r);
                assert_eq!(
                    String::from_utf8(ours).unwrap(),
                    serde_json::to_string(&r).unwrap()
                );
                self.compared += 1;
            }
            Ok(())
        }
    }

    #[test]
    fn result_lines_are_the_bytes_serde_would_write() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let lists = Checklists::new(builtin::load_all().unwrap(), None);
        let mut sink = SameAsSerde::default();
        let paths = [root.join("fixtures"), root.join("eval")];
        run(&paths, &lists, &RunOptions::default(), &mut sink, &Quiet).unwrap();
        assert!(
            sink.compared > 500,
            "only {} results compared",
            sink.compared
        );
    }

    #[test]
    fn big_files_in_chunks_give_the_same_output_as_small_ones() {
        let dir = tempfile::tempdir().unwrap();
        let convs: Vec<String> = (0..2500)
            .map(|i| {
                format!(
                    r#"{{"id":"c{i:05}","agent":"a{}","turns":[{{"speaker":"customer","text":"my order {i} is late"}},{{"speaker":"agent","text":"Hello! Sorry your order is late, I have refunded it. Anything else? Have a nice day."}}]}}"#,
                    i % 3
                )
            })
            .collect();
        let before = dir.path().join("a-first.jsonl");
        std::fs::write(
            &before,
            "{\"id\":\"x\",\"agent\":\"a\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"hi\"}]}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b-export.json"),
            format!("[{}]", convs.join(",\n")),
        )
        .unwrap();
        let lists = Checklists::new(builtin::load_all().unwrap(), None);
        let run_with = |big: usize| {
            let opts = RunOptions {
                serialize: true,
                big_file_bytes: big,
                ..Default::default()
            };
            let mut sink = Lines::default();
            let totals = run(
                &[dir.path().to_path_buf()],
                &lists,
                &opts,
                &mut sink,
                &Quiet,
            )
            .unwrap();
            (totals, sink.0)
        };
        let (small_totals, small) = run_with(usize::MAX);
        let (big_totals, big) = run_with(1);
        assert_eq!(small_totals.audited, 2501);
        assert_eq!(small_totals, big_totals);
        assert_eq!(small, big);
        assert!(
            big[0].contains("\"conversation\":\"x\""),
            "earlier files come first"
        );
    }
}

//! Report: write what an audit found.
//!
//! - `results.jsonl`: one line per audited conversation ([`crate::score::ConversationResult`]);
//! - `errors.jsonl`: one line per input that could not be audited;
//! - `summary.json`: team totals, pass rates per section and item, the per-agent table;
//! - `agents/<id>.md` and `agents/<id>.json`: one coaching report per agent.
//!
//! Nothing here prints; the binary decides what goes to the terminal.

pub mod agent;
pub mod annotate;
pub mod result_line;
pub mod summary;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::aggregate::Aggregate;
use crate::model::Conversation;
use crate::run::{Checklists, InputError, Outcome, RunTotals, Sink};

/// Streams results and errors to `out/` while aggregating them.
pub struct FileSink<'a> {
    out: PathBuf,
    results: BufWriter<File>,
    errors: BufWriter<File>,
    pub aggregate: Aggregate,
    /// Called with each rejected input (the binary prints it to stderr).
    on_error: Box<dyn FnMut(&InputError) + Send + 'a>,
}

impl<'a> FileSink<'a> {
    pub fn create(
        out: &Path,
        on_error: Box<dyn FnMut(&InputError) + Send + 'a>,
    ) -> std::io::Result<Self> {
        std::fs::create_dir_all(out)?;
        Ok(FileSink {
            out: out.to_path_buf(),
            results: BufWriter::with_capacity(1 << 20, File::create(out.join("results.jsonl"))?),
            errors: BufWriter::new(File::create(out.join("errors.jsonl"))?),
            aggregate: Aggregate::default(),
            on_error,
        })
    }

    /// Flush the streams and write the summary and the per-agent reports.
    pub fn finish(mut self, totals: &RunTotals, checklists: &Checklists) -> std::io::Result<()> {
        self.results.flush()?;
        self.errors.flush()?;
        let summary = summary::build(&self.aggregate, totals, checklists);
        write_json(&self.out.join("summary.json"), &summary)?;
        std::fs::write(self.out.join("summary.md"), summary::markdown(&summary))?;
        let dir = self.out.join("agents");
        if dir.exists() {
            // Reports of agents from an earlier run into the same folder would mislead.
            for e in std::fs::read_dir(&dir)?.flatten() {
                let p = e.path();
                if matches!(
                    p.extension().and_then(|x| x.to_str()),
                    Some("md") | Some("json")
                ) {
                    std::fs::remove_file(p)?;
                }
            }
        }
        std::fs::create_dir_all(&dir)?;
        for (id, file) in file_names(self.aggregate.agents.keys()) {
            let report = agent::build(&id, &self.aggregate, checklists);
            write_json(&dir.join(format!("{file}.json")), &report)?;
            std::fs::write(dir.join(format!("{file}.md")), agent::markdown(&report))?;
        }
        Ok(())
    }
}

impl Sink for FileSink<'_> {
    fn outcome(
        &mut self,
        outcome: Outcome,
        _conv: Option<&Conversation>,
        json: Option<&str>,
    ) -> std::io::Result<()> {
        match outcome {
            Ok(r) => {
                match json {
                    Some(line) => self.results.write_all(line.as_bytes())?,
                    None => serde_json::to_writer(&mut self.results, &r)?,
                }
                self.results.write_all(b"\n")?;
                self.aggregate.add(&r);
            }
            Err(e) => {
                (self.on_error)(&e);
                serde_json::to_writer(&mut self.errors, &e)?;
                self.errors.write_all(b"\n")?;
                self.aggregate.reject();
            }
        }
        Ok(())
    }
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let mut w = BufWriter::new(File::create(path)?);
    serde_json::to_writer_pretty(&mut w, value)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// A file name for an agent id: only `[A-Za-z0-9._-]`, never starting with a dot (so
/// `../../x` cannot leave the reports folder), unique among all agents.
pub fn sanitize(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    while s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    if s.is_empty() {
        s.push('_');
    }
    s.truncate(100);
    s
}

/// Agent id → unique file name, in id order.
pub fn file_names<'i>(ids: impl Iterator<Item = &'i String>) -> Vec<(String, String)> {
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for id in ids {
        let base = sanitize(id);
        let n = used.entry(base.to_lowercase()).or_insert(0);
        *n += 1;
        let name = if *n == 1 { base } else { format!("{base}-{n}") };
        out.push((id.clone(), name));
    }
    out
}

/// `Some(x)` as a percentage with one decimal, `None` as "–".
pub fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "–".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_ids_cannot_escape_the_folder() {
        assert_eq!(sanitize("../../x"), "_._.._x");
        assert_eq!(sanitize("a/b\\c"), "a_b_c");
        assert_eq!(sanitize(""), "_");
        assert!(!sanitize(".hidden").starts_with('.'));
    }

    #[test]
    fn colliding_names_get_a_suffix() {
        let ids = ["a/b".to_string(), "a_b".to_string()];
        let names = file_names(ids.iter());
        assert_eq!(names[0].1, "a_b");
        assert_eq!(names[1].1, "a_b-2");
    }
}

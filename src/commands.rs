//! What each command does, on the binary side: the only place that prints and sets exit codes.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sopscan::checklist::{ChecklistError, builtin};
use sopscan::read::{FORMATS, ReadOptions};
use sopscan::report::{FileSink, annotate};
use sopscan::run::{self, Checklists, InputError, Observer, Outcome, RunOptions, Sink};

use crate::cli::{
    AuditArgs, CheckArgs, ChecklistArgs, ChecklistCommand, Cli, ColorChoice, Command, EvalArgs,
    InputArgs, ReadArgs, SampleArgs,
};

/// sopscan's exit codes (documented in the README and `--help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every input was audited.
    Ok = 0,
    /// Something unexpected, such as an output folder that cannot be written.
    Failure = 1,
    /// Some inputs could not be audited; the rest were, and reports were written.
    Rejected = 2,
    /// A checklist or the command line is wrong; nothing was audited.
    Usage = 3,
}

pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Audit(a) => audit(a),
        Command::Check(a) => check(a),
        Command::Sample(a) => sample(a),
        Command::Checklist(ChecklistCommand::Lint { files }) => lint(files),
        Command::Formats => formats(),
        Command::Read(a) => read(a),
        Command::Eval(a) => eval(a),
    }
}

fn read_options(i: &InputArgs) -> Result<ReadOptions, String> {
    if let Some(f) = &i.format
        && sopscan::read::format_named(f).is_none()
    {
        let names: Vec<_> = FORMATS.iter().map(|f| f.name()).collect();
        return Err(format!(
            "unknown format `{f}`; known formats: {}",
            names.join(", ")
        ));
    }
    let agent_from_filename = match &i.agent_from_filename {
        Some(p) => Some(regex::Regex::new(p).map_err(|e| format!("--agent-from-filename: {e}"))?),
        None => None,
    };
    let mut csv_columns = Vec::new();
    if let Some(spec) = &i.csv_columns {
        for pair in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("--csv-columns: `{pair}` is not field=column"))?;
            csv_columns.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Ok(ReadOptions {
        format: i.format.clone(),
        agent_speaker: i.agent_speaker.clone(),
        agent_names: i.agent_names.clone(),
        customer_names: i.customer_names.clone(),
        support_addresses: i.support_addresses.clone(),
        agent_from_filename,
        csv_columns,
    })
}

fn print_checklist_errors(errors: &[ChecklistError]) {
    for e in errors {
        eprintln!("error: {e}");
    }
    eprintln!("{} checklist problem(s); nothing was audited", errors.len());
}

fn checklists(a: &ChecklistArgs) -> Result<Checklists, Exit> {
    let loaded = if a.checklists.is_empty() {
        builtin::load_all()
    } else {
        builtin::load_paths(&a.checklists)
    };
    match loaded {
        Ok(list) => Ok(Checklists::new(list, a.lang.as_deref())),
        Err(errors) => {
            print_checklist_errors(&errors);
            Err(Exit::Usage)
        }
    }
}

/// Read options and checklists for a command that audits; on error, what to exit with.
fn setup(input: &InputArgs, checklist: &ChecklistArgs) -> Result<(ReadOptions, Checklists), Exit> {
    let ropts = read_options(input).map_err(|e| usage(&e))?;
    Ok((ropts, checklists(checklist)?))
}

fn usage(msg: &str) -> Exit {
    eprintln!("error: {msg}");
    Exit::Usage
}

/// A progress bar on stderr, drawn only on a terminal.
struct Progress(ProgressBar);

impl Observer for Progress {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
}

fn audit(a: AuditArgs) -> Exit {
    let (ropts, lists) = match setup(&a.input, &a.checklist) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(a.jobs.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => return usage(&format!("--jobs: {e}")),
    };
    let show_bar = !a.quiet && std::io::stderr().is_terminal();
    let bar = ProgressBar::with_draw_target(
        Some(0),
        if show_bar {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})")
            .expect("valid template"),
    );
    let bar_for_errors = bar.clone();
    // Rejected inputs are always shown: they are what a nightly run must not hide.
    let on_error =
        Box::new(move |e: &InputError| bar_for_errors.suspend(|| eprintln!("rejected: {e}")));
    let mut sink = match FileSink::create(&a.out, on_error) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot write to {}: {e}", a.out.display());
            return Exit::Failure;
        }
    };
    let opts = RunOptions {
        read: ropts,
        keep_conversations: false,
        serialize: true,
        ..Default::default()
    };
    let progress = Progress(bar.clone());
    let started = std::time::Instant::now();
    let totals = match pool.install(|| run::run(&a.paths, &lists, &opts, &mut sink, &progress)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: writing results: {e}");
            return Exit::Failure;
        }
    };
    bar.finish_and_clear();
    if let Err(e) = sink.finish(&totals, &lists) {
        eprintln!("error: writing reports to {}: {e}", a.out.display());
        return Exit::Failure;
    }
    if !a.quiet {
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        eprintln!(
            "audited {} conversation(s) from {} file(s), rejected {} input(s) in {:.2} s ({:.0} conversations/s); reports in {}",
            totals.audited,
            totals.files,
            totals.rejected,
            secs,
            totals.audited as f64 / secs,
            a.out.display()
        );
    }
    if totals.rejected > 0 {
        Exit::Rejected
    } else {
        Exit::Ok
    }
}

/// Collects outcomes with their conversations (for `check`).
#[derive(Default)]
struct Collect {
    items: Vec<(Outcome, Option<sopscan::model::Conversation>)>,
}

impl Sink for Collect {
    fn outcome(
        &mut self,
        o: Outcome,
        conv: Option<&sopscan::model::Conversation>,
        _json: Option<&str>,
    ) -> std::io::Result<()> {
        self.items.push((o, conv.cloned()));
        Ok(())
    }
}

fn check(a: CheckArgs) -> Exit {
    let (ropts, lists) = match setup(&a.input, &a.checklist) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut sink = Collect::default();
    let opts = RunOptions {
        read: ropts,
        keep_conversations: true,
        serialize: false,
        ..Default::default()
    };
    if let Err(e) = run::run(
        std::slice::from_ref(&a.file),
        &lists,
        &opts,
        &mut sink,
        &run::Quiet,
    ) {
        eprintln!("error: {e}");
        return Exit::Failure;
    }
    let mut rejected = false;
    let mut found = None;
    for (o, conv) in sink.items {
        match o {
            Ok(r) if a.id.as_deref().is_none_or(|id| id == r.conversation) => {
                if found.is_none() {
                    found = Some((r, conv.expect("kept")));
                }
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("rejected: {e}");
                rejected = true;
            }
        }
    }
    let Some((r, conv)) = found else {
        eprintln!(
            "error: no conversation{} in {}",
            a.id.map(|i| format!(" with id `{i}`")).unwrap_or_default(),
            a.file.display()
        );
        return if rejected {
            Exit::Rejected
        } else {
            Exit::Usage
        };
    };
    let color = match a.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal(),
    };
    let text = if a.json {
        serde_json::to_string_pretty(&r).expect("serialisable") + "\n"
    } else {
        annotate::render(&conv, &r, color)
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    if rejected { Exit::Rejected } else { Exit::Ok }
}

fn sample(a: SampleArgs) -> Exit {
    let ropts = match read_options(&a.input) {
        Ok(o) => o,
        Err(e) => return usage(&e),
    };
    let mut pairs = Vec::new();
    let rejected = run::read_conversations(&a.paths, &ropts, |r| match r {
        Ok((_, _, c)) => pairs.push((c.agent.id, c.id)),
        Err(e) => eprintln!("rejected: {e}"),
    });
    let picked = sopscan::sample::pick(pairs, a.per_agent, a.seed);
    let mut out = std::io::stdout().lock();
    for (agent, ids) in picked {
        for id in ids {
            let _ = writeln!(out, "{agent}\t{id}");
        }
    }
    if rejected > 0 {
        Exit::Rejected
    } else {
        Exit::Ok
    }
}

fn lint(files: Vec<PathBuf>) -> Exit {
    let mut problems = 0;
    for f in &files {
        match sopscan::checklist::load_file(f) {
            Ok(c) => println!(
                "{}: ok ({} sections, {} items, language {})",
                f.display(),
                c.sections.len(),
                c.items.len(),
                c.sop.language
            ),
            Err(errors) => {
                problems += errors.len();
                for e in errors {
                    println!("{e}");
                }
            }
        }
    }
    if problems > 0 {
        eprintln!("{problems} problem(s)");
        Exit::Usage
    } else {
        Exit::Ok
    }
}

fn formats() -> Exit {
    for f in FORMATS {
        println!("{:<22} {}", f.name(), f.description());
    }
    Exit::Ok
}

fn read(a: ReadArgs) -> Exit {
    let ropts = match read_options(&a.input) {
        Ok(o) => o,
        Err(e) => return usage(&e),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let rejected = run::read_conversations(&a.paths, &ropts, |r| match r {
        Ok((_, _, c)) => {
            let _ = serde_json::to_writer(&mut out, &c);
            let _ = out.write_all(b"\n");
        }
        Err(e) => eprintln!("rejected: {e}"),
    });
    let _ = out.flush();
    if rejected > 0 {
        Exit::Rejected
    } else {
        Exit::Ok
    }
}

fn eval(a: EvalArgs) -> Exit {
    let (ropts, lists) = match setup(&a.input, &a.checklist) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut ev = sopscan::eval::Evaluation::default();
    let opts = RunOptions {
        read: ropts,
        keep_conversations: true,
        serialize: false,
        ..Default::default()
    };
    if let Err(e) = run::run(&a.paths, &lists, &opts, &mut ev, &run::Quiet) {
        eprintln!("error: {e}");
        return Exit::Failure;
    }
    if a.verbose {
        for d in &ev.disagreements {
            println!(
                "{} {} expected {} got {}: {}",
                d.conversation, d.section, d.expected, d.got, d.detail
            );
        }
        println!();
    }
    println!(
        "{:<18} {:>8} {:>9} {:>10} {:>8} {:>8}",
        "section", "labelled", "agreement", "precision", "recall", "F1(fail)"
    );
    for (id, s) in &ev.sections {
        println!(
            "{:<18} {:>8} {:>8.1}% {:>10.3} {:>8.3} {:>8.3}",
            id,
            s.labelled,
            100.0 * s.agree as f64 / s.labelled.max(1) as f64,
            s.precision(),
            s.recall(),
            s.f1()
        );
    }
    if ev.rejected > 0 {
        println!("{} input(s) rejected", ev.rejected);
        return Exit::Rejected;
    }
    Exit::Ok
}

//! Throughput benchmark: generates synthetic conversations, audits them with the built-in
//! checklists through the real pipeline (streamed JSONL in, reports out) and prints
//! conversations/s, MB/s and peak memory (VmHWM).
//!
//! `cargo bench` runs 100k English conversations, 20k English next to 20k Czech (the cost of
//! a non-English conversation), and the format families: JSON exports (Intercom), WebVTT
//! call transcripts and an mbox mailbox. `SOPSCAN_BENCH_SIZES=100000,1000000 cargo bench`
//! picks the native sizes; each English size is run a second time without writing any
//! output file (results serialised and dropped), which separates the audit's own cost from
//! the file system's; `SOPSCAN_BENCH_KEEP=DIR` keeps the generated native inputs in DIR.

// The same allocator as the `sopscan` binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sopscan::checklist::builtin;
use sopscan::model::Conversation;
use sopscan::report::FileSink;
use sopscan::run::{self, Checklists, Outcome, Quiet, RunOptions, Sink};

/// Phrase banks per language: (greetings, problems, reflections, solutions, closings, rude).
struct Bank {
    lang: &'static str,
    greet: &'static [&'static str],
    problem: &'static [&'static str],
    reflect: &'static [&'static str],
    solve: &'static [&'static str],
    close: &'static [&'static str],
    rude: &'static [&'static str],
}

const EN: Bank = Bank {
    lang: "en",
    greet: &[
        "Hi {c}, thanks for contacting Acme, this is {a}.",
        "Good morning! My name is {a}, how can I help?",
        "Hello and welcome to Acme support.",
    ],
    problem: &[
        "My order #{n} hasn't arrived yet and it's been two weeks.",
        "I was charged twice for my subscription this month.",
        "The app crashes every time I open my invoices.",
        "My internet keeps dropping every evening since Monday.",
    ],
    reflect: &[
        "If I understand correctly, the problem started this week?",
        "I'm sorry to hear that, let me check.",
        "Just to confirm, this is about order {n}?",
    ],
    solve: &[
        "I've issued a refund, you'll see it within 5 business days.",
        "I've sent a replacement, it will arrive by Friday.",
        "Please restart the router and update the firmware from the link I sent.",
        "We'll look into it.",
    ],
    close: &[
        "Is there anything else I can help you with? Have a great day!",
        "Thanks for reaching out, take care.",
        "ok",
    ],
    rude: &[
        "As I already said, you should have read the terms.",
        "Calm down, that's not my problem.",
        "PLEASE READ MY MESSAGE AGAIN!!!",
    ],
};

const CS: Bank = Bank {
    lang: "cs",
    greet: &[
        "Dobrý den, děkujeme, že jste nás kontaktovali, u telefonu {a}.",
        "Dobrý den, jmenuji se {a}, jak vám mohu pomoci?",
    ],
    problem: &[
        "Moje objednávka číslo {n} ještě nedorazila, čekám už dva týdny.",
        "Tento měsíc mi bylo předplatné strženo dvakrát.",
        "Aplikace mi padá pokaždé, když otevřu faktury.",
    ],
    reflect: &[
        "Pokud tomu správně rozumím, objednávka {n} stále nedorazila?",
        "Mrzí mě to, hned se na to podívám.",
    ],
    solve: &[
        "Vrátil jsem vám peníze, na účtu je uvidíte do 5 pracovních dnů.",
        "Poslali jsme vám náhradní zboží, dorazí v pátek.",
        "Podíváme se na to.",
    ],
    close: &[
        "Mohu vám ještě s něčím pomoci? Přeji hezký den.",
        "Děkuji za trpělivost, na shledanou.",
    ],
    rude: &[
        "Jak jsem už psal, měl jste si to přečíst.",
        "Uklidněte se, to není můj problém.",
    ],
};

fn pick<'a>(rng: &mut ChaCha8Rng, xs: &'a [&'a str]) -> &'a str {
    xs[rng.random_range(0..xs.len())]
}

/// Write `n` conversations in `bank`'s language as JSON Lines.
fn generate(path: &Path, n: usize, bank: &Bank, seed: u64) -> u64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    let names = [
        "Maria", "John", "Petra", "Tomasz", "Aina", "Lee", "Sam", "Jana",
    ];
    for i in 0..n {
        let a = names[rng.random_range(0..names.len())];
        let c = names[rng.random_range(0..names.len())];
        let num = rng.random_range(10000..99999).to_string();
        let fill = |s: &str| s.replace("{a}", a).replace("{c}", c).replace("{n}", &num);
        let mut turns = Vec::new();
        let t0 = 1_764_000_000 + i as i64 * 60;
        let mut t = t0;
        let mut push = |speaker: &str, text: String, rng: &mut ChaCha8Rng| {
            t += rng.random_range(5..200);
            let at = jiff::Timestamp::from_second(t).unwrap().to_string();
            turns.push(serde_json::json!({"speaker": speaker, "text": text, "at": at}));
        };
        push("customer", fill(pick(&mut rng, bank.problem)), &mut rng);
        if rng.random_bool(0.8) {
            push("agent", fill(pick(&mut rng, bank.greet)), &mut rng);
        }
        if rng.random_bool(0.6) {
            push("agent", fill(pick(&mut rng, bank.reflect)), &mut rng);
        }
        push("customer", fill(pick(&mut rng, bank.problem)), &mut rng);
        if rng.random_bool(0.15) {
            push("agent", fill(pick(&mut rng, bank.rude)), &mut rng);
        }
        push("agent", fill(pick(&mut rng, bank.solve)), &mut rng);
        push("customer", "ok thanks".to_string(), &mut rng);
        push("agent", fill(pick(&mut rng, bank.close)), &mut rng);
        let conv = serde_json::json!({
            "id": format!("bench-{}-{i:08}", bank.lang),
            "channel": "chat",
            "agent": {"id": format!("agent-{:03}", rng.random_range(0..200)), "name": a},
            "customer": {"id": format!("u-{i}"), "name": c},
            "turns": turns,
        });
        serde_json::to_writer(&mut w, &conv).unwrap();
        w.write_all(b"\n").unwrap();
    }
    w.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

/// One synthetic call per `.vtt` file, agent and customer as voice tags.
fn generate_vtt(dir: &Path, n: usize, seed: u64) -> u64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    std::fs::create_dir_all(dir).unwrap();
    let mut bytes = 0;
    for i in 0..n {
        let mut text = String::from("WEBVTT\n\n");
        let mut t = 0.0f64;
        let lines = [
            ("Agent", pick(&mut rng, EN.greet)),
            ("Customer", pick(&mut rng, EN.problem)),
            ("Agent", pick(&mut rng, EN.reflect)),
            ("Agent", pick(&mut rng, EN.solve)),
            ("Customer", "okay thanks"),
            ("Agent", pick(&mut rng, EN.close)),
        ];
        for (who, line) in lines {
            let d = 2.0 + rng.random_range(0.0..4.0);
            let ts = |x: f64| {
                format!(
                    "{:02}:{:02}:{:06.3}",
                    (x / 3600.0) as u32,
                    ((x % 3600.0) / 60.0) as u32,
                    x % 60.0
                )
            };
            text.push_str(&format!(
                "{} --> {}\n<v {who}>{}\n\n",
                ts(t),
                ts(t + d),
                line.replace("{a}", "Lee")
                    .replace("{c}", "Sam")
                    .replace("{n}", "12345")
            ));
            t += d + 0.5;
        }
        let path = dir.join(format!("call-{i:06}.vtt"));
        std::fs::write(&path, &text).unwrap();
        bytes += text.len() as u64;
    }
    bytes
}

/// One mailbox with `n` two-message threads (customer question, support reply).
fn generate_mbox(path: &Path, n: usize, seed: u64) -> u64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let day = 1 + i % 28;
        let problem = pick(&mut rng, EN.problem).replace("{n}", "12345");
        let reply = format!(
            "Dear Sam,\n\nThank you for your email. {}\n\n{}\n\nKind regards,\nLee\nAcme Support",
            pick(&mut rng, EN.reflect).replace("{n}", "12345"),
            pick(&mut rng, EN.solve)
        );
        write!(
            w,
            "From cust{i}@example.com Mon Nov {day:02} 09:00:00 2026\nFrom: Sam <cust{i}@example.com>\nTo: support@acme.com\n\
             Subject: Order {i}\nDate: Mon, {day:02} Nov 2026 09:00:00 +0000\nMessage-ID: <q{i}@example.com>\n\n{problem}\n\n\
             From support@acme.com Mon Nov {day:02} 11:00:00 2026\nFrom: Lee <support@acme.com>\nTo: cust{i}@example.com\n\
             Subject: Re: Order {i}\nDate: Mon, {day:02} Nov 2026 11:00:00 +0000\nMessage-ID: <r{i}@acme.com>\n\
             In-Reply-To: <q{i}@example.com>\nReferences: <q{i}@example.com>\n\n{reply}\n\n"
        )
        .unwrap();
    }
    w.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

/// `n` copies of the bundled Intercom conversation export, one file each.
fn generate_json_exports(dir: &Path, n: usize) -> u64 {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/formats/intercom/intercom-get-conversation.example.json");
    let text = std::fs::read_to_string(sample).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        std::fs::write(dir.join(format!("conv-{i:06}.json")), &text).unwrap();
    }
    (text.len() * n) as u64
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Serialises every result (in the workers, as for results.jsonl) and keeps only its size:
/// what the audit costs without the file system.
#[derive(Default)]
struct Discard {
    result_bytes: u64,
}

impl Sink for Discard {
    fn outcome(
        &mut self,
        _: Outcome,
        _: Option<&Conversation>,
        json: Option<&str>,
    ) -> std::io::Result<()> {
        self.result_bytes += json.map_or(0, |j| j.len() as u64 + 1);
        Ok(())
    }
}

/// Audit `input` into `sink` with results serialised in the workers (as for results.jsonl),
/// then hand the sink to `finish` (writing reports, or reading what it kept); returns the
/// totals, the seconds it all took and what `finish` returned.
fn timed_run<S: Sink, R>(
    input: &Path,
    lists: &Checklists,
    mut sink: S,
    finish: impl FnOnce(S, &run::RunTotals) -> R,
) -> (run::RunTotals, f64, R) {
    let started = Instant::now();
    let totals = run::run(
        &[input.to_path_buf()],
        lists,
        &RunOptions {
            serialize: true,
            ..Default::default()
        },
        &mut sink,
        &Quiet,
    )
    .unwrap();
    let finished = finish(sink, &totals);
    (totals, started.elapsed().as_secs_f64(), finished)
}

/// One line of the report: throughput, then `tail` (memory or result size).
fn report(label: &str, totals: &run::RunTotals, secs: f64, bytes: u64, tail: String) {
    println!(
        "{label:<28} {:>9} conv {:>8.2} s {:>10.0} conv/s {:>8.1} MB/s   {tail}",
        totals.audited,
        secs,
        totals.audited as f64 / secs,
        bytes as f64 / 1e6 / secs,
    );
}

fn bench_discarding(label: &str, input: &Path, bytes: u64, lists: &Checklists) {
    let (totals, secs, result_bytes) = timed_run(input, lists, Discard::default(), |sink, _| {
        sink.result_bytes
    });
    let per_conv = result_bytes as f64 / 1024.0 / totals.audited.max(1) as f64;
    report(
        label,
        &totals,
        secs,
        bytes,
        format!("results {per_conv:.1} KB/conv"),
    );
}

fn bench(label: &str, input: &Path, bytes: u64, lists: &Checklists) {
    let out = tempfile::tempdir().unwrap();
    let sink = FileSink::create(out.path(), Box::new(|_| {})).unwrap();
    let (totals, secs, ()) = timed_run(input, lists, sink, |sink, totals| {
        sink.finish(totals, lists).unwrap();
    });
    report(
        label,
        &totals,
        secs,
        bytes,
        format!("peak RSS so far {:>6.1} MB", peak_rss_mb()),
    );
}

fn main() {
    let lists = Checklists::new(builtin::load_all().expect("built-in checklists"), None);
    let sizes: Vec<usize> = std::env::var("SOPSCAN_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000]);
    let dir = tempfile::tempdir().unwrap();
    // `SOPSCAN_BENCH_KEEP=DIR` leaves the native inputs in DIR, to profile the binary on them.
    let keep = std::env::var_os("SOPSCAN_BENCH_KEEP").map(std::path::PathBuf::from);
    println!("threads: {}", rayon::current_num_threads());
    for &n in &sizes {
        let input = keep
            .as_deref()
            .unwrap_or(dir.path())
            .join(format!("en-{n}.jsonl"));
        let bytes = generate(&input, n, &EN, 7);
        bench(&format!("native JSONL, en, {n}"), &input, bytes, &lists);
        bench_discarding("  same, nothing written", &input, bytes, &lists);
        if keep.is_none() {
            std::fs::remove_file(&input).ok();
        }
    }
    let n = 10_000;
    let vtt = dir.path().join("vtt");
    let bytes = generate_vtt(&vtt, n, 3);
    bench(&format!("WebVTT calls, {n} files"), &vtt, bytes, &lists);
    let mbox = dir.path().join("support.mbox");
    let bytes = generate_mbox(&mbox, n, 5);
    bench(&format!("mbox, {n} threads"), &mbox, bytes, &lists);
    let json = dir.path().join("intercom");
    let bytes = generate_json_exports(&json, n);
    bench(&format!("Intercom JSON, {n} files"), &json, bytes, &lists);
    if lists.list.iter().any(|c| c.sop.language == "cs") {
        let n = 20_000;
        for bank in [&EN, &CS] {
            let input = keep
                .as_deref()
                .unwrap_or(dir.path())
                .join(format!("{}-{n}.jsonl", bank.lang));
            let bytes = generate(&input, n, bank, 11);
            bench(
                &format!("native JSONL, {}, {n}", bank.lang),
                &input,
                bytes,
                &lists,
            );
        }
    }
}

//! Read: turn the files users export into [`Conversation`]s.
//!
//! Each input format is one module implementing [`Format`], listed once in [`FORMATS`].
//! A file is matched to a format by its content ([`Format::sniff`]), not only its
//! extension; `--format` forces one. A file no format accepts becomes one error that names
//! every format tried and why it refused, never a crash or a silent skip.
//!
//! Native JSON Lines files are not read here whole: the pipeline streams them line by
//! line (see `crate::run`) and calls [`native::parse_line`] on each.

use std::cell::OnceCell;
use std::path::Path;

use crate::model::Conversation;

pub mod abcd;
pub mod assemblyai;
pub mod call;
pub mod call_analytics;
pub(crate) mod chat_util;
pub mod contact_lens_call;
pub mod contact_lens_chat;
pub mod csv;
pub mod cues;
pub mod deepgram;
pub mod diarize;
pub mod email;
pub mod freshdesk;
pub mod google_stt;
pub mod greeting;
pub(crate) mod html_text;
pub mod intercom;
pub mod native;
pub mod plain_text;
pub mod roles;
pub mod srt;
pub mod transcribe;
pub mod transcribe_analytics;
pub mod twilio;
pub mod webvtt;
pub mod whisper;
pub mod words;
pub mod zendesk;

/// Options that tell readers what the export itself cannot say.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Force this format (a name from [`FORMATS`]) instead of detecting it.
    pub format: Option<String>,
    /// Which diarised speaker label or channel is the agent (`spk_0`, `ch_1`, `A`, `Maria`...).
    pub agent_speaker: Option<String>,
    /// Speaker names/labels that are agents in plain-text, VTT and CSV transcripts
    /// (compared case-insensitively; defaults cover "Agent", "Support", "Operator"...).
    pub agent_names: Vec<String>,
    /// Speaker names/labels that are customers (defaults cover "Customer", "Caller", "Client"...).
    pub customer_names: Vec<String>,
    /// Email addresses or `@domain`s that belong to the support team.
    pub support_addresses: Vec<String>,
    /// Regex with one capture group that takes the agent id from the file name.
    pub agent_from_filename: Option<regex::Regex>,
    /// CSV column mapping (`conversation=ticket_id,speaker=role,...`).
    pub csv_columns: Vec<(String, String)>,
}

/// One conversation read from a file, with the 1-based line it started on when known.
#[derive(Debug, Clone)]
pub struct Record {
    pub line: Option<u64>,
    pub conversation: Conversation,
}

/// A part of a file that could not be read as a conversation; the rest of the file still is.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub line: Option<u64>,
    pub reason: String,
}

pub type RecordResult = Result<Record, RecordError>;

/// A file's content, with its JSON parse done once and shared by every format that asks.
pub struct Input<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    json: OnceCell<Option<serde_json::Value>>,
}

impl<'a> Input<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        // A UTF-8 byte-order mark is common in Windows exports and says nothing.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Input {
            path,
            text,
            json: OnceCell::new(),
        }
    }

    /// The content as one JSON value, or `None` when it is not JSON.
    pub fn json(&self) -> Option<&serde_json::Value> {
        self.json
            .get_or_init(|| serde_json::from_str(self.text).ok())
            .as_ref()
    }

    /// The JSON parse error, for messages (parses again: only called on failure paths).
    pub fn json_error(&self) -> Option<String> {
        serde_json::from_str::<serde_json::Value>(self.text)
            .err()
            .map(|e| e.to_string())
    }

    pub fn extension(&self) -> String {
        self.path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase()
    }

    /// The agent id `--agent-from-filename` takes from the file name: its first capture
    /// group (the whole match when the pattern has none), trimmed; `None` when it does not
    /// match or gives nothing.
    pub fn agent_from_filename(&self, opts: &ReadOptions) -> Option<String> {
        let name = self.path.file_name()?.to_str()?;
        let caps = opts.agent_from_filename.as_ref()?.captures(name)?;
        let id = caps.get(1).or_else(|| caps.get(0))?.as_str().trim();
        (!id.is_empty()).then(|| id.to_string())
    }

    /// The file name without its extension: a fallback conversation id.
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("conversation")
            .to_string()
    }
}

/// One input format.
pub trait Format: Sync {
    /// Short name used by `--format` and shown by `sopscan formats`.
    fn name(&self) -> &'static str;
    /// One line for `sopscan formats`.
    fn description(&self) -> &'static str;
    /// Cheap test on the content: does this file look like this format?
    fn sniff(&self, input: &Input) -> bool;
    /// Read every conversation in the file. `Err` means the file is not (valid) in this format
    /// at all; a file with some bad records returns `Ok` with those records as errors.
    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String>;
}

/// Every format sopscan reads, in detection order: more specific formats first, so a file
/// that several formats would accept goes to the one that understands it best.
pub static FORMATS: &[&dyn Format] = &[
    // -- call transcriptions --
    &contact_lens_call::ContactLensCall,
    &transcribe_analytics::TranscribeAnalytics,
    &transcribe::Transcribe,
    &deepgram::Deepgram,
    &assemblyai::AssemblyAi,
    &google_stt::GoogleStt,
    &whisper::Whisper,
    &webvtt::WebVtt,
    &srt::Srt,
    // -- chat and ticket exports --
    &zendesk::Zendesk,
    &intercom::Intercom,
    &freshdesk::Freshdesk,
    &twilio::Twilio,
    &contact_lens_chat::ContactLensChat,
    &abcd::Abcd,
    &csv::Csv,
    &plain_text::PlainText,
    // -- email --
    &email::mbox::Mbox,
    &email::eml::Eml,
    &native::Native,
];

/// Find a format by name.
pub fn format_named(name: &str) -> Option<&'static dyn Format> {
    FORMATS.iter().copied().find(|f| f.name() == name)
}

/// Read a whole (non-JSONL) file: detect its format and read it.
pub fn read_file(path: &Path, text: &str, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
    let input = Input::new(path, text);
    if let Some(name) = &opts.format {
        let f = format_named(name).ok_or_else(|| format!("unknown format `{name}`"))?;
        return f
            .read(&input, opts)
            .map_err(|e| format!("not valid {name}: {e}"));
    }
    let mut tried = Vec::new();
    let sniffed: Vec<_> = FORMATS
        .iter()
        .copied()
        .filter(|f| f.sniff(&input))
        .collect();
    for f in &sniffed {
        match f.read(&input, opts) {
            Ok(records) => return Ok(records),
            Err(e) => tried.push(format!("{}: {e}", f.name())),
        }
    }
    if sniffed.is_empty() {
        if input.json().is_none() && looks_like_json(input.text) {
            let why = input.json_error().unwrap_or_default();
            return Err(format!("invalid JSON: {why}"));
        }
        return Err(format!(
            "no format recognised this file (tried {}); use --format to force one",
            FORMATS
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Err(format!(
        "the file looked like {} but could not be read: {}",
        sniffed[0].name(),
        tried.join("; ")
    ))
}

fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().chars().next(), Some('{') | Some('['))
}

//! CSV (or TSV, `;`- or `|`-separated) exports with one row per message, as helpdesks,
//! chat tools and spreadsheets write them.
//!
//! **Columns.** `--csv-columns field=header,...` names the columns; fields it leaves out are
//! guessed from common headers (case-insensitive, spaces and dashes read as `_`):
//! * `conversation`: conversation_id, ticket_id, chat_id, thread_id, session_id, case_id…
//!   (no such column: the whole file is one conversation named after the file);
//! * `speaker` (alias `role`): speaker, role, sender, author, from, direction, inbound…;
//! * `text` (aliases `message`, `body`): message, text, body, content…;
//! * `timestamp` (alias `time`): timestamp, time, created_at, date…; RFC 3339, `YYYY-MM-DD
//!   HH:MM:SS` (UTC assumed), epoch seconds/ms, Excel serials; `hh:mm:ss` alone is an offset;
//! * `agent`, `customer`: agent_id, agent, assignee… / customer_id, customer, requester…;
//! * `name`: the sender's display name (sender_name, author_name…), for `Turn.name`;
//! * `channel` (email, call/phone, else chat) and `internal` (true/1/yes = internal note).
//!
//! **Agent vs customer.** The speaker value goes through the role labels and options
//! (`Agent`, `Customer`, `--agent-name`…), then direction words (`inbound` = customer,
//! `outbound` = agent, `event`/`action` = system), then booleans under an
//! `inbound`/`is_agent`-like header, then the row's agent and customer columns. Names left
//! over are settled per conversation as in plain text: by elimination, else the speaker who
//! greets for a company or speaks first is the agent (`metadata.agent_inferred`).
//!
//! **Rows and errors.** Rows are grouped by the conversation column in file order (a
//! conversation's rows need not be adjacent). A malformed row (wrong number of fields, no
//! speaker, no conversation id) becomes a `RecordError` with its line; the rest is read.
//! Rows with empty text are skipped. A leading BOM is ignored.

use std::collections::{HashMap, HashSet};

use super::chat_util::{
    FirstSpeaker, LineCounter, agent_party, assign_unknown_roles, clock_seconds, finish,
    is_generic_label, parse_time,
};
use super::roles::role_of_label;
use super::{Format, Input, ReadOptions, RecordError, RecordResult};
use crate::model::{Channel, Conversation, Party, Speaker, Turn};
use columns::{FIELDS, map_columns, normalise, role_of_value, truthy};

mod columns;

pub struct Csv;

impl Format for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn description(&self) -> &'static str {
        "CSV/TSV with one row per message (columns guessed or set with --csv-columns)"
    }

    fn sniff(&self, input: &Input) -> bool {
        if matches!(input.extension().as_str(), "csv" | "tsv") {
            return true;
        }
        let header = header_line(input.text);
        if header.len() >= MAX_HEADER || input.json().is_some() {
            return false;
        }
        let d = delimiter(input);
        let names: Vec<String> = header.split(d as char).map(normalise).collect();
        let has = |field: &str| {
            let f = FIELDS.iter().find(|f| f.name == field);
            f.is_some_and(|f| names.iter().any(|n| f.guesses.split(' ').any(|g| g == n)))
        };
        names.len() >= 2 && has("text") && has("speaker")
    }

    fn read(&self, input: &Input, opts: &ReadOptions) -> Result<Vec<RecordResult>, String> {
        let mut rdr = ::csv::ReaderBuilder::new()
            .delimiter(delimiter(input))
            .from_reader(input.text.as_bytes());
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| e.to_string())?
            .iter()
            .map(normalise)
            .collect();
        let cols = map_columns(&headers, opts)?;
        let col = |f: &str| cols.get(f).copied();
        let (Some(_), Some(speaker_col)) = (col("text"), col("speaker")) else {
            return Err(format!(
                "no message text or speaker column among [{}]; name them with --csv-columns text=<header>,speaker=<header>",
                headers.join(", ")
            ));
        };
        let mut rows = Rows {
            cols,
            speaker: headers[speaker_col].clone(),
            groups: Vec::new(),
            index: HashMap::new(),
        };
        let mut out: Vec<RecordResult> = Vec::new();
        let mut lines = LineCounter::new(input.text);
        for row in rdr.records() {
            let (line, added) = match row {
                Ok(row) => {
                    let line = row.position().map(|p| lines.line_at(p.byte() as usize));
                    (line, rows.add(&row, line, input, opts))
                }
                Err(e) => (
                    e.position().map(|p| lines.line_at(p.byte() as usize)),
                    Err(format!("malformed CSV row: {e}")),
                ),
            };
            if let Err(reason) = added {
                out.push(Err(RecordError { line, reason }));
            }
        }
        out.extend(rows.groups.into_iter().map(|g| g.finish(input, opts)));
        out.sort_by_key(|r| match r {
            Ok(rec) => rec.line,
            Err(e) => e.line,
        });
        Ok(out)
    }
}

/// Rows read so far, grouped into conversations.
struct Rows {
    cols: HashMap<&'static str, usize>,
    /// The speaker column's header (says how to read `true`/`false` in it).
    speaker: String,
    groups: Vec<Group>,
    index: HashMap<String, usize>,
}

impl Rows {
    fn add(
        &mut self,
        row: &::csv::StringRecord,
        line: Option<u64>,
        input: &Input,
        opts: &ReadOptions,
    ) -> Result<(), String> {
        let get = |f: &str| {
            self.cols
                .get(f)
                .and_then(|&i| row.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let key = match self.cols.contains_key("conversation") {
            true => get("conversation")
                .ok_or("row has no conversation id")?
                .to_string(),
            false => input.stem(),
        };
        let label = get("speaker").ok_or("row has no speaker")?;
        let slot = *self.index.entry(key.clone()).or_insert_with(|| {
            self.groups.push(Group {
                id: key,
                line,
                ..Group::default()
            });
            self.groups.len() - 1
        });
        let g = &mut self.groups[slot];
        for (field, target) in [
            ("agent", &mut g.agent),
            ("customer", &mut g.customer),
            ("channel", &mut g.channel),
        ] {
            if target.is_none() {
                *target = get(field).map(String::from);
            }
        }
        let Some(text) = get("text") else {
            return Ok(());
        };
        let role = role_of_value(label, &self.speaker, opts);
        if role.is_some() {
            g.role_words.insert(label.to_string());
        }
        let by_column = |col: &Option<String>, r| (col.as_deref() == Some(label)).then_some(r);
        let role = role
            .or_else(|| by_column(&g.agent, Speaker::Agent))
            .or_else(|| by_column(&g.customer, Speaker::Customer));
        if let Some(r) = role {
            g.roles.entry(label.to_string()).or_insert(r);
        }
        let time = get("timestamp");
        let mut turn = Turn::new(Speaker::System, text.replace("\r\n", "\n"));
        turn.start = time
            .filter(|t| !t.contains(['-', '/', 'T']))
            .and_then(clock_seconds);
        turn.at = time.filter(|_| turn.start.is_none()).and_then(parse_time);
        turn.internal = get("internal").is_some_and(|v| truthy(v) == Some(true));
        turn.name = get("name").map(String::from);
        g.turns.push(turn);
        g.labels.push(label.to_string());
        Ok(())
    }
}

#[derive(Default)]
struct Group {
    id: String,
    line: Option<u64>,
    agent: Option<String>,
    customer: Option<String>,
    channel: Option<String>,
    roles: HashMap<String, Speaker>,
    /// Speaker values that are role words (`agent`, `inbound`, `true`), not names.
    role_words: HashSet<String>,
    turns: Vec<Turn>,
    /// The speaker value of each turn.
    labels: Vec<String>,
}

impl Group {
    fn finish(mut self, input: &Input, opts: &ReadOptions) -> RecordResult {
        let pairs: Vec<(&str, &str)> = self
            .labels
            .iter()
            .zip(&self.turns)
            .map(|(l, t)| (l.as_str(), t.text.as_str()))
            .collect();
        let inferred = assign_unknown_roles(&pairs, &mut self.roles, FirstSpeaker::IsAgent);
        for (t, label) in self.turns.iter_mut().zip(&self.labels) {
            t.speaker = self.roles[label];
            if t.name.is_none() && !self.role_words.contains(label) {
                t.name = Some(label.clone());
            }
        }
        // The party's name: the name column, or a speaker value that is a person's name.
        let named = |r: Speaker| {
            let name = self.turns.iter().find(|t| t.speaker == r)?.name.clone()?;
            (role_of_label(&name, opts).is_none() && !is_generic_label(&name)).then_some(name)
        };
        let agent_name = named(Speaker::Agent);
        let customer_name = named(Speaker::Customer);
        let customer = match self.customer.take() {
            Some(id) => Some(Party {
                id,
                name: customer_name,
            }),
            None => customer_name.map(|n| Party {
                id: n.clone(),
                name: Some(n),
            }),
        };
        let channel = match self.channel.as_deref().map(str::to_lowercase) {
            Some(c) if c.contains("mail") => Channel::Email,
            Some(c) if ["call", "phone", "voice"].iter().any(|w| c.contains(w)) => Channel::Call,
            _ => Channel::Chat,
        };
        let mut metadata = serde_json::Map::new();
        if inferred {
            metadata.insert("agent_inferred".into(), serde_json::Value::Bool(true));
        }
        let agent = agent_party(self.agent.take(), agent_name, input, opts);
        let conversation = Conversation {
            id: self.id,
            channel,
            agent,
            customer,
            language: None,
            started_at: self.turns.iter().find_map(|t| t.at),
            turns: self.turns,
            metadata,
            expect: None,
        };
        finish(conversation, self.line)
    }
}

/// A header line longer than this is not a CSV header (a minified JSON file is one line).
const MAX_HEADER: usize = 4096;

/// The first line, cut at [`MAX_HEADER`] bytes (on a character boundary).
fn header_line(text: &str) -> &str {
    let line = text.lines().next().unwrap_or("");
    let mut end = line.len().min(MAX_HEADER);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    &line[..end]
}

fn delimiter(input: &Input) -> u8 {
    if input.extension() == "tsv" {
        return b'\t';
    }
    let header = header_line(input.text);
    let count = |c: char| header.matches(c).count();
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|&d| (count(d as char), d == b','))
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn read(name: &str, text: &str, opts: &ReadOptions) -> Vec<RecordResult> {
        let input = Input::new(Path::new(name), text);
        assert!(Csv.sniff(&input));
        Csv.read(&input, opts).unwrap()
    }

    #[test]
    fn default_headers_group_rows_by_conversation() {
        let text = "ticket_id,sender,message,created_at\n1,customer,Hi,2024-01-01 10:00:00\n2,customer,Yo,2024-01-01 10:00:01\n1,agent,Hello,2024-01-01T10:00:05Z\n";
        let out = read("x.txt", text, &ReadOptions::default());
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(
            (c.id.as_str(), c.turns.len(), c.turns[1].speaker),
            ("1", 2, Speaker::Agent)
        );
        assert_eq!(c.turns[0].at.unwrap().to_string(), "2024-01-01T10:00:00Z");
        assert_eq!(out[1].as_ref().unwrap().line, Some(3));
    }

    #[test]
    fn mapping_option_semicolons_and_bad_rows() {
        let opts = ReadOptions {
            csv_columns: vec![
                ("conversation".into(), "Case".into()),
                ("speaker".into(), "Who".into()),
            ],
            ..Default::default()
        };
        let text = "Case;Who;Body;Agent ID\nA;Maria;Thank you for contacting Acme!;\nA;Tom;my bill;\nA;Tom\nA;Maria;Sorry;a-7\n";
        let out = read("x.csv", text, &opts);
        assert_eq!(out.len(), 2);
        let err = out[1].as_ref().unwrap_err();
        assert_eq!(err.line, Some(4), "records and errors come in line order");
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(
            (c.agent.id.as_str(), c.agent.name.as_deref()),
            ("a-7", Some("Maria"))
        );
        assert_eq!(
            c.turns.iter().map(|t| t.speaker).collect::<Vec<_>>()[..2],
            [Speaker::Agent, Speaker::Customer]
        );
        assert!(c.metadata.contains_key("agent_inferred"));
    }

    #[test]
    fn inbound_booleans_and_offsets() {
        let text = "inbound\ttext\ttime\nTrue\thelp\t00:00:03\nFalse\tsure\t00:01:00\n";
        let c = read("x.tsv", text, &ReadOptions::default())
            .remove(0)
            .unwrap()
            .conversation;
        assert_eq!(
            (c.id.as_str(), c.turns[0].speaker, c.turns[1].speaker),
            ("x", Speaker::Customer, Speaker::Agent)
        );
        assert_eq!(c.turns[1].start, Some(60.0));
    }

    #[test]
    fn crlf_lines_and_quoted_newlines_keep_true_line_numbers() {
        let text =
            "chat_id,from,text\r\n1,agent,\"Hello,\r\nhow can I help?\"\r\n2,customer,hi\r\n";
        let out = read("x.csv", text, &ReadOptions::default());
        let lines: Vec<_> = out.iter().map(|r| r.as_ref().unwrap().line).collect();
        assert_eq!(lines, [Some(2), Some(4)]);
        let c = &out[0].as_ref().unwrap().conversation;
        assert_eq!(c.turns[0].text, "Hello,\nhow can I help?");
    }
}

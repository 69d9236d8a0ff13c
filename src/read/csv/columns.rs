//! The CSV reader's column mapping: which header feeds which field (`--csv-columns`, else
//! guessed from common headers), and what a speaker cell says about the role.

use std::collections::HashMap;

use crate::model::Speaker;
use crate::read::ReadOptions;
use crate::read::roles::role_of_label;

/// A field of the native model a column can feed.
pub(super) struct Field {
    pub(super) name: &'static str,
    /// The names `--csv-columns` accepts for it (space-separated).
    pub(super) keys: &'static str,
    /// The headers guessed for it, best first (space-separated, as normalised).
    pub(super) guesses: &'static str,
}

pub(super) const FIELDS: &[Field] = &[
    Field {
        name: "conversation",
        keys: "conversation conversation_id ticket thread chat",
        guesses: "conversation_id conversation ticket_id ticket chat_id chat thread_id session_id \
                  case_id contact_id dialog_id",
    },
    Field {
        name: "speaker",
        keys: "speaker role sender author",
        guesses: "speaker role sender author from speaker_role sender_type author_type user_type \
                  participant direction inbound incoming is_agent who",
    },
    Field {
        name: "text",
        keys: "text message body content",
        guesses: "message text body content message_text message_body msg utterance comment",
    },
    Field {
        name: "timestamp",
        keys: "timestamp time date at",
        guesses: "timestamp time created_at date datetime date_time sent_at created date_created",
    },
    Field {
        name: "agent",
        keys: "agent agent_id",
        guesses: "agent_id agent agent_name assignee_id assignee owner_id",
    },
    Field {
        name: "customer",
        keys: "customer customer_id",
        guesses: "customer_id customer customer_name requester_id client_id",
    },
    Field {
        name: "name",
        keys: "name sender_name",
        guesses: "sender_name author_name from_name speaker_name display_name name",
    },
    Field {
        name: "channel",
        keys: "channel",
        guesses: "channel medium",
    },
    Field {
        name: "internal",
        keys: "internal private",
        guesses: "internal is_internal private is_private",
    },
];

/// Header as compared: trimmed, lower-case, spaces and dashes as underscores.
pub(super) fn normalise(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// Field → column index, from `--csv-columns` first, then the guessed headers.
pub(super) fn map_columns(
    headers: &[String],
    opts: &ReadOptions,
) -> Result<HashMap<&'static str, usize>, String> {
    let mut cols = HashMap::new();
    for (key, header) in &opts.csv_columns {
        let key = normalise(key);
        let field = FIELDS
            .iter()
            .find(|f| f.keys.split(' ').any(|k| k == key))
            .map(|f| f.name)
            .ok_or_else(|| {
                let known: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
                format!(
                    "unknown field `{key}` in --csv-columns (known: {})",
                    known.join(", ")
                )
            })?;
        let i = headers
            .iter()
            .position(|h| *h == normalise(header))
            .ok_or_else(|| {
                format!(
                    "--csv-columns {field}={header}: no such column among [{}]",
                    headers.join(", ")
                )
            })?;
        cols.insert(field, i);
    }
    for Field { name, guesses, .. } in FIELDS {
        if cols.contains_key(name) {
            continue;
        }
        let taken: Vec<usize> = cols.values().copied().collect();
        let found = guesses.split(' ').find_map(|g| {
            headers
                .iter()
                .position(|h| h == g)
                .filter(|i| !taken.contains(i))
        });
        if let Some(i) = found {
            cols.insert(name, i);
        }
    }
    Ok(cols)
}

pub(super) fn truthy(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "n" | "f" => Some(false),
        _ => None,
    }
}

/// The role a speaker cell gives, read in the light of its column header.
pub(super) fn role_of_value(value: &str, header: &str, opts: &ReadOptions) -> Option<Speaker> {
    if let Some(b) = truthy(value) {
        let customer_when_true =
            ["inbound", "incoming", "is_customer", "from_customer"].contains(&header);
        let agent_when_true = ["is_agent", "from_agent", "outbound", "is_staff"].contains(&header);
        if customer_when_true || agent_when_true {
            return Some(if b == customer_when_true {
                Speaker::Customer
            } else {
                Speaker::Agent
            });
        }
    }
    role_of_label(value, opts).or_else(|| {
        match value.to_lowercase().replace(['-', ' '], "_").as_str() {
            "inbound" | "in" | "incoming" | "received" | "end_user" | "enduser" | "lead" => {
                Some(Speaker::Customer)
            }
            "outbound" | "out" | "outgoing" | "sent" | "admin" | "teammate" => Some(Speaker::Agent),
            "event" | "action" | "system_message" => Some(Speaker::System),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|h| normalise(h)).collect()
    }

    #[test]
    fn options_win_and_the_rest_is_guessed() {
        let opts = ReadOptions {
            csv_columns: vec![
                ("role".into(), "Who".into()),
                ("message".into(), "Body Text".into()),
            ],
            ..Default::default()
        };
        let h = headers(&[
            "\u{feff}Ticket ID",
            "Who",
            "Body Text",
            "Created-At",
            "Sender",
        ]);
        let cols = map_columns(&h, &opts).unwrap();
        let get = |f| cols.get(f).copied();
        assert_eq!((get("speaker"), get("text")), (Some(1), Some(2)));
        assert_eq!((get("conversation"), get("timestamp")), (Some(0), Some(3)));
        let err = map_columns(
            &h,
            &ReadOptions {
                csv_columns: vec![("text".into(), "Nope".into())],
                ..Default::default()
            },
        );
        assert!(err.unwrap_err().contains("no such column"));
    }

    #[test]
    fn speaker_cells_by_word_direction_and_boolean_header() {
        let o = ReadOptions::default();
        assert_eq!(role_of_value("Agent", "sender", &o), Some(Speaker::Agent));
        assert_eq!(
            role_of_value("outbound", "direction", &o),
            Some(Speaker::Agent)
        );
        assert_eq!(
            role_of_value("True", "inbound", &o),
            Some(Speaker::Customer)
        );
        assert_eq!(role_of_value("true", "is_agent", &o), Some(Speaker::Agent));
        assert_eq!(role_of_value("true", "sender", &o), None);
        assert_eq!(role_of_value("Maria", "sender", &o), None);
    }

    #[test]
    fn unknown_mapping_field_is_an_error() {
        let opts = ReadOptions {
            csv_columns: vec![("mood".into(), "x".into())],
            ..Default::default()
        };
        let err = map_columns(&headers(&["speaker", "text"]), &opts).unwrap_err();
        assert!(err.contains("unknown field `mood`"), "{err}");
    }
}

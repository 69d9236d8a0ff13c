//! Load a checklist: parse the TOML, validate every item, compile its phrases — and report
//! every problem at once, each with file, line and column, before any conversation is read.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Checklist, Item, ScopeSpec, Section, Sop, SpeakerSel, Trigger};
use crate::checks::{self, CompileCx, Uses};
use crate::matcher::{PhraseSet, PhraseSpec};
use crate::model::Channel;

/// One problem in a checklist file.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The item (or section) the problem is in, when known.
    pub item: Option<String>,
    pub message: String,
}

impl fmt::Display for ChecklistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path, self.line, self.column)?;
        if let Some(item) = &self.item {
            write!(f, "{item}: ")?;
        }
        f.write_str(&self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    sop: Sop,
    #[serde(rename = "section", default)]
    sections: Vec<Spanned<RawSection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default = "one")]
    weight: f64,
    #[serde(default)]
    description: String,
    #[serde(rename = "item", default)]
    items: Vec<Spanned<toml::Table>>,
}

fn one() -> f64 {
    1.0
}

/// The keys every item may have, whatever its kind.
const COMMON_KEYS: &[&str] = &[
    "id",
    "title",
    "kind",
    "weight",
    "critical",
    "advisory",
    "channels",
    "message",
    "tip",
    "speaker",
    "first_turns",
    "last_turns",
    "within_turns",
    "within_seconds",
    "after",
    "before",
    "when",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Common {
    id: String,
    #[serde(default)]
    title: String,
    kind: String,
    #[serde(default = "one")]
    weight: f64,
    #[serde(default)]
    critical: bool,
    #[serde(default)]
    advisory: bool,
    channels: Option<Vec<Channel>>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    tip: String,
    #[serde(default)]
    speaker: SpeakerSel,
    first_turns: Option<usize>,
    last_turns: Option<usize>,
    within_turns: Option<usize>,
    within_seconds: Option<f64>,
    after: Option<String>,
    before: Option<String>,
    when: Option<WhenSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenSpec {
    #[serde(default = "customer")]
    speaker: SpeakerSel,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
}

fn customer() -> SpeakerSel {
    SpeakerSel::Customer
}

/// Load a checklist file.
pub fn load_file(path: &Path) -> Result<Checklist, Vec<ChecklistError>> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ChecklistError {
            path: shown.clone(),
            line: 0,
            column: 0,
            item: None,
            message: e.to_string(),
        }]
    })?;
    load_str(&text, &shown)
}

/// Load a checklist from its text; `origin` names it in errors and results.
pub fn load_str(text: &str, origin: &str) -> Result<Checklist, Vec<ChecklistError>> {
    let (loaded, union) = crate::matcher::union::collect(|| compile(text, origin));
    loaded.map(|c| Checklist {
        literals: union,
        ..c
    })
}

/// Parse, validate and compile a checklist (its phrase union is added by [`load_str`]).
fn compile(text: &str, origin: &str) -> Result<Checklist, Vec<ChecklistError>> {
    let pos = |offset: usize| line_col(text, offset);
    let err = |offset: usize, item: Option<&str>, message: String| {
        let (line, column) = pos(offset);
        ChecklistError {
            path: origin.to_string(),
            line,
            column,
            item: item.map(str::to_string),
            message,
        }
    };
    let raw: RawChecklist = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        vec![err(offset, None, e.message().to_string())]
    })?;

    let mut errors = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut sections = Vec::new();
    let mut section_ids = HashSet::new();
    let mut item_index: BTreeMap<String, usize> = BTreeMap::new();
    if raw.sop.id.trim().is_empty() || raw.sop.version.trim().is_empty() {
        errors.push(err(
            0,
            None,
            "[sop] needs a non-empty `id` and `version`".into(),
        ));
    }
    if raw.sections.is_empty() {
        errors.push(err(
            0,
            None,
            "a checklist needs at least one [[section]]".into(),
        ));
    }
    let language = raw.sop.language.clone();

    for spanned in &raw.sections {
        let sec_off = spanned.span().start;
        let sec = spanned.get_ref();
        if !section_ids.insert(sec.id.clone()) {
            errors.push(err(sec_off, Some(&sec.id), "duplicate section id".into()));
        }
        if !(sec.weight >= 0.0 && sec.weight.is_finite()) {
            errors.push(err(
                sec_off,
                Some(&sec.id),
                "section `weight` must be a number >= 0".into(),
            ));
        }
        if sec.items.is_empty() {
            errors.push(err(
                sec_off,
                Some(&sec.id),
                "a section needs at least one [[section.item]]".into(),
            ));
        }
        let mut member = Vec::new();
        for item in &sec.items {
            let span = item.span();
            let table = item.get_ref().clone();
            let id_hint = table.get("id").and_then(|v| v.as_str()).map(str::to_string);
            // The item's span covers its header; its keys run until the next item header.
            let end = text[span.end.min(text.len())..]
                .find("\n[[")
                .map_or(text.len(), |o| span.end + o);
            let at_key = |key: &str| key_offset(text, span.start, end, key).unwrap_or(span.start);
            let label = id_hint
                .clone()
                .unwrap_or_else(|| format!("item in section {}", sec.id));
            match compile_item(table, &sec.id, &language, &item_index) {
                Ok(compiled) => {
                    if item_index.contains_key(&*compiled.id) {
                        errors.push(err(at_key("id"), Some(&label), "duplicate item id".into()));
                    } else {
                        item_index.insert(compiled.id.to_string(), items.len());
                        member.push(items.len());
                        items.push(compiled);
                    }
                }
                Err(problems) => {
                    for (key, message) in problems {
                        let offset = key.as_deref().map(at_key).unwrap_or(span.start);
                        errors.push(err(offset, Some(&label), message));
                    }
                }
            }
        }
        sections.push(Section {
            id: sec.id.clone(),
            title: if sec.title.is_empty() {
                sec.id.clone()
            } else {
                sec.title.clone()
            },
            weight: sec.weight,
            description: sec.description.clone(),
            items: member,
        });
    }
    if errors.is_empty() {
        Ok(Checklist {
            sop: raw.sop,
            sections,
            items,
            origin: origin.to_string(),
            literals: Default::default(),
        })
    } else {
        Err(errors)
    }
}

type Problems = Vec<(Option<String>, String)>;

/// Compile one item table. Problems carry the key they are about, to point at its line.
fn compile_item(
    mut table: toml::Table,
    section: &str,
    language: &str,
    earlier: &BTreeMap<String, usize>,
) -> Result<Item, Problems> {
    let mut rest = toml::Table::new();
    for key in table.keys().cloned().collect::<Vec<_>>() {
        if !COMMON_KEYS.contains(&key.as_str()) {
            rest.insert(key.clone(), table.remove(&key).expect("key listed"));
        }
    }
    let common: Common = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| {
            let msg = e.message().to_string();
            vec![(field_in(&msg), msg)]
        })?;
    let mut problems: Problems = Vec::new();
    let prefix = format!("{section}.");
    if !common.id.starts_with(&prefix) || common.id.len() == prefix.len() {
        problems.push((
            Some("id".into()),
            format!("item id `{}` must start with `{prefix}`", common.id),
        ));
    }
    if !(common.weight >= 0.0 && common.weight.is_finite()) {
        problems.push((
            Some("weight".into()),
            "`weight` must be a number >= 0".into(),
        ));
    }
    if common.critical && common.advisory {
        problems.push((
            Some("advisory".into()),
            "an item cannot be both `critical` and `advisory`".into(),
        ));
    }
    if common.within_turns.is_some() && common.when.is_none() {
        problems.push((
            Some("within_turns".into()),
            "`within_turns` counts from a trigger: add a `when` table".into(),
        ));
    }
    if common.first_turns.is_some() && common.last_turns.is_some() {
        problems.push((
            Some("last_turns".into()),
            "use `first_turns` or `last_turns`, not both".into(),
        ));
    }
    if [common.first_turns, common.last_turns, common.within_turns].contains(&Some(0)) {
        problems.push((None, "turn counts must be at least 1".into()));
    }
    let mut refer = |key: &str, target: &Option<String>| -> Option<usize> {
        let t = target.as_ref()?;
        match earlier.get(t) {
            Some(&i) => Some(i),
            None => {
                problems.push((
                    Some(key.into()),
                    format!("`{key}` names `{t}`, which is not an item declared earlier"),
                ));
                None
            }
        }
    };
    let after = refer("after", &common.after);
    let before = refer("before", &common.before);
    let when = match &common.when {
        None => None,
        Some(w) => {
            let spec = PhraseSpec {
                phrases: w.phrases.clone(),
                patterns: w.patterns.clone(),
                except: w.except.clone(),
            };
            if spec.is_empty() {
                problems.push((
                    Some("when".into()),
                    "`when` needs `phrases` or `patterns`".into(),
                ));
                None
            } else {
                match PhraseSet::compile(&spec) {
                    Ok(phrases) => Some(Trigger {
                        speaker: w.speaker,
                        phrases,
                    }),
                    Err(e) => {
                        problems.push((Some("when".into()), e));
                        None
                    }
                }
            }
        }
    };
    let cx = CompileCx {
        item_id: &common.id,
        language,
    };
    let compiled = checks::compile(&common.kind, rest, &cx);
    let (check, uses) = match compiled {
        Ok(c) => c,
        Err(e) => {
            let key = field_in(&e).or_else(|| Some("kind".into()));
            problems.push((key, e));
            return Err(problems);
        }
    };
    let scoped = common.first_turns.is_some()
        || common.last_turns.is_some()
        || common.after.is_some()
        || common.before.is_some()
        || common.speaker != SpeakerSel::Agent;
    if uses == Uses::Timing && scoped {
        problems.push((
            None,
            format!(
                "kind `{}` measures timing and takes no turn scope",
                common.kind
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Item {
        title: if common.title.is_empty() {
            common.id.as_str().into()
        } else {
            common.title.into()
        },
        id: common.id.into(),
        kind: common.kind,
        weight: common.weight,
        critical: common.critical,
        advisory: common.advisory,
        channels: common.channels,
        message: common.message.into(),
        tip: common.tip,
        scope: {
            let mut scope = ScopeSpec {
                speaker: common.speaker,
                first_turns: common.first_turns,
                last_turns: common.last_turns,
                within_turns: common.within_turns,
                within_seconds: common.within_seconds,
                after,
                before,
                untriggered: String::new(),
            };
            scope.untriggered = scope.describe(None);
            scope
        },
        when,
        check,
        uses,
    })
}

/// The field a serde message is about (`unknown field `x``, `missing field `x``, `... for key `x``).
fn field_in(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

/// Offset of `key = ` (at the start of a line) inside `text[from..to]`.
fn key_offset(text: &str, from: usize, to: usize, key: &str) -> Option<usize> {
    let region = text.get(from..to.min(text.len()))?;
    let mut offset = 0;
    for line in region.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(after) = trimmed.strip_prefix(key)
            && after.trim_start().starts_with('=')
        {
            return Some(from + offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

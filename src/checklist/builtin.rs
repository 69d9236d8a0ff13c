//! The default checklists, compiled into the binary so `sopscan audit` works with no setup.

use super::{Checklist, ChecklistError, load_str};

/// (file name, TOML) of every shipped checklist; English first, as the default.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "default.en.toml",
        include_str!("../../checklists/default.en.toml"),
    ),
    (
        "default.hu.toml",
        include_str!("../../checklists/default.hu.toml"),
    ),
    (
        "default.ms.toml",
        include_str!("../../checklists/default.ms.toml"),
    ),
    (
        "default.cs.toml",
        include_str!("../../checklists/default.cs.toml"),
    ),
    (
        "default.sl.toml",
        include_str!("../../checklists/default.sl.toml"),
    ),
    (
        "default.pl.toml",
        include_str!("../../checklists/default.pl.toml"),
    ),
];

/// Load every built-in checklist.
pub fn load_all() -> Result<Vec<Checklist>, Vec<ChecklistError>> {
    use rayon::prelude::*;
    // Compiling the phrase lists and patterns is the costly part of start-up: do the
    // languages in parallel (order is kept by the indexed collect).
    let loaded: Vec<_> = BUILTIN
        .par_iter()
        .map(|(name, text)| load_str(text, &format!("built-in:checklists/{name}")))
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for r in loaded {
        match r {
            Ok(c) => out.push(c),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Load checklists from files or directories (every `*.toml` inside, sorted).
pub fn load_paths(paths: &[std::path::PathBuf]) -> Result<Vec<Checklist>, Vec<ChecklistError>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(rd) => {
                    let mut found: Vec<_> = rd
                        .flatten()
                        .map(|e| e.path())
                        .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => errors.push(io_error(p, e)),
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut out: Vec<Checklist> = Vec::new();
    let loaded: Vec<_> = {
        use rayon::prelude::*;
        files.par_iter().map(|f| (f, super::load_file(f))).collect()
    };
    for (f, result) in loaded {
        match result {
            Ok(c) => {
                if let Some(prev) = out.iter().find(|o| o.sop.language == c.sop.language) {
                    errors.push(ChecklistError {
                        path: f.display().to_string(),
                        line: 1,
                        column: 1,
                        item: None,
                        message: format!(
                            "a second checklist for language `{}` (first: {})",
                            c.sop.language, prev.origin
                        ),
                    });
                } else {
                    out.push(c);
                }
            }
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() && out.is_empty() {
        errors.push(ChecklistError {
            path: String::new(),
            line: 0,
            column: 0,
            item: None,
            message: "no checklist found".into(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn io_error(p: &std::path::Path, e: std::io::Error) -> ChecklistError {
    ChecklistError {
        path: p.display().to_string(),
        line: 0,
        column: 0,
        item: None,
        message: e.to_string(),
    }
}

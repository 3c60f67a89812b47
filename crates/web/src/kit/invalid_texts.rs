//! Every field refusal the domain and the service make (`DomainError::invalid(field, why)`, ~240
//! call sites) says why in a form both languages are rendered from: a `Why` — a coded kind or a
//! text written in English and Japanese where it is refused. This test reads their sources and
//! fails on a call whose reason is a plain English text (the not yet migrated `Why::English`
//! path, whose Japanese is still found by its English), except the sites listed in
//! `ENGLISH_PATH`: the list may only shrink.

use std::path::{Path, PathBuf};

/// The call sites still passing an English text: the plate reader's parse errors (`secretome-assay`)
/// passed on, the CLI-only generator's refusal, a label's refusal (`secretome-label`).
/// (file, argument).
const ENGLISH_PATH: &[(&str, &str)] = &[
    ("service/src/generate.rs", "m"),
    ("service/src/labels.rs", "message"),
    ("service/src/plates.rs", "e.to_string()"),
];

/// The `.rs` files under `dir`, tests left out (`tests.rs`, `tests/`).
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![dir.to_path_buf()];
    let mut out = Vec::new();
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            if p.is_dir() && name != "tests" {
                dirs.push(p);
            } else if name.ends_with(".rs") && name != "tests.rs" {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The second argument of one `invalid(` call (`rest` starts after its `(`), trimmed.
fn reason_of(rest: &str) -> Option<&str> {
    let (mut depth, mut in_str, mut prev) = (0, false, ' ');
    let mut start = None;
    for (i, c) in rest.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '(' | '[' | '{' if !in_str => depth += 1,
            ')' | ']' | '}' if !in_str => {
                if depth == 0 {
                    return start.map(|s| rest[s..i].trim().trim_end_matches(','));
                }
                depth -= 1
            }
            ',' if !in_str && depth == 0 => match start {
                None => start = Some(i + 1),
                Some(s) => return Some(rest[s..i].trim()),
            },
            _ => {}
        }
        prev = c;
    }
    None
}

#[test]
fn every_field_refusal_of_the_domain_and_the_service_carries_its_japanese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (mut typed, mut english) = (0, Vec::new());
    for krate in ["domain", "service"] {
        for path in sources(&root.join(krate).join("src")) {
            let src = std::fs::read_to_string(&path).unwrap();
            let src = src.split("#[cfg(test)]").next().unwrap_or("");
            let file = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            for (at, _) in src.match_indices("DomainError::invalid(") {
                let Some(why) = reason_of(&src[at + "DomainError::invalid(".len()..]) else {
                    continue;
                };
                // A `Why` built here, or one passed on from a refusal that carries one.
                if why.contains("Why::")
                    || why.ends_with(".why()")
                    || why.starts_with("csv_error(")
                    || (why == "message" && file != "service/src/labels.rs")
                {
                    typed += 1;
                } else if !ENGLISH_PATH.contains(&(file.as_str(), why)) {
                    english.push(format!("{file}: {why}"));
                }
            }
        }
    }
    assert!(typed > 200, "the sources were read ({typed})");
    assert!(
        english.is_empty(),
        "{} refusals give an English text only (give them a `Why`: a coded kind or \
         `Why::said(en, ja)`):\n{}",
        english.len(),
        english.join("\n")
    );
}

//! Every field message the domain and the service write (`DomainError::invalid(field, "…")`, 200
//! call sites of free text) reaches a Japanese page in Japanese: this test reads their sources,
//! takes each message's literal text (`{…}` values as `X`) and fails on one that the phrase table
//! (`errors::ERRORS`, through `localise`) does not translate. A message built elsewhere and only
//! passed in (a variable) cannot be read here: those are counted, not checked.

use crate::i18n::Lang;
use std::path::{Path, PathBuf};

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

/// The message literal of one `invalid(` call: `rest` starts after its `(`; the first argument
/// (the field) is skipped, then a string literal, or `format!("…"` / `&format!("…"`, is read.
fn message_of(rest: &str) -> Option<String> {
    let mut depth = 0;
    let mut in_str = false;
    let mut prev = ' ';
    let mut second = None;
    for (i, c) in rest.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '(' | '[' if !in_str => depth += 1,
            ')' | ']' if !in_str => {
                if depth == 0 {
                    return None; // one argument only
                }
                depth -= 1
            }
            ',' if !in_str && depth == 0 => {
                second = Some(i + 1);
                break;
            }
            _ => {}
        }
        prev = c;
    }
    let arg = rest[second?..].trim_start();
    let arg = arg.strip_prefix('&').unwrap_or(arg);
    let arg = arg
        .strip_prefix("format!(")
        .map(str::trim_start)
        .unwrap_or(arg);
    let body = arg.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '"' => break,
            c => out.push(c),
        }
    }
    Some(out)
}

/// `{…}` placeholders as `X`.
fn with_values(m: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in m.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    out.push('X');
                }
            }
            '}' if depth > 0 => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn every_field_message_of_the_domain_and_the_service_has_its_japanese() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (mut read, mut passed_in) = (0, 0);
    let mut bad = Vec::new();
    for krate in ["domain", "service"] {
        for path in sources(&root.join(krate).join("src")) {
            let src = std::fs::read_to_string(&path).unwrap();
            let src = src.split("#[cfg(test)]").next().unwrap_or("");
            for (at, _) in src.match_indices("invalid(") {
                if src[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                if src[..at].trim_end().ends_with("fn") {
                    continue; // the constructor itself
                }
                match message_of(&src[at + "invalid(".len()..]) {
                    // Only values (`{a}; {b}`): messages made elsewhere, passed on.
                    Some(m)
                        if !with_values(&m)
                            .chars()
                            .any(|c| c.is_alphabetic() && c != 'X') =>
                    {
                        passed_in += 1
                    }
                    Some(m) => {
                        read += 1;
                        let m = with_values(&m);
                        if crate::kit::localise(Lang::Ja, &m) == m {
                            let file = path.strip_prefix(&root).unwrap_or(&path);
                            bad.push(format!("{}: {m:?}", file.display()));
                        }
                    }
                    None => passed_in += 1,
                }
            }
        }
    }
    eprintln!("{read} field messages read, {passed_in} passed in as values (not checked)");
    assert!(read > 150, "the sources were read ({read})");
    assert!(
        bad.is_empty(),
        "{} field messages without Japanese (add a phrase to kit/errors.rs):\n{}",
        bad.len(),
        bad.join("\n")
    );
}

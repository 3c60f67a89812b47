//! The page modules form no import graph among themselves: each imports `crate::kit` (and the
//! crate's leaf modules) but never another page module, and `kit` imports no page module. Read from
//! the source, so a new `use crate::quality::…` in `clinical/` fails here before review.

use std::path::{Path, PathBuf};

const PAGES: &[&str] = &[
    "admin",
    "clinical",
    "facility",
    "inventory",
    "manufacture",
    "mbr",
    "quality",
    "recall",
    "shipments",
    "trace",
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs" || x == "html") {
            out.push(p);
        }
    }
}

/// The first segment of every path after `crate::`, also inside `crate::{a, b::c}` groups.
fn crate_roots(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut item) = (1, String::new());
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        out.push(ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    out.push(ident(&item));
                    break;
                }
                if depth == 1 {
                    item.push(c);
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    out
}

/// (file, page module it imports) for every import that crosses from one page module (or `kit`)
/// into another page module; templates count as their page module's code.
fn crossings() -> Vec<(String, String)> {
    let web = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bad = Vec::new();
    for base in ["src", "templates"] {
        let mut all = Vec::new();
        files(&web.join(base), &mut all);
        for f in all {
            let rel = f
                .strip_prefix(web.join(base))
                .unwrap()
                .to_string_lossy()
                .to_string();
            let owner = rel.split('/').next().unwrap_or("").to_string();
            let owner = owner.trim_end_matches(".rs");
            if !PAGES.contains(&owner) && owner != "kit" {
                continue;
            }
            let text = std::fs::read_to_string(&f).unwrap();
            for root in crate_roots(&text) {
                if PAGES.contains(&root.as_str()) && root != owner {
                    bad.push((format!("{base}/{rel}"), root));
                }
            }
        }
    }
    bad.sort();
    bad.dedup();
    bad
}

#[test]
fn page_modules_import_kit_and_never_each_other() {
    let bad = crossings();
    assert!(
        bad.is_empty(),
        "page modules importing another page module (use crate::kit instead): {bad:?}"
    );
}

#[test]
fn the_reader_sees_grouped_and_nested_imports() {
    let roots = crate_roots(
        "use crate::{kit::{a, b}, quality::x,\n auth::Viewer}; // crate::admin\nlet n = crate::mbr::f();",
    );
    assert_eq!(roots, ["kit", "quality", "auth", "mbr"]);
}

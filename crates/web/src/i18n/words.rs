//! What counts as English left in the Japanese UI (issue 17 item 1): runs of Latin words in a
//! text, less what a Japanese facility writes in Latin letters too — codes and ids (anything with
//! a digit), units, standards and their identifiers (ISBT 128, DIN, FIN, CTCAE), abbreviations the
//! trade uses as they are (QC, QA, CoA, SOP, ELISA), factor, product, instrument and brand names
//! (`ALLOWED`). The catalogue test (`tests` below) reads every module's texts and every template
//! with it; `tests/catalogue.rs` reads the demo's pages in Japanese for every role with it.

/// Words written in Latin letters on a Japanese page too. One letter is always allowed (units
/// `g`, `h`, `L`; grades `A`–`D`; `n`), as is anything holding a digit (ids, `IL-10`, `CD73`).
pub const ALLOWED: &[&str] = &[
    // the product and the switch to English
    "secretome",
    "English",
    // units and notation
    "mL",
    "µL",
    "uL",
    "pg",
    "ng",
    "µg",
    "mg",
    "kg",
    "µm",
    "nm",
    "mm",
    "cm",
    "min",
    "sec",
    "bar",
    "psi",
    "kPa",
    "MPa",
    "rpm",
    "xg",
    "OD",
    "CFU",
    "cfu",
    "EU",
    "log",
    "ln",
    "mean",
    "SD",
    "CV",
    "ULOQ",
    "LLOQ",
    "LOD",
    "LOQ",
    "Hz",
    "UTC",
    "JST",
    "Asia",
    "Tokyo",
    "TOKYO", // the place in the demo site's code CPC-TOKYO
    "e",
    "x",
    "ID",
    "IDs",
    "YYYY",
    "MM",
    "DD",
    "HH",
    "hh",
    "ss",
    "vs",
    "MB",
    "KiB",
    "kDa",
    "cells",
    "RFC",
    "TOML",
    "ASCII",
    // standards, registers, identifiers
    "ISBT",
    "ICCBBA",
    "DIN",
    "FIN",
    "ISO",
    "IEC",
    "CTCAE",
    "MedDRA",
    "FHIR",
    "R",
    "ICH",
    "GMP",
    "GCTP",
    "PIC",
    "Annex",
    "WHO",
    "JIS",
    "USP",
    "JP",
    "EP",
    "ALCOA",
    "CSV",
    "TSV",
    "PDF",
    "SVG",
    "JSON",
    "API",
    "OpenAPI",
    "HTTP",
    "URL",
    "CSRF",
    "DataMatrix",
    "Code",
    "QR",
    "Bearer",
    "stk",
    "PNG",
    "xlsx",
    "UUID",
    "SHA",
    "Ed25519",
    "AGA",
    // the trade's abbreviations
    "QC",
    "QA",
    "CoA",
    "SOP",
    "MSC",
    "MSCs",
    "CPC",
    "OOS",
    "OOT",
    "CAPA",
    "EM",
    "HEPA",
    "BSC",
    "LN",
    "CO",
    "PD",
    "PDL",
    "P",
    "RCT",
    "SAE",
    "AE",
    "AEs",
    "IV",
    "VAS",
    "WOMAC",
    "NRS",
    "KL",
    "ASIA",
    "AIS",
    "mRS",
    "NIHSS",
    "SCIM",
    "MAS",
    "JOA",
    "PWAT",
    "BWAT",
    "DESIGN",
    "SALT",
    "GAIS",
    "VISIA",
    "MASI",
    "TEWL",
    "HAM",
    "OA",
    "SCI",
    "PT",
    // assays and instruments
    "ELISA",
    "PCR",
    "qPCR",
    "LAL",
    "NTA",
    "BCA",
    "FACS",
    "SoftMax",
    "Pro",
    "Gen5",
    "PL",
    "Levenberg",
    "Marquardt",
    "LM",
    "Wald",
    // factors and markers
    "EGF",
    "FGF",
    "VEGF",
    "HGF",
    "TGF",
    "BDNF",
    "PDGF",
    "BB",   // the isoform of PDGF-BB
    "PVDF", // membrane materials, as makers and facilities write them
    "PES",
    "IL",
    "IGF",
    "KGF",
    "TIMP",
    "CD",
    "HLA",
    "DR",
    "HBV",
    "HCV",
    "HIV",
    "HTLV",
    "HBs",
    "HBc",
    "Ag",
    "Ab",
    "TP",
    "CMV",
    "EBV",
    "DMSO",
    "FBS",
    "DMEM",
    "MEM",
    "PBS",
    "TrypLE",
    "EDTA",
    // makers and products named in records
    "Merck",
    "Millipore",
    "Millipak",
    "Sartorius",
    "Pall",
    "Thermo",
    "Fisher",
    "Corning",
    "Nunc",
    "CellSTACK",
    "HYPERFlask",
    "Falcon",
    "Lonza",
    "Gibco",
    "Sysmex",
    "Nexcelom",
    "Cellometer",
    "NucleoCounter",
    "ChemoMetec",
    "BioTek",
    "Molecular",
    "Devices",
    "TSI",
    "AeroTrak",
    "Rion",
    "Sartobran",
    "Durapore",
    "Express",
    "PLUS",
    "StemPro",
    "MesenCult",
    "PRIME",
    "XF",
    "Mx",
    "PureCoat",
    // cat-b (issue 17): a temperature logger's maker and format named in the shipment hint; the
    // demo masters' step codes that are one upper-case word (`HARV`, `FILL`: codes, never prose).
    "Lascar",
    "EasyLog",
    "HARV",
    "FILL",
];

/// Whether `word` (letters only) may stand in a Japanese text.
fn allowed(word: &str) -> bool {
    ALLOWED.contains(&word)
}

/// A character of Japanese script (kana, kanji, full-width forms, the ideographic punctuation).
fn japanese(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// The runs of Latin words in `text` that a Japanese reader would meet as English: consecutive
/// words not on the allow-list, not broken by Japanese script. A chunk holding a digit is an id
/// or a value and never counts; `{placeholders}` of catalogue texts do not either.
pub fn english_runs(text: &str) -> Vec<String> {
    let text: &str = &without_placeholders(text);
    let mut runs = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut close = |run: &mut Vec<&str>| {
        if !run.is_empty() {
            runs.push(run.join(" "));
            run.clear();
        }
    };
    let mut rest = text;
    while !rest.is_empty() {
        // A chunk: up to whitespace or Japanese script.
        let end = rest
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || japanese(c))
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        if end == 0 {
            let c = rest.chars().next().unwrap_or(' ');
            if japanese(c) {
                close(&mut run);
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let chunk = &rest[..end];
        rest = &rest[end..];
        // An id or a value (a digit), or a code (`curve_not_determined`, `ui.language`,
        // `CUL-THAW`, `CPC-TOKYO`).
        let code = chunk.contains('_')
            || chunk
                .trim_matches(|c: char| !c.is_alphanumeric())
                .contains('.')
            || upper_case_id(chunk);
        if code || chunk.chars().any(|c| c.is_ascii_digit()) {
            close(&mut run);
            continue;
        }
        for word in chunk.split(|c: char| !c.is_alphabetic() || japanese(c)) {
            if word.is_empty() {
                continue;
            }
            if word.chars().count() == 1 {
                // One letter is neutral: part of a run (`enter a number`), never one alone.
                if !run.is_empty() {
                    run.push(word);
                }
            } else if allowed(word) {
                close(&mut run);
            } else {
                run.push(word);
            }
        }
    }
    close(&mut run);
    runs
}

/// An identifier of upper-case parts joined by hyphens (`CUL-THAW`, `CL-SHIBUYA`, `PDGF-BB`):
/// a code a page names on purpose, never prose.
fn upper_case_id(chunk: &str) -> bool {
    let id = chunk.trim_matches(|c: char| !c.is_alphanumeric());
    id.contains('-')
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// `{name}` placeholders of a catalogue text left out.
fn without_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => {
                depth -= 1;
                out.push(' ');
            }
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Catalogue texts that quote, on purpose, English a person types or reads elsewhere: input
/// syntax (`Authorization: Bearer`), a logger's file format and the English title printed on the
/// certificate.
pub const QUOTES_ENGLISH: &[&str] = &[
    "a.token.usage",
    "shp.log.hint",
    "fac.em.import.hint",
    "q.coa.title_other",
];

/// The text a reader sees in an HTML page or template: the text between tags (SVG `<text>`
/// included), and the `title`, `placeholder`, `aria-label` and `alt` attributes, each as one piece;
/// scripts, styles and form values (`textarea` content, like an input's `value`) left out, the
/// common entities decoded.
pub fn visible_text(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        let tag_end = rest[lt..]
            .find('>')
            .map(|i| lt + i + 1)
            .unwrap_or(rest.len());
        let tag = &rest[lt..tag_end];
        rest = &rest[tag_end..];
        for attr in ["title=\"", "placeholder=\"", "aria-label=\"", "alt=\""] {
            for (at, _) in tag.match_indices(attr) {
                if tag[..at].ends_with(|c: char| c.is_whitespace()) {
                    let v = &tag[at + attr.len()..];
                    push_text(&mut out, v.split('"').next().unwrap_or(""));
                }
            }
        }
        let name = tag
            .trim_start_matches('<')
            .split(|c: char| c.is_whitespace() || c == '>')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        // A textarea's content is a form's value (the record being edited, as an input's `value`,
        // which is not read either), not the page's words.
        if name == "script" || name == "style" || name == "textarea" {
            let close = format!("</{name}");
            rest = rest.find(&close).map(|i| &rest[i..]).unwrap_or("");
        }
        // An element marked `translate="no"` (a login id, a code) holds no language: its text
        // is left out, up to its own closing tag.
        if tag.contains(" translate=\"no\"") && !tag.ends_with("/>") {
            rest = skip_element(rest, &name);
        }
    }
    push_text(&mut out, rest);
    out
}

/// `rest` after the closing tag of the element `name` whose opening tag was just read (elements
/// of the same name inside it counted).
fn skip_element<'a>(rest: &'a str, name: &str) -> &'a str {
    let (open, close) = (format!("<{name}"), format!("</{name}"));
    let mut depth = 1;
    let mut at = 0;
    while depth > 0 {
        let next_open = rest[at..].find(&open).map(|i| at + i);
        let Some(c) = rest[at..].find(&close).map(|i| at + i) else {
            return "";
        };
        match next_open {
            Some(o) if o < c => {
                depth += 1;
                at = o + open.len();
            }
            _ => {
                depth -= 1;
                at = c + close.len();
            }
        }
    }
    rest[at..]
        .find('>')
        .map(|i| &rest[at + i + 1..])
        .unwrap_or("")
}

fn push_text(out: &mut Vec<String>, raw: &str) {
    let t = raw
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ");
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if !t.is_empty() {
        out.push(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_runs_skip_ids_units_and_allowed_words() {
        assert_eq!(
            english_runs("ロット L-2026-001 (10 mL)"),
            Vec::<String>::new()
        );
        assert_eq!(
            english_runs("VEGF 下限 (pg/mL, 任意)"),
            Vec::<String>::new()
        );
        assert_eq!(
            english_runs("DIN {din} のチェックキャラクタ"),
            Vec::<String>::new()
        );
        assert_eq!(
            english_runs("状態: master bank、eligible"),
            vec!["master bank".to_string(), "eligible".to_string()]
        );
        // Codes (dotted or snake_case) are not prose: a page names them on purpose.
        assert_eq!(
            english_runs("ui.language, curve_not_determined"),
            Vec::<String>::new()
        );
        // Upper-case ids joined by hyphens are codes; a hyphenated English word is not.
        assert_eq!(
            english_runs("CUL-THAW CPC-TOKYO → CL-SHIBUYA"),
            Vec::<String>::new()
        );
        assert_eq!(
            english_runs("re-measurement"),
            vec!["re measurement".to_string()]
        );
        assert_eq!(
            english_runs("enter a number"),
            vec!["enter a number".to_string()]
        );
    }

    /// Every module's catalogue (`registry::MODULES`): no Japanese text holds English.
    #[test]
    fn no_japanese_text_of_the_catalogue_is_english() {
        let bad: Vec<String> = crate::registry::texts()
            .filter(|(k, _, _)| !QUOTES_ENGLISH.contains(k))
            .filter_map(|(k, ja, _)| {
                let runs = english_runs(ja);
                (!runs.is_empty()).then(|| format!("{k}: {ja:?} — {}", runs.join(" | ")))
            })
            .collect();
        assert!(
            bad.is_empty(),
            "English in the Japanese catalogue:\n{}",
            bad.join("\n")
        );
    }

    /// Every file under `dir` (recursively) ending in `ext`.
    fn files(dir: &str, ext: &str) -> Vec<std::path::PathBuf> {
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
        let mut out = Vec::new();
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(d).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    dirs.push(p)
                } else if p.extension().is_some_and(|e| e == ext) {
                    out.push(p)
                }
            }
        }
        out.sort();
        out
    }

    /// A template's own words: askama's `{{ … }}`, `{% … %}` and `{# … #}` taken out.
    fn template_words(src: &str) -> String {
        let mut out = String::new();
        let mut rest = src;
        while let Some(at) = rest.find(['{']) {
            out.push_str(&rest[..at]);
            let close = match rest[at..].chars().nth(1) {
                Some('{') => "}}",
                Some('%') => "%}",
                Some('#') => "#}",
                _ => {
                    out.push('{');
                    rest = &rest[at + 1..];
                    continue;
                }
            };
            let end = rest[at..]
                .find(close)
                .map(|i| at + i + 2)
                .unwrap_or(rest.len());
            out.push_str(" · ");
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    /// Every template: no word a reader sees is written in English in the template itself (the
    /// texts come from the catalogue, `c.t(…)`), and every key it names exists in both languages.
    #[test]
    fn no_template_writes_english_and_every_key_exists() {
        let mut bad = Vec::new();
        for path in files("templates", "html") {
            let src = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            for piece in visible_text(&template_words(&src)) {
                for run in english_runs(&piece) {
                    bad.push(format!("{name}: {run:?} in {piece:?}"));
                }
            }
            for piece in src.split("c.t(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or("");
                if crate::registry::texts().all(|(k, _, _)| *k != key) {
                    bad.push(format!("{name}: key {key} missing"));
                }
            }
        }
        assert!(bad.is_empty(), "templates:\n{}", bad.join("\n"));
    }

    /// Every key the Rust code looks up as a literal (`.t("…")`) exists.
    #[test]
    fn every_key_the_code_names_exists() {
        let mut bad = Vec::new();
        for path in files("src", "rs") {
            let src = std::fs::read_to_string(&path).unwrap();
            for piece in src.split(".t(\"").skip(1) {
                let key = piece.split('"').next().unwrap_or("");
                let literal = !key.contains(['{', ' ', '…']);
                if literal && crate::registry::texts().all(|(k, _, _)| *k != key) {
                    bad.push(format!("{}: key {key} missing", path.display()));
                }
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn visible_text_reads_text_and_labels_not_scripts() {
        let html = r#"<p title="Hint">a &amp; b</p><script>var x = "no";</script><svg><text>Day</text></svg><input placeholder="例"><textarea name="tests">sterility | Sterility</textarea>"#;
        assert_eq!(visible_text(html), vec!["Hint", "a & b", "Day", "例"]);
        // A login id or code marked not to be translated is not read.
        let html = r#"<td translate="no">operator</td><td>佐藤 <span translate="no">op<b>x</b></span>太郎</td>"#;
        assert_eq!(visible_text(html), vec!["佐藤", "太郎"]);
    }
}

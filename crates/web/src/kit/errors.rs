//! The English path, in one place: the Japanese of a message that comes as English text only —
//! the web's own form readers (`forms::number`, `Check`, …) and the few refusals of the domain and
//! the service not yet given a `Why` (`kit::invalid_texts` lists them; the list may only shrink).
//! Every other refusal carries its Japanese (`secretome_domain::Why`, rendered by `kit::say`).
//! No other module looks a translation up by English text (`messages::no_edge_matches_on_error_text`).

use crate::i18n::Lang;

/// (part of the English message, catalogue key of its Japanese), first match wins: the messages
/// of the form readers and of the sites `invalid_texts` lists, nothing else.
pub const ERRORS: &[(&str, &str)] = &[
    ("takes a number", "mf.err.number"),
    ("enter a value or an outcome", "mf.err.empty"),
    ("give the reason", "mf.err.reason"),
    ("must not be empty", "mf.err.empty"),
    ("enter a number", "mf.err.number"),
    ("enter a whole number", "mf.err.integer"),
    ("enter a date and time", "mf.err.time"),
    ("must not be negative", "mf.err.negative"),
    ("not found", "mf.err.not_found"),
    ("already exists", "mf.err.exists"),
    ("choose", "mf.err.choose"),
    ("unknown", "mf.err.choose"),
    ("must be between", "mf.err.range"),
    ("must be at least", "mf.err.range"),
    ("must be at most", "mf.err.range"),
    ("expected 6 columns", "err.spec_columns"),
    ("write report, = outcome", "err.spec_criterion"),
    ("enter at least one test", "err.spec_test"),
    ("must be a finite number", "err.finite"),
    ("is outside the", "err.outside_box"),
    ("needs at least one role", "err.one_role"),
    ("your own admin role", "err.own_admin"),
    ("the roles are unchanged", "err.roles_unchanged"),
    ("must not be only digits", "err.only_digits"),
    ("must not be the user name", "err.user_name"),
    ("no rows", "err.no_rows"),
    ("enter a value", "err.enter_value"),
    ("is missing", "err.missing"),
    ("is not a date (YYYY-MM-DD)", "err.date"),
    ("cannot be printed", "err.print_temp"),
    ("out of range", "mf.err.range"),
    ("is not a number", "mf.err.number"),
    ("outside the supported time range", "mf.err.range"),
];

/// An English message of the not yet migrated path (`Why::English`, the form readers' own
/// messages) in Japanese when the table knows it: the Japanese text, then in parentheses the
/// values the English carried (numbers, ids) that the Japanese does not already say. English
/// stays whole.
pub fn localise(lang: Lang, message: &str) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    match ERRORS
        .iter()
        .find(|(prefix, _)| message.starts_with(prefix) || message.contains(prefix))
    {
        Some((_, key)) => with_values(lang.t(key), message),
        None => message.to_string(),
    }
}

/// The Japanese `ja` of an English `message`, followed in parentheses by the values the English
/// carried that `ja` does not already say.
pub fn with_values(ja: &str, message: &str) -> String {
    let values: Vec<String> = values_of(message)
        .into_iter()
        .filter(|v| !ja.contains(v.as_str()))
        .collect();
    if values.is_empty() {
        ja.to_string()
    } else {
        format!("{ja} ({})", values.join(", "))
    }
}

/// The values an English message carries, in order and once each: words holding a digit
/// (`L-2026-001`, `2000`, `-3.5`), identifiers in capitals with a hyphen (`RM-WEB-DMEM`) and codes
/// in snake case (`volume_ml`).
fn values_of(message: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in message.split_whitespace() {
        let w = word
            .trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '"' | '\'' | '`'))
            .trim_end_matches('.');
        let digit = w.chars().any(|c| c.is_ascii_digit());
        let id = w.len() >= 3
            && w.contains('-')
            && w.chars().any(|c| c.is_ascii_uppercase())
            && w.chars().all(|c| {
                c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | '/')
            });
        // A parameter or field code (`volume_ml`, `seeding_density`): what the reader typed or
        // must supply, never a word of the sentence.
        let code = w.contains('_')
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if (digit || id || code) && !out.iter().any(|v| v == w) {
            out.push(w.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::words::english_runs;

    /// A Japanese reader sees the Japanese text and the values, no English; English stays whole.
    #[test]
    fn a_field_message_in_japanese_keeps_its_values_and_no_english() {
        let m = "not found: L-2026-001";
        let ja = localise(Lang::Ja, m);
        assert!(
            ja.starts_with("見つかりません") && ja.contains("L-2026-001"),
            "{ja}"
        );
        assert!(english_runs(&ja).is_empty(), "{ja}");
        assert_eq!(localise(Lang::En, m), m);
        let ja = localise(Lang::Ja, "already exists: RM-WEB-DMEM");
        assert!(ja.contains("RM-WEB-DMEM") && !ja.contains("exists"), "{ja}");
        // A value the Japanese already says is not repeated.
        assert_eq!(
            with_values("100 % 以下で入力してください", "must be at most 100 %"),
            "100 % 以下で入力してください"
        );
    }

    #[test]
    fn every_error_pattern_has_its_text() {
        for (_, key) in ERRORS {
            assert_ne!(Lang::Ja.t(key), "??", "{key}");
        }
    }

    /// Templates pass catalogue keys to macros as plain strings (`"mf.col.donor"`): each must exist.
    #[test]
    fn every_key_the_manufacturing_templates_name_is_in_the_catalogue() {
        let dir = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates/manufacture"
        ));
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap();
            for (at, _) in text.match_indices("\"mf.") {
                if text[..at].ends_with("tk(") {
                    continue; // a prefix for c.tk(prefix, key)
                }
                let key = text[at + 1..].split('"').next().unwrap();
                assert_ne!(Lang::Ja.t(key), "??", "{}: key {key} missing", p.display());
            }
        }
    }
}

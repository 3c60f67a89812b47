//! Japanese for the domain's common input errors: the domain and the form readers speak English;
//! a page in Japanese shows the Japanese text with the original (which carries the values).

/// (part of the English message, catalogue key of its Japanese), first match wins.
pub const ERRORS: &[(&str, &str)] = &[
    ("must not be in the future", "mf.err.future"),
    ("before the stated", "mf.err.harvest_early"),
    ("later than the stated", "mf.err.harvest_late"),
    ("cannot be before seeding", "mf.err.before_seeding"),
    ("cannot be before", "mf.err.before"),
    ("cannot be negative", "mf.err.negative"),
    ("is not a result of this test", "mf.err.vocabulary"),
    ("takes a number", "mf.err.number"),
    ("must be at most 2000 characters", "mf.err.too_long"),
    ("enter a result", "mf.err.empty"),
    ("enter a value or an outcome", "mf.err.empty"),
    ("give the reason", "mf.err.reason"),
    ("must not be empty", "mf.err.empty"),
    ("enter a number", "mf.err.number"),
    ("enter a whole number", "mf.err.integer"),
    ("enter a date and time", "mf.err.time"),
    ("not an RFC 3339 time", "mf.err.time"),
    ("must be greater than 0", "mf.err.positive"),
    ("must not be negative", "mf.err.negative"),
    ("must be at most 100 %", "mf.err.percent"),
    ("is not allowed (use letters", "mf.err.chars"),
    ("must be at most 64 characters", "mf.err.too_long"),
    ("must be at most 500 characters", "mf.err.too_long"),
    ("not found", "mf.err.not_found"),
    ("already exists", "mf.err.exists"),
    ("choose", "mf.err.choose"),
    ("unknown", "mf.err.choose"),
    ("cannot be before", "mf.err.before_seeding"),
    (
        "consent cannot be dated in the future",
        "mf.err.future_consent",
    ),
    ("must be after receipt", "mf.err.after_receipt"),
    ("must be after filling", "mf.err.after_filling"),
    ("incomplete screen", "mf.err.incomplete"),
    ("expected g or mL", "mf.err.unit"),
    ("must be between", "mf.err.range"),
    ("must be at least", "mf.err.range"),
    ("must be at most", "mf.err.range"),
    ("must be above the master bank", "mf.err.master_passage"),
    ("cannot be below the master bank", "mf.err.master_passage"),
    ("mL left", "mf.err.left"),
    ("exceeds the lot", "mf.err.exceeds"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

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

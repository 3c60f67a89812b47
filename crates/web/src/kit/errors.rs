//! The English path, in one place: the Japanese of a message that comes as English text only —
//! the web's own form readers (`forms::number`, `Check`, …) and the few refusals of the domain and
//! the service not yet given a `Why` (`kit::invalid_texts` lists them; the list may only shrink).
//! Every other refusal carries its Japanese (`secretome_domain::Why`, rendered by `kit::say`).
//! No other module looks a translation up by English text (`messages::no_edge_matches_on_error_text`).

use crate::i18n::Lang;

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
    // The rest of the domain's and the service's field messages (issue 17 item 1), after the
    // patterns above so that none of those changes; their Japanese is `super::field_text::TEXT`.
    ("the password is not correct", "err.password"),
    // The specification form's lines (quality/specs.rs).
    ("expected 6 columns", "err.spec_columns"),
    ("write report, = outcome", "err.spec_criterion"),
    ("enter at least one test", "err.spec_test"),
    ("enter your password", "err.password_needed"),
    ("a recall is signed on the recall form", "err.recall_form"),
    ("not a lot decision", "err.not_decision"),
    ("must be a finite number", "err.finite"),
    ("must be a storage temperature", "err.storage_temp"),
    ("rows are lettered", "err.rows"),
    ("must be 1–99", "err.one_to_99"),
    ("warmer than", "err.warmer"),
    ("is not in freezer", "err.not_in_freezer"),
    ("is outside the", "err.outside_box"),
    ("record it with a deviation reason", "err.deviation_reason"),
    ("a recall is opened on", "err.recall_target"),
    (
        "is not a lot, raw-material lot or donor",
        "err.recall_target",
    ),
    ("needs at least one role", "err.one_role"),
    ("your own admin role", "err.own_admin"),
    ("the roles are unchanged", "err.roles_unchanged"),
    ("must not be only digits", "err.only_digits"),
    ("must not be the user name", "err.user_name"),
    ("a lot needs at least one harvest", "err.one_harvest"),
    ("is listed twice", "err.twice"),
    ("appears twice", "err.twice"),
    ("only sample wells can be adopted", "err.sample_wells"),
    ("has no reportable value", "err.no_reportable"),
    ("is chosen for two samples", "err.two_samples"),
    ("the export carries no layout", "err.no_layout"),
    ("has no sample", "err.no_sample"),
    ("is not in the lot's specification", "err.not_in_spec"),
    ("does not take a number", "err.not_numeric"),
    ("already has a result: record a retest", "err.has_result"),
    ("were already accepted as run", "err.run_accepted"),
    ("the file is larger than", "err.file_large"),
    ("is not a test of lot", "err.not_lot_test"),
    ("a range needs a minimum", "err.range_needs"),
    ("must not exceed the maximum", "err.min_max"),
    ("this test needs a numeric value", "err.needs_number"),
    ("this test needs a text outcome", "err.needs_outcome"),
    ("must be 1 or more", "err.one_or_more"),
    ("a specification needs at least one test", "err.spec_test"),
    ("is effective only from a later time", "err.later"),
    ("must be a letter and four digits", "err.product_code"),
    ("is reported in", "err.unit_mismatch"),
    ("has no test", "err.no_test"),
    ("a colony count is a whole number", "err.colonies"),
    ("the header must be", "err.header"),
    ("no rows", "err.no_rows"),
    ("a sterilising filter is rated", "err.pore"),
    ("sterilising grade by its maker", "err.grade"),
    ("must be after the lot was pooled", "err.after_pool"),
    ("the filtration (", "err.integrity_time"),
    ("only a freezer links to one", "err.freezer_link"),
    ("must be after trained_at", "err.after_trained"),
    ("qualification expires", "err.expires"),
    ("nobody assesses themselves", "err.self_assess"),
    ("must not exceed units_filled", "err.units"),
    ("must not be in the past", "err.past"),
    ("must be below the action limit", "err.below_action"),
    ("must be one of A, B, C, D", "err.grade_letter"),
    ("a room stands in no other room", "err.room_parent"),
    ("must name the room it stands in", "err.room_needed"),
    ("not a room", "err.not_room"),
    ("is a grade A zone", "err.grade_a"),
    ("and outcome \"fatal\" go together", "err.fatal"),
    ("was given to another patient", "err.other_patient"),
    ("give the date of the report", "err.report_date"),
    ("ASIA grade must be", "err.asia"),
    ("takes whole values only", "err.whole"),
    ("is not an option for", "err.ctcae_grade"),
    ("is above the maximum of", "err.max_dose"),
    ("it had to be given by", "err.thawed_late"),
    ("was thawed: it cannot be returned", "err.thawed_return"),
    ("only an unopened vial can be returned", "err.unopened"),
    (
        "within its storage temperature can be returned",
        "err.in_temp",
    ),
    ("characters A–Z, 0–9 and -", "err.doc_code"),
    ("a master batch record names its product", "err.mbr_product"),
    (
        "a master batch record names its cell source",
        "err.mbr_source",
    ),
    ("a master batch record needs its steps", "err.mbr_steps"),
    ("an SOP carries no steps", "err.sop_steps"),
    ("is not a master batch record", "err.not_mbr"),
    ("was not in force at", "err.not_in_force"),
    ("is executed by", "err.executed_by"),
    ("is not a step of this master", "err.not_step"),
    ("not a parameter of step", "err.not_param"),
    ("enter a value", "err.enter_value"),
    ("the master refuses it", "err.outside_limit"),
    ("cannot verify it: a second", "err.second_person"),
    (
        "so no second person verifies it",
        "err.observation_verified",
    ),
    ("characters A–Z, a–z, 0–9, - and _", "err.step_code"),
    ("limits must be finite numbers", "err.finite"),
    ("is above high limit", "err.low_high"),
    ("is outside its limits", "err.target"),
    ("must be a number", "err.finite"),
    ("a master needs at least one step", "err.mbr_steps"),
    ("stages go tissue", "err.stage_order"),
    ("A, B, C or D", "err.grade_letter"),
    (
        "only the first step can be the seeding",
        "err.seeding_first",
    ),
    ("is already at", "err.already_at"),
    ("is not registered", "err.not_registered"),
    ("-day shelf life", "err.shelf_life"),
    ("does not hold role", "err.token_role"),
    ("is missing", "err.missing"),
    ("no dose ", "err.no_dose"),
    ("is not a date (YYYY-MM-DD)", "err.date"),
    ("is not a lot state", "err.state"),
    ("is not a vial state", "err.state"),
    ("is not a vial id", "err.vial_id"),
    ("scan at least one vial", "err.scan_one"),
    ("exists already", "mf.err.exists"),
    ("cannot be printed", "err.print_temp"),
    ("is not a physician", "err.physician"),
    ("a media fill simulates a grade A process", "err.media_fill"),
    ("no product ", "err.no_product"),
    ("out of the calendar's range", "mf.err.range"),
    ("out of range", "mf.err.range"),
    ("printable ASCII characters", "err.key"),
    ("already used for a different request", "err.key_used"),
    ("shelf life", "err.shelf_life"),
    ("is not a number", "mf.err.number"),
    (": line ", "err.file_line"),
    ("must be within", "mf.err.range"),
    ("outside the supported time range", "mf.err.range"),
    ("has no finite storage temperature", "err.no_storage"),
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
            localise(Lang::Ja, "must be at most 100 %"),
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

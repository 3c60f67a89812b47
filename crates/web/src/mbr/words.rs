//! How the master batch record pages name what a master holds as free text and what the system
//! wrote in both languages: a step's material types (`medium`) and equipment kind (`bsc`) are
//! shown by their catalogue names where the catalogue knows them (`mbr.material.*`,
//! `mbr.equipment.*`), else as written; descriptions the system records as `English / 日本語`
//! (a step deviation's) are shown in the page's language.

use crate::ctx::PageCtx;
use crate::i18n::Lang;
use secretome_domain::mbr::StepDeviation;
use secretome_service::mbr::ExecutionView;

/// `code` as the page's language names it under `prefix` (`mbr.material`, `mbr.equipment`), or
/// the text itself when the catalogue does not name it (a master may name anything).
pub fn thing(c: &PageCtx, prefix: &str, code: &str) -> String {
    c.lang
        .get(&format!("{prefix}.{}", code.trim()))
        .map(str::to_string)
        .unwrap_or_else(|| code.to_string())
}

/// Whether `s` holds Japanese script.
fn has_japanese(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
    })
}

/// A text the system wrote as `English / 日本語`: the page's half (the English half first, the
/// Japanese after the last ` / ` whose rest is Japanese); any other text as it is.
pub fn half(c: &PageCtx, s: &str) -> String {
    half_in(c.lang, s)
}

fn half_in(lang: Lang, s: &str) -> String {
    let Some(at) = s.rfind(" / ") else {
        return s.to_string();
    };
    let (en, ja) = (&s[..at], &s[at + 3..]);
    if !has_japanese(ja) || has_japanese(en) {
        return s.to_string();
    }
    match lang {
        Lang::Ja => ja.trim().to_string(),
        Lang::En => en.trim().to_string(),
    }
}

/// A step deviation as the page's language describes it. The record keeps the text written when
/// it was opened (English, with a Japanese summary); a Japanese page says it again from what the
/// deviation names — the step by its Japanese name, the parameter, the value entered and its
/// limit — or, for a skipped or raised one, from the Japanese half or the text after the step.
pub fn deviation(c: &PageCtx, x: &ExecutionView, d: &StepDeviation) -> String {
    if c.lang == Lang::En {
        return d.description.clone();
    }
    let step = x
        .version
        .master
        .as_ref()
        .and_then(|m| m.steps.iter().find(|s| s.code == d.step));
    let Some(step) = step else {
        return half_in(Lang::Ja, &d.description);
    };
    let head = format!("工程 {} ({})", step.code, step.name_ja);
    if let Some(p) = &d.parameter {
        let name = step
            .parameters
            .iter()
            .find(|q| &q.code == p)
            .map_or(p.as_str(), |q| q.name_ja.as_str());
        let entered = x
            .records
            .iter()
            .find(|r| r.step == d.step)
            .and_then(|r| r.entered.iter().find(|v| &v.parameter == p));
        return match entered {
            Some(v) => format!(
                "{head}: {name} = {} {} が許容範囲 ({}) の外",
                v.value, v.unit, v.limit
            ),
            None => format!("{head}: {name} が許容範囲の外"),
        };
    }
    let ja = half_in(Lang::Ja, &d.description);
    if ja != d.description {
        return format!("{head}: {ja}");
    }
    let prefix = format!("step {} ({}): ", step.code, step.name);
    match d.description.strip_prefix(&prefix) {
        Some(rest) => format!("{head}: {rest}"),
        None => d.description.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_language_text_shows_the_page_language() {
        let s = "step CUL-THAW (Thaw and seed) skipped / 工程省略: 培地不足";
        assert_eq!(half_in(Lang::Ja, s), "工程省略: 培地不足");
        assert_eq!(
            half_in(Lang::En, s),
            "step CUL-THAW (Thaw and seed) skipped"
        );
        // A person's text with a slash stays whole.
        assert_eq!(half_in(Lang::Ja, "A / B"), "A / B");
        assert_eq!(half_in(Lang::Ja, "培地 / 試薬"), "培地 / 試薬");
    }
}

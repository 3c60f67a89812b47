//! Japanese names of the CTCAE v5.0 terms a cell-therapy clinic most often records (after the
//! JCOG Japanese translation, 有害事象共通用語規準 v5.0 日本語訳), by MedDRA LLT code. The record keeps
//! the English term of the standard; a Japanese page shows the Japanese name where this table has
//! one, else the term as the standard writes it.

use crate::ctx::PageCtx;
use crate::i18n::Lang;
use secretome_domain::clinical::ctcae;

/// (MedDRA LLT code, 日本語)
const NAMES: &[(&str, &str)] = &[
    ("10002272", "貧血"),
    ("10033557", "動悸"),
    ("10040752", "洞性頻脈"),
    ("10010774", "便秘"),
    ("10012727", "下痢"),
    ("10028813", "悪心"),
    ("10047700", "嘔吐"),
    ("10008531", "悪寒"),
    ("10050068", "四肢浮腫"),
    ("10016256", "疲労"),
    ("10016558", "発熱"),
    ("10016791", "インフルエンザ様症状"),
    ("10022095", "注射部位反応"),
    ("10062466", "限局性浮腫"),
    ("10033371", "疼痛"),
    ("10001718", "アレルギー反応"),
    ("10002218", "アナフィラキシー"),
    ("10040872", "皮膚感染"),
    ("10048038", "創傷感染"),
    ("10006504", "皮下出血"),
    ("10051792", "注入に伴う反応"),
    ("10002646", "食欲不振"),
    ("10003239", "関節痛"),
    ("10003246", "関節炎"),
    ("10003988", "背部痛"),
    ("10023215", "関節液貯留"),
    ("10065776", "下肢筋力低下"),
    ("10028411", "筋肉痛"),
    ("10013573", "浮動性めまい"),
    ("10013911", "味覚異常"),
    ("10019211", "頭痛"),
    ("10029223", "神経痛"),
    ("10033987", "錯感覚"),
    ("10039906", "痙攣発作"),
    ("10041349", "傾眠"),
    ("10042244", "脳卒中"),
    ("10042772", "失神"),
    ("10022437", "不眠症"),
    ("10011224", "咳嗽"),
    ("10013963", "呼吸困難"),
    ("10015090", "鼻出血"),
    ("10001760", "脱毛症"),
    ("10015218", "多形紅斑"),
    ("10037087", "そう痒症"),
    ("10037868", "斑状丘疹状皮疹"),
    ("10040865", "皮膚色素過剰"),
    ("10046735", "蕁麻疹"),
    ("10019428", "血腫"),
    ("10020407", "ほてり"),
    ("10020772", "高血圧"),
    ("10021097", "低血圧"),
];

/// The Japanese name of the term with MedDRA code `code`, if this table has one.
pub fn name_ja(code: &str) -> Option<&'static str> {
    NAMES.iter().find(|(c, _)| *c == code).map(|(_, ja)| *ja)
}

/// An adverse event's recorded term as the page's language names it.
pub fn term(c: &PageCtx, term: &str) -> String {
    if c.lang == Lang::Ja
        && let Some(ja) = ctcae::lookup(term).and_then(|t| name_ja(&t.meddra_code))
    {
        return ja.to_string();
    }
    term.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code of the table is a CTCAE v5.0 term (a mistyped code would never be shown).
    #[test]
    fn every_code_names_a_ctcae_term() {
        for (code, ja) in NAMES {
            assert!(
                ctcae::lookup(code).is_some(),
                "{code} ({ja}) is not a CTCAE term"
            );
        }
        assert_eq!(
            ctcae::lookup("Headache").and_then(|t| name_ja(&t.meddra_code)),
            Some("頭痛")
        );
    }
}

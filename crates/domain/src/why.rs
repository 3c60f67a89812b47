//! Why one input value was refused, in a form both languages are rendered from (issue 13 item 3):
//! a coded kind with its data for the frequent refusals (empty, not a number, out of range, too
//! long, not one of the choices, a time in the future, …), a place in a file as data (file, line,
//! column), the refusals of several fields as a list, and for a one-off rule its text in English
//! and Japanese written at the refusal site (`Why::said`, as `ReleaseBlocker` and the master's
//! exceptions do). `Display` is the English, `ja()` the Japanese: this file is the one message
//! table of the coded kinds, and no edge reads the English to find the Japanese. There is no
//! English-only kind: every refusal is built with both languages.

use std::fmt;

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Nothing entered.
    Empty,
    /// Nothing chosen.
    Choose,
    /// A change that must say why, without its reason.
    Reason,
    /// Not one of the choices: what was given and what may be.
    OneOf { given: String, choices: Vec<String> },
    /// Not a number (as typed in a form).
    Number,
    /// Not a whole number.
    Whole,
    /// Not a date and time.
    Time,
    /// Not a finite number.
    Finite,
    /// Below zero.
    Negative,
    /// Zero or below.
    Positive,
    /// Below the least allowed (the bound as written).
    AtLeast(String),
    /// Above the most allowed (the bound as written).
    AtMost(String),
    /// Outside `min`..=`max` (the bounds as written).
    Between(String, String),
    /// Longer than `max` characters.
    TooLong(usize),
    /// An event time after the moment of entry.
    Future,
    /// A referenced record that does not exist.
    NotFound(String),
    /// An identifier already taken.
    Exists(String),
    /// A problem at a place in a file: line, and the column with its name when known.
    Line {
        line: u64,
        column: Option<(u64, String)>,
        why: Box<Why>,
    },
    /// Several problems of one value (a file's lines, a scan's vials), each said in turn.
    All(Vec<Why>),
    /// A file's problems (`file` names it).
    File { file: String, problems: Vec<Why> },
    /// Every problem of one input at once, each under its field (`a: …; b: …`).
    Fields(Vec<(String, Why)>),
    /// A one-off rule's text, written in both languages where it is refused.
    Said { en: String, ja: String },
}

impl Why {
    /// A one-off rule's refusal in both languages.
    pub fn said(en: impl Into<String>, ja: impl Into<String>) -> Why {
        Why::Said {
            en: en.into(),
            ja: ja.into(),
        }
    }
    /// The problem `why` at `line` of a file.
    pub fn line(line: u64, why: Why) -> Why {
        Why::Line {
            line,
            column: None,
            why: Box::new(why),
        }
    }
    /// The problem `why` at `line`, column `column` named `name`.
    pub fn cell(line: u64, column: u64, name: &str, why: Why) -> Why {
        Why::Line {
            line,
            column: Some((column, name.to_string())),
            why: Box::new(why),
        }
    }
    /// The stable code of the kind (`said` for a text written in both languages).
    pub fn code(&self) -> &'static str {
        match self {
            Why::Empty => "empty",
            Why::Choose => "choose",
            Why::Reason => "reason",
            Why::OneOf { .. } => "one_of",
            Why::Number => "number",
            Why::Whole => "whole",
            Why::Time => "time",
            Why::Finite => "finite",
            Why::Negative => "negative",
            Why::Positive => "positive",
            Why::AtLeast(_) => "at_least",
            Why::AtMost(_) => "at_most",
            Why::Between(..) => "between",
            Why::TooLong(_) => "too_long",
            Why::Future => "future",
            Why::NotFound(_) => "not_found",
            Why::Exists(_) => "exists",
            Why::Line { .. } => "line",
            Why::All(_) => "all",
            Why::File { .. } => "file",
            Why::Fields(_) => "fields",
            Why::Said { .. } => "said",
        }
    }
    /// The English (the same as `Display`).
    pub fn en(&self) -> String {
        self.to_string()
    }
    /// The Japanese.
    pub fn ja(&self) -> String {
        match self {
            Why::Empty => "入力してください".into(),
            Why::Choose => "選択してください".into(),
            Why::Reason => "理由を記入してください".into(),
            Why::OneOf { given, choices } => {
                format!("{given} は選択肢にありません ({})", choices.join(", "))
            }
            Why::Number => "数値を入力してください".into(),
            Why::Whole => "整数を入力してください".into(),
            Why::Time => "日時を入力してください".into(),
            Why::Finite => "数値を入力してください".into(),
            Why::Negative => "負の値は入力できません".into(),
            Why::Positive => "0 より大きい値を入力してください".into(),
            Why::AtLeast(min) => format!("{min} 以上で入力してください (範囲外の値です)"),
            Why::AtMost(max) => format!("{max} 以下で入力してください"),
            Why::Between(min, max) => format!("{min}〜{max} の範囲で入力してください"),
            Why::TooLong(max) => format!("長すぎます ({max} 文字まで)"),
            Why::Future => "未来の日時は記録できません (入力時刻から 5 分まで)".into(),
            Why::NotFound(id) => format!("見つかりません ({id})"),
            Why::Exists(id) => format!("この番号は既に使われています ({id})"),
            Why::Line { line, column, why } => {
                let why = why.ja();
                match column {
                    Some((c, name)) => format!("{line} 行目 {c} 列 ({name}): {why}"),
                    None => format!("{line} 行目: {why}"),
                }
            }
            Why::All(problems) => problems.iter().map(Why::ja).collect::<Vec<_>>().join("; "),
            Why::File { file, problems } => format!(
                "{file}: {}",
                problems.iter().map(Why::ja).collect::<Vec<_>>().join("; ")
            ),
            Why::Fields(all) => all
                .iter()
                .map(|(f, w)| format!("{f}: {}", w.ja()))
                .collect::<Vec<_>>()
                .join("; "),
            Why::Said { ja, .. } => ja.clone(),
        }
    }
    /// The refusals of several fields (`Fields`) one by one; any other as the one of `field`.
    pub fn per_field(&self, field: &str) -> Vec<(String, Why)> {
        match self {
            Why::Fields(all) => all.clone(),
            other => vec![(field.to_string(), other.clone())],
        }
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::Empty => f.write_str("must not be empty"),
            Why::Choose => f.write_str("choose one"),
            Why::Reason => f.write_str("give the reason"),
            Why::OneOf { given, choices } => {
                write!(f, "{given:?} is not one of {}", choices.join(", "))
            }
            Why::Number => f.write_str("enter a number"),
            Why::Whole => f.write_str("enter a whole number"),
            Why::Time => f.write_str("enter a date and time"),
            Why::Finite => f.write_str("must be a finite number"),
            Why::Negative => f.write_str("must not be negative"),
            Why::Positive => f.write_str("must be greater than 0"),
            Why::AtLeast(min) => write!(f, "must be at least {min}"),
            Why::AtMost(max) => write!(f, "must be at most {max}"),
            Why::Between(min, max) => write!(f, "must be between {min} and {max}"),
            Why::TooLong(max) => write!(f, "must be at most {max} characters"),
            Why::Future => f.write_str("must not be in the future"),
            Why::NotFound(id) => write!(f, "not found: {id}"),
            Why::Exists(id) => write!(f, "already exists: {id}"),
            Why::Line { line, column, why } => match column {
                Some((c, name)) => write!(f, "line {line}, column {c} ({name}): {why}"),
                None => write!(f, "line {line}: {why}"),
            },
            Why::All(problems) => join(f, problems.iter().map(|p| p.to_string())),
            Why::File { file, problems } => {
                write!(f, "{file}: ")?;
                join(f, problems.iter().map(|p| p.to_string()))
            }
            Why::Fields(all) => join(f, all.iter().map(|(k, w)| format!("{k}: {w}"))),
            Why::Said { en, .. } => f.write_str(en),
        }
    }
}

fn join(f: &mut fmt::Formatter<'_>, parts: impl Iterator<Item = String>) -> fmt::Result {
    f.write_str(&parts.collect::<Vec<_>>().join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coded_refusal_speaks_both_languages_from_its_data() {
        assert_eq!(
            Why::TooLong(2000).to_string(),
            "must be at most 2000 characters"
        );
        assert_eq!(Why::TooLong(2000).ja(), "長すぎます (2000 文字まで)");
        let w = Why::cell(3, 1, "time", Why::NotFound("L-1".into()));
        assert_eq!(w.to_string(), "line 3, column 1 (time): not found: L-1");
        assert_eq!(w.ja(), "3 行目 1 列 (time): 見つかりません (L-1)");
        let f = Why::File {
            file: "a.csv".into(),
            problems: vec![w, Why::line(4, Why::Number)],
        };
        assert!(f.to_string().ends_with("; line 4: enter a number"), "{f}");
        assert!(f.ja().ends_with("; 4 行目: 数値を入力してください"));
        let s = Why::said("too warm", "暖かすぎます");
        assert_eq!((s.en(), s.ja()), ("too warm".into(), "暖かすぎます".into()));
    }
}

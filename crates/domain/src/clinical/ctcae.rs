//! The CTCAE v5.0 term list (NCI, 2017): 837 terms, each with its MedDRA LLT code, system organ
//! class and the grades it allows (an empty grade description is "not an option" for that term —
//! 343 terms have no grade 5). The list is compiled in from `data/ctcae/ctcae_v5.0.tsv` (provenance
//! in `data/ctcae/README.md`); adverse events name their term from it, and the grade must be one the
//! term allows. Search finds a term by English words (every word must occur) or its MedDRA code.

use crate::DomainError;
use std::sync::OnceLock;

const TSV: &str = include_str!("../../data/ctcae/ctcae_v5.0.tsv");

/// The version the terms and grades come from.
pub const VERSION: &str = "5.0";

/// One CTCAE term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// MedDRA Lowest Level Term code, e.g. `10019211` for Headache.
    pub meddra_code: String,
    /// MedDRA system organ class.
    pub soc: String,
    pub term: String,
    /// The description of grades 1–5; `None` where the grade is not an option for this term.
    pub grades: [Option<String>; 5],
    pub definition: String,
}

impl Term {
    /// The grades this term allows, ascending.
    pub fn allowed_grades(&self) -> Vec<i64> {
        (1..=5).filter(|g| self.allows(*g)).collect()
    }
    pub fn allows(&self, grade: i64) -> bool {
        (1..=5).contains(&grade) && self.grades[(grade - 1) as usize].is_some()
    }
    /// The description of `grade` for this term, if it is an option.
    pub fn grade_text(&self, grade: i64) -> Option<&str> {
        if !(1..=5).contains(&grade) {
            return None;
        }
        self.grades[(grade - 1) as usize].as_deref()
    }
}

/// Every term, in the list's order (by system organ class, then term).
pub fn terms() -> &'static [Term] {
    static TERMS: OnceLock<Vec<Term>> = OnceLock::new();
    TERMS.get_or_init(|| {
        TSV.lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let c: Vec<&str> = line.split('\t').collect();
                let cell = |i: usize| c.get(i).map_or("", |s| s.trim());
                let grade = |i: usize| Some(cell(i).to_string()).filter(|s| !s.is_empty());
                Term {
                    meddra_code: cell(0).to_string(),
                    soc: cell(1).to_string(),
                    term: cell(2).to_string(),
                    grades: [grade(3), grade(4), grade(5), grade(6), grade(7)],
                    definition: cell(8).to_string(),
                }
            })
            .collect()
    })
}

/// The term named exactly (case and surrounding spaces ignored) or by its MedDRA code.
pub fn lookup(term_or_code: &str) -> Option<&'static Term> {
    let q = term_or_code.trim();
    terms()
        .iter()
        .find(|t| t.meddra_code == q || t.term.eq_ignore_ascii_case(q))
}

/// The term to record: found by name or code, else refused naming the field `term`.
pub fn term(term_or_code: &str) -> Result<&'static Term, DomainError> {
    lookup(term_or_code).ok_or_else(|| {
        DomainError::invalid(
            "term",
            crate::Why::said(
                format!(
                    "{:?} is not a CTCAE v{VERSION} term or MedDRA code (choose one from the list)",
                    term_or_code.trim()
                ),
                format!(
                    "CTCAE v{VERSION} の用語ではありません ({:?}): 一覧から選んでください",
                    term_or_code.trim()
                ),
            ),
        )
    })
}

/// `grade` must be an option for `term`; the error names the field `grade` and the allowed grades.
pub fn check_grade(term: &Term, grade: i64) -> Result<(), DomainError> {
    if term.allows(grade) {
        return Ok(());
    }
    Err(DomainError::invalid(
        "grade",
        crate::Why::said(
            format!(
                "grade {grade} is not an option for \"{}\" in CTCAE v{VERSION} (allowed: {})",
                term.term,
                term.allowed_grades()
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!(
                "この用語では選べないグレードです (グレード {grade}; 選べるのは {})",
                term.allowed_grades()
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    ))
}

/// Up to `limit` terms matching `query`: an exact MedDRA code first, then terms containing every
/// word of the query (case-insensitive), exact and prefix matches of the term ahead of the rest.
pub fn search(query: &str, limit: usize) -> Vec<&'static Term> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let words: Vec<&str> = q.split_whitespace().collect();
    let mut hits: Vec<(u8, &'static Term)> = terms()
        .iter()
        .filter_map(|t| {
            if t.meddra_code == q || (q.len() >= 4 && t.meddra_code.starts_with(&q)) {
                return Some((0, t));
            }
            let name = t.term.to_lowercase();
            if !words.iter().all(|w| name.contains(w)) {
                return None;
            }
            let rank = if name == q {
                1
            } else if name.starts_with(&q) {
                2
            } else {
                3
            };
            Some((rank, t))
        })
        .collect();
    hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.term.cmp(&b.1.term)));
    hits.into_iter().take(limit).map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_list_is_read_with_its_allowed_grades() {
        assert_eq!(terms().len(), 837);
        let no_grade_5 = terms().iter().filter(|t| !t.allows(5)).count();
        assert_eq!(no_grade_5, 343, "as NCI's sheet says");
        let headache = lookup("headache").unwrap();
        assert_eq!(headache.meddra_code, "10019211");
        assert_eq!(headache.allowed_grades(), vec![1, 2, 3]);
        let dic = lookup("10013442").unwrap();
        assert_eq!(dic.term, "Disseminated intravascular coagulation");
        assert_eq!(dic.allowed_grades(), vec![2, 3, 4, 5], "no grade 1");
    }

    #[test]
    fn a_grade_not_allowed_for_the_term_is_refused_naming_the_grade() {
        let h = term("Headache").unwrap();
        assert!(check_grade(h, 3).is_ok());
        let e = check_grade(h, 5).unwrap_err();
        assert!(
            matches!(&e, DomainError::Invalid { field, message } if field == "grade" && message.to_string().contains("allowed: 1, 2, 3")),
            "{e}"
        );
        assert!(check_grade(h, 0).is_err() && check_grade(h, 6).is_err());
        assert!(term("Scalp erythema").is_err());
    }

    #[test]
    fn search_by_words_or_meddra_code() {
        let names = |q: &str| {
            search(q, 5)
                .iter()
                .map(|t| t.term.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names("10019211"), vec!["Headache"]);
        assert_eq!(names("fever")[0], "Fever");
        let site = names("injection site");
        assert!(
            site.contains(&"Injection site reaction".to_string()),
            "{site:?}"
        );
        assert!(names("wound infection").contains(&"Wound infection".to_string()));
        assert!(search("  ", 5).is_empty());
        assert!(search("no such thing at all", 5).is_empty());
    }
}

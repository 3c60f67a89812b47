//! Why a form or API call was refused (`Refusal`: fields that could not be read, or the service's
//! refusal), its errors next to their field in the viewer's language, and the shared translations
//! of the domain's English messages and of scan errors.

use crate::{AppError, forms::FieldErrors, i18n::Lang};
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::DomainError;
use secretome_service::{ServiceError, scan::ScanError};

/// Why a form or API call was refused.
#[derive(Debug)]
pub enum Refusal {
    /// Input that could not be read (422), or a refusal placed next to the field it concerns.
    Fields(FieldErrors, StatusCode),
    Service(ServiceError),
}

impl From<FieldErrors> for Refusal {
    /// Input that could not be read: 422.
    fn from(e: FieldErrors) -> Self {
        Refusal::bad(e)
    }
}

impl From<ServiceError> for Refusal {
    fn from(e: ServiceError) -> Self {
        Refusal::Service(e)
    }
}

impl Refusal {
    /// Bad input (422).
    pub fn bad(errors: FieldErrors) -> Refusal {
        Refusal::Fields(errors, StatusCode::UNPROCESSABLE_ENTITY)
    }
    /// A service refusal; a referenced record that does not exist is bad input in the field that
    /// named it (422), an identifier already taken is shown next to its field (409).
    pub fn service(e: ServiceError, refs: &[(&str, &str)]) -> Refusal {
        use secretome_service::StoreError;
        // The typed id of a missing or duplicate record, matched against the values the form gave.
        let (id, duplicate) = match &e {
            ServiceError::NotFound { id, .. }
            | ServiceError::Store(StoreError::NotFound { id, .. }) => (id.as_str(), false),
            ServiceError::Store(StoreError::Duplicate { id, .. }) => (id.as_str(), true),
            _ => return Refusal::Service(e),
        };
        match refs
            .iter()
            .find(|(_, v)| !v.trim().is_empty() && v.trim() == id)
        {
            Some((field, v)) if duplicate => Refusal::Fields(
                FieldErrors::one(field, &format!("already exists: {}", v.trim())),
                StatusCode::CONFLICT,
            ),
            Some((field, v)) => {
                Refusal::bad(FieldErrors::one(field, &format!("not found: {}", v.trim())))
            }
            None => Refusal::Service(e),
        }
    }
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::Fields(_, s) => *s,
            Refusal::Service(e) => crate::forms::status_of(e),
        }
    }
    /// The errors by field, in the viewer's language.
    pub fn errors(&self, lang: Lang) -> FieldErrors {
        match self {
            Refusal::Fields(f, _) => localised(lang, f.clone()),
            // A field's `Why` through `say`, a coded refusal (or an internal failure, with its
            // logged id) from `messages.rs`.
            Refusal::Service(e) => FieldErrors::from_service_in(e, lang),
        }
    }
    /// The field a refusal names (the first, for tests).
    #[cfg(test)]
    pub fn field(&self) -> Option<String> {
        match self {
            Refusal::Fields(f, _) => f.0.keys().find(|k| !k.is_empty()).cloned(),
            Refusal::Service(ServiceError::Domain(DomainError::Invalid { field, .. })) => {
                Some(field.clone())
            }
            Refusal::Service(_) => None,
        }
    }
    /// The refusal as the API's JSON answer: `{"code", "error", "message_ja", "status", "field",
    /// "fields"}` — `fields` lists every refused field (`{field, code, message, message_ja}`),
    /// `field` names the first (kept for older clients). A service refusal answers as `AppError`.
    pub fn json(self) -> Response {
        let (errors, status) = match self {
            Refusal::Service(e) => return AppError(e).into_response(),
            Refusal::Fields(errors, status) => (errors, status),
        };
        let code = fields_code(status);
        let joined = |lang: Lang| {
            errors
                .0
                .iter()
                .map(|(k, m)| match k.as_str() {
                    "" => localise(lang, m),
                    k => format!("{k}: {}", localise(lang, m)),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        crate::error::ApiError {
            code: Some(code.to_string()),
            error: joined(Lang::En),
            message_ja: Some(joined(Lang::Ja)),
            status: status.as_u16(),
            field: errors.0.keys().find(|k| !k.is_empty()).cloned(),
            fields: Some(field_list(&errors, code)),
            reasons: None,
        }
        .into_response()
    }
    pub fn message(self) -> String {
        match self {
            Refusal::Fields(f, _) => {
                f.0.iter()
                    .map(|(k, m)| {
                        if k.is_empty() {
                            m.clone()
                        } else {
                            format!("{k}: {m}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            Refusal::Service(e) => AppError(e).message(),
        }
    }
}

/// Field errors in the viewer's language (in Japanese with the values the English carried).
pub fn localised(lang: Lang, e: FieldErrors) -> FieldErrors {
    FieldErrors(
        e.0.into_iter()
            .map(|(k, m)| (k, localise(lang, &m)))
            .collect(),
    )
}

/// A service's refusal as field errors in the viewer's language.
pub fn refused_in(lang: Lang, e: &ServiceError) -> FieldErrors {
    FieldErrors::from_service_in(e, lang)
}

/// The one rendering of why a value was refused, in `lang`: the English is the `Why`'s own, the
/// Japanese is the domain's (its coded kinds' table, or the text the refusal site wrote in both
/// languages). Only `Why::English` — a refusal site not yet given its Japanese — still has its
/// Japanese found by its English (`localise`).
pub fn say(lang: Lang, why: &secretome_domain::Why) -> String {
    match lang {
        Lang::En => why.en(),
        Lang::Ja => why
            .ja_with(&|en| Some(localise(Lang::Ja, en)))
            .unwrap_or_else(|| why.en()),
    }
}

/// Every field a service refusal names, for the API (`[{field, code, message, message_ja}]`),
/// each rendered from its `Why` in both languages.
pub fn service_fields(e: &ServiceError, code: &str) -> Vec<crate::error::FieldRefusal> {
    let ServiceError::Domain(DomainError::Invalid { field, message }) = e else {
        return Vec::new();
    };
    message
        .per_field(field)
        .into_iter()
        .filter(|(field, _)| !field.is_empty())
        .map(|(field, why)| crate::error::FieldRefusal {
            field,
            code: code.to_string(),
            message: say(Lang::En, &why),
            message_ja: say(Lang::Ja, &why),
        })
        .collect()
}

/// The code of a refusal made of field errors, by its status (the service's code is lost once a
/// missing or duplicate reference is placed next to its field).
fn fields_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::CONFLICT => "duplicate",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        _ => "invalid",
    }
}

/// Every refused field for the API, `[{field, code, message, message_ja}]` in field order, from
/// the English errors by field (a form-wide error, field `""`, is not listed).
pub fn field_list(errors: &FieldErrors, code: &str) -> Vec<crate::error::FieldRefusal> {
    errors
        .0
        .iter()
        .filter(|(field, _)| !field.is_empty())
        .map(|(field, message)| crate::error::FieldRefusal {
            field: field.clone(),
            code: code.to_string(),
            message: message.clone(),
            message_ja: localise(Lang::Ja, message),
        })
        .collect()
}

/// An English message from the domain or the form readers, in Japanese when known: the Japanese
/// text, then in parentheses the values the English carried (numbers, ids) that the Japanese does
/// not already say — a Japanese reader sees no English (issue 17), the English UI keeps it whole.
pub fn localise(lang: Lang, message: &str) -> String {
    localise_by(lang, message, &|_| None)
}

/// `localise` with a module's own phrases (`(English fragment, Japanese)`) looked up first, so
/// that the places in a file are read the same way on every page.
pub fn localise_by(
    lang: Lang,
    message: &str,
    own: &dyn Fn(&str) -> Option<&'static str>,
) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    // A summary before the places in a file (`the file has errors: line 3 …; line 4 …`): each part
    // on its own.
    if let Some(i) = message.find(": line ")
        && message[i + 7..].starts_with(|c: char| c.is_ascii_digit())
    {
        let places: Vec<String> = message[i + 2..]
            .split("; ")
            .map(|part| localise_by(lang, part, own))
            .collect();
        return format!(
            "{}: {}",
            localise_by(lang, &message[..i], own),
            places.join("; ")
        );
    }
    // Where in a file: `line 3, column 1 (time): …` → `3 行目 1 列 (time): …`.
    if let Some((place, rest)) = message.split_once(": ")
        && let Some(at) = place.strip_prefix("line ")
    {
        let (line, column) = at.split_once(", column ").unwrap_or((at, ""));
        let (column, name) = column.split_once(' ').unwrap_or((column, ""));
        if line.chars().all(|c| c.is_ascii_digit()) && column.chars().all(|c| c.is_ascii_digit()) {
            let mut p = format!("{line} 行目");
            if !column.is_empty() {
                p.push_str(&format!(" {column} 列"));
            }
            if !name.is_empty() {
                p.push_str(&format!(" {name}"));
            }
            return format!("{p}: {}", localise_by(lang, rest, own));
        }
    }
    if let Some(ja) = own(message) {
        return with_values(ja, message);
    }
    match super::errors::ERRORS
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

/// A refused DIN scan in the viewer's language, from the catalogue by the error's code.
pub fn scan_message(lang: Lang, e: &ScanError) -> String {
    let key = format!("scan.err.{}", e.code());
    let mut m = lang.t(&key).to_string();
    for (name, value) in e.values() {
        m = m.replace(&format!("{{{name}}}"), &value);
    }
    if e.full_width() {
        m = format!("{m} ({})", lang.t("scan.full_width"));
    }
    m
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
        let ja = localise(Lang::Ja, "must be at most 2000 characters");
        assert!(ja.contains("2000") && english_runs(&ja).is_empty(), "{ja}");
        // The codes of what must be supplied are kept (a parameter's code, as the form names it).
        let ja = localise(
            Lang::Ja,
            "step HARV is executed by harvest, which supplies volume_ml, harvested_at",
        );
        assert!(
            ja.contains("volume_ml") && ja.contains("harvested_at"),
            "{ja}"
        );
        // Where in a file, in Japanese, before the message.
        let ja = localise(Lang::Ja, "line 3, column 1 (time): not found: L-2026-001");
        assert!(ja.starts_with("3 行目 1 列 (time): 見つかりません"), "{ja}");
        let ja = localise(
            Lang::Ja,
            "not found: F-1: line 3, column 1 (time): not found: X-1; line 4: not found: X-2",
        );
        assert!(
            ja.contains("3 行目 1 列 (time): 見つかりません")
                && ja.contains("4 行目: 見つかりません"),
            "{ja}"
        );
        // A value the Japanese already says is not repeated.
        assert_eq!(
            localise(Lang::Ja, "must be at most 100 %"),
            "100 % 以下で入力してください"
        );
    }
}

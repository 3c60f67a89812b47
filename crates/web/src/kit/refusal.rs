//! Why a form or API call was refused (`Refusal`: fields that could not be read, or the service's
//! refusal), its errors next to their field in the viewer's language (`say`: the one rendering of
//! a `Why`), and scan errors in the viewer's language.

use crate::{
    AppError,
    forms::{Errors, FieldErrors},
    i18n::Lang,
};
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use secretome_domain::{DomainError, Why};
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
                FieldErrors::one(field, Why::Exists(v.trim().to_string())),
                StatusCode::CONFLICT,
            ),
            Some((field, v)) => {
                Refusal::bad(FieldErrors::one(field, Why::NotFound(v.trim().to_string())))
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
    /// The errors by field, typed.
    pub fn why(&self) -> FieldErrors {
        match self {
            Refusal::Fields(f, _) => f.clone(),
            // A field's `Why`, a coded refusal (or an internal failure, with its logged id) from
            // `messages.rs`.
            Refusal::Service(e) => FieldErrors::from_service(e),
        }
    }
    /// The errors by field, in the viewer's language.
    pub fn errors(&self, lang: Lang) -> Errors {
        self.why().shown(lang)
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
            (errors.0.iter())
                .map(|(k, why)| match k.as_str() {
                    "" => say(lang, why),
                    k => format!("{k}: {}", say(lang, why)),
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
}

/// A page's own refusal, said by its catalogue key in both languages.
pub fn told(key: &str) -> Why {
    Why::said(Lang::En.t(key), Lang::Ja.t(key))
}

/// A service's refusal as field errors in the viewer's language.
pub fn refused_in(lang: Lang, e: &ServiceError) -> Errors {
    FieldErrors::from_service(e).shown(lang)
}

/// The one rendering of why a value was refused, in `lang`: the English is the `Why`'s own, the
/// Japanese is the domain's (its coded kinds' table, or the text the refusal site wrote in both
/// languages).
pub fn say(lang: Lang, why: &Why) -> String {
    match lang {
        Lang::En => why.en(),
        Lang::Ja => why.ja(),
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

/// Every refused field for the API, `[{field, code, message, message_ja}]` in field order (a
/// form-wide error, field `""`, is not listed).
fn field_list(errors: &FieldErrors, code: &str) -> Vec<crate::error::FieldRefusal> {
    (errors.0.iter())
        .filter(|(field, _)| !field.is_empty())
        .map(|(field, why)| crate::error::FieldRefusal {
            field: field.clone(),
            code: code.to_string(),
            message: say(Lang::En, why),
            message_ja: say(Lang::Ja, why),
        })
        .collect()
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

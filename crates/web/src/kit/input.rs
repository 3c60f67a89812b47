//! Reading a request's input, one way for pages and the API: `Input<T>` takes an urlencoded form
//! or a JSON object alike into a use case's typed input (`Action`), whose `command` gives the
//! service's command or every bad field at once; `json_fields` flattens a JSON body to the page
//! form's field names (for the pages that show a refused API body's fields, and older readers).

use super::Refusal;
use crate::{
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::{self, FieldErrors, Fields},
};
use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::header,
    response::{IntoResponse, Response},
};
use secretome_domain::{Actor, UtcTime, Why};
use serde::{Deserialize, Deserializer, de::DeserializeOwned};
use serde_json::Value;

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Flattens a JSON object into form fields: scalars by name, arrays of objects as `name[i].key`,
/// objects as `name.key`.
pub fn json_fields(body: &[u8]) -> Result<Fields, FieldErrors> {
    let v: Value = serde_json::from_slice(body).map_err(|e| not_json(&e))?;
    let Value::Object(obj) = v else {
        let why = Why::said(
            "expected a JSON object",
            "JSON オブジェクトを送ってください",
        );
        return Err(FieldErrors::one("body", why));
    };
    let mut f = Fields::default();
    for (k, v) in obj {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Object(o) => {
                            for (k2, v2) in o {
                                f = f.with(&format!("{k}[{i}].{k2}"), &scalar(v2));
                            }
                        }
                        other => f = f.with(&format!("{k}[{i}]"), &scalar(other)),
                    }
                }
            }
            Value::Object(o) => {
                for (k2, v2) in o {
                    f = f.with(&format!("{k}.{k2}"), &scalar(&v2));
                }
            }
            other => f = f.with(&k, &scalar(&other)),
        }
    }
    Ok(f)
}

/// A use case's input as the page form and the API send it: a `#[derive(Deserialize)]` struct of
/// what was typed, turned into the service's command with every bad field reported at once.
pub trait Action: DeserializeOwned {
    type Command;
    fn command(&self, at: &At) -> Result<Self::Command, FieldErrors>;
}

/// Where and when an input is read: times without an offset are in `zone` (the viewer's zone for a
/// form, UTC for a JSON body); an empty time means `now`.
pub struct At {
    pub zone: String,
    pub now: UtcTime,
}

/// The one extractor of action inputs: an urlencoded form or a JSON object alike (by the body's
/// content type), read into `T`; a value serde cannot read is a field error naming its path.
/// `fields` keeps what was typed, to show a refused form again.
pub struct Input<T> {
    pub fields: Fields,
    pub json: bool,
    read: Result<T, FieldErrors>,
}

impl<T: Action> Input<T> {
    /// The service's command, or every bad field at once (422).
    pub fn command(&self, v: &Viewer) -> Result<T::Command, Refusal> {
        let at = self.at(v);
        let input = self.read.as_ref().map_err(|e| Refusal::bad(e.clone()))?;
        input.command(&at).map_err(Refusal::bad)
    }
    /// The signed-in actor (401 without one) and the service's command (422 with the bad fields).
    pub fn acting(&self, v: &Viewer) -> Result<(Actor, T::Command), Refusal> {
        Ok((super::who(v)?, self.command(v)?))
    }
    /// `acting`, a refusal already the API's JSON answer (for `json::tri!`).
    pub fn acting_api(&self, v: &Viewer) -> Result<(Actor, T::Command), Box<Response>> {
        self.acting(v).map_err(|r| Box::new(r.json()))
    }
    pub fn at(&self, v: &Viewer) -> At {
        let zone = if self.json {
            "UTC".to_string()
        } else {
            PageCtx::new(v, "").zone_name
        };
        At { zone, now: now() }
    }
}

impl<T: DeserializeOwned> Input<T> {
    /// The read input itself (for the parts a handler checks against the records).
    pub fn input(&self) -> Result<&T, Refusal> {
        self.read.as_ref().map_err(|e| Refusal::bad(e.clone()))
    }

    /// The input with a part the path gives (an id), set on what was read.
    pub fn with(mut self, set: impl FnOnce(&mut T)) -> Input<T> {
        if let Ok(t) = self.read.as_mut() {
            set(t);
        }
        self
    }

    /// Reads a body by its content type: JSON, an urlencoded form, a `multipart/form-data` upload
    /// (every part as a text field: a file is read once, then typed like any field, its name in
    /// `<part>.filename`) or a text body (`text/csv`: the field `file`).
    pub fn parse(content_type: &str, body: &[u8]) -> Input<T> {
        let ct = content_type.to_ascii_lowercase();
        let (upload, text) = (ct.starts_with("multipart/"), ct.starts_with("text/"));
        let json = ct.contains("json")
            || (!ct.contains("urlencoded") && !upload && !text)
                && body.trim_ascii_start().starts_with(b"{");
        let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let fields = if json {
            json_fields(body)
        } else if upload {
            let parts = super::multipart(content_type, body);
            parts
                .map_err(|why| FieldErrors::one("file", why))
                .map(|parts| {
                    (parts.iter()).fold(Fields::default(), |f, p| match &p.filename {
                        Some(n) => (f.with(&p.name, &lossy(&p.data)))
                            .with(&format!("{}.filename", p.name), n),
                        None => f.with(&p.name, &lossy(&p.data)),
                    })
                })
        } else if text {
            Ok(Fields::default().with("file", &lossy(body)))
        } else {
            Ok(Fields::parse(body))
        };
        let (fields, value) = match fields {
            Ok(f) if json => {
                let v = serde_json::from_slice::<Value>(body).map(texts);
                (f, v.map_err(|e| not_json(&e)))
            }
            Ok(f) => {
                let m =
                    f.0.iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())));
                (f.clone(), Ok(Value::Object(m.collect())))
            }
            Err(e) => (Fields::default(), Err(e)),
        };
        let read = value.and_then(|v| {
            serde_path_to_error::deserialize(v).map_err(|e| {
                let field = e.path().to_string();
                // serde says what it expected in English only: that after the Japanese.
                let why = Why::said(
                    e.into_inner().to_string(),
                    "この値は読み取れません (数値・日付・選択肢の書き方を確かめてください)",
                );
                FieldErrors::one(&field, why)
            })
        });
        Input { fields, json, read }
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequest<S> for Input<T> {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Input::parse(&ct, &body))
    }
}

/// A body that is not JSON, where it stops being so.
fn not_json(e: &serde_json::Error) -> FieldErrors {
    let (line, column) = (e.line(), e.column());
    let why = Why::said(
        format!("not JSON: {e}"),
        format!("JSON として読めません ({line} 行目 {column} 文字目)"),
    );
    FieldErrors::one("body", why)
}

/// JSON scalars as the text a form would send (`12.5`, `true`), so one struct reads both.
fn texts(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, texts(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(texts).collect()),
        Value::Null => Value::String(String::new()),
        Value::String(s) => Value::String(s),
        other => Value::String(other.to_string()),
    }
}

/// A yes/no field: a checkbox (`on`), `true|yes|1` or `false|no|0|` (empty or absent: no); the
/// one vocabulary of every flag a page or the API sends.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let s = String::deserialize(d)?;
    match s.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" => Ok(true),
        "off" | "false" | "no" | "0" | "" => Ok(false),
        _ => Err(serde::de::Error::custom(
            "expected yes or no (true or false)",
        )),
    }
}

/// Gathers the typed values of an input's text fields, keeping every field's error; a field that
/// could not be read gives a placeholder that never reaches a use case (`done` refuses first).
/// Since a refused input never reaches its use case, `done` then also asks the domain about the
/// event times it could read (`plausible::not_after_entry`), so a future date is shown together
/// with the fields that could not be read, not on the next submission.
pub struct Check<'a> {
    at: &'a At,
    errors: FieldErrors,
    /// Event times read (`time`, `opt_time`), judged by the domain when another field was refused.
    times: Vec<(String, UtcTime)>,
}

impl<'a> Check<'a> {
    pub fn new(at: &'a At) -> Check<'a> {
        Check {
            at,
            errors: FieldErrors::default(),
            times: Vec::new(),
        }
    }
    fn keep<T>(&mut self, r: Result<T, FieldErrors>, placeholder: T) -> T {
        self.read(r).unwrap_or(placeholder)
    }
    pub fn number(&mut self, field: &str, s: &str) -> f64 {
        self.keep(forms::number(field, s), f64::NAN)
    }
    pub fn integer(&mut self, field: &str, s: &str) -> i64 {
        self.keep(forms::integer(field, s), 0)
    }
    /// An event's time (not after the moment of entry): a `datetime-local` value in the input's
    /// zone or RFC 3339; empty means now.
    pub fn time(&mut self, field: &str, s: &str) -> UtcTime {
        let t = self.read_time(field, s);
        if !s.trim().is_empty() {
            self.times.push((field.to_string(), t));
        }
        t
    }
    fn read_time(&mut self, field: &str, s: &str) -> UtcTime {
        let tz = jiff::tz::TimeZone::get(&self.at.zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let now = self.at.now;
        self.keep(forms::local_time(field, s, &tz, now), now)
    }
    /// A time that may be left empty (None).
    pub fn opt_time(&mut self, field: &str, s: &str) -> Option<UtcTime> {
        (!s.trim().is_empty()).then(|| self.time(field, s))
    }
    /// A text that must be filled in (trimmed).
    pub fn required(&mut self, field: &str, s: &str) -> String {
        let t = text(s);
        if t.is_empty() {
            self.errors.add(field, Why::Empty);
        }
        t
    }
    /// A time that must be filled in and may lie ahead (an expiry, a due date).
    pub fn required_time(&mut self, field: &str, s: &str) -> UtcTime {
        if s.trim().is_empty() {
            self.errors.add(field, Why::Time);
            return self.at.now;
        }
        self.read_time(field, s)
    }
    /// A value another reader made (a domain parser, `choice`), its error kept: None if bad.
    pub fn read<T>(&mut self, r: Result<T, FieldErrors>) -> Option<T> {
        r.map_err(|e| self.errors.extend(e)).ok()
    }
    /// A snake_case choice of one of the domain's enums (`cabinet`, `post_use`, …).
    pub fn choice<T: DeserializeOwned>(&mut self, field: &str, s: &str) -> Option<T> {
        let s = s.trim();
        let r = if s.is_empty() {
            Err(FieldErrors::one(field, Why::Choose))
        } else {
            serde_json::from_value(Value::String(s.to_string())).map_err(|_| {
                let why = Why::said(
                    format!("unknown choice {s:?}"),
                    format!("{s:?} は選択肢にありません"),
                );
                FieldErrors::one(field, why)
            })
        };
        self.read(r)
    }
    /// Every field was read: what `build` makes of the values read (`read`, `choice`); else all
    /// their errors at once.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        build().ok_or_else(|| {
            let why = Why::said("incomplete input", "入力が足りません");
            FieldErrors::one("body", why)
        })
    }
    /// Every field was read: `value`; else all their errors at once, with the domain's refusal of
    /// each event time read that lies in the future.
    pub fn done<T>(mut self, value: T) -> Result<T, FieldErrors> {
        if self.errors.is_empty() {
            return Ok(value);
        }
        for (field, t) in std::mem::take(&mut self.times) {
            if let Err(secretome_domain::DomainError::Invalid { field, message }) =
                secretome_domain::plausible::not_after_entry(&field, t, self.at.now)
                && !self.errors.0.contains_key(&field)
            {
                self.errors.add(&field, message);
            }
        }
        Err(self.errors)
    }
}

/// Trims a text field (forms send surrounding spaces; the records keep none).
pub fn text(s: &str) -> String {
    s.trim().to_string()
}

/// A text field that may be left empty (None), trimmed.
pub fn opt_text(s: &str) -> Option<String> {
    Some(text(s)).filter(|t| !t.is_empty())
}

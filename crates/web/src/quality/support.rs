//! What the QC and QA pages share: typed reading of urlencoded forms, a small `multipart/form-data`
//! reader for plate uploads (bounded, never panics on malformed input), rendering with a status,
//! redirects, badges, hex for carrying an uploaded file through the accept form, and the lot
//! segment of deviation ids (`L-2026-006/DEV-01`).

use crate::{auth::Viewer, pages::PageError};
use askama::Template;
use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use secretome_domain::{Actor, qc::Verdict};
use secretome_service::ServiceError;

pub use crate::forms::{Fields, seg};

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// A parameter of a header value, e.g. `boundary` of a content type or `name` of a disposition.
fn param(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim().eq_ignore_ascii_case(key)).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// Splits a `multipart/form-data` body into its parts; an error says what is malformed.
pub fn multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err("expected a multipart/form-data upload".into());
    }
    let boundary = param(content_type, "boundary")
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .ok_or("the upload has no boundary")?;
    let delim = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut at = find(body, &delim, 0).ok_or("the upload has no parts")? + delim.len();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Ok(parts);
        }
        let start = at + 2; // CRLF after the delimiter
        let head_end =
            find(body, b"\r\n\r\n", start).ok_or("a part of the upload has no headers")?;
        let headers =
            String::from_utf8_lossy(body.get(start..head_end).unwrap_or_default()).into_owned();
        let mut crlf_delim = b"\r\n".to_vec();
        crlf_delim.extend_from_slice(&delim);
        let data_start = head_end + 4;
        let data_end = find(body, &crlf_delim, data_start).ok_or("the upload is truncated")?;
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .unwrap_or("");
        parts.push(Part {
            name: param(disposition, "name").unwrap_or_default(),
            filename: param(disposition, "filename"),
            data: body.get(data_start..data_end).unwrap_or_default().to_vec(),
        });
        at = data_end + crlf_delim.len();
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().as_bytes();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// Renders a page with a status (500, logged, if the template fails).
pub fn page<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            let body = Html("template error".to_string());
            (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
        }
    }
}

/// A service failure as an error page in the viewer's language.
pub fn fail(v: &Viewer, e: ServiceError) -> Response {
    PageError::new(e, v).into_response()
}

/// After a successful form post: back to a page (303).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The signed-in actor (the guard lets no request without one through).
pub fn actor(v: &Viewer) -> Result<Actor, Box<Response>> {
    v.session.as_ref().map(|s| s.actor.clone()).ok_or_else(|| {
        let msg = "sign-in required";
        Box::new(
            (
                StatusCode::UNAUTHORIZED,
                Html(crate::pages::error_html(v, StatusCode::UNAUTHORIZED, msg)),
            )
                .into_response(),
        )
    })
}

/// The short number of a deviation id (`L-2026-006/DEV-01` → `DEV-01`).
pub fn dev_no(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

pub fn verdict_badge(v: &Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Pass) => "ok",
        Some(Verdict::Fail) => "bad",
        Some(Verdict::Reported) => "info",
        None => "warn",
    }
}

pub fn verdict_key(v: &Option<Verdict>) -> &'static str {
    v.map(|v| v.as_str()).unwrap_or("missing")
}

/// A number as a person reads it: up to 4 significant decimals, scientific for large values.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v != 0.0 && (v.abs() >= 1e7 || v.abs() < 1e-3) {
        return format!("{v:.3e}");
    }
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub fn opt_num(v: &Option<f64>) -> String {
    v.map(num).unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_reads_fields_and_files_and_refuses_garbage() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--XyZ\r\nContent-Disposition: form-data; name=\"plate\"; filename=\"p.txt\"\r\nContent-Type: text/plain\r\n\r\nA\r\nB\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), parts[0].data.as_slice()),
            ("note", &b"hi"[..])
        );
        assert_eq!(parts[1].filename.as_deref(), Some("p.txt"));
        assert_eq!(parts[1].data, b"A\r\nB");
        assert!(
            multipart(
                "multipart/form-data; boundary=XyZ",
                b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"
            )
            .is_err()
        );
        assert!(multipart("multipart/form-data; boundary=XyZ", b"").is_err());
        assert!(multipart("multipart/form-data", body).is_err());
        assert!(multipart("text/plain", body).is_err());
        for cut in 0..body.len() {
            let _ = multipart("multipart/form-data; boundary=XyZ", &body[..cut]);
        }
    }

    #[test]
    fn hex_round_trip_and_numbers() {
        assert_eq!(unhex(&hex(b"\x00\xffab")).unwrap(), b"\x00\xffab");
        assert!(unhex("abc").is_none() && unhex("zz").is_none() && unhex("é1").is_none());
        assert_eq!(num(195.78012), "195.7801");
        assert_eq!(num(4.2e8), "4.200e8");
        assert_eq!(dev_no("L-2026-006/DEV-01"), "DEV-01");
        assert_eq!(seg("a b/c"), "a%20b%2Fc");
    }
}

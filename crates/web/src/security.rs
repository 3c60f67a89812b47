//! The doors of every response: security headers (a Content-Security-Policy without
//! `unsafe-inline` — the templates carry no inline script or style —, frame-ancestors and
//! X-Frame-Options, nosniff, Referrer-Policy, Permissions-Policy), `Cache-Control: no-store` on
//! everything but the static stylesheet (pages and API answers may carry patient data or a token's
//! secret), `Secure` cookies when the request came over TLS, the client's address for sign-in
//! throttling, and the one check of redirect targets (only same-origin relative paths).
//!
//! Configuration (`WebConfig::from_env`): `SECRETOME_SECURE_COOKIES` = `auto` (default: Secure when
//! the request came over TLS, which behind a reverse proxy means `X-Forwarded-Proto: https` from a
//! trusted proxy), `always` or `never`; `SECRETOME_TRUST_PROXY` = `1` to believe the proxy's
//! `X-Forwarded-For` / `X-Forwarded-Proto` (only when every request passes through it).

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use std::net::SocketAddr;

/// When cookies get the `Secure` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecureCookies {
    /// When the request came over TLS (as far as the server or a trusted proxy can tell).
    #[default]
    Auto,
    Always,
    Never,
}

/// How the application sits on the network.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    pub secure_cookies: SecureCookies,
    /// Believe `X-Forwarded-For` and `X-Forwarded-Proto` (the server is behind a reverse proxy
    /// that sets them and cannot be reached around it).
    pub trust_proxy: bool,
}

impl WebConfig {
    /// From `SECRETOME_SECURE_COOKIES` and `SECRETOME_TRUST_PROXY` (see the module doc).
    pub fn from_env() -> WebConfig {
        let secure_cookies = match std::env::var("SECRETOME_SECURE_COOKIES").as_deref() {
            Ok("always") => SecureCookies::Always,
            Ok("never") => SecureCookies::Never,
            _ => SecureCookies::Auto,
        };
        let trust_proxy = matches!(
            std::env::var("SECRETOME_TRUST_PROXY").as_deref(),
            Ok("1" | "true" | "yes")
        );
        WebConfig {
            secure_cookies,
            trust_proxy,
        }
    }
}

/// The client's address as the sign-in throttle keys it (None when unknown, e.g. in tests).
#[derive(Debug, Clone, Default)]
pub struct ClientAddr(pub Option<String>);

/// `default-src 'self'` and nothing inline: scripts, styles, images, forms only from this origin;
/// no plugins, no `<base>`, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CSP),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ),
];

fn forwarded<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Adds the client address to the request and the security headers to the response.
pub async fn doors(State(cfg): State<WebConfig>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let addr = if cfg.trust_proxy {
        forwarded(&req, "x-forwarded-for")
            .map(str::to_string)
            .or(peer)
    } else {
        peer
    };
    let tls = req.uri().scheme_str() == Some("https")
        || (cfg.trust_proxy && forwarded(&req, "x-forwarded-proto") == Some("https"));
    let secure = match cfg.secure_cookies {
        SecureCookies::Always => true,
        SecureCookies::Never => false,
        SecureCookies::Auto => tls,
    };
    let cacheable = req.uri().path().starts_with("/static/");
    req.extensions_mut().insert(ClientAddr(addr));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in HEADERS {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if !cacheable {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if secure {
        let cookies: Vec<HeaderValue> = h
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| {
                if v.to_ascii_lowercase().contains("; secure") {
                    HeaderValue::from_str(v).ok()
                } else {
                    HeaderValue::from_str(&format!("{v}; Secure")).ok()
                }
            })
            .collect();
        if !cookies.is_empty() {
            h.remove(header::SET_COOKIE);
            for c in cookies {
                h.append(header::SET_COOKIE, c);
            }
        }
    }
    res
}

/// Where to go after signing in or switching language: `target` if it is a path on this site,
/// else `/lots`. Refused: anything not starting with exactly one `/` (schemes, `//host`,
/// `/\host`), backslashes, control characters (a browser drops TAB and newlines, so `/<TAB>/host`
/// would become `//host`) and other whitespace.
pub fn safe_next(target: Option<&str>) -> String {
    match target {
        Some(t) if is_local_path(t) => t.to_string(),
        _ => "/lots".to_string(),
    }
}

fn is_local_path(t: &str) -> bool {
    t.len() <= 2048
        && t.starts_with('/')
        && !t.starts_with("//")
        && !t
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_paths_are_followed() {
        for ok in ["/lots", "/lots/L-2026-001?tab=qc#x", "/trace?id=a%2Fb"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "lots",
            "/ /evil.example",
            "/\u{85}/evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/lots", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/lots");
    }
}

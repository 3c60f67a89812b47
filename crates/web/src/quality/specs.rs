//! Products and their versioned specifications (規格): every version with its state and tests; a new
//! version is written as one test per line (`code | name | 名称 | method | unit | criterion`), starts
//! from the latest version's tests, and is created as a draft; making a draft effective supersedes
//! the version in force. Roles: everyone reads, admin and qa write.

use crate::kit::{Errors, Fields, actor, fail, page, see_other, seg, tri};
use crate::{AppState, auth::Viewer, auth::now, ctx::PageCtx, forms::FieldErrors};
use askama::Template;
use axum::{
    Extension,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use secretome_domain::Capability;
use secretome_domain::Why;
use secretome_domain::{
    DomainError,
    qc::{Acceptance, Product, Specification, TestSpec},
};
use secretome_service::{NewTest, ServiceError};

pub struct ProductView {
    pub product: Product,
    pub versions: Vec<Specification>,
    /// The new-version form's text: what was typed, else the latest version's tests.
    pub draft: String,
}

#[derive(Template)]
#[template(path = "quality/products.html")]
struct ProductsPage {
    c: PageCtx,
    products: Vec<ProductView>,
    /// The product whose form the errors belong to.
    err_product: String,
    e: Errors,
    can_write: bool,
}

/// A criterion as typed on a test line: `report`, `= negative`, `< 0.5`, `>= 1e9`, `10..20`, or
/// bounds joined by `and`.
pub fn criterion_text(a: &Acceptance) -> String {
    match a {
        Acceptance::ReportOnly => "report".into(),
        Acceptance::PassFail { expected } => format!("= {expected}"),
        Acceptance::Range {
            min,
            max,
            min_exclusive,
            max_exclusive,
        } => match (min, max) {
            (Some(lo), Some(hi)) if !min_exclusive && !max_exclusive => format!("{lo}..{hi}"),
            _ => {
                let lo = min.map(|v| format!("{} {v}", if *min_exclusive { ">" } else { ">=" }));
                let hi = max.map(|v| format!("{} {v}", if *max_exclusive { "<" } else { "<=" }));
                lo.into_iter().chain(hi).collect::<Vec<_>>().join(" and ")
            }
        },
    }
}

pub fn test_line(t: &TestSpec) -> String {
    [
        t.code.as_str(),
        &t.name,
        &t.name_ja,
        &t.method,
        t.unit.as_deref().unwrap_or(""),
        &criterion_text(&t.acceptance),
    ]
    .join(" | ")
}

fn number(s: &str) -> Result<f64, Why> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            Why::said(
                format!("{s:?} is not a number"),
                format!("数値として読めません ({s:?})"),
            )
        })
}

/// Reads a typed criterion.
pub fn parse_criterion(s: &str) -> Result<Acceptance, Why> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("report") || s == "報告のみ" || s == "報告" {
        return Ok(Acceptance::ReportOnly);
    }
    if let Some(expected) = s.strip_prefix('=') {
        return Ok(Acceptance::pass_fail(expected.trim()));
    }
    if let Some((lo, hi)) = s.split_once("..") {
        return Ok(Acceptance::range(Some(number(lo)?), Some(number(hi)?)));
    }
    let (mut min, mut max, mut min_exclusive, mut max_exclusive) = (None, None, false, false);
    // Bounds joined by `and`, or by `かつ` as a Japanese reader writes them.
    for part in s.replace("かつ", " and ").split(" and ") {
        let p = part.trim();
        if let Some(v) = p.strip_prefix(">=") {
            min = Some(number(v)?);
        } else if let Some(v) = p.strip_prefix('>') {
            (min, min_exclusive) = (Some(number(v)?), true);
        } else if let Some(v) = p.strip_prefix("<=") {
            max = Some(number(v)?);
        } else if let Some(v) = p.strip_prefix('<') {
            (max, max_exclusive) = (Some(number(v)?), true);
        } else {
            return Err(Why::said(
                format!("criterion {p:?}: write report, = outcome, < x, <= x, > x, >= x or a..b"),
                format!(
                    "判定基準 {p:?} の書き方が違います (report、= 判定語、< x、<= x、> x、>= x、a..b)"
                ),
            ));
        }
    }
    Ok(Acceptance::Range {
        min,
        max,
        min_exclusive,
        max_exclusive,
    })
}

/// Reads the tests of a new version, one per line; errors name the line.
pub fn parse_tests(text: &str) -> Result<Vec<NewTest>, Why> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let [code, name, name_ja, method, unit, criterion] = cols.as_slice() else {
            return Err(Why::line(
                i as u64 + 1,
                Why::said(
                    format!("expected 6 columns separated by |, found {}", cols.len()),
                    format!(
                        "各行は | で区切った 6 列にしてください ({} 列あります)",
                        cols.len()
                    ),
                ),
            ));
        };
        out.push(NewTest {
            code: code.to_string(),
            name: name.to_string(),
            name_ja: name_ja.to_string(),
            method: method.to_string(),
            unit: Some(unit.to_string()).filter(|u| !u.is_empty()),
            acceptance: parse_criterion(criterion).map_err(|m| Why::line(i as u64 + 1, m))?,
        });
    }
    Ok(out)
}

/// A refusal of the new version, on the `tests` field (`tests[i].x` becomes "line i+1").
fn tests_error(e: &ServiceError, text: &str) -> FieldErrors {
    if let ServiceError::Domain(DomainError::Invalid { field, message }) = e
        && let Some(rest) = field.strip_prefix("tests[")
        && let Some((i, what)) = rest.split_once(']')
        && let Ok(i) = i.parse::<usize>()
    {
        let line = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .nth(i)
            .map(|(n, _)| n + 1)
            .unwrap_or(i + 1);
        let what = what.trim_start_matches('.');
        let why = Why::line(
            line as u64,
            Why::Fields(vec![(what.to_string(), message.clone())]),
        );
        return FieldErrors::one("tests", why);
    }
    FieldErrors::from_service(e).moved("", "tests")
}

async fn products_page(
    st: &AppState,
    v: &Viewer,
    err_product: &str,
    typed: Option<&str>,
    e: FieldErrors,
    status: StatusCode,
) -> Response {
    let mut products = Vec::new();
    let all = match st.service.products().await {
        Ok(p) => p,
        Err(err) => return fail(v, err),
    };
    for p in all {
        let versions = match st.service.specifications(p.id.as_str()).await {
            Ok(s) => s,
            Err(err) => return fail(v, err),
        };
        let draft = match typed {
            Some(text) if err_product == p.id.as_str() => text.to_string(),
            _ => versions
                .last()
                .map(|s| s.tests.iter().map(test_line).collect::<Vec<_>>().join("\n"))
                .unwrap_or_default(),
        };
        products.push(ProductView {
            product: p,
            versions,
            draft,
        });
    }
    let err_product = err_product.to_string();
    let can_write = v.can(Capability::WriteSpecifications);
    page(
        status,
        &ProductsPage {
            c: PageCtx::new(v, "/products"),
            products,
            err_product,
            e: e.shown(v.lang),
            can_write,
        },
    )
}

pub async fn list(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    products_page(&st, &v, "", None, FieldErrors::default(), StatusCode::OK).await
}

/// POST /products/{code}/specifications: a new draft version with the typed tests.
pub async fn create(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let a = tri!(actor(&v));
    let text = f.get("tests").to_string();
    let tests = match parse_tests(&text) {
        Ok(t) if t.is_empty() => Err(Why::said(
            "enter at least one test",
            "規格には試験項目が 1 つ以上必要です",
        )),
        other => other,
    };
    let res = match tests {
        Err(m) => Err((
            FieldErrors::one("tests", m),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Ok(tests) => st
            .service
            .create_specification(&a, now(), &code, tests)
            .await
            .map_err(|e| (tests_error(&e, &text), crate::forms::status_of(&e))),
    };
    match res {
        Ok(s) => see_other(&format!(
            "/products#spec-{}-v{}",
            seg(s.product.as_str()),
            s.version
        )),
        Err((e, status)) => products_page(&st, &v, &code, Some(&text), e, status).await,
    }
}

/// POST /products/{code}/specifications/{version}/effective: the draft comes into force.
pub async fn effective(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    Path((code, version)): Path<(String, String)>,
) -> Response {
    let a = tri!(actor(&v));
    let id = format!("{code}/{version}");
    match st
        .service
        .make_specification_effective(&a, now(), &id)
        .await
    {
        Ok(s) => see_other(&format!(
            "/products#spec-{}-v{}",
            seg(s.product.as_str()),
            s.version
        )),
        Err(e) => {
            let status = crate::forms::status_of(&e);
            let fe = FieldErrors::from_service(&e).moved("", "effective");
            products_page(&st, &v, &code, None, fe, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_read_and_print_back() {
        for s in [
            "report",
            "= negative",
            "< 0.5",
            ">= 1000000000",
            "10..20",
            "> 1 and <= 5",
        ] {
            assert_eq!(criterion_text(&parse_criterion(s).unwrap()), s);
        }
        assert!(parse_criterion("about 5").is_err());
        assert!(parse_criterion("< five").is_err());
        let t =
            parse_tests("a | A | エー | m | pg/mL | report\n\nb | B | ビー | m |  | = negative")
                .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].unit, None);
        assert!(
            parse_tests("a | A")
                .unwrap_err()
                .en()
                .starts_with("line 1:")
        );
    }
}

//! What every paged list shares (issue 19): the links to the previous and next page, keeping the
//! list's filters, and the texts of the pager and filter boxes. Lists read `?cursor=…&limit=…`
//! plus their own filters; the service returns the page with the neighbouring cursors.

use secretome_service::Page;
use serde::Deserialize;

/// `?cursor=&limit=` of a paged list or API list.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct PageParams {
    /// Opaque position from a previous answer's `next` or `prev`; absent: the first page.
    pub cursor: Option<String>,
    /// Rows per page (default 50, at most 200).
    #[schemars(range(min = 1, max = 200))]
    pub limit: Option<usize>,
}

impl PageParams {
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref().filter(|c| !c.is_empty())
    }
}

/// Links to the neighbouring pages of a list (None at either end).
#[derive(Debug, Clone, Default)]
pub struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// Links from the neighbouring cursors of a page (`Page::next`/`prev`) at `base`.
    pub fn from_cursors(
        base: &str,
        filters: &[(&str, Option<&str>)],
        next: Option<&str>,
        prev: Option<&str>,
    ) -> Pager {
        let page: Page<()> = Page {
            rows: Vec::new(),
            next: next.map(str::to_string),
            prev: prev.map(str::to_string),
        };
        Pager::new(base, filters, &page)
    }

    /// Links for `page` of the list at `base`, keeping the non-empty `filters` in the query.
    pub fn new<T>(base: &str, filters: &[(&str, Option<&str>)], page: &Page<T>) -> Pager {
        let link = |cursor: &str| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for (k, v) in filters {
                if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
                    q.append_pair(k, v);
                }
            }
            q.append_pair("cursor", cursor);
            format!("{base}?{}", q.finish())
        };
        Pager {
            prev: page.prev.as_deref().map(link),
            next: page.next.as_deref().map(link),
        }
    }
}

/// A filter's text for its box (empty when absent).
pub fn val(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// Whether a filter is set to `s` (its option is selected).
pub fn is(v: &Option<String>, s: &str) -> bool {
    v.as_deref() == Some(s)
}

/// (key, 日本語, English)
pub const TEXT: &[(&str, &str, &str)] = &[
    ("page.nav", "ページ送り", "Pages"),
    ("page.prev", "← 前へ", "← Previous"),
    ("page.next", "次へ →", "Next →"),
    ("page.newest", "最新", "Newest"),
    ("page.filter", "絞り込む", "Filter"),
    ("page.clear", "解除", "Clear"),
    ("page.any", "すべて", "Any"),
    ("page.from", "作成日 (から)", "Made from"),
    ("page.to", "作成日 (まで)", "Made until"),
    (
        "page.pseudonym",
        "仮名 (前方一致)",
        "Pseudonym (starts with)",
    ),
    (
        "page.location",
        "保管場所 (前方一致)",
        "Location (starts with)",
    ),
    ("page.site", "施設", "Site"),
    ("page.lot", "ロット", "Lot"),
    ("page.code", "コード (前方一致)", "Code (starts with)"),
    ("page.number", "番号 (前方一致)", "Number (starts with)"),
    (
        "page.open_harvests",
        "プール可能な残量があるもの",
        "With volume left to pool",
    ),
    (
        "page.on_this_page",
        "経過と変化はこのページの患者 (新しい順) についてです。",
        "Series and changes are over the patients on this page (newest first).",
    ),
];

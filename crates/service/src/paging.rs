//! Paged list read models (issue 19): lots, patients, vials and recalls, newest first, a page at a
//! time (keyset cursors, `secretome_store::PageQuery`), filtered in SQL, with the counts a list
//! shows computed by the database for the rows on the page only — never a whole table read.

use crate::{Service, ServiceError, clinical_queries::PatientSummary, queries::LotSummary};
use secretome_domain::{
    DomainError, UtcTime,
    clinical::{Indication, Patient},
    lot::{Lot, LotStatus},
    recall::Exposure,
    recall::Recall,
    vial::{Vial, VialStatus},
};
use secretome_store::{
    Aggregate, Answer, Cond, Page, PageQuery, Read, Record, Table, TallyKind, answers,
    query::prefix_end,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A page of patients with what `patients_page_with`'s caller asked for besides.
pub(crate) struct PatientPage {
    pub page: Page<PatientSummary>,
    /// Each listed patient's first dose (`MIN(administered_at)`; absent: no dose yet).
    pub first_doses: BTreeMap<String, UtcTime>,
    /// The answers of the caller's `before` and `after` reads, in order.
    pub before: Vec<Answer>,
    pub after: Vec<Answer>,
}

/// The first `N` answers of a `read_all` and the rest (too few answers is the store's error).
fn split<const N: usize>(mut all: Vec<Answer>) -> Result<([Answer; N], Vec<Answer>), ServiceError> {
    let rest = all.split_off(N.min(all.len()));
    Ok((answers(all)?, rest))
}

/// Rows per page when the caller does not say (and the most it may ask for).
pub const PAGE_SIZE: usize = 50;
pub const MAX_PAGE_SIZE: usize = 200;

/// Rows read per query when a keyed read is walked through in pages (`Service::every`).
const CHUNK: usize = 2_000;

impl Service {
    /// Every row of `R` matching `conds`, in `order`, read a page at a time: for conditions whose
    /// matches the caller knows to be bounded (the rows of a few hundred batches, the deviations
    /// still open), never for a table whole.
    pub(crate) async fn every<R: Record>(
        &self,
        conds: Vec<Cond>,
        order: &'static str,
    ) -> Result<Vec<R>, ServiceError> {
        let mut q = PageQuery {
            conds,
            order,
            desc: false,
            cursor: None,
            limit: CHUNK,
        };
        let mut out = Vec::new();
        loop {
            let page = self.store().page_of::<R>(&q).await?;
            out.extend(page.rows);
            match page.next {
                Some(next) => q = q.at(Some(&next)),
                None => return Ok(out),
            }
        }
    }
}

/// The lot list's filters (all optional; empty text counts as absent).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct LotFilter {
    pub status: Option<String>,
    pub product: Option<String>,
    /// Made on or after this date (YYYY-MM-DD, in the facility's zone).
    pub from: Option<String>,
    /// Made on or before this date (YYYY-MM-DD, in the facility's zone).
    pub to: Option<String>,
}

/// The patient list's filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PatientFilter {
    pub indication: Option<String>,
    pub site: Option<String>,
    /// Pseudonyms starting with this text.
    pub pseudonym: Option<String>,
}

/// The vial list's filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct VialFilter {
    pub lot: Option<String>,
    pub status: Option<String>,
    /// Locations starting with this text (`FRZ-01/`, `FRZ-01/R1/`, …).
    pub location: Option<String>,
}

pub(crate) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The UTC instant a facility-zone date (YYYY-MM-DD) starts at, plus `days`.
fn day_start(field: &str, date: &str, days: i64) -> Result<String, DomainError> {
    let bad = || {
        DomainError::invalid(
            field,
            secretome_domain::Why::said(
                format!("{date:?} is not a date (YYYY-MM-DD)"),
                format!("日付を YYYY-MM-DD で入力してください ({date:?})"),
            ),
        )
    };
    let d: jiff::civil::Date = date.parse().map_err(|_| bad())?;
    let d = d
        .checked_add(jiff::Span::new().days(days))
        .map_err(|_| bad())?;
    let tz = jiff::tz::TimeZone::get("Asia/Tokyo")
        .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(9)));
    let ts = tz
        .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
        .map_err(|_| bad())?;
    Ok(UtcTime::from_timestamp(ts).to_string())
}

/// All refusals of a filter at once, as one refusal naming every field.
pub(crate) fn refuse_all(errors: Vec<DomainError>) -> Result<(), ServiceError> {
    let mut all = secretome_domain::Invalids::default();
    for e in errors {
        all.take::<()>(Err(e));
    }
    Ok(all.done()?)
}

pub(crate) fn limit(n: Option<usize>) -> usize {
    n.unwrap_or(PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
}

impl LotFilter {
    fn conds(&self) -> Result<Vec<Cond>, ServiceError> {
        let (mut conds, mut errors) = (Vec::new(), Vec::new());
        if let Some(s) = given(&self.status) {
            match LotStatus::ALL.iter().find(|x| x.as_str() == s) {
                Some(st) => conds.push(Cond::Eq("status", st.as_str().to_string())),
                None => errors.push(DomainError::invalid(
                    "status",
                    secretome_domain::Why::said(
                        format!("{s:?} is not a lot state"),
                        format!("状態の指定が正しくありません ({s:?})"),
                    ),
                )),
            }
        }
        if let Some(p) = given(&self.product) {
            conds.push(Cond::Eq("product", p.to_string()));
        }
        let from = given(&self.from).map(|d| day_start("from", d, 0));
        let to = given(&self.to).map(|d| day_start("to", d, 1));
        let mut bound = |r: Option<Result<String, DomainError>>| match r {
            Some(Ok(t)) => Some(t),
            Some(Err(e)) => {
                errors.push(e);
                None
            }
            None => None,
        };
        let (from, to) = (bound(from), bound(to));
        if from.is_some() || to.is_some() {
            conds.push(Cond::Range {
                column: "created_at",
                from,
                to,
            });
        }
        refuse_all(errors)?;
        Ok(conds)
    }
}

/// Lot vial counters (`TallyKind::LotVials`) as lot → state → count.
pub(crate) fn vial_counts(
    tallies: Vec<secretome_store::Tally>,
) -> BTreeMap<String, BTreeMap<&'static str, usize>> {
    let mut counts: BTreeMap<String, BTreeMap<&'static str, usize>> = BTreeMap::new();
    for t in tallies {
        if let Some(s) = VialStatus::ALL.iter().find(|s| s.as_str() == t.key) {
            *counts
                .entry(t.subject)
                .or_default()
                .entry(s.as_str())
                .or_default() += usize::try_from(t.n).unwrap_or(0);
        }
    }
    counts
}

impl Service {
    /// A page of lots, newest first, filtered, with their vials by state (the counters the store
    /// keeps with every vial write, `TallyKind::LotVials`: a few rows per lot on the page).
    pub async fn lots_page(
        &self,
        filter: &LotFilter,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<LotSummary>, ServiceError> {
        let mut q = PageQuery::newest("created_at", limit(n)).at(cursor);
        q.conds = filter.conds()?;
        let page = self.store().page_of::<Lot>(&q).await?;
        let ids: Vec<String> = page.rows.iter().map(|l| l.id.to_string()).collect();
        let mut counts = self.lot_vial_counts(&ids).await?;
        Ok(page.map(|lot| {
            let by_status = counts.remove(lot.id.as_str()).unwrap_or_default();
            LotSummary {
                vials: by_status.values().sum(),
                by_status,
                lot,
            }
        }))
    }

    /// The vials of these lots by state, from the store's counters: lot → state → count.
    pub(crate) async fn lot_vial_counts(
        &self,
        lots: &[String],
    ) -> Result<BTreeMap<String, BTreeMap<&'static str, usize>>, ServiceError> {
        Ok(vial_counts(
            self.store().tallies_of(TallyKind::LotVials, lots).await?,
        ))
    }

    /// A page of patients, newest registration first, filtered by indication, site and pseudonym
    /// prefix, with their doses and adverse events counted and last visit found in SQL.
    pub async fn patients_page(
        &self,
        filter: &PatientFilter,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<PatientSummary>, ServiceError> {
        let p = self
            .patients_page_with(filter, cursor, n, Vec::new(), |_| Vec::new())
            .await?;
        Ok(p.page)
    }

    /// `patients_page` with the caller's own reads asked together with the page's: `before` with
    /// the page of patients, `after(ids)` with their counts. Two hand-overs to the database in
    /// all (`Store::read_all`), whatever the page shows.
    pub(crate) async fn patients_page_with(
        &self,
        filter: &PatientFilter,
        cursor: Option<&str>,
        n: Option<usize>,
        before: Vec<Read>,
        after: impl FnOnce(&[String]) -> Vec<Read>,
    ) -> Result<PatientPage, ServiceError> {
        let mut q = PageQuery::newest("registered_at", limit(n)).at(cursor);
        if let Some(i) = given(&filter.indication) {
            q.conds.push(Cond::Eq(
                "indication",
                Indication::parse(i)?.as_str().into(),
            ));
        }
        if let Some(s) = given(&filter.site) {
            q.conds.push(Cond::Eq("site", s.to_string()));
        }
        if let Some(p) = given(&filter.pseudonym) {
            q.conds.push(Cond::prefix("id", p));
        }
        let mut first = vec![Read::Page(Table::Patient, q)];
        first.extend(before);
        let ([page], before) = split(self.store().read_all(first).await?)?;
        let page = page.page()?.try_map(|r| r.to_record::<Patient>())?;
        let ids: Vec<String> = page.rows.iter().map(|p| p.id.to_string()).collect();
        let on_page = || vec![Cond::In("patient", ids.clone())];
        let doses = Aggregate {
            min: Some("administered_at"),
            ..Aggregate::count(Table::Administration, &["patient"], on_page())
        };
        let aes = Aggregate::count(Table::AdverseEvent, &["patient"], on_page());
        let visits = Aggregate {
            max: Some("visit_at"),
            ..Aggregate::count(Table::OutcomeMeasure, &["patient"], on_page())
        };
        let mut second = vec![
            Read::Aggregate(doses),
            Read::Aggregate(aes),
            Read::Aggregate(visits),
            Read::Page(Table::Exposure, crate::recall::exposures_of(&ids)),
        ];
        second.extend(after(&ids));
        let ([doses, aes, visits, exposures], after) = split(self.store().read_all(second).await?)?;
        let (mut dose_counts, mut first_doses) = (BTreeMap::new(), BTreeMap::new());
        for g in doses.groups()? {
            if let Some(p) = g.keys.into_iter().next().flatten() {
                if let Some(t) = g.min {
                    first_doses.insert(p.clone(), UtcTime::parse("administered_at", &t)?);
                }
                dose_counts.insert(p, usize::try_from(g.count).unwrap_or(0));
            }
        }
        let mut ae_counts: BTreeMap<String, usize> = BTreeMap::new();
        for g in aes.groups()? {
            if let Some(p) = g.keys.into_iter().next().flatten() {
                ae_counts.insert(p, usize::try_from(g.count).unwrap_or(0));
            }
        }
        let mut last_visits = BTreeMap::new();
        for g in visits.groups()? {
            if let (Some(p), Some(t)) = (g.keys.into_iter().next().flatten(), g.max) {
                last_visits.insert(p, UtcTime::parse("visit_at", &t)?);
            }
        }
        let mut recalls = BTreeMap::new();
        let exposures = exposures.page()?.try_map(|r| r.to_record::<Exposure>())?;
        crate::recall::open_by_patient(&mut recalls, exposures.rows);
        let page = page.map(|p| PatientSummary {
            open_recalls: recalls.remove(p.id.as_str()).unwrap_or_default(),
            doses: dose_counts.get(p.id.as_str()).copied().unwrap_or(0),
            adverse_events: ae_counts.get(p.id.as_str()).copied().unwrap_or(0),
            last_visit: last_visits.get(p.id.as_str()).copied(),
            patient: p,
        });
        Ok(PatientPage {
            page,
            first_doses,
            before,
            after,
        })
    }

    /// A page of vials by id — by location when a location prefix is given — filtered by lot,
    /// state and location prefix (a range on the location index, not `LIKE`).
    pub async fn vials_page(
        &self,
        filter: &VialFilter,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<Vial>, ServiceError> {
        // By location within a location range (the location index serves filter and order; in id
        // order a whole freezer's vials would be sorted first), else by id.
        let order = if given(&filter.location).is_some() {
            "location"
        } else {
            "id"
        };
        let mut q = PageQuery::newest(order, limit(n)).at(cursor);
        q.desc = false;
        let mut errors = Vec::new();
        if let Some(l) = given(&filter.lot) {
            q.conds.push(Cond::Eq("lot", l.to_string()));
        }
        if let Some(s) = given(&filter.status) {
            match VialStatus::ALL.iter().find(|x| x.as_str() == s) {
                Some(st) => q.conds.push(Cond::Eq("status", st.as_str().into())),
                None => errors.push(DomainError::invalid(
                    "status",
                    secretome_domain::Why::said(
                        format!("{s:?} is not a vial state"),
                        format!("状態の指定が正しくありません ({s:?})"),
                    ),
                )),
            }
        }
        if let Some(l) = given(&filter.location) {
            q.conds.push(Cond::Range {
                column: "location",
                from: Some(l.to_string()),
                to: prefix_end(l),
            });
        }
        refuse_all(errors)?;
        Ok(self.store().page_of::<Vial>(&q).await?)
    }

    /// A page of recalls, newest first.
    pub async fn recalls_page(
        &self,
        cursor: Option<&str>,
        n: Option<usize>,
    ) -> Result<Page<Recall>, ServiceError> {
        let q = PageQuery::newest("opened_at", limit(n)).at(cursor);
        Ok(self.store().page_of::<Recall>(&q).await?)
    }
}

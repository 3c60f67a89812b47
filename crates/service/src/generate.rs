//! Synthetic multi-site history for load tests and benchmarks (`secretome generate`): S sites over
//! Y years, donors → tissue → banks → batches (with raw-material lots used) → harvests → pooled
//! lots → vials (with DINs) → patients dispensed and administered, QC results and QA decisions;
//! per site a processing room and isolator, equipment, qualifications and daily environmental
//! monitoring, and every lot's sterilising filtration with its integrity tests (`facility`); each
//! patient's consent, shipments of stock between sites with their logger series (some with an
//! excursion QA decided), and adverse events with their reports (`clinic`).
//!
//! Sites, users, the product, its specification and the FIN are made through the ordinary use
//! cases. The bulk is planned first (`plan`), then each record is made through the domain's
//! constructors and transitions and written in its present state with one audit event (named by
//! the step that completed it, at the time it happened, by the user of that site who did it)
//! through `Tx::insert_many`, committed every `BATCH_ROWS` rows — so memory stays flat, and
//! `audit verify` passes on the result. Only an empty database is accepted.

mod bench;
mod clinic;
mod execution;
mod facility;
mod lots;
mod plan;
mod upstream;

pub use bench::TraceTiming;

use crate::{NewProduct, NewTest, Service, ServiceError};
use plan::{PatientPlan, Rng};
use secretome_domain::{
    DomainError, Role, UtcTime,
    clinical::Patient,
    ids::{FreezerId, SiteCode},
    inventory::Freezer,
    isbt::{Fin, ProductCode},
    qc::{Specification, catalogue},
    site::{DinSequence, SETTING_FIN},
};
use secretome_store::{AuditCtx, Record, Snapshot, Store};
use std::collections::BTreeMap;

/// Rows per committed transaction.
const BATCH_ROWS: usize = 50_000;
const PRODUCT: &str = "MSC-CM-01";
const FIN: &str = "G1234";
/// Site codes and names; beyond these, `S09`, `S10`, ….
const SITES: [(&str, &str); 8] = [
    ("TKY", "東京細胞培養加工センター (Tokyo CPC)"),
    ("OSA", "大阪再生医療クリニック (Osaka)"),
    ("FUK", "福岡再生医療クリニック (Fukuoka)"),
    ("SPK", "札幌再生医療クリニック (Sapporo)"),
    ("NGO", "名古屋再生医療クリニック (Nagoya)"),
    ("SDJ", "仙台再生医療クリニック (Sendai)"),
    ("HIJ", "広島再生医療クリニック (Hiroshima)"),
    ("KYO", "京都再生医療クリニック (Kyoto)"),
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateSpec {
    pub vials: usize,
    pub patients: usize,
    pub years: u32,
    pub sites: usize,
    pub seed: u64,
}

/// How far the generation is (after each committed batch).
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub vials: u64,
    pub vials_total: u64,
    pub rows: u64,
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct GenerateSummary {
    pub sites: usize,
    pub donors: usize,
    pub banks: usize,
    pub material_lots: usize,
    pub batches: usize,
    pub lots: usize,
    pub vials: usize,
    pub patients: usize,
    pub dispensed: usize,
    pub administered: usize,
    /// Issue 16 at scale: consents, shipments (some with an excursion), adverse events.
    pub consents: usize,
    pub shipments: usize,
    pub adverse_events: usize,
    /// Rows written through the bulk path (each with its audit event).
    pub rows: usize,
    pub events: i64,
    /// Batches executed against the master batch record, and their step records.
    pub executions: usize,
    pub step_records: usize,
}

/// The users of one site and its freezer.
#[derive(Debug, Clone)]
struct Crew {
    code: SiteCode,
    operator: String,
    qc: String,
    qa: String,
    physician: String,
    freezer: String,
}

/// `t` moved by `days` (may be negative).
fn day(t: UtcTime, days: f64) -> Result<UtcTime, ServiceError> {
    t.plus_hours(days * 24.0).ok_or_else(|| {
        DomainError::invalid(
            "years",
            secretome_domain::Why::said(
                "the history reaches outside the supported time range",
                "範囲外の日時です",
            ),
        )
        .into()
    })
}

/// Writes generated records: a buffer committed in batches, the state of each site's production
/// line, and counters.
struct Emitter<'a> {
    store: &'a dyn Store,
    progress: &'a (dyn Fn(Progress) + Send + Sync),
    buf: Vec<(Snapshot, AuditCtx)>,
    rng: Rng,
    sites: Vec<Crew>,
    lines: Vec<upstream::SiteLine>,
    /// Raw-material periods count from here (a little before `start`).
    origin: UtcTime,
    start: UtcTime,
    now: UtcTime,
    product: String,
    /// ISBT 128 product description code; the generated donors are volunteers (collection type V).
    isbt_description: String,
    spec: Specification,
    fin: Fin,
    din_next: BTreeMap<u8, i64>,
    patient_plans: Vec<PatientPlan>,
    patients: Vec<Option<Patient>>,
    vials_total: u64,
    counts: GenerateSummary,
    /// Adverse events numbered so far per patient (`{patient}-AE-nnn`).
    ae_numbers: BTreeMap<String, usize>,
    /// The master batch record versions batches are executed against, by cell source.
    masters: Vec<(
        secretome_domain::donor::TissueSource,
        secretome_domain::mbr::DocumentVersion,
    )>,
    /// Executions of the batches seeded for the lot being written.
    guided: Vec<execution::Guided>,
}

impl Emitter<'_> {
    fn push<R: Record>(
        &mut self,
        rec: &R,
        actor: &str,
        at: UtcTime,
        action: &str,
    ) -> Result<(), ServiceError> {
        let row = Snapshot::from_record(R::TABLE, rec)?;
        let ctx = AuditCtx {
            actor: actor.to_string(),
            at: at.to_string(),
            action: action.to_string(),
            reason: None,
        };
        self.buf.push((row, ctx));
        Ok(())
    }

    /// Commits the buffer as one transaction (rows and their events) and reports progress.
    async fn flush(&mut self) -> Result<(), ServiceError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.buf);
        let n = rows.len();
        let mut tx = self.store.begin().await?;
        tx.insert_many(rows).await?;
        tx.commit().await?;
        self.counts.rows += n;
        (self.progress)(Progress {
            vials: self.counts.vials as u64,
            vials_total: self.vials_total,
            rows: self.counts.rows as u64,
        });
        Ok(())
    }
}

impl Service {
    /// Generates a synthetic history into an empty database, `now` being the present; `progress`
    /// is called after each committed batch. Refused if the database holds any record.
    pub async fn generate(
        &self,
        now: UtcTime,
        spec: &GenerateSpec,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<GenerateSummary, ServiceError> {
        check(spec)?;
        let events = self.store().event_count().await?;
        if events > 0 {
            return Err(
                DomainError::Rule(secretome_domain::Rule::DatabaseNotEmpty { events }).into(),
            );
        }
        let span = f64::from(spec.years) * 365.0;
        let start = day(now, -span)?;
        let (sites, spec_row) = self.setup(day(start, -120.0)?, spec.sites).await?;
        let masters = self
            .generate_masters(day(start, -120.0)?, &sites[0])
            .await?;
        let mut rng = Rng::new(spec.seed);
        let lot_plans = plan::lots(&mut rng, spec.vials, spec.sites, span);
        let patient_plans = plan::patients(&mut rng, spec.patients, spec.sites, span);
        let doses = plan::match_doses(&lot_plans, &patient_plans, spec.sites);
        let mut em = Emitter {
            store: self.store(),
            progress,
            buf: Vec::with_capacity(BATCH_ROWS + 4096),
            rng,
            lines: (0..sites.len()).map(|_| Default::default()).collect(),
            origin: day(start, -120.0)?,
            start,
            now,
            product: PRODUCT.to_string(),
            isbt_description: ProductCode::new("S0001", 'V', "00")
                .map_err(|e| ServiceError::Internal(e.to_string()))?
                .description_code()
                .to_string(),
            spec: spec_row,
            fin: Fin::parse(FIN).map_err(|e| ServiceError::Internal(e.to_string()))?,
            din_next: BTreeMap::new(),
            patients: vec![None; patient_plans.len()],
            patient_plans,
            vials_total: spec.vials as u64,
            counts: GenerateSummary {
                sites: sites.len(),
                ..Default::default()
            },
            ae_numbers: BTreeMap::new(),
            sites,
            masters,
            guided: Vec::new(),
        };
        for crew in em.sites.clone() {
            let f = Freezer::new(
                FreezerId::new(crew.freezer.clone())?,
                "−80 °C 超低温フリーザー (ULT freezer)",
                crew.code.clone(),
                -80.0,
                9,
                9,
                em.origin,
            )?;
            em.push(&f, &crew.operator, em.origin, "freezer.create")?;
        }
        em.facility()?;
        for (lot, doses) in lot_plans.iter().zip(&doses) {
            em.lot(lot, doses)?;
            if em.buf.len() >= BATCH_ROWS {
                em.flush().await?;
            }
        }
        for j in 0..em.patients.len() {
            em.patient(j)?;
            if em.buf.len() >= BATCH_ROWS {
                em.flush().await?;
            }
        }
        for (year, next) in em.din_next.clone() {
            let seq = DinSequence {
                id: format!("{FIN}{year:02}"),
                next,
            };
            em.push(&seq, &em.sites[0].operator.clone(), now, "lot.fill")?;
        }
        em.flush().await?;
        let mut summary = em.counts;
        summary.events = self.store().event_count().await?;
        Ok(summary)
    }

    /// Sites, their users (site 1's are the demo's sign-ins, password `demo`), the product with
    /// its ISBT 128 code, the FIN and specification v1 — through the use cases, at `t`.
    async fn setup(
        &self,
        t: UtcTime,
        count: usize,
    ) -> Result<(Vec<Crew>, Specification), ServiceError> {
        let code = |i: usize| {
            SITES
                .get(i)
                .map_or_else(|| format!("S{:02}", i + 1), |s| s.0.to_string())
        };
        let name = |i: usize| {
            SITES
                .get(i)
                .map_or_else(|| format!("Site {}", i + 1), |s| s.1.to_string())
        };
        let admin = self
            .bootstrap(t, &code(0), &name(0), "admin", "伊藤 三郎")
            .await?;
        let mut crews = Vec::with_capacity(count);
        for i in 0..count {
            let site = code(i);
            if i > 0 {
                self.create_site(&admin, t, &site, &name(i), "Asia/Tokyo")
                    .await?;
            }
            let user = |role: &str| {
                if i == 0 {
                    role.to_string()
                } else {
                    format!("{role}-{}", site.to_lowercase())
                }
            };
            for (role, r) in [
                ("operator", Role::Operator),
                ("qc", Role::Qc),
                ("qa", Role::Qa),
                ("physician", Role::Physician),
            ] {
                let display = format!("{role} ({site})");
                self.create_user(&admin, t, &user(role), &display, &site, vec![r])
                    .await?;
            }
            crews.push(Crew {
                code: SiteCode::new(site.clone())?,
                operator: user("operator"),
                qc: user("qc"),
                qa: user("qa"),
                physician: user("physician"),
                freezer: format!("FRZ-{site}"),
            });
        }
        self.set_demo_passwords(t).await?;
        self.create_product(
            &admin,
            t,
            NewProduct {
                id: PRODUCT.into(),
                name: "MSC conditioned medium (stem-cell culture supernatant)".into(),
                name_ja: "幹細胞培養上清液".into(),
                shelf_life_days: 365,
                storage_temperature_c: -80.0,
                isbt_code: Some("S0001".into()),
            },
        )
        .await?;
        self.set_setting(&admin, t, SETTING_FIN, FIN).await?;
        let qa = self.actor(&crews[0].qa).await?;
        let mut tests = catalogue::safety_tests()?;
        tests.extend(catalogue::content_tests()?);
        let draft = self
            .create_specification(
                &qa,
                t,
                PRODUCT,
                tests.into_iter().map(NewTest::from).collect(),
            )
            .await?;
        let spec = self.make_specification_effective(&qa, t, &draft.id).await?;
        Ok((crews, spec))
    }
}

/// Refuses sizes the generator cannot honour, naming the option.
fn check(s: &GenerateSpec) -> Result<(), ServiceError> {
    use secretome_domain::Why;
    let bad = |f: &str, why: Why| Err(DomainError::invalid(f, why).into());
    let between = |min: &str, max: &str| Why::Between(min.into(), max.into());
    if !(1..=50_000_000).contains(&s.vials) {
        return bad("vials", between("1", "50,000,000"));
    }
    if s.patients > 10_000_000 {
        return bad("patients", Why::AtMost("10,000,000".into()));
    }
    if !(1..=30).contains(&s.years) {
        return bad("years", between("1", "30"));
    }
    if !(1..=99).contains(&s.sites) {
        return bad("sites", between("1", "99"));
    }
    if s.vials as f64 / f64::from(s.years) > 900_000.0 {
        return bad(
            "vials",
            Why::said(
                "at most 900,000 vials a year: a FIN has 999,999 DINs per year",
                "1 年あたり 900,000 バイアルまでです (FIN ごとの DIN は年 999,999 件まで)",
            ),
        );
    }
    Ok(())
}

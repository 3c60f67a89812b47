//! QC and QA use cases (issue 4 items 3–4): products, versioned specifications, test results and
//! deviations — each a role check, the domain's rule and one audited transaction. The release rule
//! that reads them (`release_check`, and `release_lot`'s refusal) and the batch-record read model
//! are in `qc/reads.rs`.

mod reads;

pub(crate) use reads::QcRecords;
pub use reads::{LotQc, ResultRow};

use crate::{Service, ServiceError, ctx};
use secretome_domain::Capability;
use secretome_domain::{
    Actor, DomainError, TransitionError, UtcTime,
    ids::{ProductCode, TestCode},
    lot::Lot,
    qc::{
        Acceptance, Deviation, Product, ResultSource, Specification, TestResult, TestSpec, Verdict,
        result::{Change, ResultEntry},
    },
};

/// A new product (製品). Role: admin.
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub id: String,
    pub name: String,
    pub name_ja: String,
    pub shelf_life_days: i64,
    pub storage_temperature_c: f64,
    /// ISBT 128 product description code (`S1234`), if ICCBBA has assigned one.
    pub isbt_code: Option<String>,
}

/// One test of a new specification version, as entered.
#[derive(Debug, Clone)]
pub struct NewTest {
    pub code: String,
    pub name: String,
    pub name_ja: String,
    pub method: String,
    pub unit: Option<String>,
    pub acceptance: Acceptance,
}

impl From<TestSpec> for NewTest {
    fn from(t: TestSpec) -> NewTest {
        NewTest {
            code: t.code.into(),
            name: t.name,
            name_ja: t.name_ja,
            method: t.method,
            unit: t.unit,
            acceptance: t.acceptance,
        }
    }
}

/// A test result as entered: a numeric `value` or a text `outcome`; `assay_run` when it was
/// accepted from an assay run rather than typed in. Role: qc.
#[derive(Debug, Clone, Default)]
pub struct NewResult {
    pub lot: String,
    pub test: String,
    pub value: Option<f64>,
    pub outcome: Option<String>,
    pub unit: Option<String>,
    pub assay_run: Option<String>,
    /// The value as the lab wrote it (`< 0.25`, `１２０ pg/mL`): read by the domain into a number
    /// (possibly censored) for a numeric test; replaces `value` when given.
    pub typed: Option<String>,
}

impl NewResult {
    /// The domain's entry for `test` of `spec`: the typed value read as the lab writes it.
    fn entry(self, spec: &Specification) -> Result<ResultEntry, DomainError> {
        let mut entry = ResultEntry {
            test: self.test.clone(),
            value: self.value,
            censor: None,
            outcome: self.outcome,
            unit: self.unit,
            source: match self.assay_run {
                Some(run) => ResultSource::AssayRun { assay_run: run },
                None => ResultSource::Manual,
            },
        };
        if let Some(typed) = self.typed.filter(|t| !t.trim().is_empty()) {
            let test = spec.test(&self.test).ok_or_else(|| {
                DomainError::invalid(
                    "test",
                    secretome_domain::Why::said(
                        format!("specification {} has no test {:?}", spec.id, self.test),
                        format!("規格 {} に試験 {:?} はありません", spec.id, self.test),
                    ),
                )
            })?;
            let read = ResultEntry::typed(test, "value", &typed)?;
            entry.value = read.value;
            entry.censor = read.censor;
            if read.outcome.is_some() {
                entry.outcome = read.outcome;
            }
        }
        Ok(entry)
    }
}

/// The specification a lot was filled under, or a refusal naming the lot's state.
fn spec_of(lot: &Lot, action: &'static str) -> Result<String, DomainError> {
    lot.specification.clone().ok_or_else(|| {
        TransitionError {
            entity: "lot",
            id: lot.id.to_string(),
            from: lot.status.as_str(),
            action,
        }
        .into()
    })
}

impl Service {
    /// Creates a product. Role: admin.
    pub async fn create_product(
        &self,
        actor: &Actor,
        now: UtcTime,
        p: NewProduct,
    ) -> Result<Product, ServiceError> {
        actor.require_to(Capability::Administer, "create a product")?;
        let product = Product::new(
            ProductCode::new(p.id)?,
            &p.name,
            &p.name_ja,
            p.shelf_life_days,
            p.storage_temperature_c,
            now,
        )?;
        let product = match p.isbt_code.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => product.with_isbt_code(code)?,
            _ => product,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_record(&product, &ctx(actor, now, "product.create", None))
            .await?;
        tx.commit().await?;
        Ok(product)
    }

    /// Creates the next version of a product's specification, as a draft. Role: admin or qa.
    pub async fn create_specification(
        &self,
        actor: &Actor,
        now: UtcTime,
        product: &str,
        tests: Vec<NewTest>,
    ) -> Result<Specification, ServiceError> {
        actor.require_to(Capability::WriteSpecifications, "create a specification")?;
        let mut specs = Vec::with_capacity(tests.len());
        for (i, t) in tests.into_iter().enumerate() {
            specs.push(TestSpec {
                code: TestCode::new(t.code).map_err(|e| match e {
                    DomainError::Invalid { message, .. } => {
                        DomainError::invalid(format!("tests[{i}].code"), message)
                    }
                    other => other,
                })?,
                name: t.name,
                name_ja: t.name_ja,
                method: t.method,
                unit: t.unit,
                acceptance: t.acceptance,
            });
        }
        let mut tx = self.store.begin().await?;
        let p = tx.must_load::<Product>(product).await?;
        let version = tx
            .list::<Specification>(Some(("product", p.id.as_str())))
            .await?
            .iter()
            .map(|s| s.version)
            .max()
            .unwrap_or(0)
            + 1;
        let spec = Specification::draft(p.id, version, specs, now)?;
        tx.insert_record(&spec, &ctx(actor, now, "specification.create", None))
            .await?;
        tx.commit().await?;
        Ok(spec)
    }

    /// Makes a draft specification effective now; the version in force until now is superseded in
    /// the same transaction. Role: admin or qa.
    pub async fn make_specification_effective(
        &self,
        actor: &Actor,
        now: UtcTime,
        spec: &str,
    ) -> Result<Specification, ServiceError> {
        actor.require_to(
            Capability::WriteSpecifications,
            "make a specification effective",
        )?;
        let mut tx = self.store.begin().await?;
        let s = tx.must_load::<Specification>(spec).await?;
        let versions = tx
            .list::<Specification>(Some(("product", s.product.as_str())))
            .await?;
        let (next, previous) = s.make_effective(&versions, now)?;
        if let Some(old) = previous {
            tx.update_record(&old, &ctx(actor, now, "specification.supersede", None))
                .await?;
        }
        tx.update_record(&next, &ctx(actor, now, "specification.effective", None))
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Records a test result against the lot's specification; the verdict is computed. Role: qc.
    pub async fn record_result(
        &self,
        actor: &Actor,
        now: UtcTime,
        r: NewResult,
    ) -> Result<TestResult, ServiceError> {
        actor.require_to(Capability::TestQuality, "record a QC result")?;
        let mut tx = self.store.begin().await?;
        let lot = tx.must_load::<Lot>(&r.lot).await?;
        let spec = tx
            .must_load::<Specification>(&spec_of(&lot, "take test results")?)
            .await?;
        let entry = r.entry(&spec)?;
        let result = TestResult::record(&lot, &spec, entry, &actor.user, now)?;
        if tx.load::<TestResult>(&result.id).await?.is_some() {
            return Err(DomainError::Rule(secretome_domain::Rule::ResultExists {
                lot: lot.id.to_string(),
                test: result.test.to_string(),
            })
            .into());
        }
        tx.insert_record(&result, &ctx(actor, now, "test_result.record", None))
            .await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Corrects a result (`<lot>/<test>`) with a required reason; the verdict is recomputed. Role: qc.
    pub async fn correct_result(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        value: Option<f64>,
        outcome: Option<&str>,
        reason: &str,
    ) -> Result<TestResult, ServiceError> {
        let (lot, test) = id.rsplit_once('/').unwrap_or((id, ""));
        let r = NewResult {
            lot: lot.to_string(),
            test: test.to_string(),
            value,
            outcome: outcome.map(str::to_string),
            ..Default::default()
        };
        self.revise_result(actor, now, r, Change::Correction, reason)
            .await
    }

    /// Corrects (a wrong entry) or retests (a new run of the test) a lot's result, with a required
    /// reason: the new result becomes the valid one, the earlier one stays visible in its history
    /// and in the audit trail. Replacing an out-of-specification result opens an OOS investigation
    /// (a deviation naming the test) unless one names it already: QA must close it before release.
    /// Role: qc.
    pub async fn revise_result(
        &self,
        actor: &Actor,
        now: UtcTime,
        r: NewResult,
        change: Change,
        reason: &str,
    ) -> Result<TestResult, ServiceError> {
        let action = match change {
            Change::Correction => "correct a QC result",
            Change::Retest => "record a retest",
        };
        actor.require_to(Capability::TestQuality, action)?;
        let mut tx = self.store.begin().await?;
        let id = format!("{}/{}", r.lot, r.test);
        let old = tx.must_load::<TestResult>(&id).await?;
        let lot = tx.must_load::<Lot>(old.lot.as_str()).await?;
        let spec = tx.must_load::<Specification>(&old.specification).await?;
        let entry = r.entry(&spec)?;
        let next = old.revised(&lot, &spec, entry, change, reason, &actor.user, now)?;
        let event = match change {
            Change::Correction => "test_result.correct",
            Change::Retest => "test_result.retest",
        };
        tx.update_record(&next, &ctx(actor, now, event, Some(reason)))
            .await?;
        if old.verdict == Verdict::Fail {
            let deviations = tx.list::<Deviation>(Some(("lot", lot.id.as_str()))).await?;
            if !deviations
                .iter()
                .any(|d| d.test.as_ref() == Some(&old.test))
            {
                let d = Deviation::open(
                    format!("{}/DEV-{:02}", lot.id, deviations.len() + 1),
                    &lot,
                    Some(&spec),
                    Some(old.test.as_str()),
                    &format!(
                        "OOS investigation: {} result {} was out of specification ({}); {} as {} ({reason})",
                        old.test,
                        old.shown(),
                        spec.test(old.test.as_str())
                            .map(|t| t.criterion())
                            .unwrap_or_default(),
                        change.as_str(),
                        next.shown()
                    ),
                    &actor.user,
                    now,
                )?;
                tx.insert_record(&d, &ctx(actor, now, "deviation.open", None))
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(next)
    }

    /// Opens a deviation (逸脱) on a lot, optionally naming the test it covers. Role: qc, qa or operator.
    pub async fn open_deviation(
        &self,
        actor: &Actor,
        now: UtcTime,
        lot: &str,
        test: Option<&str>,
        description: &str,
    ) -> Result<Deviation, ServiceError> {
        actor.require_to(Capability::OpenDeviation, "open a deviation")?;
        let mut tx = self.store.begin().await?;
        let l = tx.must_load::<Lot>(lot).await?;
        let spec = match &l.specification {
            Some(id) => Some(tx.must_load::<Specification>(id).await?),
            None => None,
        };
        let n = tx.list::<Deviation>(Some(("lot", lot))).await?.len() + 1;
        let d = Deviation::open(
            format!("{}/DEV-{n:02}", l.id),
            &l,
            spec.as_ref(),
            test,
            description,
            &actor.user,
            now,
        )?;
        tx.insert_record(&d, &ctx(actor, now, "deviation.open", None))
            .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// QC's assessment of a deviation: open → assessed. Role: qc.
    pub async fn assess_deviation(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        assessment: &str,
    ) -> Result<Deviation, ServiceError> {
        actor.require_to(Capability::TestQuality, "assess a deviation")?;
        self.move_deviation(actor, now, id, "deviation.assess", None, |d| {
            d.assess(&actor.user, assessment, now)
        })
        .await
    }

    /// QA's approval of an assessed deviation (it then covers its test's failing result). Role: qa.
    pub async fn approve_deviation(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        reason: &str,
    ) -> Result<Deviation, ServiceError> {
        actor.require_to(Capability::AssureQuality, "approve a deviation")?;
        self.move_deviation(actor, now, id, "deviation.approve", Some(reason), |d| {
            d.approve(&actor.user, reason, now)
        })
        .await
    }

    /// QA's rejection of an assessed deviation (closed; a failing result stays uncovered). Role: qa.
    pub async fn reject_deviation(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        reason: &str,
    ) -> Result<Deviation, ServiceError> {
        actor.require_to(Capability::AssureQuality, "reject a deviation")?;
        self.move_deviation(actor, now, id, "deviation.reject", Some(reason), |d| {
            d.reject(&actor.user, reason, now)
        })
        .await
    }

    async fn move_deviation(
        &self,
        actor: &Actor,
        now: UtcTime,
        id: &str,
        action: &str,
        reason: Option<&str>,
        step: impl FnOnce(&Deviation) -> Result<Deviation, DomainError>,
    ) -> Result<Deviation, ServiceError> {
        let mut tx = self.store.begin().await?;
        let next = step(&tx.must_load::<Deviation>(id).await?)?;
        tx.update_record(&next, &ctx(actor, now, action, reason))
            .await?;
        tx.commit().await?;
        Ok(next)
    }
}

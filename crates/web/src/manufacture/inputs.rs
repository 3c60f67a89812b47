//! One typed input per manufacturing action, read by `kit::Input` from the page's form and the
//! API's JSON body alike (same field names, same vocabulary: `hypoxia` is a yes/no flag on both),
//! each turned into the service's command with every bad field at once. Path ids (the donor, the
//! batch) are the handler's to add.

use super::donors::{MARKERS, OUTCOMES};
use crate::kit::{Action, At, Check, FieldErrors, flag, text};
use secretome_domain::{UtcTime, Why, donor::ScreenResult, processing::StepKind};
use secretome_service::{NewBank, NewBatch, NewMaterialLot, NewObservation, NewTissue, Placement};
use serde::Deserialize;

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct RegisterDonor {
    /// The donor's pseudonymised code.
    pub donor: String,
    pub source: String,
    pub consent_form: String,
    /// RFC 3339; absent: now.
    pub consented_at: String,
}

pub struct NewDonor {
    pub code: String,
    pub source: String,
    pub consent_form: String,
    pub consented_at: UtcTime,
}

impl Action for RegisterDonor {
    type Command = NewDonor;
    fn command(&self, at: &At) -> Result<NewDonor, FieldErrors> {
        let mut c = Check::new(at);
        let consented_at = c.time("consented_at", &self.consented_at);
        let code = c.required("donor", &self.donor);
        c.done(NewDonor {
            code,
            source: text(&self.source),
            consent_form: self.consent_form.clone(),
            consented_at,
        })
    }
}

/// One outcome per marker: `{"hbv": "negative", …}` (the form) or
/// `{"results": [{"marker": "hbv", "outcome": "negative"}, …]}`.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Screening {
    #[serde(flatten)]
    pub by_marker: std::collections::BTreeMap<String, serde_json::Value>,
    pub results: Vec<MarkerOutcome>,
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct MarkerOutcome {
    pub marker: String,
    pub outcome: String,
}

impl Action for Screening {
    type Command = Vec<ScreenResult>;
    fn command(&self, _: &At) -> Result<Vec<ScreenResult>, FieldErrors> {
        let mut out = Vec::new();
        let mut errors = FieldErrors::default();
        for (field, marker) in MARKERS {
            let listed = self.results.iter().find(|r| r.marker.trim() == field);
            let typed = match (listed, self.by_marker.get(field)) {
                (Some(r), _) => r.outcome.trim(),
                (None, Some(serde_json::Value::String(s))) => s.trim(),
                _ => "",
            };
            match OUTCOMES.iter().find(|(k, _)| *k == typed) {
                Some((_, outcome)) => out.push(ScreenResult {
                    marker,
                    outcome: *outcome,
                }),
                None => errors.add(field, Why::Choose),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// A tissue collection; the donor is the page's (or the API path's).
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct CollectTissue {
    pub tissue: String,
    pub collected_at: String,
    pub amount: String,
    pub amount_unit: String,
}

impl Action for CollectTissue {
    type Command = NewTissue;
    fn command(&self, at: &At) -> Result<NewTissue, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewTissue {
            id: text(&self.tissue),
            donor: String::new(),
            collected_at: c.time("collected_at", &self.collected_at),
            amount: c.number("amount", &self.amount),
            amount_unit: text(&self.amount_unit),
        };
        c.done(new)
    }
}

/// A cell bank: master from a tissue, working (`working`: yes) from a master bank. The pages
/// give `from` and `working` by their path.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct CreateBank {
    pub cell_bank: String,
    pub from: String,
    /// A yes/no flag: `yes`, `true`, `on` or `1` for yes.
    #[schemars(with = "String")]
    #[serde(deserialize_with = "flag")]
    pub working: bool,
    pub passage: String,
    pub population_doublings: String,
    pub vials_frozen: String,
    pub cells_per_vial: String,
    pub banked_at: String,
}

impl Action for CreateBank {
    type Command = NewBank;
    fn command(&self, at: &At) -> Result<NewBank, FieldErrors> {
        let mut c = Check::new(at);
        let bank = NewBank {
            id: text(&self.cell_bank),
            from: text(&self.from),
            working: self.working,
            passage: c.integer("passage", &self.passage),
            population_doublings: c.number("population_doublings", &self.population_doublings),
            vials_frozen: c.integer("vials_frozen", &self.vials_frozen),
            cells_per_vial: c.number("cells_per_vial", &self.cells_per_vial),
            banked_at: c.time("banked_at", &self.banked_at),
        };
        c.done(bank)
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct ReceiveMaterial {
    pub material_lot: String,
    pub material: String,
    pub category: String,
    pub supplier: String,
    pub supplier_lot: String,
    pub received_at: String,
    pub expires_at: String,
}

impl Action for ReceiveMaterial {
    type Command = NewMaterialLot;
    fn command(&self, at: &At) -> Result<NewMaterialLot, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewMaterialLot {
            id: text(&self.material_lot),
            material: self.material.clone(),
            category: text(&self.category),
            supplier: self.supplier.clone(),
            supplier_lot: self.supplier_lot.clone(),
            received_at: c.time("received_at", &self.received_at),
            expires_at: c.required_time("expires_at", &self.expires_at),
        };
        c.done(new)
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct SeedBatch {
    pub batch: String,
    pub cell_bank: String,
    pub vessel: String,
    pub vessel_count: String,
    pub seeding_density: String,
    pub seeded_at: String,
}

impl Action for SeedBatch {
    type Command = NewBatch;
    fn command(&self, at: &At) -> Result<NewBatch, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewBatch {
            id: text(&self.batch),
            cell_bank: text(&self.cell_bank),
            vessel: text(&self.vessel),
            vessel_count: c.integer("vessel_count", &self.vessel_count),
            seeding_density: c.number("seeding_density", &self.seeding_density),
            seeded_at: c.time("seeded_at", &self.seeded_at),
        };
        c.done(new)
    }
}

/// An observation of the batch the path names.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Observe {
    pub observed_at: String,
    pub cell_count: String,
    pub viability_pct: String,
    pub confluence_pct: String,
    pub note: String,
}

impl Action for Observe {
    type Command = NewObservation;
    fn command(&self, at: &At) -> Result<NewObservation, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewObservation {
            batch: String::new(),
            observed_at: c.time("observed_at", &self.observed_at),
            cell_count: c.number("cell_count", &self.cell_count),
            viability_pct: c.number("viability_pct", &self.viability_pct),
            confluence_pct: c.number("confluence_pct", &self.confluence_pct),
            note: Some(text(&self.note)).filter(|n| !n.is_empty()),
        };
        c.done(new)
    }
}

/// A raw-material lot used by the batch the path names.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct UseMaterial {
    pub material_lot: String,
    pub quantity: String,
    pub unit: String,
    pub used_at: String,
}

pub struct MaterialUse {
    pub lot: String,
    pub quantity: f64,
    pub unit: String,
    pub used_at: UtcTime,
}

impl Action for UseMaterial {
    type Command = MaterialUse;
    fn command(&self, at: &At) -> Result<MaterialUse, FieldErrors> {
        let mut c = Check::new(at);
        let new = MaterialUse {
            lot: text(&self.material_lot),
            quantity: c.number("quantity", &self.quantity),
            unit: text(&self.unit),
            used_at: c.time("used_at", &self.used_at),
        };
        c.done(new)
    }
}

/// The switch to conditioning medium; `hypoxia` is a yes/no flag (`yes`, `true`, a checkbox).
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Condition {
    pub medium_lot: String,
    pub hours: String,
    /// A yes/no flag: `yes`, `true`, `on` or `1` for yes.
    #[schemars(with = "String")]
    #[serde(deserialize_with = "flag")]
    pub hypoxia: bool,
    pub started_at: String,
}

pub struct Conditioning {
    pub medium: String,
    pub hours: f64,
    pub hypoxia: bool,
    pub started_at: UtcTime,
}

impl Action for Condition {
    type Command = Conditioning;
    fn command(&self, at: &At) -> Result<Conditioning, FieldErrors> {
        let mut c = Check::new(at);
        let new = Conditioning {
            medium: text(&self.medium_lot),
            hours: c.number("hours", &self.hours),
            hypoxia: self.hypoxia,
            started_at: c.time("started_at", &self.started_at),
        };
        c.done(new)
    }
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Harvest {
    pub harvest: String,
    pub volume_ml: String,
    pub harvested_at: String,
    pub deviation: String,
}

pub struct NewHarvest {
    pub id: String,
    pub volume_ml: f64,
    pub harvested_at: UtcTime,
    pub deviation: Option<String>,
}

impl Action for Harvest {
    type Command = NewHarvest;
    fn command(&self, at: &At) -> Result<NewHarvest, FieldErrors> {
        let mut c = Check::new(at);
        let new = NewHarvest {
            id: text(&self.harvest),
            volume_ml: c.number("volume_ml", &self.volume_ml),
            harvested_at: c.time("harvested_at", &self.harvested_at),
            deviation: Some(text(&self.deviation)).filter(|d| !d.is_empty()),
        };
        c.done(new)
    }
}

/// Harvests pooled into a new lot: the form's rows `harvests[i]` with `harvests[i].volume_ml`, or
/// JSON's `harvests: [{"harvest", "volume_ml"}]`.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Pool {
    pub lot: String,
    pub product: String,
    pub harvests: Vec<PoolRow>,
    #[serde(flatten)]
    pub rows: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct PoolRow {
    pub harvest: String,
    pub volume_ml: String,
}

/// (lot, product, (harvest, mL) for each row with a harvest chosen).
pub type Pooling = (String, String, Vec<(String, f64)>);

impl Action for Pool {
    type Command = Pooling;
    fn command(&self, at: &At) -> Result<Pooling, FieldErrors> {
        let mut c = Check::new(at);
        let row = |k: &str| self.rows.get(k).and_then(|v| v.as_str()).unwrap_or("");
        let typed = (0..64).map(|i| {
            let h = row(&format!("harvests[{i}]"));
            (i, h, row(&format!("harvests[{i}].volume_ml")))
        });
        let sent = self.harvests.iter().enumerate();
        let sent = sent.map(|(i, r)| (i, r.harvest.as_str(), r.volume_ml.as_str()));
        let mut parts = Vec::new();
        for (i, h, ml) in sent.chain(typed).filter(|(_, h, _)| !h.trim().is_empty()) {
            parts.push((text(h), c.number(&format!("harvests[{i}].volume_ml"), ml)));
        }
        let lot = c.required("lot", &self.lot);
        let product = c.required("product", &self.product);
        c.done((lot, product, parts))
    }
}

/// A processing step: its kind and that kind's parameters.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Step {
    pub kind: String,
    pub g_force: String,
    pub minutes: String,
    pub pore_um: String,
    pub cutoff_kda: String,
    pub concentration_factor: String,
    pub method: String,
    pub performed_at: String,
}

impl Action for Step {
    type Command = (StepKind, UtcTime);
    fn command(&self, at: &At) -> Result<Self::Command, FieldErrors> {
        let mut c = Check::new(at);
        let kind = match self.kind.trim() {
            "centrifugation" => StepKind::Centrifugation {
                g_force: c.number("g_force", &self.g_force),
                minutes: c.number("minutes", &self.minutes),
            },
            "filtration" => StepKind::Filtration {
                pore_um: c.number("pore_um", &self.pore_um),
            },
            "ultrafiltration" => StepKind::Ultrafiltration {
                cutoff_kda: c.number("cutoff_kda", &self.cutoff_kda),
                concentration_factor: c.number("concentration_factor", &self.concentration_factor),
            },
            "sterilisation" => StepKind::Sterilisation {
                method: self.method.clone(),
            },
            _ => return Err(FieldErrors::one("kind", Why::Choose)),
        };
        let performed_at = c.time("performed_at", &self.performed_at);
        c.done((kind, performed_at))
    }
}

/// The filling: how many vials of how many mL, their expiry, and where they are stored (both the
/// freezer and the rack, or neither).
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct Fill {
    pub count: String,
    pub fill_volume_ml: String,
    pub expires_at: String,
    pub freezer: String,
    pub rack: String,
}

/// (count, mL per vial, expiry, storage place).
pub type Filling = (i64, f64, UtcTime, Option<Placement>);

impl Action for Fill {
    type Command = Filling;
    fn command(&self, at: &At) -> Result<Filling, FieldErrors> {
        let mut c = Check::new(at);
        let count = c.integer("count", &self.count);
        let volume = c.number("fill_volume_ml", &self.fill_volume_ml);
        let expires = c.required_time("expires_at", &self.expires_at);
        let (freezer, rack) = (text(&self.freezer), text(&self.rack));
        let place = match (freezer.is_empty(), rack.is_empty()) {
            (true, true) => None,
            (false, false) => Some(Placement { freezer, rack }),
            (true, false) => {
                let m = Why::said(
                    "must not be empty (or leave the rack empty too)",
                    "入力してください (ラックを入れない場合はこちらも空に)",
                );
                return Err(FieldErrors::one("freezer", m));
            }
            (false, true) => {
                let m = Why::said(
                    "must not be empty (or leave the freezer empty too)",
                    "入力してください (フリーザーを入れない場合はこちらも空に)",
                );
                return Err(FieldErrors::one("rack", m));
            }
        };
        c.done((count, volume, expires, place))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::Input;

    fn at() -> At {
        let now = UtcTime::parse("t", "2026-01-01T00:00:00Z").unwrap();
        At {
            zone: "UTC".into(),
            now,
        }
    }

    #[test]
    fn a_form_and_json_read_alike_and_every_bad_field_is_named() {
        let form = b"medium_lot=RM-1&hours=48&hypoxia=yes";
        let json = br#"{"medium_lot": "RM-1", "hours": 48, "hypoxia": true}"#;
        for i in [
            Input::<Condition>::parse("application/x-www-form-urlencoded", form),
            Input::<Condition>::parse("application/json", json),
        ] {
            let c = i.input().unwrap().command(&at()).unwrap();
            assert_eq!(
                (c.medium.as_str(), c.hours, c.hypoxia),
                ("RM-1", 48.0, true)
            );
        }
        let two = br#"{"batch": "B-1", "vessel_count": "x", "seeding_density": "y"}"#;
        let bad = Input::<SeedBatch>::parse("application/json", two);
        let e = bad.input().unwrap().command(&at()).unwrap_err();
        assert_eq!(e.0["vessel_count"], Why::Whole);
        assert_eq!(e.0["seeding_density"], Why::Number);
        let flag = Input::<Condition>::parse("application/json", br#"{"hypoxia": "maybe"}"#);
        let field = flag.input().err().and_then(|r| r.field());
        assert_eq!(field.as_deref(), Some("hypoxia"));
    }
}

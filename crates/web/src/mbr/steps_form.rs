//! A master's steps entered through a form, one block per step and one row per parameter (code,
//! label ja/en, unit, target, low and high limits, what a breach does), instead of JSON: the
//! blocks are prefilled from the newest version (or what was posted, after a refusal) with a blank
//! step and blank parameter rows to add more; a row whose code is empty is left out. Every field
//! that is not a number where one is needed is named at once (`s<i>.p<j>.low` …); the rules of a
//! master (stage order, limits around the target, what a use case supplies) are the domain's.

use crate::forms::{FieldErrors, Fields};
use secretome_domain::Why;
use secretome_domain::mbr::{Limit, MasterStep, OnBreach, Parameter, Stage, UseCase};

/// Blank parameter rows offered under each step, blank steps at the end.
const BLANK_PARAMS: usize = 2;
const BLANK_STEPS: usize = 1;
/// Upper bounds on what a post may carry (a form is not a way to make the server loop).
const MAX_STEPS: usize = 60;
const MAX_PARAMS: usize = 20;

/// One text input of a block or row, ready for the template: the field name (`s0.p1.low`), the
/// element id, its label key and value, and whether it takes a number.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub name: String,
    pub id: String,
    pub label: &'static str,
    pub value: String,
    pub number: bool,
}

fn cells(key: &str, items: &[(&'static str, &'static str, &str, bool)]) -> Vec<Cell> {
    items
        .iter()
        .map(|(x, label, value, number)| Cell {
            name: format!("{key}.{x}"),
            id: format!("f-{}-{x}", key.replace('.', "-")),
            label,
            value: value.to_string(),
            number: *number,
        })
        .collect()
}

impl ParamRow {
    /// The row's text inputs, in column order.
    pub fn cells(&self) -> Vec<Cell> {
        cells(
            &self.key,
            &[
                ("code", "mbr.f.param_code", &self.code, false),
                ("name", "mbr.f.name", &self.name, false),
                ("name_ja", "mbr.f.name_ja", &self.name_ja, false),
                ("unit", "mbr.f.unit", &self.unit, false),
                ("target", "mbr.exec.target", &self.target, true),
                ("low", "mbr.f.low", &self.low, true),
                ("high", "mbr.f.high", &self.high, true),
            ],
        )
    }
}

impl StepRow {
    /// The block's text inputs.
    pub fn cells(&self) -> Vec<Cell> {
        cells(
            &self.key,
            &[
                ("code", "mbr.f.step_code", &self.code, false),
                ("name", "mbr.f.name", &self.name, false),
                ("name_ja", "mbr.f.name_ja", &self.name_ja, false),
                (
                    "instructions",
                    "mbr.f.instructions",
                    &self.instructions,
                    false,
                ),
                (
                    "instructions_ja",
                    "mbr.f.instructions_ja",
                    &self.instructions_ja,
                    false,
                ),
                ("materials", "mbr.f.materials", &self.materials, false),
                ("equipment", "mbr.f.equipment", &self.equipment, false),
                ("grade", "mbr.f.grade", &self.grade, false),
            ],
        )
    }
}

/// One parameter row as typed.
#[derive(Debug, Clone, Default)]
pub struct ParamRow {
    pub key: String,
    pub code: String,
    pub name: String,
    pub name_ja: String,
    pub unit: String,
    pub target: String,
    pub low: String,
    pub high: String,
    pub refuse: bool,
}

/// One step block as typed.
#[derive(Debug, Clone, Default)]
pub struct StepRow {
    pub key: String,
    pub code: String,
    pub stage: String,
    pub name: String,
    pub name_ja: String,
    pub instructions: String,
    pub instructions_ja: String,
    pub materials: String,
    pub equipment: String,
    pub grade: String,
    pub second: bool,
    pub use_case: String,
    pub params: Vec<ParamRow>,
}

fn num(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn blank_param(i: usize, j: usize) -> ParamRow {
    ParamRow {
        key: format!("s{i}.p{j}"),
        ..ParamRow::default()
    }
}

fn blank_step(i: usize) -> StepRow {
    StepRow {
        key: format!("s{i}"),
        stage: Stage::Culture.as_str().into(),
        params: (0..BLANK_PARAMS).map(|j| blank_param(i, j)).collect(),
        ..StepRow::default()
    }
}

/// The blocks of `steps` with blank rows to add to.
pub fn rows_of(steps: &[MasterStep]) -> Vec<StepRow> {
    let mut out: Vec<StepRow> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut params: Vec<ParamRow> = s
                .parameters
                .iter()
                .enumerate()
                .map(|(j, p)| ParamRow {
                    key: format!("s{i}.p{j}"),
                    code: p.code.clone(),
                    name: p.name.clone(),
                    name_ja: p.name_ja.clone(),
                    unit: p.unit.clone(),
                    target: num(p.target),
                    low: num(p.limit.low),
                    high: num(p.limit.high),
                    refuse: p.on_breach == OnBreach::Refuse,
                })
                .collect();
            let n = params.len();
            params.extend((n..n + BLANK_PARAMS).map(|j| blank_param(i, j)));
            StepRow {
                key: format!("s{i}"),
                code: s.code.clone(),
                stage: s.stage.as_str().into(),
                name: s.name.clone(),
                name_ja: s.name_ja.clone(),
                instructions: s.instructions.clone(),
                instructions_ja: s.instructions_ja.clone(),
                materials: s.materials.join(", "),
                equipment: s.equipment.clone().unwrap_or_default(),
                grade: s.room_grade.clone().unwrap_or_default(),
                second: s.needs_second_person,
                use_case: s
                    .use_case
                    .map(|u| u.as_str().to_string())
                    .unwrap_or_default(),
                params,
            }
        })
        .collect();
    let n = out.len();
    out.extend((n..n + BLANK_STEPS).map(blank_step));
    out
}

/// The blocks as posted (to show them again after a refusal).
pub fn rows_posted(f: &Fields) -> Vec<StepRow> {
    let mut out = Vec::new();
    for i in 0..MAX_STEPS {
        let k = format!("s{i}");
        if !f.0.contains_key(&format!("{k}.code")) {
            break;
        }
        let g = |x: &str| f.text(&format!("{k}.{x}"));
        let mut params = Vec::new();
        for j in 0..MAX_PARAMS {
            let pk = format!("{k}.p{j}");
            if !f.0.contains_key(&format!("{pk}.code")) {
                break;
            }
            let pg = |x: &str| f.text(&format!("{pk}.{x}"));
            params.push(ParamRow {
                code: pg("code"),
                name: pg("name"),
                name_ja: pg("name_ja"),
                unit: pg("unit"),
                target: pg("target"),
                low: pg("low"),
                high: pg("high"),
                refuse: f.is(&format!("{pk}.on_breach"), "refuse"),
                key: pk,
            });
        }
        out.push(StepRow {
            code: g("code"),
            stage: g("stage"),
            name: g("name"),
            name_ja: g("name_ja"),
            instructions: g("instructions"),
            instructions_ja: g("instructions_ja"),
            materials: g("materials"),
            equipment: g("equipment"),
            grade: g("grade"),
            second: !f.get(&format!("{k}.second")).is_empty(),
            use_case: g("use_case"),
            params,
            key: k,
        });
    }
    out
}

/// A number field that may be left empty.
fn opt_num(field: &str, s: &str, e: &mut FieldErrors) -> Option<f64> {
    if s.trim().is_empty() {
        return None;
    }
    match crate::forms::number(field, s) {
        Ok(v) => Some(v),
        Err(x) => {
            e.extend(x);
            None
        }
    }
}

fn opt_text(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The steps posted, or every field's error at once; None when no step was filled in (a document
/// without steps, such as an SOP).
pub fn parse(f: &Fields) -> Result<Option<Vec<MasterStep>>, FieldErrors> {
    let mut e = FieldErrors::default();
    let mut steps = Vec::new();
    for s in rows_posted(f)
        .into_iter()
        .filter(|s| !s.code.trim().is_empty())
    {
        let stage = Stage::parse(&s.stage).unwrap_or_else(|_| {
            e.add(&format!("{}.stage", s.key), Why::Choose);
            Stage::Culture
        });
        let use_case = match s.use_case.trim() {
            "" => None,
            u => match UseCase::parse(u) {
                Ok(u) => Some(u),
                Err(_) => {
                    e.add(&format!("{}.use_case", s.key), Why::Choose);
                    None
                }
            },
        };
        let mut parameters = Vec::new();
        for p in s.params.iter().filter(|p| !p.code.trim().is_empty()) {
            parameters.push(Parameter {
                code: p.code.trim().into(),
                name: p.name.clone(),
                name_ja: p.name_ja.clone(),
                unit: p.unit.trim().into(),
                target: opt_num(&format!("{}.target", p.key), &p.target, &mut e),
                limit: Limit {
                    low: opt_num(&format!("{}.low", p.key), &p.low, &mut e),
                    high: opt_num(&format!("{}.high", p.key), &p.high, &mut e),
                },
                on_breach: if p.refuse {
                    OnBreach::Refuse
                } else {
                    OnBreach::Deviation
                },
            });
        }
        steps.push(MasterStep {
            code: s.code.trim().into(),
            stage,
            name: s.name,
            name_ja: s.name_ja,
            instructions: s.instructions.trim().into(),
            instructions_ja: s.instructions_ja.trim().into(),
            parameters,
            materials: s
                .materials
                .split([',', '、'])
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_string)
                .collect(),
            equipment: opt_text(&s.equipment),
            room_grade: opt_text(&s.grade),
            needs_second_person: s.second,
            use_case,
        });
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(Some(steps).filter(|s| !s.is_empty()))
}

/// The stages and use cases offered in the selects.
pub fn stages() -> Vec<&'static str> {
    Stage::ALL.iter().map(|s| s.as_str()).collect()
}

pub fn use_cases() -> Vec<&'static str> {
    UseCase::ALL.iter().map(|u| u.as_str()).collect()
}

//! The one table from a refusal's code to what the edges say (issue 13 item 3): the HTTP status,
//! the English text and the Japanese text, built from the typed error's data — never from its
//! message. Internal failures (hashing, randomness, IO, database) are 500s whose cause is logged
//! under an error id that the user is shown ("internal error <id>: nothing was changed").

use crate::i18n::Lang;
use axum::http::StatusCode;
use secretome_domain::{DomainError, Rule};
use secretome_service::StoreError;
use secretome_service::{ErrorKind, ServiceError};

/// What is said about one refusal.
#[derive(Debug, Clone)]
pub struct Told {
    pub code: &'static str,
    pub status: StatusCode,
    pub en: String,
    pub ja: String,
    /// The input field the refusal names, if any.
    pub field: Option<String>,
}

impl Told {
    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

/// The one mapping from an error's kind to its HTTP status.
pub fn status_for(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A short id for one internal failure, logged with its cause and shown to the user.
fn error_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    match secretome_service::auth::new_token() {
        Ok(t) => t.chars().take(10).collect(),
        Err(_) => format!("seq-{}", SEQ.fetch_add(1, Ordering::Relaxed)),
    }
}

/// Everything the edges say about `e`. An internal failure is logged here, once, with its id.
pub fn tell(e: &ServiceError) -> Told {
    let status = status_for(e.kind());
    let code = e.code();
    if e.kind() == ErrorKind::Internal {
        let id = error_id();
        tracing::error!(error_id = %id, error = %e, "request failed");
        return Told {
            code,
            status,
            en: format!("internal error {id}: nothing was changed"),
            ja: format!("内部エラー {id}: 何も変更されていません"),
            field: None,
        };
    }
    let en = e.to_string();
    let (ja, field) = match e {
        ServiceError::Domain(d) => (domain_ja(d), domain_field(d)),
        ServiceError::Scan(s) => (crate::kit::scan_message(Lang::Ja, s), Some("vial".into())),
        ServiceError::NotFound { what, id } => {
            (format!("{} {id} が見つかりません", entity_ja(what)), None)
        }
        ServiceError::Store(StoreError::NotFound { table, id }) => {
            (format!("{} {id} が見つかりません", entity_ja(table)), None)
        }
        ServiceError::Store(StoreError::Duplicate { table, id }) => {
            (format!("{} {id} は既に存在します", entity_ja(table)), None)
        }
        ServiceError::Store(StoreError::Invalid { column, .. }) => (
            format!("入力値が受け付けられません ({en})"),
            Some(column.to_string()),
        ),
        ServiceError::Store(StoreError::Dangling { table, detail }) => (
            format!(
                "{}: 参照先の記録が存在しません ({detail})",
                entity_ja(table)
            ),
            None,
        ),
        ServiceError::Store(StoreError::Constraint { table, detail }) => (
            format!(
                "{}: データベースの制約により受け付けられません ({detail})",
                entity_ja(table)
            ),
            None,
        ),
        ServiceError::Store(StoreError::ReasonRequired { .. }) => {
            ("理由を入力してください".into(), Some("reason".into()))
        }
        ServiceError::Inactive(u) => (format!("ユーザー {u} は無効です"), None),
        ServiceError::Planning { batch, error } => (
            match batch {
                Some(b) => format!("バッチ {b}: {}", error.ja()),
                None => error.ja(),
            },
            error.field().map(str::to_string),
        ),
        ServiceError::Calibration(c) => (c.ja(), None),
        _ => (format!("受け付けられません ({en})"), None),
    };
    Told {
        code,
        status,
        en,
        ja,
        field,
    }
}

/// The Japanese name of a record kind (a store table or a service's `what`), so a Japanese page
/// does not say "lot L-1 が見つかりません"; a kind not listed is shown as it is.
fn entity_ja(what: &str) -> &str {
    match what {
        "site" => "施設",
        "app_user" | "user" => "ユーザー",
        "donor" => "ドナー",
        "tissue" => "組織",
        "cell_bank" => "セルバンク",
        "material_lot" => "原材料ロット",
        "culture_batch" => "培養バッチ",
        "observation" => "観察記録",
        "harvest" => "上清回収",
        "lot" => "ロット",
        "processing_step" => "加工工程",
        "vial" | "vial (by id or DIN)" | "vial or DIN" => "バイアル",
        "product" => "製品",
        "specification" => "規格",
        "test_result" => "試験結果",
        "deviation" | "step_deviation" => "逸脱",
        "freezer" => "フリーザー",
        "patient" => "患者",
        "dispensing" => "払出し",
        "adverse_event" => "有害事象",
        "recall" => "回収",
        "shipment" => "出荷",
        "plate_file" | "plate file" => "プレートファイル",
        "plate_run" | "plate run" => "プレート測定",
        "room" => "部屋",
        "equipment" => "機器",
        "qualification" => "適格性",
        "media_fill" => "培地充填試験",
        "controlled_document" | "document" => "文書",
        "document_version" | "document version" => "文書の版",
        "batch_execution" => "バッチの製造指図記録",
        "execution_step" | "step record" => "工程記録",
        "consent" => "同意",
        "ae_report" => "疾病等報告",
        other => other,
    }
}

fn domain_field(d: &DomainError) -> Option<String> {
    match d {
        DomainError::Invalid { field, .. } => Some(field.clone()),
        DomainError::NoConsent { .. } => Some("indication".into()),
        _ => None,
    }
}

/// A field's refusal in Japanese, naming the field as the English does (`status: …`); a refusal
/// of several fields at once (`Why::Fields`) field by field.
fn invalid_ja(field: &str, why: &secretome_domain::Why) -> String {
    let ja = crate::kit::say(Lang::Ja, why);
    match why {
        secretome_domain::Why::Fields(_) => ja,
        _ if field.is_empty() => ja,
        _ => format!("{field}: {ja}"),
    }
}

fn domain_ja(d: &DomainError) -> String {
    match d {
        // Field messages: the `Why`'s own Japanese (`kit::say`).
        DomainError::Invalid { field, message } => invalid_ja(field, message),
        DomainError::Transition(t) => transition_ja(t),
        DomainError::Rule(r) => rule_ja(r),
        DomainError::ReleaseBlocked { lot, blockers } => format!(
            "ロット {lot} は出荷判定できません: {}",
            blockers
                .iter()
                .enumerate()
                .map(|(i, b)| format!("({}) {}", i + 1, b.message_ja))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        DomainError::NoConsent {
            patient,
            indication,
        } => format!(
            "患者 {patient} には {indication} の有効な同意がありません: 先に説明と同意を記録してください"
        ),
        DomainError::Forbidden {
            user,
            needed,
            action,
        } => format!("{user} には {action} に必要な役割 {needed} がありません"),
    }
}

/// A refused transition in Japanese from its typed parts (entity, state and action are the
/// domain's `&'static str` names), the English kept for an action without its Japanese.
fn transition_ja(t: &secretome_domain::TransitionError) -> String {
    let entity = match t.entity {
        "vial" => "バイアル",
        "lot" => "ロット",
        "donor" => "ドナー",
        "deviation" => "逸脱",
        "step record" => "工程記録",
        "specification" => "規格",
        "shipment" => "出荷",
        "document version" => "文書の版",
        "culture batch" => "培養バッチ",
        other => other,
    };
    let from = match t.from {
        "recalled" => "回収対象",
        "quarantine" => "出荷判定待ち",
        "dispensed" => "払出し済み",
        "administered" => "投与済み",
        "expired" => "有効期限切れ",
        "destroyed" => "廃棄済み",
        "released" => "出荷可",
        "rejected" => "不合格",
        "available" => "在庫",
        other => other,
    };
    let action = match t.action {
        "be dispensed" => "払い出せません",
        _ => "この操作はできません",
    };
    format!("{entity} {} は{from}のため{action} ({t})", t.id)
}

/// The Japanese of every rule, from its data.
pub fn rule_ja(r: &Rule) -> String {
    match r {
        Rule::StepNotRecorded { step } => {
            format!("工程 {step} は記録されていません: スキップとして記録してください")
        }
        Rule::StepByUseCase {
            step, use_case_ja, ..
        } => format!("工程 {step} は「{use_case_ja}」で記録します (ここでは入力しません)"),
        Rule::NoFurtherStep {
            batch, recorded, ..
        } => format!(
            "バッチ {batch}: マスターにはこれ以上この工程がありません (記録済み: {recorded})"
        ),
        Rule::ObservationDue { batch, step, after } => {
            let after = if after.is_empty() {
                String::new()
            } else {
                format!("工程 {after} 以降の")
            };
            format!(
                "バッチ {batch}: 工程 {step} は{after}直近の観察記録を使いますが、まだありません: 先に観察を記録してください"
            )
        }
        Rule::MasterForOtherSource {
            master,
            master_source,
            batch,
            batch_source,
            bank,
        } => format!(
            "製造指図書 {master} は{}由来の細胞用です: バッチ {batch} はセルバンク {bank} の{}由来です",
            master_source.name_ja(),
            batch_source.name_ja()
        ),
        Rule::NeverDispensed { vial } => {
            format!("バイアル {vial} は払い出されていません: 判定する返品はありません")
        }
        Rule::NotReturned { vial } => {
            format!("バイアル {vial} は返品されていません: QA が判定するものはありません")
        }
        Rule::ReturnDecided { vial, decision } => {
            format!("返品バイアル {vial} は QA が判定済みです: {decision}")
        }
        Rule::UserAlready { user, active } => format!(
            "ユーザー {user} は既に{}です",
            if *active { "有効" } else { "無効" }
        ),
        Rule::SelfDeactivation { by } => {
            format!("{by} は自分のアカウントを無効にできません: 他の管理者に依頼してください")
        }
        Rule::LastAdministrator { user } => format!("{user} は唯一の有効な管理者です"),
        Rule::UsersExist => {
            "ユーザーは既に存在します: 管理者にユーザー追加を依頼してください".into()
        }
        Rule::TokenRevoked { token } => format!("API トークン {token} は既に失効しています"),
        Rule::AssessorDecides { by, deviation } => {
            format!("職務分掌: {by} は逸脱 {deviation} を評価したため、その判定はできません")
        }
        Rule::OpenerDecides { by, deviation } => {
            format!("{by} は逸脱 {deviation} を起票したため、その判定はできません")
        }
        Rule::MakerReleases { by, lot } => {
            format!("職務分掌: {by} はロット {lot} の製造記録を書いたため、出荷判定できません")
        }
        Rule::AuthorApproves { by, document } => {
            format!("{by} は {document} の作成者のため承認できません: 別の QA 担当者が承認します")
        }
        Rule::DonorIsPatient { donor, patient } => {
            format!("ドナー {donor} は既に患者 {patient} として記録されています (自家使用)")
        }
        Rule::WorkingBankFromWorking { bank } => format!(
            "セルバンク {bank} はワーキングバンクです: ワーキングバンクはマスターバンクから作ります"
        ),
        Rule::MaterialExpired { material, at } => {
            format!("原材料ロット {material} は {at} に有効期限切れです")
        }
        Rule::NewerSpecification { newer, spec } => {
            format!("規格 {newer} が {spec} より新しく有効です: 新しい版を作ってください")
        }
        Rule::NoEffectiveSpecification { product } => format!(
            "製品 {product} に有効な規格がありません: 充填の前に規格の版を有効にしてください"
        ),
        Rule::LotWithoutSpecification { lot } => format!("ロット {lot} に規格がありません"),
        Rule::OtherSpecification {
            lot,
            tested_against,
            given,
        } => format!("ロット {lot} は {tested_against} で試験されます ({given} ではありません)"),
        Rule::ResultExists { lot, test } => format!(
            "ロット {lot} には試験 {test} の結果が既にあります: 理由を付けて訂正してください"
        ),
        Rule::CoaNotReleased { lot, status } => {
            format!("ロット {lot} は {status} です: 試験成績書は出荷可のロットにだけ発行されます")
        }
        Rule::FillUnderRecall { lot, recalls } => format!(
            "ロット {lot} は回収 {} の対象のため充填できません",
            recalls.join(", ")
        ),
        Rule::ReleaseUnderRecall { lot, recalls } => format!(
            "ロット {lot} は回収 {} の対象のため出荷判定できません",
            recalls.join(", ")
        ),
        Rule::NoSterileFiltration { lot } => {
            format!("ロット {lot} は充填できません: 除菌ろ過 (0.22 µm 以下) が記録されていません")
        }
        Rule::FilterIntegrityFailed { lot } => {
            format!("ロット {lot} は充填できません: 除菌フィルターが完全性試験に不合格です")
        }
        Rule::StepsBeforeFilling { lot, reasons } => {
            format!("ロット {lot} は充填できません: {}", reasons.join("; "))
        }
        Rule::FinNotConfigured { setting } => {
            format!("充填できません: 施設の ISBT 128 FIN (設定 {setting}) が設定されていません")
        }
        Rule::FinInvalid { detail } => {
            format!("施設の ISBT 128 FIN が正しくありません: {detail}")
        }
        Rule::NoProductCode { product } => {
            format!("充填できません: 製品 {product} に ISBT 128 製品コードがありません")
        }
        Rule::DinExhausted { key, detail } => {
            format!("{key} の DIN 番号を使い切りました: {detail}")
        }
        Rule::NoDonorUpstream { lot } => format!(
            "ロット {lot}: 上流にドナーの記録がなく、ISBT 128 の採取区分 (自家 1 / 他家 V) を決められません"
        ),
        Rule::AutologousPooled { lot, donor } => format!(
            "ロット {lot} は {donor} の自家提供を他のドナーの組織と混ぜています: 自家製品はその患者のみに由来します"
        ),
        Rule::AsepticUnqualified { room, ja, .. } => {
            format!("{ja}: グレード A 区域 {room} の無菌操作は記録できません")
        }
        Rule::EquipmentUnfit { ja, .. } => format!("{ja}: この工程は記録できません"),
        Rule::MediaFillClosed { media_fill } => {
            format!("培地充填試験 {media_fill} は既に終了しています")
        }
        Rule::MasterWithoutSteps { master } => format!("{master} に工程がありません"),
        Rule::BatchStarted { batch, master } => {
            format!("バッチ {batch} は既に {master} で開始されています")
        }
        Rule::VersionOpen { document, status } => {
            format!("{document} はまだ {status} です: 新しい版の前に完了または取り下げてください")
        }
        Rule::StepRecorded { step } => format!("工程 {step} は既に記録されています"),
        Rule::StepComesFirst { step, name } => format!(
            "工程 {step} ({name}) が先です: 工程は指図の順に行うか、記録した逸脱で省略します"
        ),
        Rule::StepAwaitsVerification { step } => {
            format!("工程 {step} は第二者の確認待ちです")
        }
        Rule::PositionOccupied { position, vial } => {
            format!("位置 {position} にはバイアル {vial} があります")
        }
        Rule::LotNotReleased { vial, lot, status } => {
            format!("バイアル {vial} は払出しできません: ロット {lot} は {status} です")
        }
        Rule::VialExpired { vial, at } => {
            format!("バイアル {vial} は払出しできません: {at} に有効期限切れです")
        }
        Rule::VialNotExpired { vial } => format!("バイアル {vial} はまだ有効期限内です"),
        Rule::VialNotDispensed { vial } => {
            format!("バイアル {vial} は患者に払い出されていません")
        }
        Rule::VialForOtherPatient {
            vial,
            dispensed_for,
            patient,
        } => format!(
            "バイアル {vial} は患者 {dispensed_for} に払い出されたものです ({patient} ではありません)"
        ),
        Rule::VialThawed { vial } => format!("バイアル {vial} は既に解凍されています"),
        Rule::VialEnded {
            vial,
            state,
            action,
        } => format!("バイアル {vial} は既に {state} です: {action} はできません"),
        Rule::NoLabelInState { vial, state_ja, .. } => {
            format!("バイアル {vial} は{state_ja}です: このバイアルのラベルは発行できません")
        }
        Rule::VialWithoutDin { vial } => format!(
            "バイアル {vial} に ISBT 128 DIN がありません (FIN 設定前に充填): ラベルは発行できません"
        ),
        Rule::VialWithoutProductCode { vial } => {
            format!("バイアル {vial} に ISBT 128 製品コードがありません: ラベルは発行できません")
        }
        Rule::ProductNotInMaster { product, lot } => {
            format!("ロット {lot} の製品 {product} は製品マスターにありません")
        }
        Rule::VialAtOtherSite {
            vial,
            site,
            freezer,
            here,
        } => format!(
            "バイアル {vial} は {site} (保管庫 {freezer}) にあり、{here} にはありません: 先に出荷して受領してください"
        ),
        Rule::VialWithoutSite { vial } => {
            format!("バイアル {vial} の所在施設が不明です (保管庫になく、出荷もされていません)")
        }
        Rule::ShipmentElsewhere {
            shipment,
            to_site,
            site,
        } => format!(
            "出荷 {shipment} は {to_site} で受領されました ({site} ではありません): バイアルは受領した施設でのみ払い出せます"
        ),
        Rule::ShipmentQuarantined { shipment, why } => {
            format!("出荷 {shipment} は QA の判定まで隔離中です ({why})")
        }
        Rule::ShipmentRejected { shipment } => {
            format!("出荷 {shipment} は QA により不合格とされました")
        }
        Rule::ShipmentNotReceived { shipment, status } => {
            format!("出荷 {shipment} はまだ受領されていません ({status})")
        }
        Rule::ConsentWithdrawn { consent } => format!("同意 {consent} は既に撤回されています"),
        Rule::NotSerious { event } => {
            format!("{event} は重篤ではありません: 定期報告に含めます")
        }
        Rule::FollowedUp { patient, recall } => {
            format!("患者 {patient} は回収 {recall} のフォローアップ済みです")
        }
        Rule::NothingToRecall { kind, target } => {
            format!("{kind} {target} はどのロットにも使われていません: 回収の対象がありません")
        }
        Rule::UnderRecall { kind, id, recall } => {
            format!("{kind} {id} は回収 {recall} の対象です: 使用できません")
        }
        Rule::DocumentFailed { detail } => format!("文書を作成できません: {detail}"),
        Rule::LabelFailed { detail } => format!("ラベルを作成できません: {detail}"),
        Rule::DatabaseNotEmpty { events } => format!(
            "データベースが空ではありません (監査イベント {events} 件): generate は新しい空のデータベースにのみ書き込みます"
        ),
        Rule::NotGenerated { what } => {
            format!("{what}: bench-trace は生成したデータベースで実行します")
        }
        Rule::Refused => "受け付けられません".into(),
        // No wildcard: a rule added to the domain without its Japanese here does not compile.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_told_by_its_code_in_both_languages() {
        let e = ServiceError::Domain(DomainError::Rule(Rule::VialThawed { vial: "V-1".into() }));
        let t = tell(&e);
        assert_eq!(t.code, "vial_thawed");
        assert_eq!(t.status, StatusCode::CONFLICT);
        assert_eq!(t.en, "vial V-1 was already thawed");
        assert_eq!(t.ja, "バイアル V-1 は既に解凍されています");
    }

    /// Every rule's Japanese is Japanese: one sample of each variant (`Rule::iter`, fields empty),
    /// with no English run in it but ids, units and the allowed words (`i18n::words`). The two
    /// rules only the command line says (they name its subcommands) keep their command names.
    #[test]
    fn every_rule_has_its_japanese() {
        use strum::IntoEnumIterator;
        const CLI_ONLY: &[&str] = &["database_not_empty", "not_generated"];
        let mut bad = Vec::new();
        let mut n = 0;
        for r in Rule::iter() {
            n += 1;
            let ja = rule_ja(&r);
            let japanese = ja.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c));
            let runs = crate::i18n::words::english_runs(&ja);
            if !japanese
                || ja == r.to_string()
                || (!runs.is_empty() && !CLI_ONLY.contains(&r.code()))
            {
                bad.push(format!("{}: {ja:?} {runs:?}", r.code()));
            }
        }
        assert!(n > 60, "every variant sampled ({n})");
        assert!(
            bad.is_empty(),
            "rules without Japanese:\n{}",
            bad.join("\n")
        );
    }

    #[test]
    fn a_missing_record_is_named_in_japanese() {
        let t = tell(&ServiceError::NotFound {
            what: "lot",
            id: "L-9".into(),
        });
        assert_eq!((t.code, t.status), ("not_found", StatusCode::NOT_FOUND));
        assert_eq!(t.ja, "ロット L-9 が見つかりません");
        let t = tell(&ServiceError::NotFound {
            what: "something new",
            id: "X".into(),
        });
        assert_eq!(
            t.ja, "something new X が見つかりません",
            "unlisted kinds as they are"
        );
    }

    #[test]
    fn an_internal_failure_is_a_500_with_an_id_and_no_detail() {
        let t = tell(&ServiceError::Internal(
            "password hashing failed: out of memory".into(),
        ));
        assert_eq!(t.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(t.code, "internal");
        assert!(t.en.starts_with("internal error ") && t.en.ends_with(": nothing was changed"));
        assert!(!t.en.contains("hashing"), "the cause is logged, not shown");
        let id =
            t.en.split(' ')
                .nth(2)
                .unwrap_or_default()
                .trim_end_matches(':');
        assert!(id.len() >= 6 && t.ja.contains(id), "{t:?}");
    }

    /// No edge tells errors apart by their text, nor finds a translation by it: in the web and
    /// CLI crates' sources no `contains(` / `starts_with(` / `ends_with(` / `strip_prefix(` /
    /// `split_once(` is called on a message, an error, a refusal or a `Why` rendered as text —
    /// whatever the variable is named: the receivers are read by what they are (`to_string()`,
    /// `.en()`, `say(…)`, `tell(…)`, `.message()`) as well as by the usual names — and no module
    /// holds a table of English phrases it searches (`&[(&str, &str)]` with a `contains(`). The
    /// only exceptions are files, each with its reason.
    #[test]
    fn no_edge_matches_on_error_text() {
        const EXCEPT: &[(&str, &str)] = &[
            ("messages.rs", "this test's own patterns"),
            (
                "inventory/mod.rs",
                "vial move reasons the service writes: records, not refusals",
            ),
        ];
        const SEARCHES: &[&str] = &[
            "contains(",
            "starts_with(",
            "ends_with(",
            "strip_prefix(",
            "split_once(",
            "rsplit_once(",
        ];
        // Names of text that is a message (whole identifiers only, not `content_type`).
        const NAMES: &[&str] = &[
            "text", "message", "msg", "m", "e", "err", "error", "why", "said", "reason", "told",
            "english", "en", "ja", "refusal", "r", "fe", "errors",
        ];
        // Expressions that are a message whatever they are called.
        const MAKERS: &[&str] = &[
            "to_string().",
            ".en().",
            ".ja().",
            ".message().",
            ").en.",
            ").ja.",
            "say(",
            "tell(",
            ".get(\"\")",
            ".general().",
        ];
        let mut bad = Vec::new();
        for krate in ["web", "cli"] {
            let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(krate)
                .join("src");
            let mut stack = vec![src.clone()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let p = entry.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                        continue;
                    }
                    let rel = p
                        .strip_prefix(&src)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    if krate == "web" && EXCEPT.iter().any(|(f, _)| *f == rel) {
                        continue;
                    }
                    let text = std::fs::read_to_string(&p).unwrap();
                    let code = text.split("#[cfg(test)]").next().unwrap_or("");
                    // A table whose keys are English phrases (`("must be", …)`), searched.
                    let phrases = code.contains("&[(&str, &str)]")
                        && code.lines().any(|l| {
                            let l = l.trim();
                            l.starts_with("(\"")
                                && l[2..].split('"').next().is_some_and(|k| {
                                    k.contains(' ')
                                        && k.chars().all(|c| c.is_ascii_lowercase() || c == ' ')
                                })
                        });
                    if phrases && code.contains(".contains(") {
                        bad.push(format!("{krate}/{rel}: a phrase table searched by text"));
                    }
                    for (n, line) in code.lines().enumerate() {
                        let l = line.trim();
                        if l.starts_with("//") {
                            continue;
                        }
                        let on_text = SEARCHES.iter().any(|f| {
                            NAMES.iter().any(|v| {
                                let pat = format!("{v}.{f}");
                                l.match_indices(&pat).any(|(at, _)| {
                                    !l[..at].ends_with(|c: char| {
                                        c.is_alphanumeric() || c == '_' || c == '.'
                                    })
                                })
                            }) || MAKERS
                                .iter()
                                .any(|m| l.match_indices(m).any(|(at, _)| l[at..].contains(f)))
                        });
                        if on_text {
                            bad.push(format!("{krate}/{rel}:{}: {l}", n + 1));
                        }
                    }
                }
            }
        }
        assert!(
            bad.is_empty(),
            "matching on error text:\n{}",
            bad.join("\n")
        );
    }
}

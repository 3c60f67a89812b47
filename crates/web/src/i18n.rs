//! Japanese and English for every page: the language comes from the signed-in user's preference,
//! else the `lang` cookie, else the facility's default (setting `ui.language`), else the browser's
//! Accept-Language (Japanese when it says nothing).
//! The catalogue is a table (key, 日本語, English), written as a Japanese facility names things.
//! `words` tells English left in a Japanese text (the catalogue test below and `tests/catalogue.rs`).

pub mod audit;
pub mod tables;
pub mod words;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// The first of ja / en in an Accept-Language header, by quality; Japanese by default.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.trim().split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag.starts_with("ja") {
                Lang::Ja
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::Ja)
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }
    /// The text of `key`, if the catalogue has it.
    pub fn get(self, key: &str) -> Option<&'static str> {
        crate::registry::texts()
            .find(|(k, _, _)| *k == key)
            .map(|(_, ja, en)| match self {
                Lang::Ja => *ja,
                Lang::En => *en,
            })
    }
    /// Looks a key up in every module's table; an unknown key shows `??` (and a test keeps
    /// templates and catalogue in step).
    pub fn t(self, key: &str) -> &'static str {
        // An index built once: a scan of every module's table per look-up cost more than the
        // rest of a page whose cells each name a state (a freezer map, a lot's vials).
        static INDEX: std::sync::LazyLock<
            std::collections::HashMap<&'static str, (&'static str, &'static str)>,
        > = std::sync::LazyLock::new(|| {
            let mut m = std::collections::HashMap::new();
            for (k, ja, en) in crate::registry::texts() {
                // The first entry of a key wins, as a scan in order would find it.
                m.entry(*k).or_insert((*ja, *en));
            }
            m
        });
        match INDEX.get(key) {
            Some(&(ja, en)) => match self {
                Lang::Ja => ja,
                Lang::En => en,
            },
            None => "??",
        }
    }
}

/// (key, 日本語, English)
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    (
        "app.subtitle",
        "幹細胞培養上清液 製造・品質管理",
        "Culture supernatant production & QC",
    ),
    ("nav.lots", "ロット一覧", "Lots"),
    // The header's menus (issue 17 item 4).
    ("nav.g.make", "製造", "Manufacturing"),
    ("nav.g.quality", "品質", "Quality"),
    ("nav.g.stock", "在庫・出荷", "Stock & shipping"),
    ("nav.g.clinical", "臨床", "Clinical"),
    ("nav.g.trace", "追跡・回収", "Trace & recall"),
    ("nav.g.admin", "管理", "Administration"),
    ("nav.menu", "メニュー", "Menu"),
    ("nav.plan", "製造計画", "Planning"),
    (
        "plan.title",
        "製造計画 (培養・分泌モデル)",
        "Production planning (culture and secretion model)",
    ),
    (
        "plan.calibration",
        "自施設データによる校正",
        "Calibration from this facility's batches",
    ),
    (
        "plan.calibration_note",
        "直近に上清回収した {n} 件までの完了バッチの細胞数から、細胞源ごとに倍加時間とラグを推定 (95 % 信頼区間)。データ不足の項目は文献値のまま表示します。",
        "Doubling time and lag fitted per cell source to the counts of the newest {n} finished batches by harvest (95 % intervals); where data are not enough, the literature default is kept and labelled.",
    ),
    ("plan.source", "細胞源", "Cell source"),
    ("plan.doubling", "倍加時間", "Doubling time"),
    ("plan.lag", "ラグ", "Lag"),
    ("plan.batches", "バッチ数 (計数)", "Batches (counts)"),
    ("plan.notes", "備考", "Notes"),
    (
        "plan.literature",
        "文献値 (未校正)",
        "literature default (not calibrated)",
    ),
    ("plan.new", "計画を立てる", "Make a plan"),
    (
        "plan.running",
        "培養中バッチ: 計画と実績",
        "Running batches: plan vs actual",
    ),
    (
        "plan.running_note",
        "培養中のバッチ (播種の新しい {n} 件まで) ごとに、播種条件と校正済みパラメータから予測した増殖 (95 % 予測帯) と実測細胞数を比較します。最新の計数が帯の外、または連続 2 回同じ側に外れると「計画から逸脱」と表示します。",
        "Each batch in culture (the newest {n} seeded) has its counts compared with the growth its own seeding predicts with the calibrated parameters (95 % prediction band). A batch is off plan when its latest count, or two in a row on one side, fall outside the band.",
    ),
    ("plan.on_plan", "計画どおり", "On plan"),
    ("plan.off_plan", "計画から逸脱", "Off plan"),
    ("plan.vials", "バイアル数", "Vials"),
    ("plan.vial_ml", "充填量 (mL)", "Fill volume (mL)"),
    (
        "plan.vegf",
        "VEGF 下限 (pg/mL, 任意)",
        "VEGF minimum (pg/mL, optional)",
    ),
    (
        "plan.deadline",
        "充填期限 (YYYY-MM-DD)",
        "Filled by (YYYY-MM-DD)",
    ),
    ("plan.submit", "計画する", "Plan"),
    ("plan.schedule", "スケジュール", "Schedule"),
    (
        "plan.predicted",
        "予測濃度 (製品中)",
        "Predicted concentration in the product",
    ),
    ("plan.factor", "因子", "Factor"),
    (
        "plan.secretion",
        "分泌速度 (QC 測定値から推定)",
        "Secretion rates fitted to QC's measurements",
    ),
    (
        "plan.rate",
        "細胞あたり分泌速度 (95 % 区間)",
        "Per-cell rate (95 % interval)",
    ),
    (
        "plan.measured_vs_predicted",
        "バッチ: 実測 → 予測 (馴化培地中)",
        "Batch: measured → predicted (in conditioned medium)",
    ),
    ("plan.in_product", "予測値", "Predicted"),
    ("plan.rate_status", "分泌速度の出典", "Secretion rate from"),
    // planner::Provenance (its Display is the key).
    ("plan.provenance.literature", "文献値", "Literature"),
    (
        "plan.provenance.unverified",
        "未確認の推定値",
        "Unverified prior",
    ),
    (
        "plan.provenance.calibrated",
        "自施設データで校正",
        "Calibrated",
    ),
    (
        "plan.provenance.facility",
        "施設の入力値",
        "Entered by the facility",
    ),
    ("nav.signin", "サインイン", "Sign in"),
    ("nav.signout", "サインアウト", "Sign out"),
    ("nav.language", "English", "日本語"),
    ("lots.title", "ロット一覧", "Lots"),
    ("lots.none", "ロットはまだありません。", "No lots yet."),
    ("lot.title", "ロット", "Lot"),
    ("col.lot", "製造番号", "Lot"),
    ("col.product", "製品", "Product"),
    ("col.state", "状態", "State"),
    ("col.volume", "液量 (mL)", "Volume (mL)"),
    ("col.vials", "バイアル数", "Vials"),
    ("col.available", "使用可", "Available"),
    ("col.created", "作成日時", "Created"),
    ("col.expiry", "有効期限", "Expiry"),
    ("col.filled", "充填日時", "Filled"),
    ("col.decision", "出荷判定", "Release decision"),
    ("col.pooled", "プール液量", "Pooled volume"),
    ("col.step", "工程", "Step"),
    ("col.parameters", "条件", "Parameters"),
    ("col.performed", "実施日時", "Performed"),
    ("col.vial", "バイアル", "Vial"),
    ("col.fill", "充填量 (mL)", "Fill (mL)"),
    ("col.location", "保管場所", "Location"),
    ("col.when", "日時", "When"),
    ("col.who", "実施者", "Who"),
    ("col.action", "操作", "Action"),
    ("col.reason", "理由", "Reason"),
    (
        "lot.genealogy",
        "由来 (トレーサビリティ)",
        "Genealogy back to the donor",
    ),
    ("lot.steps", "製造工程", "Processing steps"),
    ("lot.vials", "バイアル", "Vials"),
    (
        "lot.vials.first",
        "番号順に表示中の本数",
        "Errors, in number order",
    ),
    (
        "lot.vials.all",
        "このロットのバイアルをすべて見る",
        "All vials of this lot",
    ),
    ("lot.audit", "監査証跡", "Audit trail"),
    ("signin.title", "サインイン", "Sign in"),
    ("signin.user", "ユーザー名", "User name"),
    ("signin.password", "パスワード", "Password"),
    ("signin.submit", "サインイン", "Sign in"),
    (
        "signin.expired",
        "サインインの画面の有効期限が切れました。もう一度お試しください",
        "the sign-in form expired: please try again",
    ),
    (
        "signin.wrong",
        "ユーザー名またはパスワードが違います",
        "wrong user name or password",
    ),
    (
        "signin.throttled",
        "サインインの失敗が続いています。{secs} 秒後にもう一度お試しください",
        "too many failed sign-ins: try again in {secs} s",
    ),
    (
        "signin.inactive",
        "このアカウントは無効です",
        "this account is inactive",
    ),
    ("error.title", "エラー", "Error"),
    ("error.back", "ロット一覧へ戻る", "Back to lots"),
    (
        "error.forbidden",
        "この操作・画面には権限がありません (必要なロール: {roles})。",
        "You may not do this (it needs one of the roles: {roles}).",
    ),
    (
        "error.csrf",
        "フォームの確認用トークン (CSRF) がないか一致しません。ページを再読み込みしてからやり直してください。",
        "The form's CSRF token is missing or wrong: reload the page and try again.",
    ),
    (
        "error.too_large",
        "送信されたデータが大きすぎます (上限 2 MB)。ファイルを分けるか小さくしてからやり直してください。何も記録されていません。",
        "What was sent is too large (the limit is 2 MB): split or shrink the file and try again. Nothing was recorded.",
    ),
    (
        "error.not_found",
        "このページはありません。アドレスを確認してください。",
        "There is no such page: check the address.",
    ),
    (
        "error.bad_request",
        "送信された内容を読み取れませんでした。フォームからやり直してください。何も記録されていません。",
        "What was sent could not be read: try again from the form. Nothing was recorded.",
    ),
    (
        "error.method",
        "このアドレスではこの操作はできません。",
        "This address does not accept that action.",
    ),
    (
        "error.internal",
        "内部エラーが発生しました。何も変更されていません (詳細はサーバーのログにあります)。",
        "Internal error: nothing was changed (see the server log).",
    ),
    (
        "error.signin",
        "サインインが必要です。",
        "Sign-in required.",
    ),
    (
        "footer.zone",
        "時刻は次のタイムゾーンで表示:",
        "Times shown in",
    ),
    ("role.operator", "製造担当者", "Operator"),
    ("role.qc", "品質管理担当者", "QC"),
    ("role.qa", "品質保証責任者", "QA"),
    ("role.physician", "医師", "Physician"),
    ("role.admin", "管理者", "Administrator"),
    ("lot.status.in_process", "製造中", "In process"),
    ("lot.status.quarantine", "出荷判定待ち", "Quarantine"),
    ("lot.status.released", "出荷可", "Released"),
    ("lot.status.rejected", "不合格", "Rejected"),
    ("lot.status.recalled", "回収", "Recalled"),
    ("vial.status.quarantine", "出荷判定待ち", "Quarantine"),
    ("vial.status.available", "使用可", "Available"),
    ("vial.status.dispensed", "払出し済", "Dispensed"),
    ("vial.status.administered", "投与済", "Administered"),
    ("vial.status.expired", "期限切れ", "Expired"),
    ("vial.status.destroyed", "廃棄", "Destroyed"),
    ("vial.status.recalled", "回収", "Recalled"),
    // What can follow a lot (issue 17 item 5).
    ("lot.next", "次の工程", "Next steps"),
    ("lot.next.fill", "工程記録・充填", "Processing and filling"),
    ("lot.next.qc", "品質試験", "QC tests"),
    (
        "lot.next.release",
        "記録照査・出荷判定",
        "Record review and release",
    ),
    (
        "lot.next.coa",
        "試験成績書 (CoA)",
        "Certificate of analysis",
    ),
    ("node.donor", "ドナー", "Donor"),
    ("node.tissue", "組織採取", "Tissue collection"),
    ("node.cell_bank", "セルバンク", "Cell bank"),
    ("node.material_lot", "原材料ロット", "Raw-material lot"),
    ("node.batch", "培養バッチ", "Culture batch"),
    ("node.harvest", "上清回収", "Harvest"),
    ("node.lot", "ロット", "Lot"),
    ("node.vial", "バイアル", "Vial"),
    ("step.centrifugation", "遠心分離", "Centrifugation"),
    ("step.filtration", "ろ過", "Filtration"),
    ("step.ultrafiltration", "限外ろ過・濃縮", "Ultrafiltration"),
    ("step.sterilisation", "滅菌", "Sterilisation"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_of_ja_and_en() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,ja;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("ja,en-US;q=0.9"), Lang::Ja);
        assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("de"), Lang::Ja);
        assert_eq!(Lang::from_accept_language(""), Lang::Ja);
    }

    #[test]
    fn every_key_has_both_languages_and_is_unique() {
        let all: Vec<_> = crate::registry::texts().collect();
        for (i, (k, ja, en)) in all.iter().enumerate() {
            assert!(!ja.is_empty() && !en.is_empty(), "{k}");
            assert!(
                all[..i].iter().all(|(k2, _, _)| k2 != k),
                "duplicate key {k}"
            );
        }
    }

    #[test]
    fn every_key_a_template_uses_is_in_the_catalogue() {
        let root = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"));
        let mut dirs = vec![root];
        let mut files = Vec::new();
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(d).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    dirs.push(p)
                } else {
                    files.push(p)
                }
            }
        }
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split("c.t(\"").skip(1) {
                let key = piece.split('"').next().unwrap();
                assert_ne!(
                    Lang::Ja.t(key),
                    "??",
                    "{}: key {key} missing",
                    path.display()
                );
            }
        }
    }
}

//! The manufacturing pages' texts (key, 日本語, English), named as a Japanese cell processing
//! facility names them.

/// (key, 日本語, English)
pub const TEXT: &[(&str, &str, &str)] = &[
    ("mf.nav.donors", "ドナー", "Donors"),
    ("mf.nav.batches", "培養バッチ", "Culture batches"),
    ("mf.nav.materials", "原材料ロット", "Raw materials"),
    ("mf.nav.harvests", "上清回収・プール", "Harvests & pooling"),
    ("mf.none", "まだありません。", "None yet."),
    ("mf.refused", "記録できませんでした:", "Not recorded:"),
    (
        "mf.hint.now",
        "日時が空欄の場合は現在時刻で記録します。",
        "An empty date and time records the current time.",
    ),
    (
        "mf.hint.pseudonym",
        "ドナーは仮名化コードで登録します (氏名は入力しないでください)。",
        "Donors are registered under a pseudonymised code (never a name).",
    ),
    (
        "mf.hint.screening",
        "全項目の結果が必要です。すべて陰性の場合のみ適格となります。",
        "Every marker is required; the donor is eligible only if all are negative.",
    ),
    ("mf.hint.optional", "任意", "optional"),
    // donors
    ("mf.donors.title", "ドナー一覧", "Donors"),
    ("mf.donor.title", "ドナー", "Donor"),
    ("mf.donor.register", "ドナー登録", "Register donor"),
    ("mf.col.donor", "ドナーコード", "Donor code"),
    ("mf.col.source", "組織の種類", "Tissue source"),
    (
        "mf.col.consent_form",
        "同意書 (版)",
        "Consent form (version)",
    ),
    ("mf.col.consented_at", "同意取得日時", "Consented"),
    ("mf.col.registered_at", "登録日時", "Registered"),
    (
        "mf.col.ineligible_reason",
        "不適格の理由",
        "Reason for ineligibility",
    ),
    ("mf.col.tissues", "組織採取数", "Tissue collections"),
    ("mf.donor.status.screening", "適格性判定中", "Screening"),
    ("mf.donor.status.eligible", "適格", "Eligible"),
    ("mf.donor.status.ineligible", "不適格", "Ineligible"),
    ("mf.source.bone_marrow", "骨髄", "Bone marrow"),
    ("mf.source.adipose", "脂肪", "Adipose tissue"),
    ("mf.source.umbilical_cord", "臍帯", "Umbilical cord"),
    ("mf.source.dental_pulp", "歯髄", "Dental pulp"),
    ("mf.source.other", "その他", "Other"),
    (
        "mf.screening.title",
        "感染症検査 (適格性判定)",
        "Infectious-disease screening (eligibility)",
    ),
    (
        "mf.screening.none",
        "検査結果はまだ記録されていません。",
        "No screening recorded yet.",
    ),
    (
        "mf.screening.record",
        "検査結果を記録し適格性を判定",
        "Record screening and decide eligibility",
    ),
    ("mf.col.marker", "検査項目", "Marker"),
    ("mf.col.outcome", "結果", "Result"),
    ("mf.marker.hbv", "HBV (B型肝炎)", "HBV"),
    ("mf.marker.hcv", "HCV (C型肝炎)", "HCV"),
    ("mf.marker.hiv", "HIV-1/2", "HIV-1/2"),
    ("mf.marker.htlv1", "HTLV-1", "HTLV-1"),
    ("mf.marker.syphilis", "梅毒", "Syphilis"),
    (
        "mf.marker.parvovirus_b19",
        "パルボウイルスB19",
        "Parvovirus B19",
    ),
    ("mf.outcome.negative", "陰性", "Negative"),
    ("mf.outcome.positive", "陽性", "Positive"),
    ("mf.outcome.indeterminate", "判定保留", "Indeterminate"),
    // tissue and banks
    ("mf.tissues.title", "組織採取", "Tissue collections"),
    (
        "mf.tissue.record",
        "組織採取を記録",
        "Record tissue collection",
    ),
    ("mf.col.tissue", "組織採取番号", "Tissue collection"),
    ("mf.col.amount", "採取量", "Amount"),
    ("mf.col.amount_value", "採取量 (数値)", "Amount (number)"),
    ("mf.col.unit", "単位", "Unit"),
    ("mf.col.collected_at", "採取日時", "Collected"),
    ("mf.banks.title", "セルバンク", "Cell banks"),
    ("mf.bank.title", "セルバンク", "Cell bank"),
    ("mf.bank.master", "マスターセルバンク", "Master cell bank"),
    (
        "mf.bank.working",
        "ワーキングセルバンク",
        "Working cell bank",
    ),
    (
        "mf.bank.master_new",
        "マスターセルバンクを作製",
        "Establish master cell bank",
    ),
    (
        "mf.bank.seed_here",
        "このバンクから培養バッチを播種",
        "Seed a batch from this bank",
    ),
    (
        "mf.batch.pool_next",
        "この上清をプールしてロットを作製",
        "Pool this harvest into a lot",
    ),
    (
        "mf.bank.working_new",
        "ワーキングセルバンクを作製",
        "Establish working cell bank",
    ),
    (
        "mf.bank.children",
        "作製したワーキングセルバンク",
        "Working banks made from it",
    ),
    (
        "mf.bank.batches",
        "このセルバンクから播種した培養バッチ",
        "Culture batches seeded from it",
    ),
    ("mf.col.bank", "セルバンク番号", "Cell bank"),
    ("mf.col.kind", "種別", "Kind"),
    ("mf.col.parent", "親マスターセルバンク", "Master bank"),
    ("mf.col.passage", "継代数", "Passage"),
    ("mf.col.pd", "集団倍加数 (PD)", "Population doublings"),
    ("mf.col.vials_frozen", "凍結本数", "Vials frozen"),
    ("mf.col.cells_per_vial", "細胞数/本", "Cells per vial"),
    ("mf.col.banked_at", "凍結保存日時", "Banked"),
    // batches
    ("mf.batches.title", "培養バッチ一覧", "Culture batches"),
    ("mf.batch.title", "培養バッチ", "Culture batch"),
    ("mf.batch.seed", "培養バッチを播種", "Seed culture batch"),
    ("mf.batch.status.culturing", "培養中", "Culturing"),
    ("mf.batch.status.conditioning", "馴化培養中", "Conditioning"),
    ("mf.batch.status.harvested", "上清回収済", "Harvested"),
    ("mf.col.batch", "バッチ番号", "Batch"),
    ("mf.col.vessel", "培養容器", "Vessel"),
    ("mf.col.vessel_count", "容器数", "Vessels"),
    ("mf.col.area", "培養面積 (cm²)", "Growth area (cm²)"),
    (
        "mf.col.density",
        "播種密度 (cells/cm²)",
        "Seeding density (cells/cm²)",
    ),
    ("mf.col.seeded_at", "播種日時", "Seeded"),
    ("mf.col.observations", "観察記録数", "Observations"),
    ("mf.col.last_count", "直近の細胞数", "Latest count"),
    ("mf.col.observed_at", "観察日時", "Observed"),
    ("mf.col.cell_count", "生細胞数", "Viable cells"),
    ("mf.col.viability", "生存率 (%)", "Viability (%)"),
    ("mf.col.confluence", "コンフルエンス (%)", "Confluence (%)"),
    ("mf.col.note", "備考", "Note"),
    (
        "mf.obs.title",
        "観察記録 (細胞数・生存率・コンフルエンス)",
        "Observations (count, viability, confluence)",
    ),
    ("mf.obs.record", "観察を記録", "Record observation"),
    ("mf.plot.title", "増殖曲線", "Growth curve"),
    (
        "mf.plot.none",
        "グラフには2点以上の観察記録が必要です。",
        "The plot needs at least two observations.",
    ),
    ("mf.plot.y", "生細胞数 (対数)", "Viable cells (log)"),
    ("mf.plot.x", "播種後の日数", "Days after seeding"),
    (
        "mf.uses.title",
        "使用した原材料ロット",
        "Raw-material lots used",
    ),
    ("mf.use.record", "原材料の使用を記録", "Record material use"),
    ("mf.col.quantity", "使用量", "Quantity"),
    ("mf.col.used_at", "使用日時", "Used"),
    ("mf.cond.title", "馴化培養", "Conditioning"),
    (
        "mf.cond.start",
        "馴化培養を開始 (無血清培地へ交換)",
        "Start conditioning (switch to serum-free medium)",
    ),
    (
        "mf.col.medium_lot",
        "無血清培地ロット",
        "Serum-free medium lot",
    ),
    ("mf.col.hours", "馴化時間 (h)", "Hours"),
    ("mf.col.hypoxia", "低酸素培養", "Hypoxia"),
    ("mf.col.started_at", "開始日時", "Started"),
    ("mf.yes", "あり", "Yes"),
    ("mf.no", "なし", "No"),
    ("mf.harvest.title", "上清回収", "Harvest"),
    ("mf.harvest.record", "上清回収を記録", "Record harvest"),
    ("mf.col.harvest", "上清回収番号", "Harvest"),
    ("mf.col.volume_ml", "上清液量 (mL)", "Volume (mL)"),
    ("mf.col.remaining_ml", "残量 (mL)", "Remaining (mL)"),
    ("mf.col.harvested_at", "上清回収日時", "Harvested"),
    (
        "mf.col.harvest_deviation",
        "逸脱 (馴化時間外の理由)",
        "Deviation (reason, outside the conditioning window)",
    ),
    ("mf.harvest.flag", "逸脱", "Deviation"),
    (
        "mf.harvest.window",
        "上清回収は馴化開始から規定時間の −10 %〜+25 % の間に行います。範囲外の回収は逸脱の理由を記入した場合のみ記録され、製造記録に表示され、ロットの逸脱として QA の承認が必要になります。",
        "Harvest between −10 % and +25 % of the stated conditioning time. A harvest outside it is recorded only with a deviation reason; the batch record flags it and the lot carries a deviation QA must close.",
    ),
    ("mf.col.lots", "ロット", "Lots"),
    // raw materials
    (
        "mf.materials.title",
        "原材料ロット一覧",
        "Raw-material lots",
    ),
    ("mf.material.title", "原材料ロット", "Raw-material lot"),
    (
        "mf.material.receive",
        "原材料ロットを受入",
        "Receive raw-material lot",
    ),
    (
        "mf.material.conditioned",
        "馴化培養に使用したバッチ",
        "Batches conditioned in it",
    ),
    (
        "mf.col.material_lot",
        "原材料ロット番号",
        "Raw-material lot",
    ),
    ("mf.col.material", "品名", "Material"),
    ("mf.col.category", "区分", "Category"),
    ("mf.col.supplier", "供給者", "Supplier"),
    ("mf.col.supplier_lot", "供給者ロット番号", "Supplier lot"),
    ("mf.col.received_at", "受入日時", "Received"),
    ("mf.col.expires_at", "有効期限", "Expiry"),
    ("mf.col.uses", "使用回数", "Uses"),
    ("mf.category.medium", "培地", "Medium"),
    ("mf.category.supplement", "添加剤", "Supplement"),
    ("mf.category.reagent", "試薬", "Reagent"),
    ("mf.category.filter", "フィルター", "Filter"),
    ("mf.category.consumable", "消耗品", "Consumable"),
    ("mf.material.state.usable", "使用可", "Usable"),
    ("mf.material.state.expiring", "期限間近", "Expiring soon"),
    ("mf.material.state.expired", "期限切れ", "Expired"),
    // harvests, lots, processing, filling
    (
        "mf.harvests.title",
        "上清回収一覧とプール (ロット作成)",
        "Harvests and pooling (lot creation)",
    ),
    (
        "mf.pool.title",
        "上清をプールしてロットを作成",
        "Pool harvests into a new lot",
    ),
    ("mf.pool.submit", "ロットを作成", "Create lot"),
    ("mf.pool.part", "上清", "Harvest"),
    ("mf.col.lot", "製造番号", "Lot number"),
    ("mf.col.product", "製品コード", "Product code"),
    ("mf.process.title", "製造工程の記録", "Processing record"),
    ("mf.process.link", "製造工程・充填", "Processing & filling"),
    ("mf.step.record", "工程を記録", "Record step"),
    ("mf.col.step_kind", "工程", "Step"),
    ("mf.col.g_force", "遠心力 (×g)", "g-force (× g)"),
    ("mf.col.minutes", "遠心時間 (分)", "Minutes"),
    ("mf.col.pore_um", "孔径 (µm)", "Pore size (µm)"),
    ("mf.col.cutoff_kda", "分画分子量 (kDa)", "Cut-off (kDa)"),
    (
        "mf.col.concentration_factor",
        "濃縮倍率",
        "Concentration factor",
    ),
    ("mf.col.method", "滅菌方法", "Method"),
    ("mf.col.performed_at", "実施日時", "Performed"),
    (
        "mf.hint.step",
        "選択した工程の条件のみ入力してください。",
        "Fill in the parameters of the chosen step only.",
    ),
    ("mf.fill.title", "充填", "Filling"),
    ("mf.fill.submit", "バイアルに充填", "Fill vials"),
    ("mf.col.count", "本数", "Number of vials"),
    (
        "mf.col.fill_volume_ml",
        "充填量 (mL/本)",
        "Fill volume (mL per vial)",
    ),
    ("mf.col.freezer", "フリーザー", "Freezer"),
    ("mf.col.rack", "ラック", "Rack"),
    (
        "mf.hint.fill",
        "充填するとロットは出荷判定待ちになり、その時点で有効な規格版が記録されます。保管場所は任意 (ボックス 9×9 に順に配置)。",
        "Filling puts the lot in quarantine and records the specification version in force. Storage is optional (boxes of 9 × 9 filled in order).",
    ),
    (
        "mf.lot.not_in_process",
        "このロットは製造中ではないため、工程の記録・充填はできません。",
        "This lot is no longer in process: no steps or filling can be recorded.",
    ),
];

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    /// Templates pass catalogue keys to macros as plain strings (`"mf.col.donor"`): each must exist.
    #[test]
    fn every_key_the_manufacturing_templates_name_is_in_the_catalogue() {
        let dir = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates/manufacture"
        ));
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap();
            for (at, _) in text.match_indices("\"mf.") {
                if text[..at].ends_with("tk(") {
                    continue; // a prefix for c.tk(prefix, key)
                }
                let key = text[at + 1..].split('"').next().unwrap();
                assert_ne!(Lang::Ja.t(key), "??", "{}: key {key} missing", p.display());
            }
        }
    }
}

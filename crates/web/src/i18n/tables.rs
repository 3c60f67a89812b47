//! The kinds of record an audited table holds, as a reader names them (issue 17 item 1): the batch
//! record's step list names each event's record by its table (`donor`, `test_result`); pages show
//! `table.<name>` (the table's name stays in the record).

use crate::registry::Texts;

/// (key `table.<store table name>`, 日本語, English)
pub const TEXT: Texts = &[
    ("table.site", "施設", "Site"),
    ("table.app_user", "ユーザー", "User"),
    ("table.donor", "ドナー", "Donor"),
    ("table.tissue", "組織採取", "Tissue collection"),
    ("table.cell_bank", "セルバンク", "Cell bank"),
    ("table.material_lot", "原材料ロット", "Raw-material lot"),
    ("table.culture_batch", "培養バッチ", "Culture batch"),
    ("table.observation", "観察記録", "Observation"),
    ("table.material_use", "原材料の使用", "Material use"),
    ("table.harvest", "上清回収", "Harvest"),
    ("table.lot", "ロット", "Lot"),
    ("table.processing_step", "加工工程", "Processing step"),
    ("table.vial", "バイアル", "Vial"),
    ("table.genealogy_edge", "由来の記録", "Genealogy link"),
    ("table.credential", "認証情報", "Credential"),
    ("table.api_token", "API トークン", "API token"),
    ("table.product", "製品", "Product"),
    ("table.specification", "規格", "Specification"),
    ("table.test_result", "試験結果", "Test result"),
    ("table.deviation", "逸脱", "Deviation"),
    ("table.setting", "施設設定", "Setting"),
    ("table.din_sequence", "DIN 連番", "DIN sequence"),
    ("table.freezer", "フリーザー", "Freezer"),
    ("table.vial_move", "バイアルの移動", "Vial move"),
    ("table.patient", "患者", "Patient"),
    ("table.dispensing", "払出し", "Dispensing"),
    ("table.administration", "投与", "Administration"),
    ("table.adverse_event", "有害事象", "Adverse event"),
    ("table.outcome_measure", "評価指標", "Outcome measure"),
    ("table.recall", "回収", "Recall"),
    ("table.recall_exposure", "回収対象の患者", "Recall exposure"),
    ("table.shipment", "出荷", "Shipment"),
    ("table.shipment_item", "出荷品目", "Shipment item"),
    ("table.plate_file", "プレートファイル", "Plate file"),
    ("table.plate_run", "プレート測定", "Plate run"),
    ("table.room", "部屋", "Room"),
    ("table.em_result", "環境モニタリング結果", "EM result"),
    ("table.sterile_filtration", "無菌ろ過", "Sterile filtration"),
    ("table.integrity_test", "完全性試験", "Integrity test"),
    ("table.equipment", "機器", "Equipment"),
    ("table.qualification", "適格性確認", "Qualification"),
    ("table.media_fill", "培地充填試験", "Media fill"),
    (
        "table.controlled_document",
        "管理文書",
        "Controlled document",
    ),
    ("table.document_version", "文書の版", "Document version"),
    ("table.batch_execution", "製造指図記録", "Batch execution"),
    ("table.execution_step", "工程記録", "Step record"),
    ("table.step_deviation", "工程の逸脱", "Step deviation"),
    ("table.consent", "同意", "Consent"),
    ("table.ae_report", "疾病等報告", "Adverse-event report"),
    ("table.em_limit", "環境モニタリング基準値", "EM limit"),
];

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    /// Every audited table has its name in both languages.
    #[test]
    fn every_table_is_named() {
        for t in secretome_store::schema::Table::ALL {
            let key = format!("table.{}", t.name());
            assert!(Lang::Ja.get(&key).is_some(), "{key}");
        }
    }
}

//! The names of the records a batch record lists step by step (`q.col.record` column of the batch
//! record review): one entry per store table (`record.<table>`), as a Japanese facility names the
//! record. A test keeps the list in step with the store's tables.

pub const RECORD_TEXT: &[(&str, &str, &str)] = &[
    ("record.site", "施設", "Site"),
    ("record.app_user", "利用者", "User"),
    ("record.donor", "ドナー", "Donor"),
    ("record.tissue", "組織", "Tissue"),
    ("record.cell_bank", "セルバンク", "Cell bank"),
    ("record.material_lot", "原材料ロット", "Raw-material lot"),
    ("record.culture_batch", "培養バッチ", "Culture batch"),
    ("record.observation", "観察記録", "Observation"),
    ("record.material_use", "原材料使用", "Material use"),
    ("record.harvest", "上清回収", "Harvest"),
    ("record.lot", "ロット", "Lot"),
    ("record.processing_step", "加工工程", "Processing step"),
    ("record.vial", "バイアル", "Vial"),
    ("record.genealogy_edge", "系譜", "Genealogy link"),
    ("record.credential", "認証情報", "Credential"),
    ("record.api_token", "API トークン", "API token"),
    ("record.product", "製品", "Product"),
    ("record.specification", "規格", "Specification"),
    ("record.test_result", "試験結果", "Test result"),
    ("record.deviation", "逸脱", "Deviation"),
    ("record.setting", "設定", "Setting"),
    ("record.din_sequence", "DIN 採番", "DIN sequence"),
    ("record.freezer", "フリーザー", "Freezer"),
    ("record.vial_move", "バイアル移動", "Vial move"),
    ("record.patient", "患者", "Patient"),
    ("record.dispensing", "払出し", "Dispensing"),
    ("record.administration", "投与", "Administration"),
    ("record.adverse_event", "有害事象の記録", "Adverse event"),
    ("record.outcome_measure", "評価指標", "Outcome measure"),
    ("record.recall", "回収", "Recall"),
    (
        "record.recall_exposure",
        "回収対象の投与",
        "Recall exposure",
    ),
    ("record.shipment", "出荷", "Shipment"),
    ("record.shipment_item", "出荷品目", "Shipment item"),
    ("record.plate_file", "プレートデータ", "Plate file"),
    ("record.plate_run", "プレート測定", "Plate run"),
    ("record.room", "部屋", "Room"),
    ("record.em_result", "環境モニタリング結果", "EM result"),
    (
        "record.sterile_filtration",
        "無菌ろ過",
        "Sterile filtration",
    ),
    ("record.integrity_test", "完全性試験", "Integrity test"),
    ("record.equipment", "機器", "Equipment"),
    ("record.qualification", "教育訓練・適格性", "Qualification"),
    ("record.media_fill", "培地充填試験", "Media fill"),
    (
        "record.controlled_document",
        "管理文書",
        "Controlled document",
    ),
    ("record.document_version", "文書の版", "Document version"),
    (
        "record.batch_execution",
        "指図書による製造",
        "Batch execution",
    ),
    ("record.execution_step", "製造工程の記録", "Execution step"),
    ("record.step_deviation", "工程逸脱", "Step deviation"),
    ("record.consent", "同意", "Consent"),
    ("record.ae_report", "有害事象の報告", "Adverse-event report"),
    ("record.em_limit", "環境モニタリング基準値", "EM limit"),
];

#[cfg(test)]
mod tests {
    use super::RECORD_TEXT;
    use secretome_store::schema::Table;

    /// Every table a batch record may list has its name in both languages.
    #[test]
    fn every_record_table_is_named() {
        let missing: Vec<&str> = Table::ALL
            .iter()
            .map(|t| t.name())
            .filter(|n| {
                !RECORD_TEXT
                    .iter()
                    .any(|(k, _, _)| k.strip_prefix("record.") == Some(*n))
            })
            .collect();
        assert!(missing.is_empty(), "tables without a name: {missing:?}");
    }
}

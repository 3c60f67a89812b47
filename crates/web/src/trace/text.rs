//! The trace page's texts (key, 日本語, English): 遡及 (backward, towards the donor) and 追跡
//! (forward, towards vials and patients), as a Japanese facility calls the two directions.

pub const TEXT: &[(&str, &str, &str)] = &[
    ("tr.nav", "トレーサビリティ", "Trace"),
    ("tr.title", "トレーサビリティ (追跡・遡及)", "Traceability"),
    (
        "tr.hint",
        "ドナー・原材料ロット・ロット・バイアル・患者などの ID を入力してください。追跡はそこから製造されたすべて (ロット・バイアル・患者) を、遡及はその由来 (ドナー・組織・セルバンク・培養・原材料) をたどります。",
        "Enter the id of a donor, raw-material lot, lot, vial, patient or other record. Forward follows everything made from it (lots, vials, patients); backward follows where it came from (donor, tissue, cell bank, culture, raw materials).",
    ),
    ("tr.id", "ID", "Id"),
    (
        "tr.withheld",
        "患者 (この役割には非表示・人数のみ)",
        "Patients (not shown to your role: count only)",
    ),
    ("tr.dir", "方向", "Direction"),
    ("tr.dir.forward", "追跡 (下流へ)", "Forward (downstream)"),
    ("tr.dir.backward", "遡及 (上流へ)", "Backward (upstream)"),
    ("tr.submit", "表示", "Trace"),
    (
        "tr.err.dir",
        "追跡の方向 (前方・遡及) を選んでください",
        "must be forward or backward",
    ),
    ("tr.counts", "到達した記録", "Records reached"),
    ("tr.edges", "つながり (系譜の辺)", "Links"),
    ("tr.json", "JSON で表示", "As JSON"),
    ("tr.graph", "系譜図", "Genealogy graph"),
    (
        "tr.graph.hint",
        "枠をクリックすると各記録のページを開きます。多数の記録がある列はまとめて表示しています (合計は上の表)。",
        "Click a box to open its record. Columns with many records are collapsed (totals in the table above).",
    ),
    ("tr.more", "他 {n} 件の{kind}", "+ {n} more: {kind}"),
    ("tr.kind.donor", "ドナー", "Donor"),
    ("tr.kind.tissue", "組織", "Tissue"),
    ("tr.kind.cell_bank", "セルバンク", "Cell bank"),
    ("tr.kind.material_lot", "原材料ロット", "Raw-material lot"),
    ("tr.kind.batch", "培養バッチ", "Culture batch"),
    ("tr.kind.harvest", "上清回収", "Harvest"),
    ("tr.kind.lot", "ロット", "Lot"),
    ("tr.kind.vial", "バイアル", "Vial"),
    ("tr.kind.patient", "患者", "Patient"),
];

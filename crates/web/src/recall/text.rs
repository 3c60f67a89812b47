//! The recall pages' texts (key, 日本語, English).

pub const TEXT: &[(&str, &str, &str)] = &[
    ("r.nav", "回収", "Recalls"),
    ("r.title", "回収", "Recalls"),
    ("r.none", "回収はありません。", "No recalls."),
    ("r.open.title", "回収を開始する", "Open a recall"),
    (
        "r.open.hint",
        "ロット・原材料ロット・ドナーの ID を入力してください。到達するすべてのバイアルが同じトランザクションで出庫停止となり、投与・払出し済みの患者がフォローアップ対象として一覧されます。",
        "Enter a lot, raw-material lot or donor id. Every vial it reaches is blocked in the same transaction, and patients who received one are listed for follow-up.",
    ),
    ("r.target", "対象 ID", "Target id"),
    ("r.reason", "理由", "Reason"),
    ("r.submit", "回収を開始", "Open recall"),
    // Recall with care (issue 12 item 4): preview, then an electronic signature.
    (
        "r.alert",
        "回収対象の製品を受けた患者です。フォローアップが記録されるまで払出し・投与の前に確認してください:",
        "This patient received a recalled product; check before dispensing or dosing until the follow-up is recorded:",
    ),
    (
        "r.alert.short",
        "回収対象 (要フォローアップ)",
        "Recall: follow up",
    ),
    (
        "r.preview.submit",
        "影響範囲を確認",
        "Preview what it blocks",
    ),
    (
        "r.preview.title",
        "回収の影響範囲 (まだ記録されていません)",
        "What this recall blocks (nothing recorded yet)",
    ),
    (
        "r.preview.hint",
        "対象・理由を確認し、パスワードを再入力して電子署名すると回収が開始されます。",
        "Check the target and reason; the recall opens when you sign it with your password.",
    ),
    (
        "r.preview.vials",
        "到達するバイアル (現在の状態別)",
        "Vials reached (by state now)",
    ),
    (
        "r.preview.block",
        "出荷停止となるバイアル数",
        "Vials to be blocked",
    ),
    (
        "r.preview.patients",
        "曝露患者 (フォローアップ対象)",
        "Patients exposed (to follow up)",
    ),
    (
        "r.preview.password",
        "パスワード (電子署名)",
        "Password (electronic signature)",
    ),
    (
        "r.preview.sign_hint",
        "署名の意味: 回収。署名者の氏名・日時・理由が監査証跡に記録されます。",
        "Meaning of the signature: recalled. Your name, the time and the reason are bound into the audit trail.",
    ),
    (
        "r.preview.sign",
        "電子署名して回収を開始",
        "Sign and open the recall",
    ),
    ("r.col.id", "回収番号", "Recall"),
    ("r.col.target", "対象", "Target"),
    ("r.col.opened", "開始日時", "Opened"),
    ("r.col.by", "担当", "By"),
    ("r.col.lots", "ロット", "Lots"),
    ("r.col.blocked", "停止バイアル数", "Vials blocked"),
    ("r.col.exposed", "対象患者数", "Patients exposed"),
    (
        "r.exposures",
        "フォローアップ対象の患者",
        "Patients to follow up",
    ),
    (
        "r.no_exposures",
        "回収対象のバイアルを受けた患者はいません。",
        "No patient received a recalled vial.",
    ),
    ("r.col.patient", "患者", "Patient"),
    ("r.col.site", "施設", "Site"),
    ("r.col.vials", "バイアル", "Vials"),
    ("r.col.given", "投与", "Given"),
    ("r.given.yes", "投与済み", "administered"),
    (
        "r.given.no",
        "払出し済み・未投与（使用停止）",
        "dispensed, not given (blocked)",
    ),
    ("r.col.physician", "担当医", "Physician"),
    ("r.col.followup", "フォローアップ", "Follow-up"),
    ("r.followup.note", "連絡内容", "Note"),
    ("r.followup.submit", "記録", "Record"),
    ("r.trace", "追跡グラフ", "Trace graph"),
];

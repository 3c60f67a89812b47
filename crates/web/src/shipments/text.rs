//! The shipment pages' texts (key, 日本語, English), and the Japanese for the service's refusals
//! these pages show (matched on a fragment of the English message, which is kept beside it).

use crate::i18n::Lang;
use crate::kit::FieldErrors;

pub const TEXT: &[(&str, &str, &str)] = &[
    ("shp.nav", "出荷・輸送", "Shipments"),
    ("shp.title", "出荷・輸送", "Shipments"),
    ("shp.none", "出荷はありません。", "No shipments."),
    ("shp.pack.title", "梱包する", "Pack a shipment"),
    (
        "shp.pack.hint",
        "払出し可能なバイアルを DIN・製品コードのバーコードまたはバイアル ID で 1 行に 1 本ずつスキャンしてください。バイアルは保管位置から出庫されます。",
        "Scan the vials by their DIN and product code barcodes (or vial id), one per line. They leave their freezer positions.",
    ),
    ("shp.id", "出荷番号", "Shipment id"),
    ("shp.to_site", "送付先施設", "Destination site"),
    ("shp.vials", "バイアル (スキャン)", "Vials (scanned)"),
    ("shp.shipper", "輸送容器", "Shipper"),
    ("shp.logger", "温度ロガー ID", "Data logger id"),
    ("shp.pack.submit", "梱包を記録", "Record packing"),
    ("shp.col.id", "出荷番号", "Shipment"),
    ("shp.col.status", "状態", "State"),
    ("shp.col.from", "発送元", "From"),
    ("shp.col.to", "送付先", "To"),
    ("shp.col.vials", "本数", "Vials"),
    ("shp.col.packed", "梱包", "Packed"),
    ("shp.col.dispatched", "出荷", "Dispatched"),
    ("shp.col.received", "受領", "Received"),
    ("shp.col.condition", "到着時の状態", "Condition on arrival"),
    ("shp.col.limit", "輸送温度上限", "Transport limit"),
    ("shp.col.log", "ロガーファイル", "Logger file"),
    ("shp.filter.vial", "バイアル", "Vial"),
    ("shp.vials.title", "バイアル", "Vials"),
    (
        "shp.dispatch.title",
        "出荷する (運送業者へ引渡し)",
        "Dispatch (hand to the carrier)",
    ),
    ("shp.dispatch.submit", "出荷を記録", "Record dispatch"),
    (
        "shp.receive.title",
        "受領する (クリニック)",
        "Receive (at the clinic)",
    ),
    (
        "shp.receive.hint",
        "到着した全バイアルをスキャンし、到着時の状態を選んでください。異常があれば QA 判定まで隔離されます。",
        "Scan every vial that arrived and choose the condition on arrival. Anything but intact quarantines the vials until QA decides.",
    ),
    ("shp.condition", "到着時の状態", "Condition on arrival"),
    ("shp.receive.submit", "受領を記録", "Record receipt"),
    ("shp.log.title", "温度ロガーの記録", "Temperature logger"),
    (
        "shp.log.hint",
        "ロガーの CSV エクスポート (time,temperature_c、または Lascar EasyLog 形式) を選んでください。時刻にオフセットが無い場合は送付先の時間帯で読みます。輸送温度上限を超える記録があれば、出荷のバイアルは QA 判定まで隔離されます。",
        "Choose the logger's CSV export (time,temperature_c, or a Lascar EasyLog export). Times without an offset are read in the destination's zone. A reading above the transport limit quarantines the shipment's vials until QA decides.",
    ),
    ("shp.log.file", "CSV ファイル", "CSV file"),
    ("shp.log.csv", "または CSV を貼り付け", "or paste the CSV"),
    ("shp.log.submit", "取り込む", "Import"),
    (
        "shp.log.none",
        "ロガーの記録はまだありません。",
        "No logger series yet.",
    ),
    ("shp.plot.x", "梱包からの時間 (h)", "Hours since packing"),
    ("shp.plot.y", "温度 (°C)", "Temperature (°C)"),
    ("shp.plot.limit", "輸送温度上限", "Transport limit"),
    ("shp.plot.storage", "保管温度", "Storage temperature"),
    ("shp.plot.readings", "記録", "Readings"),
    ("shp.excursion", "温度逸脱", "Temperature excursion"),
    (
        "shp.excursion.text",
        "件の記録が上限を超過、最高",
        "reading(s) above the limit, warmest",
    ),
    (
        "shp.decide.title",
        "QA 判定 (隔離中の出荷)",
        "QA decision (quarantined shipment)",
    ),
    (
        "shp.decide.hint",
        "解除するとバイアルは使用可能に戻り (理由必須)、不適とするとバイアルは廃棄になります。監査記録に残ります。",
        "Release makes the vials available again (a reason is required); reject destroys them. Both are audited.",
    ),
    ("shp.decide.release", "解除 (使用可)", "Release (usable)"),
    ("shp.decide.reject", "不適 (廃棄)", "Reject (destroy)"),
    ("shp.decision", "判定", "Decision"),
    ("shp.reason", "理由", "Reason"),
    ("shp.decide.submit", "判定を記録", "Record decision"),
    ("shp.decided", "QA 判定", "QA decision"),
    ("shp.link", "出荷履歴", "Shipments"),
];

/// (fragment of the English refusal, 日本語)
const ERRORS: &[(&str, &str)] = &[
    (
        "packed but not scanned",
        "梱包したバイアルがスキャンされていません",
    ),
    ("not in this shipment", "この出荷に含まれないバイアルです"),
    ("is addressed to", "この出荷は別の施設宛てです"),
    (
        "scan at least one vial",
        "バイアルを 1 本以上スキャンしてください",
    ),
    ("scanned twice", "同じバイアルが 2 回スキャンされました"),
    (
        "must be another site",
        "送付先は発送元と別の施設にしてください",
    ),
    ("exists already", "この出荷番号は既に使われています"),
    ("is not a time", "時刻として読めません"),
    ("is not a number", "数値として読めません"),
    (
        "neither `time,temperature_c`",
        "ロガーの CSV 形式として認識できません",
    ),
    ("has no readings", "記録がありません"),
    ("is not one of", "選択肢から選んでください"),
    ("must not be empty", "入力してください"),
    ("is not in a freezer", "保管庫にありません"),
    ("expired at", "有効期限切れです"),
    ("is quarantine", "隔離中のバイアルです"),
    ("cannot", "この状態ではできません"),
];

/// Field errors in the page's language, the shipment phrases first.
pub fn localised(lang: Lang, e: FieldErrors) -> FieldErrors {
    FieldErrors(
        e.0.into_iter()
            .map(|(k, m)| (k, localise(lang, &m)))
            .collect(),
    )
}

/// A refusal in the page's language: the Japanese with the values the English carried.
pub fn localise(lang: Lang, message: &str) -> String {
    crate::kit::localise_by(lang, message, &|message| {
        ERRORS
            .iter()
            .find(|(frag, _)| message.contains(frag))
            .map(|(_, ja)| *ja)
    })
}

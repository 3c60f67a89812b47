//! The Japanese of the domain's and the service's field messages that the manufacturing pages'
//! table (`mf.err.*`) does not already say: keys `err.*`, looked up through `errors::ERRORS`.

use crate::registry::Texts;

/// (key, 日本語, English)
pub const TEXT: Texts = &[
    (
        "err.password",
        "パスワードが正しくありません (またはアカウントがロック中です)。何も署名・記録されていません",
        "the password is not correct",
    ),
    (
        "err.password_needed",
        "パスワードを入力してください",
        "enter your password",
    ),
    (
        "err.recall_form",
        "回収は回収フォームでプレビューの後に署名します",
        "recalls are signed on the recall form",
    ),
    (
        "err.not_decision",
        "ロットの判定ではありません",
        "not a lot decision",
    ),
    ("err.finite", "数値を入力してください", "a finite number"),
    (
        "err.storage_temp",
        "保管温度は −200〜8 °C で入力してください",
        "storage temperature",
    ),
    ("err.rows", "段数は 1〜26 です (A〜Z)", "rows 1-26"),
    ("err.one_to_99", "1〜99 で入力してください", "1-99"),
    (
        "err.warmer",
        "フリーザーの設定温度が製品の保管温度より高いため保管できません",
        "freezer too warm",
    ),
    (
        "err.not_in_freezer",
        "その位置はこのフリーザーにありません",
        "not in this freezer",
    ),
    (
        "err.outside_box",
        "位置がボックスの範囲外です",
        "outside the box",
    ),
    (
        "err.deviation_reason",
        "逸脱の理由を付けて記録するか、時刻を訂正してください",
        "give a deviation reason",
    ),
    (
        "err.recall_target",
        "回収はロット・原材料ロット・ドナーのいずれかに対して開始します",
        "recall target",
    ),
    (
        "err.one_role",
        "ロールを 1 つ以上選んでください",
        "at least one role",
    ),
    (
        "err.own_admin",
        "自分の管理者ロールは外せません: 他の管理者に依頼してください",
        "own admin role",
    ),
    (
        "err.roles_unchanged",
        "ロールは変更されていません",
        "roles unchanged",
    ),
    (
        "err.only_digits",
        "数字だけのパスワードは使えません",
        "not only digits",
    ),
    (
        "err.user_name",
        "ユーザー名と同じパスワードは使えません",
        "not the user name",
    ),
    (
        "err.one_harvest",
        "ロットには上清回収を 1 つ以上選んでください",
        "at least one harvest",
    ),
    (
        "err.twice",
        "同じ項目が 2 回指定されています",
        "listed twice",
    ),
    (
        "err.sample_wells",
        "ロットの結果として採用できるのは検体ウェルだけです",
        "only sample wells",
    ),
    (
        "err.no_reportable",
        "報告可能な値がありません (定量範囲外など)",
        "no reportable value",
    ),
    (
        "err.two_samples",
        "同じ試験が 2 つの検体に選ばれています",
        "test chosen twice",
    ),
    (
        "err.no_layout",
        "エクスポートにプレートレイアウトがありません: レイアウトファイルをアップロードするかウェルを割り当ててください",
        "no layout",
    ),
    (
        "err.no_sample",
        "プレートにその検体がありません",
        "no such sample",
    ),
    (
        "err.not_in_spec",
        "その試験はロットの規格にありません",
        "not in the specification",
    ),
    (
        "err.not_numeric",
        "その試験は数値を取りません",
        "does not take a number",
    ),
    (
        "err.has_result",
        "その試験には既に結果があります: 再試験として記録してください",
        "already has a result",
    ),
    (
        "err.run_accepted",
        "このファイルとレイアウトは既に受け入れ済みです",
        "already accepted",
    ),
    ("err.file_large", "ファイルが大きすぎます", "file too large"),
    (
        "err.not_lot_test",
        "ロットの規格にない試験です",
        "not a test of the lot",
    ),
    (
        "err.range_needs",
        "範囲には下限・上限 (または両方) が必要です (報告のみも可)",
        "a range needs limits",
    ),
    (
        "err.min_max",
        "下限が上限を超えています",
        "minimum above maximum",
    ),
    (
        "err.needs_number",
        "この試験には数値を入力してください",
        "needs a number",
    ),
    (
        "err.needs_outcome",
        "この試験には判定語 (陰性など) を入力してください",
        "needs an outcome",
    ),
    ("err.one_or_more", "1 以上を入力してください", "1 or more"),
    (
        "err.spec_test",
        "規格には試験項目が 1 つ以上必要です",
        "at least one test",
    ),
    (
        "err.later",
        "その版はまだ施行されていません",
        "not yet in force",
    ),
    (
        "err.product_code",
        "英字 1 文字と数字 4 桁で入力してください",
        "a letter and four digits",
    ),
    (
        "err.unit_mismatch",
        "単位が規格と異なります",
        "unit differs",
    ),
    ("err.no_test", "規格にその試験はありません", "no such test"),
    (
        "err.colonies",
        "集落数は整数で入力してください",
        "a whole number",
    ),
    (
        "err.header",
        "CSV の見出し行が正しくありません (time,location,>=0.5um,>=5um)",
        "wrong header",
    ),
    ("err.no_rows", "データ行がありません", "no rows"),
    (
        "err.pore",
        "除菌フィルターの孔径は 0.22 µm 以下です",
        "pore size",
    ),
    (
        "err.grade",
        "メーカーが除菌グレードと定めたフィルターを使ってください",
        "sterilising grade",
    ),
    (
        "err.after_pool",
        "プール後かつ未来でない日時を入力してください",
        "after pooling",
    ),
    (
        "err.integrity_time",
        "完全性試験の日時がろ過の前後関係と合いません",
        "integrity test timing",
    ),
    (
        "err.freezer_link",
        "フリーザーだけが保管庫に対応付けられます",
        "only a freezer",
    ),
    (
        "err.after_trained",
        "教育訓練の日時より後にしてください",
        "after training",
    ),
    (
        "err.expires",
        "更衣・無菌操作の認定には有効期限が必要です",
        "needs an expiry",
    ),
    (
        "err.self_assess",
        "自分自身は評価できません",
        "self assessment",
    ),
    ("err.units", "充填数を超えています", "exceeds units filled"),
    (
        "err.past",
        "過去の日時にはできません (判定済みの結果は当時の基準のまま)",
        "not in the past",
    ),
    (
        "err.below_action",
        "警報基準は処置基準より低くしてください",
        "below the action limit",
    ),
    ("err.grade_letter", "A, B, C, D のいずれかです", "A-D"),
    (
        "err.room_parent",
        "部屋は他の部屋の中に置けません",
        "room in room",
    ),
    (
        "err.room_needed",
        "安全キャビネット・アイソレータは設置する部屋を指定してください",
        "name the room",
    ),
    ("err.not_room", "部屋ではありません", "not a room"),
    (
        "err.grade_a",
        "安全キャビネット・アイソレータはグレード A 区域です",
        "grade A",
    ),
    (
        "err.fatal",
        "グレード 5 (死亡) と転帰「死亡」は一緒に記録します",
        "grade 5 and fatal",
    ),
    (
        "err.other_patient",
        "その投与は別の患者のものです",
        "another patient",
    ),
    (
        "err.report_date",
        "委員会または厚生労働大臣への報告日時を入力してください",
        "report date",
    ),
    ("err.asia", "ASIA グレードは A〜E です", "ASIA A-E"),
    ("err.whole", "整数で入力してください", "whole values"),
    (
        "err.ctcae_grade",
        "CTCAE のこの有害事象にそのグレードはありません",
        "not a CTCAE grade",
    ),
    (
        "err.max_dose",
        "投与量が上限を超えています: 超える理由を記入してください",
        "above the maximum dose",
    ),
    (
        "err.thawed_late",
        "解凍後の使用期限を過ぎています (廃棄してください)",
        "past use-by",
    ),
    (
        "err.thawed_return",
        "解凍済みのバイアルは返品できません (廃棄してください)",
        "thawed",
    ),
    (
        "err.unopened",
        "返品できるのは未開封のバイアルだけです (廃棄してください)",
        "unopened only",
    ),
    (
        "err.in_temp",
        "返品できるのは保管温度が守られたバイアルだけです (廃棄してください)",
        "within temperature",
    ),
    (
        "err.doc_code",
        "3〜40 文字の英大文字・数字・- で、英字で始めてください",
        "document code",
    ),
    (
        "err.mbr_product",
        "製造指図書には製品を指定してください",
        "names its product",
    ),
    (
        "err.mbr_source",
        "製造指図書には細胞源を指定してください",
        "names its source",
    ),
    (
        "err.mbr_steps",
        "製造指図書には工程が必要です",
        "needs steps",
    ),
    ("err.sop_steps", "SOP には工程を付けません", "SOP no steps"),
    ("err.not_mbr", "製造指図書ではありません", "not an MBR"),
    (
        "err.not_in_force",
        "教育訓練の時点でその版は施行されていませんでした",
        "not in force",
    ),
    (
        "err.executed_by",
        "この工程は別の操作 (画面) で記録します",
        "executed elsewhere",
    ),
    (
        "err.not_step",
        "この指図書の工程ではありません",
        "not a step",
    ),
    (
        "err.not_param",
        "この工程のパラメータではありません",
        "not a parameter",
    ),
    ("err.enter_value", "値を入力してください", "enter a value"),
    (
        "err.outside_limit",
        "指図書の許容範囲外です: 作業を止めて QA に相談してください",
        "outside the limit",
    ),
    (
        "err.second_person",
        "記録した本人は確認できません: 別の担当者が確認します",
        "second person",
    ),
    (
        "err.observation_verified",
        "観察の工程は次の工程へ進むときに最新の観察値を取るため、第二者の確認は指定できません",
        "an observation step cannot need a second person",
    ),
    (
        "err.step_code",
        "1〜40 文字の英数字・-・_ で入力してください",
        "step code",
    ),
    ("err.low_high", "下限が上限を超えています", "low above high"),
    ("err.target", "目標値が許容範囲外です", "target outside"),
    (
        "err.stage_order",
        "工程の段階の順序が正しくありません (組織 → バンク → 培養 → 馴化 → 上清回収 → 加工)",
        "stage order",
    ),
    (
        "err.seeding_first",
        "播種は最初の工程だけです",
        "seeding first",
    ),
    (
        "err.already_at",
        "バイアルは既にその位置にあります",
        "already there",
    ),
    (
        "err.not_registered",
        "登録されていません (管理者が登録します)",
        "not registered",
    ),
    (
        "err.shelf_life",
        "有効期限が充填日 + 有効期間を超えています",
        "shelf life",
    ),
    (
        "err.token_role",
        "持っていないロールはトークンに与えられません",
        "role not held",
    ),
    ("err.missing", "見つかりません", "missing"),
    (
        "err.no_dose",
        "その投与は記録されていません",
        "no such dose",
    ),
    ("err.date", "日付を YYYY-MM-DD で入力してください", "a date"),
    ("err.state", "状態の指定が正しくありません", "not a state"),
    ("err.vial_id", "バイアル ID ではありません", "not a vial id"),
    (
        "err.scan_one",
        "バイアルを 1 本以上読み取ってください",
        "scan a vial",
    ),
    (
        "err.print_temp",
        "その保管温度はラベルに印刷できません",
        "cannot be printed",
    ),
    ("err.physician", "医師ではありません", "not a physician"),
    (
        "err.media_fill",
        "培地充填試験はグレード A の工程を模擬します",
        "grade A process",
    ),
    ("err.no_product", "製品がありません", "no product"),
    ("err.key", "英数字 (ASCII) で入力してください", "ASCII"),
    (
        "err.key_used",
        "このキーは別の要求に使われています",
        "key used",
    ),
    (
        "err.file_line",
        "ファイルの読み取りでエラーがあります",
        "file error",
    ),
    (
        "err.no_storage",
        "製品の保管温度が登録されていません",
        "no storage temperature",
    ),
    (
        "err.spec_columns",
        "各行は | で区切った 6 列にしてください (行, 実際の列数)",
        "6 columns separated by |",
    ),
    (
        "err.spec_criterion",
        "判定基準の書き方が違います (書式は入力欄の下の説明を参照してください)",
        "criterion not understood",
    ),
];

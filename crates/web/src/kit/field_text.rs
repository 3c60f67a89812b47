//! The Japanese of the English path's messages (`errors::ERRORS`: the form readers' own and the
//! sites `invalid_texts` lists) that the manufacturing pages' table (`mf.err.*`) does not already
//! say: keys `err.*`. Every other refusal carries its Japanese (`secretome_domain::Why`).

use crate::registry::Texts;

/// (key, 日本語, English)
pub const TEXT: Texts = &[
    ("err.finite", "数値を入力してください", "a finite number"),
    (
        "err.outside_box",
        "位置がボックスの範囲外です",
        "outside the box",
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
        "err.spec_test",
        "規格には試験項目が 1 つ以上必要です",
        "at least one test",
    ),
    ("err.no_rows", "データ行がありません", "no rows"),
    ("err.enter_value", "値を入力してください", "enter a value"),
    ("err.missing", "見つかりません", "missing"),
    ("err.date", "日付を YYYY-MM-DD で入力してください", "a date"),
    (
        "err.print_temp",
        "その保管温度はラベルに印刷できません",
        "cannot be printed",
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

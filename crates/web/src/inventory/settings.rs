//! Facility settings (施設設定), admin only: each known setting with what it means and its current
//! value, and a form to change it — today the ISBT 128 FIN that filling builds each vial's DIN
//! from. Values are checked by the service (`Setting::new`); a refusal is shown at the field.

use crate::kit::{Errors, Fields, actor, fail, page, tri};
use crate::{
    AppState,
    auth::{Viewer, now},
    ctx::PageCtx,
    forms::status_of,
};
use askama::Template;
use axum::{Extension, body::Bytes, extract::State, http::StatusCode, response::Response};
use secretome_domain::site::SETTING_KEYS;

pub struct SettingRow {
    pub key: String,
    pub meaning: &'static str,
    pub value: Option<String>,
    /// The value as a reader sees it: a language by its own name (日本語, English), not its code.
    pub shown: Option<String>,
}

/// The languages the default-language setting offers: (code, the language's own name).
pub const LANGUAGES: [(&str, &str); 2] = [("ja", "日本語"), ("en", "English")];

/// A setting's value as shown: the language setting's code by the language's name.
fn shown(key: &str, value: &str) -> String {
    if key == secretome_domain::site::SETTING_LANGUAGE
        && let Some((_, name)) = LANGUAGES.iter().find(|(code, _)| *code == value)
    {
        return name.to_string();
    }
    value.to_string()
}

#[derive(Template)]
#[template(path = "inventory/settings.html")]
struct SettingsPage {
    c: PageCtx,
    languages: [(&'static str, &'static str); 2],
    settings: Vec<SettingRow>,
    /// The setting whose form `typed` and `e` belong to.
    editing: String,
    typed: String,
    e: Errors,
    saved: bool,
    /// The refused form named no known setting: its error is shown above the forms.
    unknown_key: bool,
}

struct Shown {
    editing: String,
    typed: String,
    e: Errors,
    saved: bool,
}

async fn settings_page(st: &AppState, v: &Viewer, s: Shown, status: StatusCode) -> Response {
    let mut settings = Vec::new();
    for (key, meaning) in SETTING_KEYS {
        match st.service.setting(key).await {
            Ok(value) => settings.push(SettingRow {
                key: key.to_string(),
                meaning: v.lang.get(&format!("inv.setting.{key}")).unwrap_or(meaning),
                shown: value.as_deref().map(|x| shown(key, x)),
                value,
            }),
            Err(err) => return fail(v, err),
        }
    }
    page(
        status,
        &SettingsPage {
            c: PageCtx::new(v, "/admin/settings"),
            languages: LANGUAGES,
            unknown_key: !s.e.is_empty() && !SETTING_KEYS.iter().any(|(k, _)| *k == s.editing),
            settings,
            editing: s.editing,
            typed: s.typed,
            e: s.e,
            saved: s.saved,
        },
    )
}

pub async fn show(State(st): State<AppState>, Extension(v): Extension<Viewer>) -> Response {
    let s = Shown {
        editing: String::new(),
        typed: String::new(),
        e: Errors::default(),
        saved: false,
    };
    settings_page(&st, &v, s, StatusCode::OK).await
}

/// POST /admin/settings (`key`, `value`): sets one setting.
pub async fn set(
    State(st): State<AppState>,
    Extension(v): Extension<Viewer>,
    body: Bytes,
) -> Response {
    let a = tri!(actor(&v));
    let f = Fields::parse(&body);
    let (key, value) = (f.text("key"), f.text("value"));
    match st.service.set_setting(&a, now(), &key, &value).await {
        Ok(_) => {
            let s = Shown {
                editing: String::new(),
                typed: String::new(),
                e: Errors::default(),
                saved: true,
            };
            settings_page(&st, &v, s, StatusCode::OK).await
        }
        Err(err) => {
            let mut e = crate::kit::refused_in(v.lang, &err);
            if let Some(m) = e.0.remove("key") {
                e.0.insert(
                    String::new(),
                    format!("{}: {m}", v.lang.t("inv.settings.key")),
                );
            }
            let s = Shown {
                editing: key,
                typed: value,
                e,
                saved: false,
            };
            settings_page(&st, &v, s, status_of(&err)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;
    use secretome_domain::site::SETTING_KEYS;

    /// Every setting an administrator may set says what it means in both languages.
    #[test]
    fn every_setting_has_its_meaning_in_the_catalogue() {
        for (key, meaning) in SETTING_KEYS {
            let k = format!("inv.setting.{key}");
            assert_eq!(Lang::En.get(&k), Some(*meaning), "{k}");
            assert!(Lang::Ja.get(&k).is_some(), "{k}");
        }
    }
}

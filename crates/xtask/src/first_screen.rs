//! The texts of the main page's first screen (frontend/index.html's `firstScreen`), taken from
//! the app's catalogue (frontend/locales) so they are never written twice: `window.__lkText`,
//! one map of flat keys per language, in an inline script of dist/index.html.

use std::path::Path;

use anyhow::{Context, Result};

/// Every key the first screen shows (`namespace.path.to.key`).
const KEYS: &[&str] = &[
    "home.title",
    "home.greeting",
    "home.greeting_named",
    "home.card.no_account",
    "home.card.account",
    "home.card.amount_due",
    "home.card.house_pages",
    "core.balance.debt",
    "core.balance.credit",
    "core.balance.zero",
    "core.tab.electricity",
    "core.tab.meters",
    "core.tab.account",
    "core.tab.services",
    "core.tab.payment",
    "core.tab.contacts",
];

const LANGUAGES: &[&str] = &["ru", "en"];

/// `window.__lkText={"ru":{…},"en":{…}};` for the catalogue in `locales`.
pub fn script(locales: &Path) -> Result<String> {
    let mut all = serde_json::Map::new();
    for language in LANGUAGES {
        let mut texts = serde_json::Map::new();
        for key in KEYS {
            let (namespace, path) = key.split_once('.').context("a key without a namespace")?;
            let file = locales.join(language).join(format!("{namespace}.json"));
            let catalogue: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?,
            )
            .with_context(|| format!("parsing {}", file.display()))?;
            let text = path
                .split('.')
                .try_fold(&catalogue, |v, k| v.get(k))
                .and_then(|v| v.as_str())
                .with_context(|| format!("{} has no text {path}", file.display()))?;
            texts.insert((*key).to_owned(), text.into());
        }
        all.insert((*language).to_owned(), texts.into());
    }
    // `</` never closes the script early: JSON may escape the slash.
    let json = serde_json::Value::Object(all)
        .to_string()
        .replace("</", "<\\/");
    Ok(format!("window.__lkText={json};"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_of_the_first_screen_is_in_both_languages() {
        let locales = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/locales");
        let script = script(&locales).expect("the catalogue's texts");
        let json: serde_json::Value = serde_json::from_str(
            script
                .strip_prefix("window.__lkText=")
                .and_then(|s| s.strip_suffix(';'))
                .expect("one assignment"),
        )
        .expect("JSON");
        assert_eq!(json["ru"]["home.title"], "Управление лицевыми счетами");
        assert_eq!(
            json["en"]["core.balance.debt"].as_str().map(str::is_empty),
            Some(false)
        );
        assert_eq!(json["ru"].as_object().expect("ru").len(), KEYS.len());
        assert_eq!(json["en"].as_object().expect("en").len(), KEYS.len());
    }

    #[test]
    fn a_missing_key_is_an_error_naming_it() {
        let dir = std::env::temp_dir().join(format!("lk-first-screen-{}", std::process::id()));
        for language in LANGUAGES {
            std::fs::create_dir_all(dir.join(language)).expect("directory");
            for namespace in ["home", "core"] {
                std::fs::write(dir.join(language).join(format!("{namespace}.json")), "{}")
                    .expect("file");
            }
        }
        let err = script(&dir).expect_err("no texts").to_string();
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert!(err.contains("title"), "{err}");
    }
}

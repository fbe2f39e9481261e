//! The texts of the main page's first screen (frontend/index.html's `firstScreen`), taken from
//! the app's catalogue (frontend/locales) so they are never written twice: `window.__lkText`,
//! one map of flat keys per language, and `tabs`, the house pages it links to, in an inline
//! script of dist/index.html. The tabs are the SPA's `HouseTab` (frontend/src/routes.rs): a test
//! holds the two in step.

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
];

/// The house pages the first screen links to, in the order of the app's tabs (`HouseTab::ALL`
/// and `HouseTab::segment`); each is named by its text `core.tab.<segment>`.
const HOUSE_TABS: &[&str] = &[
    "electricity",
    "meters",
    "account",
    "services",
    "payment",
    "contacts",
];

const LANGUAGES: &[&str] = &["ru", "en"];

/// `window.__lkText={"ru":{…},"en":{…}};` for the catalogue in `locales`.
pub fn script(locales: &Path) -> Result<String> {
    let mut all = serde_json::Map::new();
    for language in LANGUAGES {
        let mut texts = serde_json::Map::new();
        let tab_keys: Vec<String> = HOUSE_TABS.iter().map(|t| format!("core.tab.{t}")).collect();
        for key in KEYS
            .iter()
            .copied()
            .chain(tab_keys.iter().map(String::as_str))
        {
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
            texts.insert(key.to_owned(), text.into());
        }
        all.insert((*language).to_owned(), texts.into());
    }
    all.insert("tabs".to_owned(), HOUSE_TABS.to_vec().into());
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
        let texts = KEYS.len() + HOUSE_TABS.len();
        assert_eq!(json["ru"].as_object().expect("ru").len(), texts);
        assert_eq!(json["en"].as_object().expect("en").len(), texts);
        assert_eq!(json["en"]["core.tab.meters"], "Meters");
        assert_eq!(json["tabs"][0], "electricity");
    }

    /// The SPA's house tabs in the order of `HouseTab::ALL`, with their path segments, read from
    /// frontend/src/routes.rs (the SPA is a WASM crate the xtask cannot link).
    fn spa_tabs() -> Vec<String> {
        let routes = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/src/routes.rs"),
        )
        .expect("routes.rs");
        let all = routes
            .split_once("pub const ALL: [HouseTab;")
            .and_then(|(_, rest)| rest.split_once("];"))
            .map(|(list, _)| list)
            .expect("HouseTab::ALL");
        let segment = routes
            .split_once("pub const fn segment(self)")
            .map(|(_, rest)| rest.split_once("\n    }").map_or(rest, |(body, _)| body))
            .expect("HouseTab::segment");
        all.split("HouseTab::")
            .skip(1)
            .map(|v| {
                let variant = v.trim_end_matches(|c: char| !c.is_alphanumeric());
                let arm = format!("HouseTab::{variant} => \"");
                let (_, rest) = segment.split_once(&arm).expect("a segment for every tab");
                rest.split('"').next().expect("a closing quote").to_owned()
            })
            .collect()
    }

    #[test]
    fn the_first_screen_links_the_apps_house_tabs_in_their_order() {
        assert_eq!(spa_tabs(), HOUSE_TABS);
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

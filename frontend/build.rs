//! Compiles the message catalogue (`locales/<language>/<namespace>.json`) into the typed
//! `i18n` module. A key present in one language and missing in the other fails the build, so
//! no text can fall back to Russian in the English interface unnoticed.

use std::collections::BTreeSet;
use std::error::Error;
use std::path::{Path, PathBuf};

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

/// One namespace per part of the app, so files stay small and parts do not collide.
const NAMESPACES: [&str; 8] = [
    "core", "common", "auth", "home", "house", "profile", "dialogs", "staff",
];
const LANGUAGES: [&str; 2] = ["ru", "en"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    for ns in NAMESPACES {
        let keys: Vec<BTreeSet<String>> = LANGUAGES
            .iter()
            .map(|l| keys_of(&Path::new("locales").join(l).join(format!("{ns}.json"))))
            .collect::<Result<_, _>>()?;
        let (ru, en) = (&keys[0], &keys[1]);
        let only_ru: Vec<_> = ru.difference(en).collect();
        let only_en: Vec<_> = en.difference(ru).collect();
        if !only_ru.is_empty() || !only_en.is_empty() {
            return Err(format!(
                "locales: namespace {ns}: keys only in ru: {only_ru:?}; only in en: {only_en:?}"
            )
            .into());
        }
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR unset")?).join("i18n");
    let cfg = Config::new("ru")?
        .add_locale("en")?
        .add_namespaces(NAMESPACES)?
        // `td_string!` with values (`{{ serial }}`) for texts outside views.
        .parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}

/// Every key path of a catalogue file (`errors.network`), leaves only.
fn keys_of(path: &Path) -> Result<BTreeSet<String>, Box<dyn Error>> {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            _ => {
                out.insert(prefix.to_owned());
            }
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeSet::new();
    walk("", &value, &mut out);
    Ok(out)
}

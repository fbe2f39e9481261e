//! Compiles the message catalogue (`locales/<language>/<namespace>.json`) into the typed
//! `i18n` module: a key missing in a language, or a value that does not take the same
//! arguments in both, fails the build.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::{Config, TranslationsInfos};

/// One namespace per part of the app, so files stay small and parts do not collide.
const NAMESPACES: [&str; 8] = [
    "core", "common", "auth", "home", "house", "profile", "dialogs", "staff",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR unset")?).join("i18n");
    let cfg = Config::new("ru")?
        .add_locale("en")?
        .add_namespaces(NAMESPACES)?;
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}

//! Rebuilds the server when what its macros embed changes: the message catalogue
//! (`rust_i18n::i18n!`, locales/) and the migrations (`sqlx::migrate!`).

fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=../../migrations");
}

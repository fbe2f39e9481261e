//! Splits the SPA's WASM into lazily loaded chunks, after Trunk has built it.
//!
//! The frontend marks its pages as split points (`lazy_pages!` in frontend/src/app.rs,
//! Leptos's `wasm_split`); Trunk 0.21 cannot split, so this step redoes its last stage from the
//! module cargo linked (with `--emit-relocs`, see .cargo/config.toml): `wasm-split-cli` cuts it
//! into the main module and one chunk per group of pages (plus chunks of code groups share),
//! `wasm-bindgen` generates the main module's glue, `wasm-opt -Oz` shrinks every part (the
//! main module in two rounds, see [`wasm_opt`]), and the results replace Trunk's files in
//! dist/. Chunks and the loader script are named by their content's hash, so they are cached
//! for good like Trunk's own files.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::{cmd, status, target_dir, tools};

/// The name the split tool gives the loader script; replaced by a hashed one.
const LOADER: &str = "__wasm_split.js";

/// What the split produced, for the build's summary.
pub struct Split {
    pub main_bytes: u64,
    pub chunks: usize,
    pub chunk_bytes: u64,
}

/// Splits dist/'s module in place (see the module's documentation).
pub fn dist(dist: &Path) -> Result<Split> {
    let stem = trunk_stem(dist)?;
    let raw = target_dir().join("wasm32-unknown-unknown/wasm-release/lk-frontend.wasm");
    anyhow::ensure!(
        raw.exists(),
        "{} is missing: Trunk did not build it",
        raw.display()
    );
    let work = target_dir().join("lk-spa-split");
    let _ = std::fs::remove_dir_all(&work);
    let parts = work.join("parts");
    let glue = work.join("glue");
    std::fs::create_dir_all(&glue)?;

    let mut c = tool("wasm-split-cli");
    c.arg(&raw).arg(&parts).args(["--out-name", &stem]);
    status(c)?;
    let mut c = tool("wasm-bindgen");
    c.args([
        "--target",
        "web",
        "--keep-lld-exports",
        "--no-demangle",
        "--no-typescript",
        "--out-name",
        &stem,
        "--out-dir",
    ])
    .arg(&glue)
    .arg(parts.join(format!("{stem}.wasm")));
    status(c)?;

    // Every part through wasm-opt, two at a time (the main module takes longest: first).
    let mut jobs: Vec<(PathBuf, PathBuf)> = vec![(
        glue.join(format!("{stem}_bg.wasm")),
        dist.join(format!("{stem}_bg.wasm")),
    )];
    let mut chunks = Vec::new();
    for entry in std::fs::read_dir(&parts)? {
        let path = entry?.path();
        let name = file_name(&path);
        if name.ends_with(".wasm") && name != format!("{stem}.wasm") {
            let optimised = work.join(&name);
            jobs.push((path, optimised.clone()));
            chunks.push(optimised);
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut failed = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((from, to)) = jobs.get(i) else { break };
                        // The first job is the main module: the one the app waits for.
                        if let Err(e) = wasm_opt(from, to, i == 0) {
                            failed.push(format!("{e:#}"));
                        }
                    }
                    failed
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|_| vec!["wasm-opt panicked".into()])
            })
            .collect()
    });
    if !failures.is_empty() {
        bail!("wasm-opt failed: {}", failures.join("; "));
    }

    // Chunks under hashed names, the loader told their names, the loader itself hashed.
    let mut loader = std::fs::read_to_string(parts.join(LOADER))
        .with_context(|| format!("wasm-split-cli wrote no {LOADER}"))?;
    let mut chunk_bytes = 0;
    for chunk in &chunks {
        let bytes = std::fs::read(chunk)?;
        chunk_bytes += bytes.len() as u64;
        let name = file_name(chunk);
        let base = name.trim_end_matches(".wasm");
        let hashed = format!("{base}-{}.wasm", hash16(&bytes));
        let quoted = format!("\"./{name}\"");
        anyhow::ensure!(loader.contains(&quoted), "{LOADER} does not load {name}");
        loader = loader.replace(&quoted, &format!("\"./{hashed}\""));
        std::fs::write(dist.join(hashed), bytes)?;
    }
    let loader_name = format!("__wasm_split-{}.js", hash16(loader.as_bytes()));
    std::fs::write(dist.join(&loader_name), &loader)?;

    // Only the import statements change: the keys of the module's import object keep the name
    // the WASM asks for.
    let js = std::fs::read_to_string(glue.join(format!("{stem}.js")))?;
    let import = format!("from \"./{LOADER}\"");
    anyhow::ensure!(
        js.contains(&import),
        "the glue does not import {LOADER}: no split points left?"
    );
    std::fs::write(
        dist.join(format!("{stem}.js")),
        js.replace(&import, &format!("from \"./{loader_name}\"")),
    )?;
    copy_dir(&glue.join("snippets"), &dist.join("snippets"))?;

    // The page fetches the loader with the glue, not after it; and, by a few lines run before
    // the module starts, the chunk of the page being opened (see `PRELOAD_SCRIPT`), so its
    // files arrive with the module instead of after it has started.
    let index_path = dist.join("index.html");
    let index = std::fs::read_to_string(&index_path)?;
    let groups = chunk_files(&loader)?;
    for group in ["guest", "home", "house", "profile", "info", "staff"] {
        anyhow::ensure!(
            groups.iter().any(|(name, _)| name == group),
            "{LOADER} has no chunk {group}: update PRELOAD_SCRIPT with app.rs"
        );
    }
    let map = groups
        .iter()
        .map(|(name, files)| {
            let files: Vec<String> = files.iter().map(|f| format!("\"{f}\"")).collect();
            format!("{name}:[{}]", files.join(","))
        })
        .collect::<Vec<_>>()
        .join(",");
    let preload = format!(
        "<link rel=\"modulepreload\" href=\"/{loader_name}\">\n<script>{}</script>\n</head>",
        PRELOAD_SCRIPT.replace("CHUNKS", &format!("{{{map}}}"))
    );
    anyhow::ensure!(index.contains("</head>"), "dist/index.html has no </head>");
    std::fs::write(&index_path, index.replacen("</head>", &preload, 1))?;

    Ok(Split {
        main_bytes: std::fs::metadata(dist.join(format!("{stem}_bg.wasm")))?.len(),
        chunks: chunks.len(),
        chunk_bytes,
    })
}

/// Preloads the files of the chunk the opened page needs (the groups of `lazy_pages!` in
/// frontend/src/app.rs): with the `lk_session` cookie the subscriber's pages, without it the
/// guest's. Where index.html's script asked for the houses early, the chunk's files wait for
/// that answer (at most 1.5 s): they are needed only once the main module runs, and before it
/// they would hold every connection the answer needs (the main page's first screen is drawn
/// from it). Inline, so the server's Content-Security-Policy allows it by its hash.
const PRELOAD_SCRIPT: &str = "(()=>{const c=CHUNKS,p=location.pathname,s=document.cookie.split(';').some(k=>k.trim()==='lk_session=1');\
const g=/^\\/(about|faq|contacts)$/.test(p)?'info':!s?'guest':p==='/'?'home':/^\\/(houses|payments)\\//.test(p)?'house':\
p.startsWith('/profile')?'profile':p.startsWith('/staff')?'staff':null;\
const go=()=>{for(const f of c[g]||[]){const l=document.createElement('link');l.rel='preload';l.as='fetch';l.crossOrigin='anonymous';l.href='/'+f;document.head.appendChild(l)}};\
const e=window.__lkEarly&&window.__lkEarly['/houses'];\
e?Promise.race([e,new Promise(r=>setTimeout(r,1500))]).then(go,go):go()})();";

/// Each chunk the loader script names (`__wasm_split_load_<name>`) with every file it loads:
/// its own and those of the code it shares with others.
fn chunk_files(loader: &str) -> Result<Vec<(String, Vec<String>)>> {
    use std::collections::BTreeMap;
    // name → (file, direct dependencies)
    let mut loads: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    let mut rest = loader;
    while let Some(at) = rest.find("makeLoad(() => {") {
        let before = &rest[..at];
        let name = before
            .trim_end()
            .trim_end_matches("wrapAsyncCb(")
            .trim_end()
            .trim_end_matches('=')
            .trim_end()
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or_default()
            .to_owned();
        let body = &rest[at..];
        let file = body
            .split_once("new URL(\"./")
            .and_then(|(_, f)| f.split_once('"'))
            .map(|(f, _)| f.to_owned())
            .context("a chunk without a file in the loader script")?;
        let deps = body
            .split_once("}\n, [")
            .and_then(|(_, d)| d.split_once(']'))
            .map(|(d, _)| {
                d.split(',')
                    .map(|x| x.trim().to_owned())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .context("a chunk without its dependencies in the loader script")?;
        loads.insert(name, (file, deps));
        rest = &body["makeLoad(() => {".len()..];
    }
    let mut out = Vec::new();
    for name in loads.keys() {
        let Some(group) = name.strip_prefix("__wasm_split_load_") else {
            continue;
        };
        let mut files = Vec::new();
        let mut todo = vec![name.clone()];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(n) = todo.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            let (file, deps) = loads
                .get(&n)
                .with_context(|| format!("the loader script names {n} but does not define it"))?;
            files.push(file.clone());
            todo.extend(deps.iter().cloned());
        }
        files.sort();
        out.push((group.to_owned(), files));
    }
    Ok(out)
}

/// `lk-frontend-<hash>`: the name Trunk gave the module and its glue.
fn trunk_stem(dist: &Path) -> Result<String> {
    for entry in std::fs::read_dir(dist)? {
        let name = file_name(&entry?.path());
        if let Some(stem) = name.strip_suffix("_bg.wasm") {
            if stem.starts_with("lk-frontend-") {
                return Ok(stem.to_owned());
            }
        }
    }
    bail!("no lk-frontend-*_bg.wasm in {}", dist.display())
}

fn tool(program: &str) -> Command {
    let mut c = cmd(program, &[]);
    tools::tool_env(&mut c);
    c
}

/// `wasm-opt -Oz`; for the main module (`main`) then a second round that flattens and
/// re-derives its control flow before shrinking again (`--flatten --rereloop -Oz`): about
/// 1 % fewer bytes as sent, where the start-up download is measured.
fn wasm_opt(from: &Path, to: &Path, main: bool) -> Result<()> {
    let mut rounds: Vec<(&Path, Vec<&str>)> = vec![(from, vec!["-Oz"])];
    if main {
        rounds.push((to, vec!["--flatten", "--rereloop", "-Oz"]));
    }
    for (input, flags) in rounds {
        let mut c = tool("wasm-opt");
        c.args(&flags).arg(input).arg("-o").arg(to);
        // It warns about the name subsections it does not know; only a failure matters.
        let out = c.output().context("could not start wasm-opt")?;
        if !out.status.success() {
            bail!(
                "{}: {}",
                input.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
    }
    Ok(())
}

fn hash16(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    if !from.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_chunk_preloads_its_own_file_and_those_it_depends_on() {
        let loader = r#"
const __chunk_1 = makeLoad(() => {
    const src = fetch(new URL("./chunk_1-aa.wasm", import.meta.url));
}
, []);
const __chunk_2 = makeLoad(() => {
    const src = fetch(new URL("./chunk_2-bb.wasm", import.meta.url));
}
, [__chunk_1]);
export const __wasm_split_load_home = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_home-cc.wasm", import.meta.url));
}
, [__chunk_2]));
export const __wasm_split_load_staff = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_staff-dd.wasm", import.meta.url));
}
, [__chunk_1]));
"#;
        let groups = super::chunk_files(loader).expect("parsed");
        assert_eq!(
            groups,
            vec![
                (
                    "home".to_owned(),
                    vec![
                        "chunk_1-aa.wasm".to_owned(),
                        "chunk_2-bb.wasm".to_owned(),
                        "split_home-cc.wasm".to_owned()
                    ]
                ),
                (
                    "staff".to_owned(),
                    vec![
                        "chunk_1-aa.wasm".to_owned(),
                        "split_staff-dd.wasm".to_owned()
                    ]
                ),
            ]
        );
    }

    #[test]
    fn chunk_names_carry_sixteen_hex_digits_of_their_content() {
        let a = super::hash16(b"chunk a");
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, super::hash16(b"chunk b"));
    }
}

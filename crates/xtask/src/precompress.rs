//! Precompressed copies of the SPA's files (`name.ext.gz`, `name.ext.br` beside `name.ext`), so
//! a web server in front (`gzip_static`/`brotli_static` in deploy/nginx/lk.conf) sends them as
//! they are instead of compressing every response on the fly — at the highest levels, which
//! only a build can afford.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Text-like files worth compressing; images other than SVG and fonts already are.
const COMPRESSIBLE: &[&str] = &[
    "html",
    "js",
    "mjs",
    "wasm",
    "css",
    "svg",
    "json",
    "txt",
    "xml",
    "map",
    "ico",
    "webmanifest",
];

/// Writes `.gz` and `.br` beside every compressible file under `dir` where that saves at least
/// 5 %; returns (files, bytes before, gzip bytes, brotli bytes) for the report.
pub fn dir(dir: &Path) -> Result<(usize, u64, u64, u64)> {
    let mut totals = (0, 0, 0, 0);
    walk(dir, &mut totals)?;
    Ok(totals)
}

fn walk(dir: &Path, totals: &mut (usize, u64, u64, u64)) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, totals)?;
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let data = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let gz = gzip(&data)?;
        let br = brotli(&data)?;
        let write = |suffix: &str, bytes: &[u8]| -> Result<u64> {
            let out = path.with_extension(format!("{ext}.{suffix}"));
            if bytes.len() as u64 * 100 <= data.len() as u64 * 95 {
                std::fs::write(&out, bytes)
                    .with_context(|| format!("writing {}", out.display()))?;
                Ok(bytes.len() as u64)
            } else {
                // Not worth it: the server sends the original.
                let _ = std::fs::remove_file(&out);
                Ok(data.len() as u64)
            }
        };
        totals.2 += write("gz", &gz)?;
        totals.3 += write("br", &br)?;
        totals.0 += 1;
        totals.1 += data.len() as u64;
    }
    Ok(())
}

fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data)?;
    Ok(enc.finish()?)
}

fn brotli(data: &[u8]) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn both_copies_decompress_to_the_original() -> Result<()> {
        let data = "Личный кабинет абонента. ".repeat(200).into_bytes();
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gzip(&data)?[..]).read_to_end(&mut back)?;
        assert_eq!(back, data);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &brotli(&data)?[..], &mut back)?;
        assert_eq!(back, data);
        Ok(())
    }

    #[test]
    fn only_compressible_files_get_copies_and_only_when_they_are_smaller() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("lk-precompress-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("snippets"))?;
        std::fs::write(
            dir.join("app-0123456789abcdef.js"),
            "let x = 1;\n".repeat(500),
        )?;
        std::fs::write(
            dir.join("snippets/inline0.js"),
            "export const a = 1;\n".repeat(50),
        )?;
        std::fs::write(dir.join("tiny.css"), "a{}")?;
        std::fs::write(dir.join("photo.png"), [0u8; 1000])?;
        let (files, ..) = super::dir(&dir)?;
        assert_eq!(files, 3);
        assert!(dir.join("app-0123456789abcdef.js.gz").exists());
        assert!(dir.join("app-0123456789abcdef.js.br").exists());
        assert!(dir.join("snippets/inline0.js.br").exists());
        assert!(!dir.join("tiny.css.gz").exists(), "3 bytes do not shrink");
        assert!(!dir.join("photo.png.gz").exists());
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}

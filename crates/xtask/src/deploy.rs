//! Checks of `deploy/`: the nginx site and its proxy snippet pass `nginx -t` (on a copy that
//! points at a throw-away self-signed certificate), the systemd unit passes
//! `systemd-analyze verify`, and the example environment file reads the same in systemd and
//! a shell. Well under a second once nginx is installed (from Debian, when missing).

use std::path::Path;
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

use crate::{root, status, target_dir, tools};

pub fn check() -> Result<()> {
    tools::ensure_apt(&[
        "nginx",
        "libnginx-mod-http-brotli-static",
        "openssl",
        "systemd",
    ])?;
    let deploy = root().join("deploy");
    let tmp = target_dir().join("deploy-check");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("logs"))?;
    nginx(&deploy, &tmp)?;
    systemd_unit(&deploy, &tmp)?;
    env_file(&deploy.join("lk.env"))?;
    let _ = std::fs::remove_dir_all(&tmp);
    eprintln!("deploy/: nginx site, systemd unit and lk.env are valid");
    Ok(())
}

fn nginx(deploy: &Path, tmp: &Path) -> Result<()> {
    let (cert, key) = (tmp.join("cert.pem"), tmp.join("key.pem"));
    let mut c = Command::new("openssl");
    c.args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=lk.test", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null());
    status(c)?;

    let snippet = tmp.join("lk-proxy.conf");
    std::fs::copy(deploy.join("nginx/lk-proxy.conf"), &snippet)?;
    let site = std::fs::read_to_string(deploy.join("nginx/lk.conf"))?;
    let logs = format!("{}/", tmp.join("logs").display());
    let mut local = String::new();
    let (mut certs, mut snippets) = (0, 0);
    for line in site.lines() {
        let t = line.trim_start();
        let line = if t.starts_with("ssl_certificate ") {
            certs += 1;
            format!("ssl_certificate {};", cert.display())
        } else if t.starts_with("ssl_certificate_key ") {
            certs += 1;
            format!("ssl_certificate_key {};", key.display())
        } else if t == "include /etc/nginx/snippets/lk-proxy.conf;" {
            snippets += 1;
            format!("include {};", snippet.display())
        } else {
            line.replace("/var/log/nginx/", &logs)
        };
        local.push_str(&line);
        local.push('\n');
    }
    ensure!(
        certs == 2 && snippets > 0,
        "deploy/nginx/lk.conf: expected ssl_certificate, ssl_certificate_key and \
         `include /etc/nginx/snippets/lk-proxy.conf;` lines"
    );
    std::fs::write(tmp.join("lk.conf"), local)?;
    // Debian's module loaders (brotli) and MIME types, then the site, as sites-enabled/ has it.
    let wrapper = format!(
        "pid {tmp}/nginx.pid;\nerror_log {tmp}/logs/error.log;\n\
         include /etc/nginx/modules-enabled/*.conf;\nevents {{}}\n\
         http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n    \
         access_log off;\n    include {tmp}/lk.conf;\n}}\n",
        tmp = tmp.display()
    );
    let conf = tmp.join("nginx.conf");
    std::fs::write(&conf, wrapper)?;
    let mut c = Command::new("nginx");
    c.arg("-t")
        .arg("-q")
        .arg("-c")
        .arg(&conf)
        .arg("-e")
        .arg(tmp.join("logs/error.log"));
    status(c).context("deploy/nginx/lk.conf does not pass `nginx -t`")
}

fn systemd_unit(deploy: &Path, tmp: &Path) -> Result<()> {
    // The binary is not installed here: verify checks that ExecStart is executable.
    let unit = std::fs::read_to_string(deploy.join("lk.service"))?;
    ensure!(
        unit.contains("ExecStart=/usr/local/bin/lk serve"),
        "deploy/lk.service: ExecStart=/usr/local/bin/lk serve expected"
    );
    let copy = tmp.join("lk.service");
    std::fs::write(
        &copy,
        unit.replace("ExecStart=/usr/local/bin/lk serve", "ExecStart=/bin/true"),
    )?;
    eprintln!("\n==> systemd-analyze verify deploy/lk.service");
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&copy)
        .output()
        .context("could not start systemd-analyze")?;
    // An unknown key or a bad value is only a warning to systemd (it starts without it):
    // here it is an error. Lines about other units (dependencies on this host) are not ours.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: Vec<&str> = text.lines().filter(|l| l.contains("lk.service")).collect();
    if !out.status.success() || !ours.is_empty() {
        bail!("deploy/lk.service does not verify:\n{text}");
    }
    Ok(())
}

/// Every line is blank, a comment or `KEY="value"` without `$`, `"` or `\` inside, so systemd's
/// EnvironmentFile= and a shell's `set -a; . lk.env` read the same values.
fn env_file(path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path)?;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ok = t.split_once('=').is_some_and(|(k, v)| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && v.len() >= 2
                && v.starts_with('"')
                && v.ends_with('"')
                && !v[1..v.len() - 1].contains(['"', '$', '\\', '`'])
        });
        ensure!(
            ok,
            "{}:{}: expected KEY=\"value\" (no $, \", \\ or ` in the value): {line}",
            path.display(),
            n + 1
        );
    }
    Ok(())
}

//! `lk export readings|payments --after N`: the integration API's exports as a CSV file, for
//! a billing system that takes files. The same cursor: the file holds every item after `N`,
//! and the command prints the cursor to pass next time, so each reading is exported once.

use std::io::Write;

use clap::ValueEnum;
use lk_domain::Zone;

use crate::db::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    Readings,
    Payments,
}

/// Rows fetched per page.
const PAGE: i64 = 1000;

/// Writes the export after `after` to `out` (CSV, `;`-separated, UTF-8); returns how many
/// rows were written and the cursor to continue from.
pub async fn export_csv(
    store: &dyn Store,
    kind: ExportKind,
    after: i64,
    out: &mut dyn Write,
) -> anyhow::Result<(u64, i64)> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(out);
    let zones = [
        Zone::Single,
        Zone::Day,
        Zone::Night,
        Zone::Peak,
        Zone::HalfPeak,
    ];
    match kind {
        ExportKind::Readings => {
            let mut header = vec![
                "seq",
                "reading_id",
                "account_number",
                "meter_serial",
                "taken_on",
                "submitted_at",
            ];
            header.extend(zones.iter().map(|z| z.as_str()));
            w.write_record(&header)?;
        }
        ExportKind::Payments => w.write_record([
            "seq",
            "portal_payment_id",
            "account_number",
            "amount",
            "paid_on",
            "credited_at",
        ])?,
    }
    let mut cursor = after;
    let mut rows = 0;
    loop {
        let n = match kind {
            ExportKind::Readings => {
                let page = store.export_readings(cursor, PAGE).await?;
                for r in &page {
                    let mut record = vec![
                        r.seq.to_string(),
                        r.reading_id.to_string(),
                        r.account_number.clone(),
                        r.meter_serial.clone(),
                        r.taken_on.to_string(),
                        r.submitted_at.to_rfc3339(),
                    ];
                    record.extend(zones.iter().map(|z| {
                        r.values
                            .iter()
                            .find(|(zone, _)| zone == z)
                            .map(|(_, v)| v.to_string())
                            .unwrap_or_default()
                    }));
                    w.write_record(&record)?;
                    cursor = r.seq;
                }
                page.len()
            }
            ExportKind::Payments => {
                let page = store.export_payments(cursor, PAGE).await?;
                for p in &page {
                    w.write_record([
                        p.seq.to_string(),
                        p.portal_payment_id.clone(),
                        p.account_number.clone(),
                        lk_domain::Kopecks(p.amount).to_rubles().to_string(),
                        p.paid_on.to_string(),
                        p.credited_at.to_rfc3339(),
                    ])?;
                    cursor = p.seq;
                }
                page.len()
            }
        };
        rows += n as u64;
        if (n as i64) < PAGE {
            break;
        }
    }
    w.flush()?;
    Ok((rows, cursor))
}

//! Files a subscriber downloads (X5): CSV in the dialect Excel in a Russian locale opens as it
//! is (UTF-8 with a byte-order mark, `;` between fields, a decimal comma, dates as
//! `ДД.ММ.ГГГГ`), or plain CSV for programs (UTF-8, `,`, a decimal point, ISO dates).

use actix_web::HttpResponse;
use chrono::NaiveDate;
use lk_domain::{Kopecks, Language, Zone};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiError, ApiResult};
use crate::i18n::text;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// First day (inclusive); a year ago by default.
    pub from: Option<NaiveDate>,
    /// Last day (inclusive); today by default.
    pub to: Option<NaiveDate>,
    /// `csv` for Excel in a Russian locale (the default) or `csv-utf8` for programs.
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

/// «Ночь», «Night».
pub fn zone_label(zone: Zone, l: Language) -> String {
    let key = format!("receipt.zone.{}", zone.as_str());
    text!(l, &key)
}

/// How an export is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub enum ExportFormat {
    /// For Excel in a Russian locale: UTF-8 with a BOM, `;`, decimal comma, `ДД.ММ.ГГГГ`.
    #[default]
    #[serde(rename = "csv")]
    Csv,
    /// Plain CSV: UTF-8 without a BOM, `,`, decimal point, `YYYY-MM-DD`.
    #[serde(rename = "csv-utf8")]
    CsvUtf8,
}

/// A CSV file (text, UTF-8): its schema in the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String)]
pub struct CsvFile(#[expect(dead_code, reason = "only described, never built")] String);

/// A PDF file (binary).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfFile(pub Vec<u8>);

/// Most rows an export holds: a longer period is refused, never cut short.
pub const MAX_ROWS: usize = 20_000;

impl ExportFormat {
    pub fn date(self, d: NaiveDate) -> String {
        match self {
            ExportFormat::Csv => d.format("%d.%m.%Y").to_string(),
            ExportFormat::CsvUtf8 => d.to_string(),
        }
    }

    /// Rubles with two decimals, signed, without grouping.
    pub fn money(self, k: Kopecks) -> String {
        let text = format!("{:.2}", k.to_rubles());
        match self {
            ExportFormat::Csv => text.replace('.', ","),
            ExportFormat::CsvUtf8 => text,
        }
    }

    /// The file of `header` and `rows`, each field quoted where it needs to be.
    pub fn write(self, header: &[String], rows: &[Vec<String>]) -> ApiResult<Vec<u8>> {
        let (bom, delimiter): (&[u8], u8) = match self {
            ExportFormat::Csv => (b"\xEF\xBB\xBF", b';'),
            ExportFormat::CsvUtf8 => (b"", b','),
        };
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(bom.to_vec());
        w.write_record(header).map_err(internal)?;
        for row in rows {
            w.write_record(row).map_err(internal)?;
        }
        w.into_inner().map_err(|e| internal(e.into_error()))
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("csv: {e}"))
}

/// A downloaded file: `filename` is ASCII (the account and the period).
pub fn attachment(body: Vec<u8>, content_type: &str, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header(("cache-control", "private, no-store"))
        .body(body)
}

/// The CSV media type with its `header` parameter (RFC 4180).
pub const CSV: &str = "text/csv; charset=utf-8; header=present";

/// 422 when a period has more rows than an export holds.
pub fn too_many_rows() -> ApiError {
    ApiError::field(
        "from",
        "period_too_long",
        "В периоде слишком много операций для одного файла: выберите период короче.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_excel_dialect_has_a_bom_semicolons_and_decimal_commas() {
        let header = ["Дата".to_owned(), "Сумма, ₽".to_owned()];
        let f = ExportFormat::Csv;
        let day = NaiveDate::from_ymd_opt(2026, 11, 5).expect("date");
        let rows = vec![vec![f.date(day), f.money(Kopecks(-123_456))]];
        let bytes = f.write(&header, &rows).expect("csv");
        assert_eq!(
            String::from_utf8(bytes).expect("utf-8"),
            "\u{feff}Дата;Сумма, ₽\n05.11.2026;-1234,56\n"
        );
        let p = ExportFormat::CsvUtf8;
        let rows = vec![vec![p.date(day), p.money(Kopecks(5))]];
        let bytes = p.write(&header, &rows).expect("csv");
        assert_eq!(
            String::from_utf8(bytes).expect("utf-8"),
            "Дата,\"Сумма, ₽\"\n2026-11-05,0.05\n"
        );
    }
}

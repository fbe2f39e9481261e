//! Receipts to print, as PDF files (`/accounts/{number}/receipt.pdf`, `/receipts/blank.pdf`).

use lk_domain::Kopecks;

use super::client::download;
use super::ApiError;
use crate::session::Session;

/// The blank form, for a plain link (public: it carries only the company's details).
pub const BLANK_PDF: &str = "/api/v1/receipts/blank.pdf";

/// `GET /accounts/{number}/receipt.pdf[?amount=]`: the filled receipt with its payment QR code,
/// for `amount` (none: the account's amount due), handed to the browser as `filename`.
pub async fn download_filled(
    session: Session,
    number: &str,
    amount: Option<Kopecks>,
    filename: &str,
) -> Result<(), ApiError> {
    let query = amount.map(|a| format!("?amount={a}")).unwrap_or_default();
    let path = format!("{}/receipt.pdf{query}", super::accounts::path(number));
    download(session, path, filename).await
}

//! The company's content that admins edit (SPEC B3): limits, and what an uploaded file is,
//! judged by its bytes (magic numbers), never by its name or the client's `Content-Type`.

/// Longest question of the FAQ, in characters.
pub const FAQ_QUESTION_MAX: usize = 300;
/// Longest answer of the FAQ, and of a payment method's or a service's description.
pub const ANSWER_MAX: usize = 4000;
/// Longest «О компании» text.
pub const ABOUT_MAX: usize = 20_000;
/// Longest help tip.
pub const TIP_MAX: usize = 500;
/// Longest title of a payment method, name of a service or branch, and other one-line fields.
pub const TITLE_MAX: usize = 200;
/// Most items of one list (FAQ, payment methods, tips, services).
pub const LIST_MAX: usize = 100;
/// Longest reply of an operator, in characters.
pub const REPLY_MAX: usize = 4000;
/// Largest price list, in bytes.
pub const PRICE_LIST_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Largest logo, in bytes.
pub const LOGO_MAX_BYTES: usize = 512 * 1024;

crate::wire_enum! {
    /// What kinds of files the portal accepts.
    pub enum FileKind {
        Pdf = "pdf",
        Xlsx = "xlsx",
        Png = "png",
        Jpeg = "jpeg",
        Webp = "webp",
    }
}

impl FileKind {
    /// The media type the file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        self.as_str()
    }

    /// What the bytes are, if they are a kind the portal accepts. An XLSX workbook is a ZIP
    /// archive that names a workbook part; any other ZIP (a renamed .docx or .zip) is refused.
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(b"PK\x03\x04")
            && contains(bytes, b"[Content_Types].xml")
            && contains(bytes, b"xl/workbook")
        {
            Some(FileKind::Xlsx)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if bytes.starts_with(b"\xFF\xD8\xFF") {
            Some(FileKind::Jpeg)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(FileKind::Webp)
        } else {
            None
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

crate::wire_enum! {
    /// The places a file can be uploaded to.
    pub enum FileSlot {
        /// «Прейскурант услуг» (F12.2): PDF or XLSX.
        PriceList = "price-list",
        /// The company's logo in the header: PNG, JPEG or WebP (no SVG: it can carry script).
        Logo = "logo",
    }
}

impl FileSlot {
    /// Whether a file of `kind` may go to this slot.
    pub fn accepts(self, kind: FileKind) -> bool {
        match self {
            FileSlot::PriceList => matches!(kind, FileKind::Pdf | FileKind::Xlsx),
            FileSlot::Logo => matches!(kind, FileKind::Png | FileKind::Jpeg | FileKind::Webp),
        }
    }

    /// The largest file of this slot, in bytes.
    pub fn max_bytes(self) -> usize {
        match self {
            FileSlot::PriceList => PRICE_LIST_MAX_BYTES,
            FileSlot::Logo => LOGO_MAX_BYTES,
        }
    }

    /// The name a download is saved under (`Content-Disposition`).
    pub fn download_name(self, kind: FileKind) -> String {
        let stem = match self {
            FileSlot::PriceList => "preyskurant",
            FileSlot::Logo => "logo",
        };
        format!("{stem}.{}", kind.extension())
    }

    /// Shown to the user's browser inline (the logo) or saved (the price list).
    pub fn inline(self) -> bool {
        matches!(self, FileSlot::Logo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_bytes() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(FileKind::Png)
        );
        assert_eq!(
            FileKind::sniff(b"\xFF\xD8\xFF\xE0JFIF"),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(FileKind::Webp)
        );
        let xlsx = b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml";
        assert_eq!(FileKind::sniff(xlsx), Some(FileKind::Xlsx));
    }

    #[test]
    fn a_disguised_file_is_nothing() {
        // An HTML page named .pdf, a Word document renamed .xlsx, an SVG logo, nothing at all.
        assert_eq!(FileKind::sniff(b"<html><script>alert(1)</script>"), None);
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml";
        assert_eq!(FileKind::sniff(docx), None);
        assert_eq!(
            FileKind::sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            None
        );
        assert_eq!(FileKind::sniff(b""), None);
        assert_eq!(FileKind::sniff(b" %PDF-1.4"), None);
    }

    #[test]
    fn each_slot_takes_its_own_kinds() {
        assert!(FileSlot::PriceList.accepts(FileKind::Pdf));
        assert!(FileSlot::PriceList.accepts(FileKind::Xlsx));
        assert!(!FileSlot::PriceList.accepts(FileKind::Png));
        assert!(FileSlot::Logo.accepts(FileKind::Png));
        assert!(!FileSlot::Logo.accepts(FileKind::Pdf));
        assert_eq!(
            FileSlot::PriceList.download_name(FileKind::Xlsx),
            "preyskurant.xlsx"
        );
    }
}

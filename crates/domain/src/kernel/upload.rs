//! Files people upload as evidence (photos of damaged cartons, a carrier's report): what is
//! accepted, judged by the bytes themselves, never by the name or the claimed type.

use super::FieldError;

/// Largest evidence file accepted: 10 MiB.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// A kind of evidence file, recognised by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceKind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl EvidenceKind {
    /// The media type the file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
        }
    }

    /// What the bytes are, if they are one of the accepted kinds.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else {
            None
        }
    }
}

/// Checks an uploaded evidence file: a plain file name (no folders, no `..`, no control
/// characters, at most 200 characters), at most [`MAX_EVIDENCE_BYTES`], and a JPEG, PNG, WebP or
/// PDF by its content. Every problem names the field and the fix.
pub fn check_evidence(file_name: &str, bytes: &[u8]) -> Result<EvidenceKind, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = file_name.trim();
    let bad_name = name.is_empty()
        || name.chars().count() > 200
        || name.contains(['/', '\\', ':'])
        || name.contains("..")
        || name.starts_with('.')
        || name.chars().any(char::is_control);
    if bad_name {
        errors.push(FieldError::new(
            "file_name",
            "invalid_file_name",
            "file_name must be a plain file name such as carton-3.jpg: no folders, no '..', at most 200 characters",
        ));
    }
    if bytes.is_empty() {
        errors.push(FieldError::new("file", "empty", "the file is empty; attach the photo or PDF"));
    } else if bytes.len() > MAX_EVIDENCE_BYTES {
        errors.push(FieldError::new(
            "file",
            "too_large",
            format!("the file is {} bytes; at most {MAX_EVIDENCE_BYTES} (10 MiB) are accepted, so send a smaller photo", bytes.len()),
        ));
    }
    let kind = EvidenceKind::sniff(bytes);
    if kind.is_none() && !bytes.is_empty() {
        errors.push(FieldError::new(
            "file",
            "unsupported_type",
            "only JPEG, PNG or WebP photos and PDF files are accepted",
        ));
    }
    match kind {
        Some(k) if errors.is_empty() => Ok(k),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

    #[test]
    fn photos_and_pdfs_are_known_by_their_bytes() {
        assert_eq!(check_evidence("carton-3.jpg", JPEG), Ok(EvidenceKind::Jpeg));
        assert_eq!(check_evidence("report.pdf", b"%PDF-1.7\n"), Ok(EvidenceKind::Pdf));
        assert_eq!(check_evidence("x.png", b"\x89PNG\r\n\x1a\n...."), Ok(EvidenceKind::Png));
        assert_eq!(check_evidence("x.webp", b"RIFF\x10\0\0\0WEBPVP8 "), Ok(EvidenceKind::Webp));
        let codes = |r: Result<EvidenceKind, Vec<FieldError>>| {
            r.unwrap_err().into_iter().map(|e| e.code).collect::<Vec<_>>()
        };
        assert_eq!(
            codes(check_evidence("photo.jpg", b"MZ\x90\0 an executable")),
            ["unsupported_type"],
            "the name does not decide"
        );
        assert_eq!(codes(check_evidence("photo.jpg", b"")), ["empty"]);
        let mut big = JPEG.to_vec();
        big.resize(MAX_EVIDENCE_BYTES + 1, 0);
        assert_eq!(codes(check_evidence("big.jpg", &big)), ["too_large"]);
    }

    #[test]
    fn a_file_name_with_a_path_is_refused() {
        for name in [
            "../../etc/passwd",
            "..\\boot.ini",
            "a/b.jpg",
            "C:evil.jpg",
            ".htaccess",
            "",
            "bad\nname.jpg",
            "x..jpg/",
        ] {
            let e = check_evidence(name, JPEG).unwrap_err();
            assert_eq!(e[0].code, "invalid_file_name", "{name:?}");
        }
        assert!(check_evidence("carton 3 (damaged).jpeg", JPEG).is_ok());
        assert!(check_evidence("破损照片.jpg", JPEG).is_ok());
    }
}

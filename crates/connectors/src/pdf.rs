//! A small PDF writer for text documents (order confirmations, later outbound notes): A4 pages
//! of Helvetica text, one line per entry, split over pages as needed. Characters outside
//! Latin-1 print as '?' (the standard Helvetica font has no CJK glyphs; embedding a CJK font is
//! for the label and document work of a later release).

/// A line of the document: text and its size in points (bold when `heading`).
#[derive(Clone, Debug)]
pub struct PdfLine {
    pub text: String,
    pub size: u32,
    pub heading: bool,
}

impl PdfLine {
    pub fn heading(text: impl Into<String>) -> Self {
        Self { text: text.into(), size: 16, heading: true }
    }
    pub fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), size: 10, heading: false }
    }
}

fn escape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in text.chars() {
        let b = if (c as u32) < 256 { c as u32 as u8 } else { b'?' };
        match b {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            b'\n' | b'\r' => out.push(b' '),
            _ => out.push(b),
        }
    }
    out
}

/// Renders the lines as a PDF document.
pub fn render_pdf(title: &str, lines: &[PdfLine]) -> Vec<u8> {
    const TOP: i64 = 800;
    const BOTTOM: i64 = 50;
    let mut pages: Vec<Vec<u8>> = vec![Vec::new()];
    let mut y = TOP;
    for line in lines {
        let step = i64::from(line.size) + 6;
        if y - step < BOTTOM {
            pages.push(Vec::new());
            y = TOP;
        }
        y -= step;
        let font = if line.heading { "F2" } else { "F1" };
        let page = pages.last_mut().expect("there is always a page");
        page.extend_from_slice(format!("BT /{font} {} Tf 50 {y} Td (", line.size).as_bytes());
        page.extend_from_slice(&escape(&line.text));
        page.extend_from_slice(b") Tj ET\n");
    }
    // Objects: 1 catalog, 2 pages, 3 font, 4 bold font, 5 info, then per page: page, content.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", 6 + i * 2)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects
        .push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes());
    objects
        .push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec());
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
    );
    let mut info = b"<< /Producer (Tradeport) /Title (".to_vec();
    info.extend_from_slice(&escape(title));
    info.extend_from_slice(b") >>");
    objects.push(info);
    for (i, content) in pages.iter().enumerate() {
        let content_id = 7 + i * 2;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {content_id} 0 R >>"
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content);
        stream.extend_from_slice(b"endstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (n, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", n + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_a_pdf_with_a_correct_cross_reference_table() {
        let lines: Vec<PdfLine> =
            (0..120).map(|i| PdfLine::text(format!("line {i} (with parens) \\ and é"))).collect();
        let pdf = render_pdf("Order 20260325000001", &lines);
        let find = |needle: &[u8]| pdf.windows(needle.len()).position(|w| w == needle);
        assert!(pdf.starts_with(b"%PDF-1.4") && pdf.ends_with(b"%%EOF\n"));
        assert!(find(b"/Count 3").is_some(), "120 lines need three pages");
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).to_string();
        let startxref: usize =
            tail.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert_eq!(&pdf[startxref..startxref + 4], b"xref", "startxref points at the table");
        let first = find(b"1 0 obj").unwrap();
        assert!(
            find(format!("{first:010} 00000 n").as_bytes()).is_some(),
            "object 1's offset is recorded exactly"
        );
        assert!(find(b"\\(with parens\\) \\\\ and \xe9").is_some(), "escaped, in WinAnsi");
    }
}

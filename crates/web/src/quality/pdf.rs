//! The certificate of analysis as PDF (A4), drawn with `printpdf` (default features off, as in
//! `crates/label`) and the PDF core fonts (Helvetica): nothing is embedded, so the PDF is in English
//! with romanised fields — Japanese names and the signer's Japanese printed name appear on the HTML
//! certificate; the PDF names the signer by user name and the Latin part of the printed name.

use super::coa::Coa;
use printpdf::{
    BuiltinFont, Color, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, Rect, Rgb, TextItem,
};

const W: f64 = 210.0;
const H: f64 = 297.0;
const LEFT: f64 = 15.0;
const BOTTOM: f64 = 280.0;
/// Table columns: (x, width in characters at 8 pt).
const COLS: [(f64, usize); 5] = [
    (15.0, 24),
    (57.0, 34),
    (115.0, 20),
    (150.0, 20),
    (183.0, 10),
];

/// What the core fonts can show: Latin-1, with the criteria's symbols spelled out; anything else `?`.
pub fn romanise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '≤' => out.push_str("<="),
            '≥' => out.push_str(">="),
            '–' | '—' | '−' => out.push('-'),
            '⁰'..='⁹' | '¹' | '²' | '³' => {
                let d = match c {
                    '¹' => 1,
                    '²' => 2,
                    '³' => 3,
                    _ => c as u32 - '⁰' as u32,
                };
                out.push('^');
                out.push(char::from_digit(d, 10).unwrap_or('?'));
            }
            c if (c as u32) < 0x100 && !c.is_control() => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// The Latin part of a printed name (`保証 次郎 (QA)` → `(QA)`), empty when there is none.
pub fn latin(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| (*c as u32) < 0x100 && !c.is_control())
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clip(s: &str, n: usize) -> String {
    let r = romanise(s);
    if r.chars().count() <= n {
        r
    } else {
        format!(
            "{}...",
            r.chars().take(n.saturating_sub(3)).collect::<String>()
        )
    }
}

struct Pages {
    pages: Vec<Vec<Op>>,
    y: f64,
}

impl Pages {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let i = self.pages.len() - 1;
        &mut self.pages[i]
    }
    /// Moves down `dy` mm, starting a new page when the bottom is reached.
    fn down(&mut self, dy: f64) {
        self.y += dy;
        if self.y > BOTTOM {
            self.pages.push(Vec::new());
            self.y = 20.0;
        }
    }
    fn text(&mut self, x: f64, size: f32, font: BuiltinFont, s: &str) {
        let y = self.y;
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Mm(x as f32).into_pt(),
                    y: Mm((H - y) as f32).into_pt(),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(romanise(s))],
            },
            Op::EndTextSection,
        ]);
    }
    fn rule(&mut self) {
        let y = self.y;
        let gray = Color::Rgb(Rgb {
            r: 0.6,
            g: 0.6,
            b: 0.6,
            icc_profile: None,
        });
        self.ops().extend([
            Op::SetFillColor { col: gray },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Mm(LEFT as f32).into_pt(),
                    y: Mm((H - y) as f32).into_pt(),
                    width: Mm((W - 2.0 * LEFT) as f32).into_pt(),
                    height: Pt(0.5),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            },
            Op::SetFillColor {
                col: Color::Rgb(Rgb {
                    r: 0.0,
                    g: 0.0,
                    b: 0.0,
                    icc_profile: None,
                }),
            },
        ]);
    }
    fn row(&mut self, cells: [&str; 5], font: BuiltinFont) {
        for ((x, n), s) in COLS.iter().zip(cells) {
            let t = clip(s, *n);
            self.text(*x, 8.0, font, &t);
        }
        self.down(5.5);
    }
}

/// Renders the certificate as PDF bytes (starting with `%PDF`).
pub fn render(coa: &Coa) -> Vec<u8> {
    let mut p = Pages {
        pages: Vec::new(),
        y: 20.0,
    };
    p.text(
        LEFT,
        18.0,
        BuiltinFont::HelveticaBold,
        "Certificate of Analysis",
    );
    p.down(7.0);
    p.text(
        LEFT,
        9.0,
        BuiltinFont::Helvetica,
        &format!(
            "{} - {}",
            coa.site, "stem-cell culture supernatant (MSC conditioned medium)"
        ),
    );
    p.down(9.0);
    let facts = [
        (
            "Product",
            format!("{} ({})", coa.product_name, coa.lot.product),
        ),
        ("Lot", coa.lot.id.to_string()),
        ("Specification", coa.spec_label()),
        ("Filled", coa.time(&coa.lot.filled_at)),
        ("Expiry", coa.time(&coa.lot.expires_at)),
        ("Storage", coa.storage.clone()),
        ("Status", coa.lot.status.as_str().to_string()),
    ];
    for (k, v) in facts {
        p.text(LEFT, 10.0, BuiltinFont::HelveticaBold, k);
        p.text(55.0, 10.0, BuiltinFont::Helvetica, &v);
        p.down(5.5);
    }
    p.down(4.0);
    p.row(
        ["Test", "Method", "Criterion", "Result", "Verdict"],
        BuiltinFont::HelveticaBold,
    );
    p.y -= 3.5;
    p.rule();
    p.down(4.5);
    for r in &coa.qc.rows {
        let result = r
            .result
            .as_ref()
            .map(|x| x.shown())
            .unwrap_or_else(|| "-".into());
        let verdict = r.verdict.map(|v| v.as_str()).unwrap_or("missing");
        let verdict = if r.covered_by.is_some() {
            format!("{verdict} (dev.)")
        } else {
            verdict.to_string()
        };
        p.row(
            [
                &r.test.name,
                &r.test.method,
                &r.criterion,
                &result,
                &verdict,
            ],
            BuiltinFont::Helvetica,
        );
    }
    p.y -= 3.5;
    p.rule();
    p.down(10.0);
    p.text(
        LEFT,
        11.0,
        BuiltinFont::HelveticaBold,
        "Electronic signatures (21 CFR 11.50)",
    );
    p.down(6.0);
    if coa.sigs.is_empty() {
        p.text(
            LEFT,
            9.0,
            BuiltinFont::Helvetica,
            "No electronic signature is recorded for this lot's decision.",
        );
        p.down(5.0);
    }
    for s in &coa.sigs {
        let name = latin(&s.signer_name);
        let who = if name.is_empty() {
            s.signer.clone()
        } else {
            format!("{} {}", s.signer, name)
        };
        p.text(
            LEFT,
            9.0,
            BuiltinFont::Helvetica,
            &format!(
                "Meaning: {}   Signed by: {}   Time: {}",
                s.meaning,
                who,
                coa.time_text(&s.at)
            ),
        );
        p.down(4.5);
        p.text(
            LEFT,
            8.0,
            BuiltinFont::Helvetica,
            &clip(&format!("Reason: {}", s.reason), 110),
        );
        p.down(4.5);
        p.text(
            LEFT,
            7.0,
            BuiltinFont::Courier,
            &format!("audit event #{} sha256 {}", s.seq, s.hash),
        );
        p.down(6.0);
    }
    p.down(4.0);
    p.text(LEFT, 7.0, BuiltinFont::Helvetica, "Times in UTC. Japanese names and the signer's printed name in Japanese appear on the HTML certificate.");
    let title = format!("Certificate of Analysis {}", coa.lot.id);
    let pages = p
        .pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(W as f32), Mm(H as f32), ops))
        .collect();
    let mut warnings = Vec::new();
    PdfDocument::new(&title)
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanised_text_keeps_what_helvetica_can_show() {
        assert_eq!(romanise("≥ 1 × 10⁹ /mL"), ">= 1 × 10^9 /mL");
        assert_eq!(romanise("150–300 pg/mL"), "150-300 pg/mL");
        assert_eq!(romanise("無菌"), "??");
        assert_eq!(latin("保証 次郎 (QA)"), "(QA)");
        assert_eq!(clip("abcdef", 4), "a...");
    }
}

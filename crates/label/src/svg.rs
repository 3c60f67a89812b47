//! The label as SVG in millimetre units: product names (English and Japanese), the DIN grouped as
//! printed with its flag and boxed check character, Code 128 and DataMatrix with quiet zones.

use crate::symbols::{CODE128_QUIET_MODULES, DATAMATRIX_QUIET_MODULES, runs};
use crate::{
    CODE128_MODULE_MM, LABEL_HEIGHT_MM, LABEL_WIDTH_MM, LabelData, LabelError, LabelLanguage,
    names::name_lines,
};
use std::fmt::Write;

/// Geometry shared with the PDF renderer (millimetres, origin top left).
pub(crate) mod layout {
    /// Left margin of the text, and where the Code 128 quiet zone starts.
    pub const LEFT: f64 = 1.5;
    pub const DIN_Y: f64 = 12.4;
    pub const DIN_SIZE: f64 = 3.0;
    pub const BARS_TOP: f64 = 13.4;
    pub const BARS_HEIGHT: f64 = 7.4;
    pub const LINES_Y: [f64; 3] = [23.6, 26.3, 29.0];
    /// The three lines under the bars: the minimum legible size (crate::MIN_TEXT_MM).
    pub const LINE_SIZE: f64 = 2.1;
    /// Width available to the product names, left of the DataMatrix.
    pub const NAME_WIDTH: f64 = 35.5;
    /// DataMatrix square including its quiet zone, at the top right.
    pub const DM_SIZE: f64 = 11.0;
    pub const DM_TOP: f64 = 0.8;
    /// Advance of one monospace character, as a fraction of the font size.
    pub const MONO_ADVANCE: f64 = 0.6;
}
use layout::*;

/// Renders the label as a standalone SVG document (50 × 30 mm).
pub fn render_svg(label: &LabelData) -> Result<String, LabelError> {
    let p = label.prepare()?;
    let mut s = String::with_capacity(16 * 1024);
    let (w, h) = (LABEL_WIDTH_MM, LABEL_HEIGHT_MM);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#,
        esc(&format!(
            "{} {}",
            match (label.language, label.product_name_ja.as_deref()) {
                (LabelLanguage::Japanese, Some(ja)) if !ja.trim().is_empty() => ja,
                _ => label.product_name_en.as_str(),
            },
            label.din.eye_readable()
        ))
    );
    let _ = write!(
        s,
        r##"<rect x="0" y="0" width="{w}" height="{h}" rx="1" fill="#fff" stroke="#999" stroke-width="0.1"/>"##
    );
    let sans = r#"font-family="Noto Sans, DejaVu Sans, Arial, sans-serif""#;
    let ja =
        r#"font-family="Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Yu Gothic, sans-serif""#;
    let mono = r#"font-family="DejaVu Sans Mono, Consolas, monospace""#;
    for line in name_lines(label)? {
        if line.bold {
            text(
                &mut s, LEFT, line.y, line.size, sans, "bold", line.class, &line.text,
            );
        } else {
            let _ = write!(
                s,
                r#"<text x="{LEFT}" y="{}" font-size="{}" {ja} class="{}" lang="ja">{}</text>"#,
                num(line.y),
                num(line.size),
                line.class,
                esc(&line.text)
            );
        }
    }

    // DIN as printed: groups, flag turned 90°, check character in a box.
    let din = label.din.eye_readable();
    text(&mut s, LEFT, DIN_Y, DIN_SIZE, mono, "bold", "din", &din);
    let advance = DIN_SIZE * MONO_ADVANCE;
    let flag_x = LEFT + advance * din.chars().count() as f64 + 0.9;
    let _ = write!(
        s,
        r#"<text x="{flag_x:.2}" y="{:.2}" font-size="1.5" {mono} class="flag" transform="rotate(90 {flag_x:.2} {:.2})">{:02}</text>"#,
        DIN_Y - 2.2,
        DIN_Y - 2.2,
        label.din.flag()
    );
    let box_x = flag_x + 1.2;
    let _ = write!(
        s,
        r##"<rect class="check-box" x="{box_x:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="none" stroke="#000" stroke-width="0.2"/>"##,
        DIN_Y - DIN_SIZE * 0.85,
        advance + 0.8,
        DIN_SIZE * 1.05
    );
    text(
        &mut s,
        box_x + 0.4,
        DIN_Y,
        DIN_SIZE,
        mono,
        "bold",
        "check",
        &label.din.check_character().to_string(),
    );

    // Code 128: bars start after the quiet zone; nothing else is drawn in it.
    let x0 = CODE128_MODULE_MM * CODE128_QUIET_MODULES as f64;
    s.push_str(r##"<g class="code128" fill="#000">"##);
    for (start, width) in p.code128.bars() {
        let _ = write!(
            s,
            r#"<rect class="bar" x="{}" y="{BARS_TOP}" width="{}" height="{BARS_HEIGHT}"/>"#,
            num(x0 + start as f64 * CODE128_MODULE_MM),
            num(width as f64 * CODE128_MODULE_MM)
        );
    }
    s.push_str("</g>");

    // DataMatrix, top right, one row run per rectangle.
    let dm = &p.datamatrix;
    let m = DM_SIZE / (dm.width + 2 * DATAMATRIX_QUIET_MODULES) as f64;
    let (left, top) = (LABEL_WIDTH_MM - DM_SIZE - 0.8, DM_TOP);
    let q = DATAMATRIX_QUIET_MODULES as f64;
    let _ = write!(
        s,
        r##"<g class="datamatrix" data-modules="{}x{}"><rect x="{}" y="{}" width="{DM_SIZE}" height="{DM_SIZE}" fill="#fff"/><path fill="#000" d=""##,
        dm.width,
        dm.height,
        num(left),
        num(top)
    );
    for y in 0..dm.height {
        let row: Vec<bool> = (0..dm.width).map(|x| dm.is_dark(x, y)).collect();
        for (x, n) in runs(&row) {
            let _ = write!(
                s,
                "M{} {}h{}v{}h-{}z",
                num(left + (q + x as f64) * m),
                num(top + (q + y as f64) * m),
                num(n as f64 * m),
                num(m),
                num(n as f64 * m)
            );
        }
    }
    s.push_str(r#""/></g>"#);

    let lines = [
        format!("{}{}{}", label.product_code, label.gap(), p.lot_volume),
        label.storage_text(),
        format!("{}{}{}", p.expiry, label.gap(), p.vial),
    ];
    let lines_font = match label.language {
        LabelLanguage::Japanese => ja,
        LabelLanguage::English => sans,
    };
    for ((y, line), class) in LINES_Y.iter().zip(&lines).zip(["lot", "storage", "expiry"]) {
        text(
            &mut s, LEFT, *y, LINE_SIZE, lines_font, "normal", class, line,
        );
    }
    s.push_str("</svg>");
    Ok(s)
}

#[allow(clippy::too_many_arguments)]
fn text(
    s: &mut String,
    x: f64,
    y: f64,
    size: f64,
    family: &str,
    weight: &str,
    class: &str,
    t: &str,
) {
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" font-size="{}" {family} font-weight="{weight}" class="{class}">{}</text>"#,
        num(x),
        num(y),
        num(size),
        esc(t)
    );
}

/// A coordinate with at most three decimals, without trailing zeros.
fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Escapes text for SVG content and attribute values.
fn esc(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

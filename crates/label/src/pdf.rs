//! The label as a one-page PDF of 50 × 30 mm for a label printer, drawn with the same geometry as
//! the SVG on a `secretome-document` page and written through its one PDF/A-2b path: every font
//! embedded (Noto Sans JP), so the Japanese product name is printed as on the screen. The DIN's
//! flag characters are printed turned 90° clockwise after the DIN and the check character boxed,
//! as ST-001 shows the eye-readable DIN.

use crate::names::name_lines;
use crate::svg::layout::*;
use crate::symbols::{CODE128_QUIET_MODULES, DATAMATRIX_QUIET_MODULES, runs};
use crate::{CODE128_MODULE_MM, LABEL_HEIGHT_MM, LABEL_WIDTH_MM, LabelData, LabelError};
use secretome_document::{Item, Meta, Page, Weight, text_width};

/// The label drawn on a 50 × 30 mm page (what the PDF shows; tests read its items).
pub fn label_page(label: &LabelData) -> Result<Page, LabelError> {
    let p = label.prepare()?;
    let mut page = Page::new(LABEL_WIDTH_MM as f32, LABEL_HEIGHT_MM as f32);
    let f = |v: f64| v as f32;

    for line in name_lines(label)? {
        let w = if line.bold {
            Weight::Bold
        } else {
            Weight::Regular
        };
        page.text(f(LEFT), f(line.y), f(line.size), w, &line.text);
    }

    // DIN as printed: groups, flag characters turned 90° clockwise, check character boxed.
    let din = label.din.eye_readable();
    page.text(f(LEFT), f(DIN_Y), f(DIN_SIZE), Weight::Bold, &din);
    let din_w = f64::from(text_width(&din, Weight::Bold, f(DIN_SIZE))?);
    let flag_x = LEFT + din_w + 0.5;
    let flag_size = crate::MIN_TEXT_MM;
    page.items.push(Item::Text {
        x: f(flag_x),
        y: f(DIN_Y - DIN_SIZE * 0.75),
        size: f(flag_size),
        weight: Weight::Regular,
        text: format!("{:02}", label.din.flag()),
        rotate: 90.0,
    });
    let check = label.din.check_character().to_string();
    let check_w = f64::from(text_width(&check, Weight::Bold, f(DIN_SIZE))?);
    let box_x = flag_x + flag_size * 0.9 + 0.4;
    let (bw, bh) = (check_w + 0.8, DIN_SIZE * 1.05);
    page.frame(f(box_x), f(DIN_Y - DIN_SIZE * 0.85), f(bw), f(bh), 0.2);
    page.text(f(box_x + 0.4), f(DIN_Y), f(DIN_SIZE), Weight::Bold, &check);

    let x0 = CODE128_MODULE_MM * CODE128_QUIET_MODULES as f64;
    for (start, width) in p.code128.bars() {
        let x = x0 + start as f64 * CODE128_MODULE_MM;
        let w = width as f64 * CODE128_MODULE_MM;
        page.fill(f(x), f(BARS_TOP), f(w), f(BARS_HEIGHT));
    }

    let dm = &p.datamatrix;
    let m = DM_SIZE / (dm.width + 2 * DATAMATRIX_QUIET_MODULES) as f64;
    let q = DATAMATRIX_QUIET_MODULES as f64;
    let left = LABEL_WIDTH_MM - DM_SIZE - 0.8;
    for y in 0..dm.height {
        let row: Vec<bool> = (0..dm.width).map(|x| dm.is_dark(x, y)).collect();
        for (x, n) in runs(&row) {
            let (rx, ry) = (left + (q + x as f64) * m, DM_TOP + (q + y as f64) * m);
            page.fill(f(rx), f(ry), f(n as f64 * m), f(m));
        }
    }

    let lines = [
        format!("{}{}{}", label.product_code, label.gap(), p.lot_volume),
        label.storage_text(),
        format!("{}{}{}", p.expiry, label.gap(), p.vial),
    ];
    for (y, line) in LINES_Y.iter().zip(&lines) {
        page.text(f(LEFT), f(*y), f(LINE_SIZE), Weight::Regular, line);
    }
    Ok(page)
}

/// Renders the label as a PDF/A-2b document of one 50 × 30 mm page, made at `created`.
pub fn render_pdf(label: &LabelData, created: jiff::Timestamp) -> Result<Vec<u8>, LabelError> {
    let page = label_page(label)?;
    let meta = Meta {
        title: format!(
            "{} {} {}",
            label.product_name_ja.as_deref().unwrap_or(""),
            label.product_name_en,
            label.din.eye_readable()
        )
        .trim()
        .to_owned(),
        language: "ja".into(),
        author: None,
        created,
    };
    Ok(secretome_document::render(&[page], &meta)?)
}
